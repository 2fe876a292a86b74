"""Lookups that modules make mid-run survive a connection the server dropped (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from conftest import PostgresServer
from turnout.persistence import Database
from turnout.persistence.database import retrying_once

pytestmark = pytest.mark.postgres


def _terminate_soon(url: str, after_s: float) -> threading.Thread:
    def kill() -> None:
        time.sleep(after_s)
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND query LIKE 'SELECT pg_sleep%%'"
            )

    thread = threading.Thread(target=kill)
    thread.start()
    return thread


def test_a_lookup_whose_connection_is_dropped_runs_again_on_a_new_one(
    pg_server: PostgresServer,
) -> None:
    url = pg_server.url(pg_server.session_db)
    database = Database(url)
    calls = 0

    def slow_lookup() -> int:
        nonlocal calls
        calls += 1
        with database.reader() as uow:
            return int(uow.connection.execute(text("SELECT pg_sleep(0.6), 7")).one()[1])

    killer = _terminate_soon(url, 0.2)
    try:
        assert retrying_once(slow_lookup) == 7
    finally:
        killer.join()
        database.dispose()
    assert calls == 2  # the first one lost its connection


def test_other_errors_are_not_retried(pg_server: PostgresServer) -> None:
    database = Database(pg_server.url(pg_server.session_db))
    calls = 0

    def broken() -> None:
        nonlocal calls
        calls += 1
        with database.reader() as uow:
            uow.connection.execute(text("SELECT no_such_column FROM runs"))

    with pytest.raises(Exception, match="no_such_column") as raised:
        retrying_once(broken)
    assert not isinstance(raised.value, OperationalError) and calls == 1
    database.dispose()
