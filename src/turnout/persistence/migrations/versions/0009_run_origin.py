"""Every run holds a lease: its origin says what the reaper does when the lease expires.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27

- `runs.origin` is `local` (executed by `turnout process` or `turnout serve`) or `queue`
  (submitted with `turnout submit`, executed by workers). Local runs now hold a lease too (in
  `worker` and `lease_expires_at`); when it expires the process running the run stopped, and the
  reaper ends a local run `failed` while it returns a queued one to the queue.
- Existing rows: a run is `queue` when a worker held it (`worker` set) or it waits in the queue;
  every other run was executed locally (local runs held no lease before this revision).
- A local run left `running` by a process that died before this revision gets a lease that has
  already expired, so the first reaper ends it instead of it blocking activations for ever
  (upgrade while no `turnout process` or `turnout serve` of the older version is running).

On SQLite the `runs` table is rebuilt to add the CHECK constraint.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("origin", sa.String(10), nullable=False, server_default="local"))
        batch.create_check_constraint("ck_runs_origin", "origin IN ('local', 'queue')")
    op.execute("UPDATE runs SET origin = 'queue' WHERE worker IS NOT NULL OR status = 'queued'")
    op.execute(
        "UPDATE runs SET worker = 'a process of an earlier Turnout', "
        "lease_expires_at = COALESCE(started_at, created_at) "
        "WHERE origin = 'local' AND status = 'running' AND lease_expires_at IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_constraint("ck_runs_origin", type_="check")
        batch.drop_column("origin")
