"""When a pending activation was requested, stored with the version.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

- `module_configurations.activation_requested_at`: when the version's activation was asked for
  while runs were in flight (it became `pending`); the switch reports how long it waited, and the
  admission gate's drain deadline counts from it. Until now both read it back from the audit
  trail's last events. A version pending while migrating gets the time of its latest `activate`
  event whose result was `pending` (a four-eyes `request` event is pending too, but it is not
  the activation's request).

Mutable like `status` and `activated_at` (the immutability triggers list the columns they keep,
and this one is not among them). Downgrading drops the column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from turnout.persistence.types import UtcDateTime

revision = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # a plain ALTER TABLE on both engines: a batch rebuild on SQLite would drop the triggers
    op.add_column(
        "module_configurations",
        sa.Column("activation_requested_at", UtcDateTime(), nullable=True),
    )
    op.execute(
        "UPDATE module_configurations SET activation_requested_at = ("
        "SELECT MAX(e.created_at) FROM configuration_change_events e "
        "WHERE e.config_id = module_configurations.config_id AND e.action = 'activate' "
        "AND e.result = 'pending'"
        ") WHERE status = 'pending'"
    )


def downgrade() -> None:
    op.drop_column("module_configurations", "activation_requested_at")
