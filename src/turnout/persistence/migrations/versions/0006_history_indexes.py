"""Duplicate detection: composite indexes for its two seller checks.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

`runs(seller_key, invoice_number_key)` and `runs(seller_key, issue_date, payable)`: the checks
"same seller and invoice number" and "same seller, date and amount" then seek one index entry
instead of reading every run of the seller (which grows with every invoice a vendor sends).
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_runs_seller_number", "runs", ["seller_key", "invoice_number_key"])
    op.create_index("ix_runs_seller_date_amount", "runs", ["seller_key", "issue_date", "payable"])


def downgrade() -> None:
    op.drop_index("ix_runs_seller_date_amount", table_name="runs")
    op.drop_index("ix_runs_seller_number", table_name="runs")
