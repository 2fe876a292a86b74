"""A command that reads state, run where there is no Turnout database yet (SQLite), says so in one
line and exits 2 (a refused request), creating nothing: no `./.turnout` in the folder it was run from, no
TURNOUT_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.in_process import run_turnout

TURNOUT = Path(sys.executable).parent / "turnout"

READING = [
    ["runs"],
    ["runs", "show", "abcd"],
    ["stats"],
    ["events"],
    ["events", "verify"],
    ["config", "history"],
    ["config", "show", "active"],
    ["config", "export", "active"],
    ["config", "diff", "1", "2"],
    ["review", "list"],
    ["users", "list"],
    ["tokens", "list"],
    ["vendors", "list"],
    ["profiles", "list"],
    ["settings"],
    ["stages"],
    ["modules"],
    ["contracts"],
]


def _turnout(
    args: list[str], cwd: Path, home: Path | None, real: bool = False
) -> subprocess.CompletedProcess[str]:
    """`turnout ARGS` in this process, or as the real console script (`real`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
    env["COLUMNS"] = "200"
    if home is not None:
        env["TURNOUT_HOME"] = str(home)
    if not real:
        return subprocess.CompletedProcess(args, *run_turnout(args, env, cwd))
    return subprocess.run(
        [str(TURNOUT), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("args", READING, ids=" ".join)
def test_reading_command_refuses_without_a_database_and_creates_nothing(
    tmp_path: Path, args: list[str]
) -> None:
    done = _turnout(args, cwd=tmp_path, home=None)
    assert done.returncode == 2, done.stderr  # a refused request, not an internal error
    expected = f"no Turnout database at {tmp_path.resolve() / '.turnout' / 'turnout.db'}; run "
    assert expected in " ".join(done.stderr.split()), done.stderr
    assert "turnout init" in done.stderr and "TURNOUT_HOME" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_home_that_does_not_exist_is_not_made(tmp_path: Path) -> None:
    home = tmp_path / "elsewhere"
    done = _turnout(["runs", "--json"], cwd=tmp_path, home=home, real=True)
    assert done.returncode == 2, done.stderr  # a refused request, not an internal error
    assert f"no Turnout database at {home / 'turnout.db'}" in " ".join(done.stderr.split())
    assert not home.exists()
    assert list(tmp_path.iterdir()) == []
