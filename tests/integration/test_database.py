"""`Database`: URLs, migrations and connection settings on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError

from turnout.domain.errors import StorageError
from turnout.domain.users import Role
from turnout.persistence import Database, normalize_url
from turnout.persistence.tables import metadata


def test_upgrade_creates_the_schema_of_a_never_migrated_database(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        assert db.current_revision() is None
        assert db.upgrade() == db.head_revision()
        assert db.current_revision() == db.head_revision()
        assert {t.name for t in metadata.sorted_tables} <= set(inspect(db.engine).get_table_names())
    finally:
        db.dispose()


def test_a_second_upgrade_is_a_no_op(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.users.add_role("alice", Role.ADMIN)
        uow.commit()
    assert db.upgrade() == db.head_revision()
    with db.unit_of_work() as uow:
        assert uow.users.get("alice") is not None


def _ours(name: str | None, type_: str, parent_names: object) -> bool:
    """Everything but the worker queue's tables, which Procrastinate owns (`turnout init`)."""
    return not (name or "").startswith("procrastinate")


def test_the_migrated_schema_matches_the_table_definitions(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _ours}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_plain_postgresql_urls_use_the_psycopg_3_driver() -> None:
    for url in ("postgresql://postgres@127.0.0.1:5432/x", "postgres://postgres@127.0.0.1:5432/x"):
        assert normalize_url(url).drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///t.db").drivername == "sqlite"


@pytest.mark.postgres
def test_a_plain_postgresql_url_reaches_the_server(pg_empty_url: str) -> None:
    assert pg_empty_url.startswith("postgresql://")
    for url in (pg_empty_url, pg_empty_url.replace("postgresql://", "postgres://", 1)):
        db = Database(url)
        try:
            db.upgrade()
            with db.unit_of_work() as uow:
                assert uow.configurations.next_version() == 1
        finally:
            db.dispose()


def test_an_unsupported_database_is_refused_with_the_fix() -> None:
    with pytest.raises(StorageError, match="use SQLite"):
        Database("mysql://root@localhost/turnout")


def test_an_unreachable_postgresql_server_raises_storage_error() -> None:
    db = Database("postgresql://postgres@127.0.0.1:1/turnout?connect_timeout=2")
    try:
        with pytest.raises(StorageError, match="TURNOUT_DATABASE_URL"):
            db.current_revision()
        with pytest.raises(StorageError, match="server is running"), db.unit_of_work():
            pass
    finally:
        db.dispose()


def test_sqlite_creates_the_parent_directory_and_connects_lazily(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "turnout.db"
    db = Database(f"sqlite:///{path}")
    try:
        assert path.parent.is_dir()
        assert not path.exists()
        db.upgrade()
        assert path.exists()
    finally:
        db.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'turnout.db'}")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 1000
    finally:
        db.dispose()


def test_sqlite_transactions_begin_immediate(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'turnout.db'}")
    db.upgrade()
    try:
        with db.unit_of_work(), db.engine.connect() as other:
            # The open unit of work holds the write lock, so another writer cannot begin.
            other.connection.dbapi_connection.execute("PRAGMA busy_timeout=50")  # type: ignore[union-attr]
            with pytest.raises(OperationalError, match="locked"):
                other.execute(text("SELECT 1"))
    finally:
        db.dispose()


def test_a_malformed_url_is_refused_with_the_expected_form() -> None:
    with pytest.raises(StorageError, match="postgresql://user@host:5432/dbname"):
        Database("not a url")


def test_the_rate_charts_window_is_read_through_the_attempt_time_index(tmp_path: Path) -> None:
    import datetime as dt

    from turnout.persistence.repositories.runs import _period_counts

    db = Database(f"sqlite:///{tmp_path / 't.db'}")
    try:
        db.upgrade()
        now = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
        query = _period_counts([now - dt.timedelta(hours=h) for h in (24, 12, 0)])
        with db.engine.connect() as conn:
            compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").fetchall()
        assert any("ix_stage_attempts_started_at" in str(row) for row in plan), plan
    finally:
        db.dispose()


def test_each_duplicate_check_seeks_its_own_index(tmp_path: Path) -> None:
    from turnout.persistence.history import _statement

    db = Database(f"sqlite:///{tmp_path / 't.db'}")
    try:
        db.upgrade()
        statement = _statement(("file_hash", "seller_number", "seller_date_amount"))
        with db.engine.connect() as conn:
            compiled = statement.compile(conn)
            values = {"payable": "1.00", "issue_date": "2026-01-01"}
            positional = tuple(values.get(name, "x") for name in compiled.positiontup or ())
            plan = str(conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", positional).all())
        for index in (
            "ix_runs_source_sha256",
            "ix_runs_seller_number",
            "ix_runs_seller_date_amount",
        ):
            assert f"USING INDEX {index}" in plan, plan
    finally:
        db.dispose()
