"""Safe change: trials, guards, four eyes, archived drafts, installation settings.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

- `module_configurations.guard`: a version's `guard:` block, immutable like the rest of it; the
  status `archived` (a deleted draft). On SQLite the table is rebuilt to change its CHECK
  constraint, and its partial unique indexes and immutability triggers are made again.
- `configuration_approvals`: four eyes, who approved which version.
- `installation_settings`: the settings an admin chose for the installation.
- `guards`: guarded activations and their one decision.
- `trials`: trial runs of a version in shadow, with their reports and the lease of the process
  running each.
- `runs.rerun_of`: the run a run runs again (unique).

Downgrading drops the new tables and columns; archived versions become rejected (the older
schema knows no `archived`), which keeps them out of any activation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from turnout.persistence.types import UtcDateTime, json_document

revision = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

_BEFORE = ("draft", "validated", "pending", "active", "superseded", "rejected", "rolled_back")
_AFTER = (*_BEFORE, "archived")
_IMMUTABLE_BEFORE = (
    "config_id",
    "version",
    "created_by",
    "created_at",
    "summary",
    "rolled_back_from",
)
_IMMUTABLE_AFTER = (*_IMMUTABLE_BEFORE, "guard")
_UPDATE_REFUSED = (
    "module_configurations: a version is immutable, only status and activated_at may change; "
    "create a new version instead"
)
_DELETE_REFUSED = (
    "module_configurations is append-only: a configuration version is never deleted; "
    "roll back or supersede it instead"
)


def _statuses(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    _configurations(_AFTER, _IMMUTABLE_AFTER, add_guard=True)
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("rerun_of", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_runs_rerun_of", ["rerun_of"])
    op.create_table(
        "configuration_approvals",
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("approved_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("config_id", "approved_by", name="pk_configuration_approvals"),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["module_configurations.config_id"],
            name="fk_configuration_approvals_config_id",
        ),
    )
    op.create_table(
        "installation_settings",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", json_document(), nullable=True),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_installation_settings"),
    )
    op.create_table(
        "guards",
        sa.Column("guard_id", sa.String(36), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_version", sa.Integer(), nullable=True),
        sa.Column("spec", json_document(), nullable=False),
        sa.Column("baseline", json_document(), nullable=False),
        sa.Column("armed_by", sa.String(200), nullable=False),
        sa.Column("armed_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("figures", json_document(), nullable=True),
        sa.Column("breaches", json_document(), nullable=True),
        sa.Column("rollback_version", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("guard_id", name="pk_guards"),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["module_configurations.config_id"],
            name="fk_guards_config_id",
        ),
        sa.CheckConstraint(
            "status IN ('watching', 'passed', 'tripped', 'ended')", name="ck_guards_status"
        ),
    )
    op.create_index("ix_guards_version", "guards", ["version"])
    op.create_index("ix_guards_status", "guards", ["status"])
    op.create_table(
        "trials",
        sa.Column("trial_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("scope", json_document(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("report", json_document(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("holder", sa.String(200), nullable=True),
        sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("trial_id", name="pk_trials"),
        sa.CheckConstraint("status IN ('running', 'done', 'failed')", name="ck_trials_status"),
    )
    op.create_index("ix_trials_version", "trials", ["version"])
    op.create_index("ix_trials_created_at", "trials", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_trials_created_at", table_name="trials")
    op.drop_index("ix_trials_version", table_name="trials")
    op.drop_table("trials")
    op.drop_index("ix_guards_status", table_name="guards")
    op.drop_index("ix_guards_version", table_name="guards")
    op.drop_table("guards")
    op.drop_table("installation_settings")
    op.drop_table("configuration_approvals")
    with op.batch_alter_table("runs") as batch:
        batch.drop_constraint("uq_runs_rerun_of", type_="unique")
        batch.drop_column("rerun_of")
    op.execute("UPDATE module_configurations SET status = 'rejected' WHERE status = 'archived'")
    _configurations(_BEFORE, _IMMUTABLE_BEFORE, add_guard=False)


def _configurations(statuses: tuple[str, ...], immutable: tuple[str, ...], add_guard: bool) -> None:
    """Swap the status CHECK constraint, add or drop `guard`, and (re)make the triggers that
    keep a version immutable."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS module_configurations_immutable")
        op.execute("DROP TRIGGER IF EXISTS module_configurations_no_delete")
    else:
        op.execute("DROP TRIGGER module_configurations_immutable ON module_configurations")
        op.execute("DROP FUNCTION turnout_configuration_immutable()")
    with op.batch_alter_table("module_configurations") as batch:
        # named as migration 0001 named it (the naming convention applies on top of it)
        batch.drop_constraint("ck_module_configurations_status", type_="check")
        batch.create_check_constraint("ck_module_configurations_status", _statuses(statuses))
        if add_guard:
            batch.add_column(sa.Column("guard", json_document(), nullable=True))
        else:
            batch.drop_column("guard")
    if sqlite:
        for status in ("active", "pending"):  # a rebuilt table keeps no partial index
            op.execute(f"DROP INDEX IF EXISTS uq_module_configurations_one_{status}")
            op.execute(
                f"CREATE UNIQUE INDEX uq_module_configurations_one_{status} "
                f"ON module_configurations (status) WHERE status = '{status}'"
            )
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in immutable)
        op.execute(
            "CREATE TRIGGER module_configurations_immutable BEFORE UPDATE ON module_configurations "
            f"WHEN {changed} BEGIN SELECT RAISE(ABORT, '{_UPDATE_REFUSED}'); END"
        )
        op.execute(
            "CREATE TRIGGER module_configurations_no_delete BEFORE DELETE ON module_configurations "
            f"BEGIN SELECT RAISE(ABORT, '{_DELETE_REFUSED}'); END"
        )
        return
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in immutable)
    op.execute(
        f"""
        CREATE FUNCTION turnout_configuration_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{_DELETE_REFUSED}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF {changed} THEN
                RAISE EXCEPTION '{_UPDATE_REFUSED}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER module_configurations_immutable BEFORE UPDATE OR DELETE "
        "ON module_configurations FOR EACH ROW EXECUTE FUNCTION turnout_configuration_immutable()"
    )
