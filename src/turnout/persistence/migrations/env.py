"""Alembic environment: migrates the connection handed over by `Database.upgrade`.

Turnout runs Alembic through its API, never through an alembic.ini: `Database.upgrade` puts an
open connection in `config.attributes["connection"]`. A new revision is written by hand in
`versions/` (explicit `op` calls, like 0001, so old revisions never change with `tables.py`);
the integration test comparing the migrated schema with `turnout.persistence.tables` says when
the two disagree.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from turnout.persistence.tables import metadata


def run_migrations_online() -> None:
    """Run every pending revision inside the caller's transaction."""
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "Turnout migrations run through turnout.persistence.Database.upgrade(), which passes "
            "an open connection; do not call `alembic upgrade` directly"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("Turnout migrations run online only, through Database.upgrade()")
run_migrations_online()
