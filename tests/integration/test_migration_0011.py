"""Migration 0011 (review and issuer profiles) on a database holding runs and users, both ways."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import insert, inspect, select

from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.persistence.tables import runs, user_roles, users

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def _to(db: Database, revision: str, *, down: bool = False) -> None:
    config = db._alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def test_migration_0011_keeps_existing_runs_and_users_and_comes_undone(
    empty_db_url: str,
) -> None:
    db = Database(empty_db_url)
    try:
        _to(db, "0010")
        with db.engine.begin() as conn:
            conn.execute(
                insert(runs).values(
                    run_id="before",
                    file_name="f.pdf",
                    status="needs_review",
                    created_at=NOW,
                    origin="local",
                )
            )
            conn.execute(insert(users).values(name="ann", created_at=NOW))
            conn.execute(insert(user_roles).values(name="ann", role="admin"))
        assert db.upgrade() == db.head_revision()
        with db.unit_of_work() as uow:
            run = uow.runs.get("before")
            uow.users.add_role("ann", Role.REVIEWER)
            uow.commit()
        assert run is not None
        assert (run.review_revision, run.machine_invoice, run.final_decision) == (0, None, None)
        tables = set(inspect(db.engine).get_table_names())
        assert {"review_records", "issuer_profiles", "issuer_profile_versions"} <= tables

        # down again: the review columns and tables go, and so do reviewer grants (the older
        # schema's CHECK constraint does not know the role); the run and the admin stay
        _to(db, "0010", down=True)
        columns = {c["name"] for c in inspect(db.engine).get_columns("runs")}
        assert not {"review_revision", "machine_invoice", "final_decision"} & columns
        assert "review_records" not in set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            roles = conn.execute(select(user_roles.c.role)).scalars().all()
            kept = conn.execute(select(runs.c.run_id)).scalars().all()
        assert roles == ["admin"] and kept == ["before"]
        assert db.upgrade() == db.head_revision()
    finally:
        db.dispose()
