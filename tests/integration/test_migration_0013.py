"""Migration 0013 (when a pending activation was requested, stored with the version) on a
database holding a pending activation, both ways; a version stays immutable across it."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from turnout.persistence import Database
from turnout.persistence.tables import configuration_change_events, module_configurations

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
C = module_configurations.c


def _to(db: Database, revision: str, *, down: bool = False) -> None:
    """Migrate to `revision`; on SQLite with foreign keys off, as `Database.upgrade` does."""
    config = db._alembic_config()
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        with conn.begin():
            config.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(config, revision)
        if db.dialect == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _event(
    config_id: str, version: int, result: str, at: dt.datetime, action: str = "activate"
) -> dict[str, object]:
    return {
        "config_id": config_id,
        "config_version": version,
        "action": action,
        "actor": "ann",
        "result": result,
        "message": result,
        "created_at": at,
    }


def _columns(db: Database) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("module_configurations")}


def test_migration_0013_stores_when_the_pending_activation_was_requested_and_comes_undone(
    empty_db_url: str,
) -> None:
    db = Database(empty_db_url)
    try:
        _to(db, "0012")
        requested = NOW + dt.timedelta(minutes=5)
        with db.engine.begin() as conn:
            for version, status in ((1, "active"), (2, "pending")):
                conn.execute(
                    insert(module_configurations).values(
                        config_id=f"c{version}",
                        version=version,
                        status=status,
                        created_by="ann",
                        created_at=NOW,
                        summary=f"v{version}",
                    )
                )
            conn.execute(insert(configuration_change_events).values(_event("c1", 1, "ok", NOW)))
            # an older request, cancelled, then the one pending now, then a busy audit trail
            conn.execute(
                insert(configuration_change_events).values(_event("c2", 2, "pending", NOW))
            )
            conn.execute(
                insert(configuration_change_events).values(_event("c2", 2, "pending", requested))
            )
            for n in range(25):
                later = requested + dt.timedelta(seconds=n + 1)
                conn.execute(
                    insert(configuration_change_events).values(_event("c2", 2, "ok", later))
                )
            # a four-eyes request is `pending` too, but it is not the activation's request
            asked = requested + dt.timedelta(minutes=1)
            conn.execute(
                insert(configuration_change_events).values(
                    _event("c2", 2, "pending", asked, action="request")
                )
            )

        _to(db, "0013")
        assert "activation_requested_at" in _columns(db)
        with db.unit_of_work() as uow:
            active, pending = uow.configurations.get(1), uow.configurations.get(2)
        assert active is not None and active.activation_requested_at is None
        assert pending is not None and pending.activation_requested_at == requested

        # mutable like the status; the rest of a version is not
        with db.engine.begin() as conn:
            conn.execute(
                update(module_configurations)
                .where(C.version == 1)
                .values(activation_requested_at=NOW)
            )
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(update(module_configurations).where(C.version == 1).values(summary="x"))

        _to(db, "0012", down=True)
        assert "activation_requested_at" not in _columns(db)
        with db.engine.connect() as conn:
            statuses = dict(conn.execute(select(C.version, C.status)).all())
        assert statuses == {1: "active", 2: "pending"}
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(update(module_configurations).where(C.version == 2).values(summary="x"))
        assert db.upgrade() == db.head_revision()
    finally:
        db.dispose()
