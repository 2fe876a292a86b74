"""Invoice history: the keys duplicate detection looks runs up by.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

`runs` gains the seller key (normalised VAT id, else case-folded name), the invoice number key
(case-folded, whitespace removed), the issue date and the payable amount, each nullable and
indexed, and an index on `source_sha256`. `RunRepository.finish` fills them from the run.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("seller_key", sa.String(200), nullable=True),
        sa.Column("invoice_number_key", sa.String(200), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("payable", sa.Numeric(20, 6), nullable=True),
    ]


INDEXED = ("seller_key", "invoice_number_key", "issue_date", "payable", "source_sha256")


def upgrade() -> None:
    for column in _columns():
        op.add_column("runs", column)
    for name in INDEXED:
        op.create_index(f"ix_runs_{name}", "runs", [name])


def downgrade() -> None:
    for name in INDEXED:
        op.drop_index(f"ix_runs_{name}", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
