"""Review by a person, and issuer profiles learned from it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

- `runs.review_revision` counts the reviews that changed a run (a reviewer holding an older
  revision gets a conflict), `runs.machine_invoice` keeps the machine's invoice as first read
  when a person corrects it, `runs.final_decision` the person's approve or reject.
- `review_records`: one row per corrected field and per approval, rejection or re-run.
- `issuer_profiles`, `issuer_profile_versions`, `issuer_profile_keys`: what `extract.learned`
  knows of each issuer's layout, every version of it, and the keys it is found by.
- `user_roles.role` admits `reviewer`.

On SQLite the `runs` and `user_roles` tables are rebuilt to change their CHECK constraints.
Downgrading drops the review records and profiles and removes every `reviewer` grant (the older
schema's CHECK constraint does not admit the role); runs and other grants stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from turnout.persistence.types import UtcDateTime, json_document

revision = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

_ROLES_BEFORE = "role IN ('viewer', 'operator', 'maintainer', 'admin')"
_ROLES = "role IN ('viewer', 'operator', 'maintainer', 'admin', 'reviewer')"


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(
            sa.Column("review_revision", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("machine_invoice", json_document(), nullable=True))
        batch.add_column(sa.Column("final_decision", json_document(), nullable=True))
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint("ck_user_roles_role", type_="check")
        batch.create_check_constraint("ck_user_roles_role", _ROLES)
    op.create_table(
        "review_records",
        sa.Column("record_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("field", sa.String(300), nullable=True),
        sa.Column("machine_value", sa.Text(), nullable=True),
        sa.Column("previous_value", sa.Text(), nullable=True),
        sa.Column("corrected_value", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_review_records"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name="fk_review_records_run_id"),
        sa.CheckConstraint(
            "action IN ('correct', 'approve', 'reject', 'rerun')", name="ck_review_records_action"
        ),
    )
    op.create_index("ix_review_records_run_id", "review_records", ["run_id"])
    op.create_table(
        "issuer_profiles",
        sa.Column("issuer_key", sa.String(300), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", json_document(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("issuer_key", name="pk_issuer_profiles"),
    )
    op.create_table(
        "issuer_profile_versions",
        sa.Column("issuer_key", sa.String(300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("data", json_document(), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("issuer_key", "version", name="pk_issuer_profile_versions"),
    )
    op.create_table(
        "issuer_profile_keys",
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("issuer_key", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_issuer_profile_keys"),
    )
    op.create_index("ix_issuer_profile_keys_issuer_key", "issuer_profile_keys", ["issuer_key"])


def downgrade() -> None:
    op.drop_index("ix_issuer_profile_keys_issuer_key", table_name="issuer_profile_keys")
    op.drop_table("issuer_profile_keys")
    op.drop_table("issuer_profile_versions")
    op.drop_table("issuer_profiles")
    op.drop_index("ix_review_records_run_id", table_name="review_records")
    op.drop_table("review_records")
    op.execute("DELETE FROM user_roles WHERE role = 'reviewer'")
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint("ck_user_roles_role", type_="check")
        batch.create_check_constraint("ck_user_roles_role", _ROLES_BEFORE)
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("final_decision")
        batch.drop_column("machine_invoice")
        batch.drop_column("review_revision")
