"""Distributed workers: queued runs without a version, sources, one result per (run, stage).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

- `runs.config_id` and `runs.config_version` become nullable: a run submitted to the worker queue
  (`turnout submit`) has no version until a worker admits it under the active one.
- `sources` keeps the bytes of submitted files by SHA-256, so any worker on any machine sharing
  the database reads them, and a resubmitted file is recognised.
- `stage_results` keeps what each stage of a run produced, unique per (run, stage): a redelivered
  job or a run resumed after its worker died reuses it instead of running the stage again.

On SQLite the `runs` table is rebuilt to change the columns (`Database.upgrade` turns foreign key
enforcement off for the migration and checks every reference afterwards).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> Any:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.alter_column("config_id", existing_type=sa.String(36), nullable=True)
        batch.alter_column("config_version", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "sources",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_sources"),
    )
    op.create_table(
        "stage_results",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("stage_id", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attempts", _json(), nullable=False),
        sa.Column("outputs", _json(), nullable=False),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("review", sa.Text(), nullable=True),
        sa.Column("blocks", sa.Boolean(), nullable=False),
        sa.Column("used_fallback", sa.Boolean(), nullable=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "stage_id", name="pk_stage_results"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name="fk_stage_results_run_id"),
    )


def downgrade() -> None:
    op.drop_table("stage_results")
    op.drop_table("sources")
    op.execute(
        "DELETE FROM stage_attempts WHERE run_id IN (SELECT run_id FROM runs WHERE config_version IS NULL)"
    )
    op.execute("DELETE FROM runs WHERE config_version IS NULL")
    with op.batch_alter_table("runs") as batch:
        batch.alter_column("config_version", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("config_id", existing_type=sa.String(36), nullable=False)
