"""The schema revision read without Alembic: commands compare the database with HEAD_REVISION
(one query), so that opening the database does not import Alembic and read every migration."""

from __future__ import annotations

import subprocess
import sys

from alembic.config import Config
from alembic.script import ScriptDirectory

from turnout.persistence import Database
from turnout.persistence.database import MIGRATIONS
from turnout.persistence.migrations import HEAD_REVISION


def test_head_revision_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    heads = ScriptDirectory.from_config(config).get_heads()
    assert heads == [HEAD_REVISION], (
        "a new migration: raise HEAD_REVISION in persistence/migrations"
    )


def test_the_revision_of_a_new_and_of_a_migrated_database(empty_db_url: str) -> None:
    database = Database(empty_db_url)
    try:
        assert database.current_revision() is None
        assert database.upgrade() == HEAD_REVISION
        assert database.current_revision() == database.head_revision() == HEAD_REVISION
    finally:
        database.dispose()


def test_reading_the_revision_imports_no_alembic(db_url: str) -> None:
    code = (
        "import sys\n"
        "from turnout.persistence import Database\n"
        f"db = Database({db_url!r})\n"
        "assert db.current_revision() == db.head_revision(), db.current_revision()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
