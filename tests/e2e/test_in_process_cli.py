"""The `cli` fixture's run in the test's process gives what the console script's own process
gives, byte for byte: exit code, stdout and stderr, for tables at 80 and 200 columns, JSON, help,
a usage error and a refused request; and it leaves the test's process as it found it."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from support.in_process import run_turnout, run_turnout_process
from turnout.cli import common

COMMANDS = [
    ("--help",),
    ("users", "list"),
    ("users", "list", "--json"),
    ("modules",),
    ("config", "show", "active"),
    ("config", "history"),
    ("stats",),
    ("runs", "show", "abcdef"),  # no such run: refused, exit 2
    ("config", "nonsense"),  # usage error
    ("review", "list", "--min", "600", "--max", "500"),
    ("users", "add", "rita", "--role", "nobody", "--json"),
]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the same on either database
def test_a_command_in_this_process_gives_what_its_own_process_gives(  # type: ignore[no-untyped-def]
    cli, real_cli, db_url: str
) -> None:
    cli("init", actor="ann", check=True)
    for args in COMMANDS:
        assert cli(*args, actor="ann") == real_cli(*args, actor="ann"), args


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("columns", ["80", "120"])
def test_each_call_takes_its_columns_as_a_process_does(  # type: ignore[no-untyped-def]
    cli, db_url: str, tmp_path: Path, columns: str
) -> None:
    cli("init", actor="ann", check=True)
    env = {
        **os.environ,
        "TURNOUT_HOME": str(tmp_path / "home"),
        "TURNOUT_DATABASE_URL": db_url,
        "TURNOUT_ACTOR": "ann",
        "COLUMNS": columns,
    }
    for args in (("modules",), ("config", "show", "active"), ("settings",)):
        assert run_turnout(args, env, tmp_path) == run_turnout_process(args, env, tmp_path)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_call_leaves_this_process_as_it_found_it(cli, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def state() -> dict[str, Any]:
        return {
            "environ": dict(os.environ),
            "cwd": Path.cwd(),
            "consoles": [dict(vars(common.console)), dict(vars(common.err_console))],
            "root": (logging.getLogger().level, logging.getLogger().handlers[:]),
            "noisy": logging.getLogger("invoice2data").level,
        }

    before = state()
    cli("init", actor="ann", check=True)
    assert cli("process", str(tmp_path / "nowhere.pdf")).code == 2
    assert state() == before
    assert common._app is None  # the application it wired is closed and forgotten
