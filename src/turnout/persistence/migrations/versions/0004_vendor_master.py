"""Vendor master: the vendors `match.vendors` looks sellers up in when set to `vendors: table`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

`vendors` holds one row per vendor, upserted by `turnout vendors import FILE.csv` by vendor_id:
its name, VAT id and IBAN as imported, the compact VAT id and IBAN (upper-case letters and
digits only) that lookups use, each indexed, and when the row was created and last updated.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("vendor_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("vat_id", sa.String(100), nullable=True),
        sa.Column("iban", sa.String(100), nullable=True),
        sa.Column("vat_id_key", sa.String(100), nullable=True),
        sa.Column("iban_key", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("vendor_id", name="pk_vendors"),
    )
    op.create_index("ix_vendors_vat_id_key", "vendors", ["vat_id_key"])
    op.create_index("ix_vendors_iban_key", "vendors", ["iban_key"])


def downgrade() -> None:
    op.drop_index("ix_vendors_iban_key", table_name="vendors")
    op.drop_index("ix_vendors_vat_id_key", table_name="vendors")
    op.drop_table("vendors")
