"""Fixtures of the hostile-input suite: the attacks, generated once per session, and a
`turnout` environment on the test's database (SQLite and PostgreSQL). What each attack must
give is in `support.hostile_runs`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.hostile_runs import turnout, write_attacks


@pytest.fixture(scope="session")
def attack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of every attack and the plain invoices."""
    return write_attacks(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def turnout_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a `turnout` command on the test's database, run by an admin."""
    env = {
        **os.environ,
        "TURNOUT_HOME": str(tmp_path / "home"),
        "TURNOUT_DATABASE_URL": db_url,
        "TURNOUT_ACTOR": "ann",
        "COLUMNS": "200",
    }
    done = turnout(env, "init")
    assert done.code == 0, done.stderr
    return env
