"""Indexes for what is read: stage attempts by start time; no single-column duplicate-key indexes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26

The dashboard's fallback and failure rate chart and `turnout stats --since` count the attempts of
a recent window; with `stage_attempts(started_at)` they read that window instead of every attempt
ever made (ten a run, so the table is the largest one).

The single-column indexes on the duplicate keys (`seller_key`, `invoice_number_key`, `issue_date`,
`payable`, migration 0002) go: no query reads them since the composite indexes of 0006 (which
begin with `seller_key`), and each cost page writes on every run, when it is admitted and again
when it finishes.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


_KEYS = ("seller_key", "invoice_number_key", "issue_date", "payable")


def upgrade() -> None:
    op.create_index("ix_stage_attempts_started_at", "stage_attempts", ["started_at"])
    for column in _KEYS:
        op.drop_index(f"ix_runs_{column}", table_name="runs")


def downgrade() -> None:
    for column in _KEYS:
        op.create_index(f"ix_runs_{column}", "runs", [column])
    op.drop_index("ix_stage_attempts_started_at", table_name="stage_attempts")
