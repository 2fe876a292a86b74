"""Run `turnout` commands against a throwaway database.

`cli` runs each command in the test's process (`support.in_process`: the console script's `main`,
with the environment, directory, streams, consoles and logging its own process would have, and
the application it wired closed after), which spares the ~0.85 s of imports a process costs.
A test (or a module, with `pytestmark`) marked `real_process` gets the real console script in a
subprocess from `cli` instead, as `real_cli` always does: for what is about the process itself
(workers, --concurrency, signals, leases of a dead process, servers, start-up), and as the smoke
test of each command family that keeps the console script itself tested.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support.in_process import run_turnout, run_turnout_process


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


Cli = Callable[..., Result]


def _runner(db_url: str, tmp_path: Path, in_process: bool) -> Cli:
    home = tmp_path / "home"

    def run(*args: str, actor: str | None = None, check: bool | None = None) -> Result:
        env = {
            **os.environ,
            "TURNOUT_HOME": str(home),
            "TURNOUT_DATABASE_URL": db_url,
            "COLUMNS": "200",
        }
        env.pop("TURNOUT_ACTOR", None)
        if actor:
            env["TURNOUT_ACTOR"] = actor
        run_command = run_turnout if in_process else run_turnout_process
        result = Result(*run_command(args, env, tmp_path))
        if check:
            assert result.code == 0, (
                f"turnout {' '.join(args)} exited {result.code}: {result.stderr}"
            )
        return result

    return run


@pytest.fixture
def cli(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Cli:
    """`cli("config", "history", "--json", actor="ann")` runs turnout and returns its result: in
    this process, or as a real process under the `real_process` marker."""
    real = request.node.get_closest_marker("real_process") is not None
    return _runner(db_url, tmp_path, in_process=not real)


@pytest.fixture
def real_cli(db_url: str, tmp_path: Path) -> Cli:
    """As `cli`, always running the real `turnout` console script in a subprocess."""
    return _runner(db_url, tmp_path, in_process=False)
