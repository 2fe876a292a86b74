"""The database: one engine for a URL, its migrations, and units of work on it.

    db = Database("sqlite:///.turnout/turnout.db")   # or postgresql://user@host:5432/turnout
    db.upgrade()                                     # create or migrate the schema (idempotent)
    with db.unit_of_work() as uow:
        uow.runs.add(run)
        uow.commit()

Nothing connects at import time, nor when a `Database` is built: the first connection is opened
by the first statement.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from turnout.domain.errors import StorageError
from turnout.persistence.migrations import HEAD_REVISION
from turnout.persistence.sqlite_writers import WriterLock
from turnout.persistence.unit_of_work import READ_ONLY_OPTION, SqlUnitOfWork

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 10_000
# pg_advisory_xact_lock key serialising concurrent `turnout init` / upgrades.
MIGRATION_LOCK_KEY = 0x7475726E_0001  # "turn" + 1


def normalize_url(url: str) -> URL:
    """Parse a database URL; plain `postgresql://` and `postgres://` use the psycopg 3 driver."""
    text_url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if text_url.startswith(prefix):
            text_url = "postgresql+psycopg://" + text_url.removeprefix(prefix)
    try:
        parsed = make_url(text_url)
    except ArgumentError as exc:
        raise StorageError(
            f"`{url}` is not a database URL: {exc}; write it as sqlite:///path/turnout.db or "
            "postgresql://user@host:5432/dbname"
        ) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(
            f"database `{parsed.get_backend_name()}` is not supported; use SQLite "
            "(sqlite:///path/turnout.db) or PostgreSQL (postgresql://user@host:5432/dbname)"
        )
    return parsed


class Database:
    """A SQLite or PostgreSQL database holding Turnout's configurations, audit trail and runs."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.dialect = self.url.get_backend_name()
        self.engine: Engine = (
            _sqlite_engine(self.url) if self.dialect == "sqlite" else _postgresql_engine(self.url)
        )

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    def unit_of_work(self) -> SqlUnitOfWork:
        """A new unit of work (one transaction per `with` block)."""
        return SqlUnitOfWork(self.engine)

    def reader(self) -> SqlUnitOfWork:
        """A unit of work for reading only: on SQLite it does not take the write lock."""
        return SqlUnitOfWork(self.engine, read_only=True)

    def upgrade(self) -> str:
        """Create the schema or migrate it to the newest revision; a no-op when already there.

        Returns the revision the database is at afterwards.
        """
        # Alembic is imported here: the other commands only read the revision (one query)
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        config = self._alembic_config()
        with self._connection() as conn:
            sqlite = self.dialect == "sqlite"
            if sqlite:
                # Rebuilding a table (SQLite's way of altering a column) drops the old one, which
                # foreign keys would refuse; enforcement is off for the migration only (it cannot
                # change inside a transaction) and every reference is checked before committing.
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with conn.begin():
                    if not sqlite:
                        conn.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                        )
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                    revision = MigrationContext.configure(conn).get_current_revision()
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise StorageError(
                                f"the migration left {len(broken)} broken reference(s) (first: "
                                f"{tuple(broken[0])}); nothing was changed. Restore the database "
                                "from a backup or report the problem"
                            )
            finally:
                if sqlite:
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
        return revision or ""

    def current_revision(self) -> str | None:
        """The schema revision of the database, or None when it was never initialised."""
        with self._connection() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def head_revision(self) -> str:
        """The newest revision this version of Turnout knows."""
        return HEAD_REVISION

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        try:
            conn = self.engine.connect()
        except OperationalError as exc:
            raise StorageError(
                f"cannot open the database {self.display_url}: {exc.orig}; check "
                "TURNOUT_DATABASE_URL (or TURNOUT_HOME for SQLite) and that the server is running"
            ) from exc
        with conn:
            yield conn

    def _alembic_config(self) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("path_separator", "os")
        return config


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    on_disk = bool(database) and database != ":memory:" and not database.startswith("file:")
    if on_disk:
        # owner-only: the folder holds the database (invoices, users, token hashes)
        Path(database).expanduser().parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    writers = _writer_lock(database)

    if on_disk:

        @event.listens_for(engine, "do_connect")
        def _create_owner_only(*_: Any) -> None:
            _create_private_file(Path(database).expanduser())

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control away from pysqlite (which would BEGIN DEFERRED lazily) so
        # the "begin" hook below decides how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against crashes in WAL mode and saves an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front: a transaction that reads and then writes can
        # no longer fail with "database is locked" halfway, and it serialises lifecycle changes.
        # A read-only unit of work begins DEFERRED: in WAL mode it never waits for writers.
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        if not read_only and writers is not None and "writer" not in conn.info:
            conn.info["writer"] = writers.acquire()  # writers queue (sqlite_writers.py)
        # Straight to the driver (every unit of work begins here: SQLAlchemy's statement
        # machinery cost as much as the BEGIN itself); its error is wrapped as SQLAlchemy would.
        statement = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        try:
            conn.connection.driver_connection.execute(statement)  # type: ignore[union-attr]
        except sqlite3.Error as exc:
            raise DBAPIError.instance(statement, None, exc, sqlite3.Error) from exc

    if writers is not None:

        @event.listens_for(engine.pool, "checkin")
        @event.listens_for(engine.pool, "invalidate")
        def _release(_dbapi: Any, record: Any, *_: Any) -> None:
            if record is not None and record.info.pop("writer", False):
                writers.release()

    return engine


def _create_private_file(path: Path) -> None:
    """Create the database file readable and writable by its owner only, before SQLite would
    create it world-readable (umask 022); SQLite gives its -wal and -shm files the same mode."""
    if path.exists():
        return
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))


def _writer_lock(database: str) -> WriterLock | None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return WriterLock(Path(database).expanduser(), SQLITE_BUSY_TIMEOUT_MS / 1000)


def _postgresql_engine(url: URL) -> Engine:
    # Five connections are kept; beyond them a connection is opened when a thread needs one and
    # closed when it is returned, so a worker with `--concurrency` up to 64 never queues for the
    # pool while an idle process holds only what it used last.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=80)


_shared: dict[str, Database] = {}
_shared_lock = threading.Lock()


def shared_database(url: str) -> Database:
    """One `Database` per URL in this process, for the lookups a module worker process rebuilds
    from a URL (an engine cannot be pickled): its pool is shared by every one of them."""
    with _shared_lock:
        database = _shared.get(url)
        if database is None:
            database = _shared[url] = Database(url)
        return database


_T = TypeVar("_T")


def retrying_once(call: Callable[[], _T]) -> _T:
    """Run a read-only `call`; when the connection under it was lost (the server restarted or
    dropped it), run it once more on a fresh connection. For lookups modules make mid-run, so
    that a dropped connection does not fail the stage."""
    try:
        return call()
    except (DBAPIError, StorageError) as exc:
        lost = isinstance(exc, StorageError) or exc.connection_invalidated
        lost = lost or isinstance(exc, OperationalError)
        if not lost:
            raise
        return call()
