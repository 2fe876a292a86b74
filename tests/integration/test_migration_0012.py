"""Migration 0012 (guards, trials, four eyes, archived drafts, settings) on a database holding
configuration versions and runs, both ways; a version stays immutable across it."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from turnout.persistence import Database
from turnout.persistence.tables import module_configurations, runs

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def _to(db: Database, revision: str, *, down: bool = False) -> None:
    """Migrate to `revision`; on SQLite with foreign keys off, as `Database.upgrade` does (a
    rebuilt table is dropped and made again)."""
    config = db._alembic_config()
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        with conn.begin():
            config.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(config, revision)
        if db.dialect == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _version(version: int, status: str) -> dict[str, object]:
    return {
        "config_id": f"c{version}",
        "version": version,
        "status": status,
        "created_by": "ann",
        "created_at": NOW,
        "summary": f"v{version}",
    }


def test_migration_0012_keeps_versions_immutable_and_comes_undone(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        _to(db, "0011")
        with db.engine.begin() as conn:
            conn.execute(insert(module_configurations).values(**_version(1, "active")))
            conn.execute(insert(module_configurations).values(**_version(2, "draft")))
            conn.execute(
                insert(runs).values(
                    run_id="before",
                    file_name="f.pdf",
                    status="completed",
                    created_at=NOW,
                    origin="local",
                    config_id="c1",
                    config_version=1,
                )
            )
        assert db.upgrade() == db.head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert {"guards", "trials", "configuration_approvals", "installation_settings"} <= tables
        with db.unit_of_work() as uow:
            kept = uow.configurations.get(1)
            run = uow.runs.get("before")
        assert kept is not None and kept.guard is None and kept.status == "active"
        assert run is not None and run.rerun_of is None

        # archived is a status now; the rebuilt table still holds one active version at most,
        # and refuses any change but status and activated_at, `guard` included
        with db.engine.begin() as conn:
            conn.execute(
                update(module_configurations)
                .where(module_configurations.c.version == 2)
                .values(status="archived")
            )
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(
                update(module_configurations)
                .where(module_configurations.c.version == 2)
                .values(status="active")
            )
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(
                update(module_configurations)
                .where(module_configurations.c.version == 1)
                .values(guard={"runs": 5})
            )
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(module_configurations.delete().where(module_configurations.c.version == 2))
        # a run is re-run at most once
        with db.engine.begin() as conn:
            for run_id in ("again-1", "again-2"):
                values = {"run_id": run_id, "file_name": "f.pdf", "status": "queued"}
                if run_id == "again-2":
                    with pytest.raises(IntegrityError), conn.begin_nested():
                        conn.execute(
                            insert(runs).values(
                                **values, created_at=NOW, origin="queue", rerun_of="before"
                            )
                        )
                else:
                    conn.execute(
                        insert(runs).values(
                            **values, created_at=NOW, origin="queue", rerun_of="before"
                        )
                    )

        # down again: the new tables and columns go; the archived draft becomes rejected (the
        # older schema knows no `archived`), and versions stay immutable
        _to(db, "0011", down=True)
        tables = set(inspect(db.engine).get_table_names())
        assert not {"guards", "trials", "configuration_approvals"} & tables
        assert "rerun_of" not in {c["name"] for c in inspect(db.engine).get_columns("runs")}
        with db.engine.connect() as conn:
            statuses = dict(
                conn.execute(
                    select(module_configurations.c.version, module_configurations.c.status)
                ).all()
            )
        assert statuses == {1: "active", 2: "rejected"}
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(
                update(module_configurations)
                .where(module_configurations.c.version == 1)
                .values(summary="changed")
            )
        assert db.upgrade() == db.head_revision()
    finally:
        db.dispose()
