"""The Procrastinate side of the worker queue: connection info, its schema, the app and task.

Jobs are deferred by `turnout.persistence` in the same transaction as their run (Procrastinate's
own SQL function on our connection); this module runs them.
"""

from __future__ import annotations

from collections.abc import Callable

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from turnout.domain.errors import QueueUnavailable, StorageError
from turnout.runtime.ports import QUEUE_NAME, TASK_NAME

# pg_advisory_xact_lock key taken while the queue schema is created ("turn" + 5).
SCHEMA_LOCK_KEY = 0x7475726E_0005


def conninfo(database_url: str) -> str:
    """A libpq connection string from Turnout's SQLAlchemy database URL."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise QueueUnavailable.on(url.get_backend_name())
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(database_url: str) -> bool:
    """Create Procrastinate's tables and functions unless present; True when created now."""
    with psycopg.connect(conninfo(database_url), autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
        row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row is not None and row[0] is not None:
            return False
        conn.execute(SchemaManager.get_schema())
        return True


def make_app(
    database_url: str, process_run: Callable[[str], object], pool_size: int
) -> procrastinate.App:
    """A Procrastinate app whose one task processes one queued run.

    Procrastinate's pool checks each connection before lending it, so a connection the server
    dropped is replaced instead of failing a job."""
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(database_url),
        min_size=1,
        max_size=max(2, pool_size),
    )
    app = procrastinate.App(connector=connector)

    # The database went away mid-run: the job is retried and the run resumes from its last
    # stored stage. Anything else fails the job; a queued run left without a job is queued
    # again by the reaper (`QueueWorker.reap`). Module failures never reach here.
    @app.task(
        name=TASK_NAME,
        queue=QUEUE_NAME,
        retry=procrastinate.RetryStrategy(
            max_attempts=10, wait=1, linear_wait=1, retry_exceptions={StorageError, DBAPIError}
        ),
    )
    def _process(run_id: str) -> None:
        process_run(run_id)

    return app
