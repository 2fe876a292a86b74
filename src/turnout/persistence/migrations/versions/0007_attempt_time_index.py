"""Stage attempts: an index on the time they started.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

The dashboard's fallback and failure rate chart and `turnout stats --since` count the attempts of
a recent window; with `stage_attempts(started_at)` they read that window instead of every attempt
ever made (ten a run, so the table is the largest one).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_stage_attempts_started_at", "stage_attempts", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_stage_attempts_started_at", table_name="stage_attempts")
