"""The SQLite database (with its -wal and -shm files and the writers' lock beside it) and
TURNOUT_HOME are created readable by their owner only, whatever the umask lets through."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

TURNOUT = Path(sys.executable).parent / "turnout"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_creates_home_and_database_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "TURNOUT_HOME": str(home), "TURNOUT_ACTOR": "ann"}
    env.pop("TURNOUT_DATABASE_URL", None)
    old = os.umask(0o022)  # the usual umask, which leaves new files world-readable
    try:
        for args in (["init"], ["runs"], ["process", str(_invoice(tmp_path))]):
            done = subprocess.run(
                [str(TURNOUT), *args], env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stderr
    finally:
        os.umask(old)
    assert _mode(home) == 0o700
    files = sorted(p.name for p in home.iterdir() if p.name.startswith("turnout.db"))
    assert "turnout.db" in files and "turnout.db.writers" in files, files
    for name in files:
        assert _mode(home / name) == 0o600, f"{name}: {oct(_mode(home / name))}"


def test_a_database_elsewhere_gets_an_owner_only_folder_and_file(tmp_path: Path) -> None:
    from turnout.persistence import Database

    path = tmp_path / "deeper" / "data" / "turnout.db"
    old = os.umask(0o022)
    try:
        db = Database(f"sqlite:///{path}")
        try:
            db.upgrade()
            with db.unit_of_work() as uow:  # a write: the -wal and -shm files exist now
                uow.commit()
            created = list(path.parent.iterdir())
            assert {p.name for p in created} >= {"turnout.db", "turnout.db-wal", "turnout.db-shm"}
            assert all(_mode(p) == 0o600 for p in created), {p.name: oct(_mode(p)) for p in created}
        finally:
            db.dispose()
    finally:
        os.umask(old)
    assert _mode(path.parent) == 0o700


def _invoice(tmp_path: Path) -> Path:
    from turnout.bootstrap import bundled_examples

    source = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml")
    target = tmp_path / source.name
    target.write_bytes(source.read_bytes())
    return target
