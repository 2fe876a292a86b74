"""Changing the audit trail behind Turnout's back, as someone holding the owner's rights would:
lift the append-only trigger, run raw SQL, put the trigger back."""

from __future__ import annotations

from sqlalchemy import text

from turnout.persistence import Database

TABLE = "configuration_change_events"
SQLITE_NO_UPDATE = (
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, "
    f"'{TABLE} is append-only: audit events are never changed; record a new event instead'); END"
)


def tamper(url: str, statement: str) -> None:
    """Run `statement` on the audit table with its UPDATE trigger lifted (committed)."""
    db = Database(url)
    try:
        with db.engine.begin() as conn:
            if db.dialect == "postgresql":
                conn.execute(text(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only"))
                conn.execute(text(statement))
                conn.execute(text(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TABLE}_append_only"))
            else:
                conn.execute(text(f"DROP TRIGGER {TABLE}_no_update"))
                conn.execute(text(statement))
                conn.execute(text(SQLITE_NO_UPDATE))
    finally:
        db.dispose()
