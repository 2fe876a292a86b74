"""Dashboard sessions kept on the server.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

The dashboard's cookie held the API token itself; it now holds a random session id, and
`dashboard_sessions` keeps its SHA-256, the token it was opened with (revoking the token ends
its sessions), the CSRF token of its forms (the same for every server process on the database),
and when it expires or ended (signing out ends it on the server, not only in the browser).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_sessions",
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("token_id", sa.String(36), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("session_hash", name="pk_dashboard_sessions"),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.token_id"], name="fk_dashboard_sessions_token_id"
        ),
    )
    op.create_index("ix_dashboard_sessions_token_id", "dashboard_sessions", ["token_id"])
    op.create_index("ix_dashboard_sessions_expires_at", "dashboard_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_dashboard_sessions_expires_at", table_name="dashboard_sessions")
    op.drop_index("ix_dashboard_sessions_token_id", table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
