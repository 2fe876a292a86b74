"""The audit trail is hash-chained: each event carries the previous event's hash and its own.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

- `configuration_change_events.prev_hash` and `.hash` (SHA-256, hex): see
  `turnout.domain.audit_chain`. `turnout events verify` walks the chain and reports the first
  broken link, so an event changed or deleted with raw SQL (triggers dropped) is found.
- Existing events are chained in insertion order (event_id), the first after the genesis hash.
  The append-only trigger is lifted for this backfill only, inside the migration's transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from turnout.domain.audit_chain import GENESIS_HASH, canonical_fields, link_hash
from turnout.persistence.types import UtcDateTime

revision = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

TABLE = "configuration_change_events"
SQLITE_NO_UPDATE = (
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, "
    f"'{TABLE} is append-only: audit events are never changed; record a new event instead'); END"
)

events = sa.table(
    TABLE,
    sa.column("event_id", sa.Integer()),
    sa.column("config_id", sa.String()),
    sa.column("config_version", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("actor", sa.String()),
    sa.column("result", sa.String()),
    sa.column("message", sa.Text()),
    sa.column("created_at", UtcDateTime()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    # plain ALTER TABLE on both engines: a batch rebuild on SQLite would drop the table's triggers
    op.execute(f"ALTER TABLE {TABLE} ADD COLUMN prev_hash VARCHAR(64)")
    op.execute(f"ALTER TABLE {TABLE} ADD COLUMN hash VARCHAR(64)")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only")
    else:
        op.execute(f"DROP TRIGGER {TABLE}_no_update")
    _backfill()
    if postgresql:
        op.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TABLE}_append_only")
    else:
        op.execute(SQLITE_NO_UPDATE)


def downgrade() -> None:
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN hash")
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN prev_hash")


def _backfill() -> None:
    conn = op.get_bind()
    c = events.c
    rows = conn.execute(sa.select(events).order_by(c.event_id)).mappings().all()
    previous = GENESIS_HASH
    for row in rows:
        fields = canonical_fields(
            row["config_id"],
            row["config_version"],
            row["action"],
            row["actor"],
            row["result"],
            row["message"],
            row["created_at"],
        )
        digest = link_hash(fields, previous)
        conn.execute(
            sa.update(events)
            .where(c.event_id == row["event_id"])
            .values(prev_hash=previous, hash=digest)
        )
        previous = digest
