"""Shared fixtures: a migrated, empty database on SQLite and on PostgreSQL.

- `db_url`: the URL of a migrated, empty database (for CLI tests in a subprocess).
- `db`: a `turnout.persistence.Database` on that URL.
- `empty_db_url`: the URL of a database that was never migrated (`pg_empty_url`: PostgreSQL only).

Each is parametrized over `sqlite` and `postgresql`. PostgreSQL is the server at
127.0.0.1:5432 (user postgres, trust auth) or `TURNOUT_TEST_PG_URL`. Each test session (each xdist
worker) creates its own throwaway database, migrates it once, empties it before every test and
drops it at the end. Without a reachable server the PostgreSQL cases are skipped, except under
`CI=true`, where they fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from turnout.persistence import Database
from turnout.persistence.tables import metadata

# Tests start real `turnout` processes (those about the process itself, the README's blocks, the
# servers; the other commands run in the test's process, see tests/support/in_process.py). A shell
# that sets PYTHONDONTWRITEBYTECODE (some CI images and containers do) makes every one of them
# compile each module it imports, about a second of CPU a process: they cache their bytecode, as
# on an installation.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "real_process: the `cli` fixture runs the real `turnout` console script in a subprocess "
        "(the test is about the process: workers, signals, leases, servers, start-up)",
    )


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@dataclass
class PostgresServer:
    """The test server: an admin connection and the per-session, migrated database."""

    admin: psycopg.Connection[tuple[object, ...]]
    server_url: str
    session_db: str
    _cleaner: psycopg.Connection[tuple[object, ...]] | None = None

    def url(self, database: str) -> str:
        """A plain `postgresql://` URL of `database` on this server."""
        base, _, _ = self.server_url.partition("?")
        return base.rsplit("/", 1)[0] + "/" + database

    def create_database(self, prefix: str = "turnout_test") -> str:
        name = f"{prefix}_{secrets.token_hex(6)}"
        self.admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        self.admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def empty_session_db(self) -> None:
        """Remove every row, so each test starts from the freshly migrated state.

        DELETE with triggers switched off (session_replication_role, superuser only) takes a
        millisecond where TRUNCATE takes ~80; TRUNCATE is the fallback for other users.
        """
        if self._cleaner is None:
            self._cleaner = psycopg.connect(self.url(self.session_db), autocommit=True)
            # Fail instead of hanging when a previous test left a transaction open.
            self._cleaner.execute("SET lock_timeout = '5s'")
        tables = [sql.Identifier(t.name) for t in reversed(metadata.sorted_tables)]
        try:
            with self._cleaner.transaction():
                self._cleaner.execute("SET LOCAL session_replication_role = replica")
                for table in tables:
                    self._cleaner.execute(sql.SQL("DELETE FROM {}").format(table))
                sequences = self._cleaner.execute(
                    "SELECT schemaname, sequencename FROM pg_sequences"
                ).fetchall()
                for schema, sequence in sequences:
                    self._cleaner.execute(
                        sql.SQL("ALTER SEQUENCE {} RESTART").format(
                            sql.Identifier(str(schema), str(sequence))
                        )
                    )
        except psycopg.errors.InsufficientPrivilege:
            names = sql.SQL(", ").join(tables)
            self._cleaner.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))

    def close(self) -> None:
        if self._cleaner is not None:
            self._cleaner.close()
        self.drop_database(self.session_db)
        self.admin.close()


def _server_url() -> str:
    url = os.environ.get("TURNOUT_TEST_PG_URL", DEFAULT_PG_URL)
    return url.replace("postgresql+psycopg://", "postgresql://", 1).replace(
        "postgres://", "postgresql://", 1
    )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """This session's PostgreSQL server with a migrated database of its own."""
    url = _server_url()
    try:
        admin = psycopg.connect(url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        where = urlsplit(url)
        reason = (
            f"PostgreSQL not reachable at {where.hostname}:{where.port or 5432}: set "
            f"TURNOUT_TEST_PG_URL or start it ({str(exc).strip()})"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires PostgreSQL: {reason}")
        pytest.skip(reason)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    server = PostgresServer(admin, url, session_db="")
    server.session_db = server.create_database(f"turnout_test_{worker}")
    try:
        database = Database(server.url(server.session_db))
        database.upgrade()
        database.dispose()
        yield server
    finally:
        server.close()


def _sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'turnout.db'}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session; each test gets a copy (a copy is ~30x faster)."""
    directory = tmp_path_factory.mktemp("sqlite-template")
    database = Database(_sqlite_url(directory))
    database.upgrade()
    database.dispose()  # the last connection to close checkpoints the WAL into the file
    path = directory / "turnout.db"
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a migrated, empty database (plain `postgresql://` form on PostgreSQL)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "turnout.db")
        return _sqlite_url(tmp_path)
    server: PostgresServer = request.getfixturevalue("pg_server")
    server.empty_session_db()
    return server.url(server.session_db)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated, empty `Database`, on SQLite and on PostgreSQL."""
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def pg_empty_url(pg_server: PostgresServer) -> Iterator[str]:
    """The plain `postgresql://` URL of a new PostgreSQL database that was never migrated."""
    name = pg_server.create_database("turnout_test_fresh")
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database that was never migrated, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return _sqlite_url(tmp_path / "fresh")
    url: str = request.getfixturevalue("pg_empty_url")
    return url
