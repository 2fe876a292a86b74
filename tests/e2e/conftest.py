"""Run the real `turnout` command in a subprocess against a throwaway database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TURNOUT = Path(sys.executable).parent / "turnout"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


Cli = Callable[..., Result]


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    """`cli("config", "history", "--json", actor="ann")` runs turnout and returns its result."""
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
        proc = subprocess.run(
            [str(TURNOUT), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if check:
            assert result.code == 0, (
                f"turnout {' '.join(args)} exited {result.code}: {result.stderr}"
            )
        return result

    return run
