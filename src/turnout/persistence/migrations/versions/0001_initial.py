"""Initial schema: the domain's entities, runs and users, with the invariants the database enforces.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

The tables are written out here rather than imported from `turnout.persistence.tables`, so that
this revision keeps describing the schema as it was when later revisions change the tables.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

CONFIG_STATUSES = (
    "draft",
    "validated",
    "pending",
    "active",
    "superseded",
    "rejected",
    "rolled_back",
)
MODULE_STATUSES = ("available", "unavailable", "deprecated")
RUN_STATUSES = (
    "queued",
    "running",
    "completed",
    "completed_with_fallback",
    "needs_review",
    "failed",
)
ATTEMPT_OUTCOMES = (
    "ok",
    "skipped",
    "failed",
    "rejected",
    "fallback",
    "timeout",
    "contract_violation",
)
ROLES = ("viewer", "operator", "maintainer", "admin")

# Tables whose rows are never updated nor deleted, with what to do instead.
APPEND_ONLY = {
    "configuration_change_events": "audit events are never changed; record a new event instead",
    "module_selections": "selections belong to one configuration version; create a new version instead",
    "fallback_policies": "policies belong to one configuration version; create a new version instead",
}
IMMUTABLE_CONFIG_COLUMNS = (
    "config_id",
    "version",
    "created_by",
    "created_at",
    "summary",
    "rolled_back_from",
)
CONFIG_UPDATE_REFUSED = (
    "module_configurations: a version is immutable, only status and activated_at may change; "
    "create a new version instead"
)
CONFIG_DELETE_REFUSED = (
    "module_configurations is append-only: a configuration version is never deleted; "
    "roll back or supersede it instead"
)


def _json() -> Any:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    _create_catalog()
    _create_configurations()
    _create_runs_and_users()
    if op.get_bind().dialect.name == "postgresql":
        _guard_postgresql()
    else:
        _guard_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS turnout_refuse_change() CASCADE")
        op.execute("DROP FUNCTION IF EXISTS turnout_configuration_immutable() CASCADE")
    for table in (
        "user_roles",
        "users",
        "stage_attempts",
        "runs",
        "configuration_change_events",
        "fallback_policies",
        "module_selections",
        "module_configurations",
        "modules",
        "processing_stages",
        "capability_contracts",
    ):
        op.drop_table(table)


def _create_catalog() -> None:
    op.create_table(
        "capability_contracts",
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("inputs", _json(), nullable=False),
        sa.Column("outputs", _json(), nullable=False),
        sa.Column("guarantees", _json(), nullable=False),
        sa.Column("constraints", _json(), nullable=False),
        sa.Column("skip_when_present", _json(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", name="pk_capability_contracts"),
    )
    op.create_table(
        "processing_stages",
        sa.Column("stage_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("capability_contract_id", sa.String(100), nullable=False),
        sa.Column("is_required", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("stage_id", name="pk_processing_stages"),
        sa.ForeignKeyConstraint(
            ["capability_contract_id"],
            ["capability_contracts.contract_id"],
            name="fk_processing_stages_capability_contract_id",
        ),
    )
    op.create_table(
        "modules",
        sa.Column("module_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("stage_id", sa.String(100), nullable=False),
        sa.Column("capability_contract_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("is_fallback", sa.Boolean(), nullable=False),
        sa.Column("metadata", _json(), nullable=False),
        sa.PrimaryKeyConstraint("module_id", name="pk_modules"),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["processing_stages.stage_id"],
            name="fk_modules_stage_id",
        ),
        sa.ForeignKeyConstraint(
            ["capability_contract_id"],
            ["capability_contracts.contract_id"],
            name="fk_modules_capability_contract_id",
        ),
        sa.CheckConstraint(_one_of("status", MODULE_STATUSES), name="ck_modules_status"),
    )
    fallback_where = sa.text("is_fallback AND status <> 'deprecated'")
    op.create_index(
        "uq_modules_one_fallback_per_stage",
        "modules",
        ["stage_id"],
        unique=True,
        sqlite_where=fallback_where,
        postgresql_where=fallback_where,
    )


def _create_configurations() -> None:
    op.create_table(
        "module_configurations",
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("activated_at", _when(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("rolled_back_from", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("config_id", name="pk_module_configurations"),
        sa.UniqueConstraint("version", name="uq_module_configurations_version"),
        sa.CheckConstraint(
            _one_of("status", CONFIG_STATUSES), name="ck_module_configurations_status"
        ),
    )
    for status in ("active", "pending"):
        where = sa.text(f"status = '{status}'")
        op.create_index(
            f"uq_module_configurations_one_{status}",
            "module_configurations",
            ["status"],
            unique=True,
            sqlite_where=where,
            postgresql_where=where,
        )
    for table, id_column in (
        ("module_selections", "selection_id"),
        ("fallback_policies", "policy_id"),
    ):
        per_stage: list[sa.Column[Any]] = (
            [
                sa.Column("module_id", sa.String(200), nullable=False),
                sa.Column("settings", _json(), nullable=False),
            ]
            if table == "module_selections"
            else [
                sa.Column("fallback_module_id", sa.String(200), nullable=True),
                sa.Column("trigger_conditions", _json(), nullable=False),
                sa.Column("actions", _json(), nullable=False),
            ]
        )
        module_column = per_stage[0].name
        op.create_table(
            table,
            sa.Column(id_column, sa.String(36), nullable=False),
            sa.Column("config_id", sa.String(36), nullable=False),
            sa.Column("stage_id", sa.String(100), nullable=False),
            *per_stage,
            sa.PrimaryKeyConstraint(id_column, name=f"pk_{table}"),
            sa.ForeignKeyConstraint(
                ["config_id"],
                ["module_configurations.config_id"],
                name=f"fk_{table}_config_id",
            ),
            sa.ForeignKeyConstraint(
                ["stage_id"],
                ["processing_stages.stage_id"],
                name=f"fk_{table}_stage_id",
            ),
            sa.ForeignKeyConstraint(
                [module_column], ["modules.module_id"], name=f"fk_{table}_{module_column}"
            ),
            sa.UniqueConstraint("config_id", "stage_id", name=f"uq_{table}_config_id_stage_id"),
        )
    op.create_table(
        "configuration_change_events",
        sa.Column("event_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("config_id", sa.String(36), nullable=True),
        sa.Column("config_version", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_configuration_change_events"),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["module_configurations.config_id"],
            name="fk_configuration_change_events_config_id",
        ),
    )
    op.create_index(
        "ix_configuration_change_events_config_id", "configuration_change_events", ["config_id"]
    )


def _create_runs_and_users() -> None:
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("started_at", _when(), nullable=True),
        sa.Column("finished_at", _when(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("invoice", _json(), nullable=True),
        sa.Column("findings", _json(), nullable=True),
        sa.Column("decision", _json(), nullable=True),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("lease_expires_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name="pk_runs"),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["module_configurations.config_id"],
            name="fk_runs_config_id",
        ),
        sa.CheckConstraint(_one_of("status", RUN_STATUSES), name="ck_runs_status"),
    )
    for column in ("config_version", "status", "created_at"):
        op.create_index(f"ix_runs_{column}", "runs", [column])
    op.create_table(
        "stage_attempts",
        sa.Column("attempt_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("stage_id", sa.String(100), nullable=False),
        sa.Column("module_id", sa.String(200), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("started_at", _when(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("summary", _json(), nullable=False),
        sa.PrimaryKeyConstraint("attempt_id", name="pk_stage_attempts"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name="fk_stage_attempts_run_id"),
        sa.CheckConstraint(_one_of("outcome", ATTEMPT_OUTCOMES), name="ck_stage_attempts_outcome"),
    )
    op.create_index("ix_stage_attempts_run_id", "stage_attempts", ["run_id"])
    op.create_table(
        "users",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_users"),
    )
    op.create_table(
        "user_roles",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("name", "role", name="pk_user_roles"),
        sa.ForeignKeyConstraint(["name"], ["users.name"], name="fk_user_roles_name"),
        sa.CheckConstraint(_one_of("role", ROLES), name="ck_user_roles_role"),
    )


def _guard_sqlite() -> None:
    """Triggers raising SQLITE_CONSTRAINT, so callers see an IntegrityError as for PostgreSQL."""
    for table, hint in APPEND_ONLY.items():
        message = f"{table} is append-only: {hint}"
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in IMMUTABLE_CONFIG_COLUMNS)
    op.execute(
        "CREATE TRIGGER module_configurations_immutable BEFORE UPDATE ON module_configurations "
        f"WHEN {changed} BEGIN SELECT RAISE(ABORT, '{CONFIG_UPDATE_REFUSED}'); END"
    )
    op.execute(
        "CREATE TRIGGER module_configurations_no_delete BEFORE DELETE ON module_configurations "
        f"BEGIN SELECT RAISE(ABORT, '{CONFIG_DELETE_REFUSED}'); END"
    )


def _guard_postgresql() -> None:
    """plpgsql trigger functions raising integrity_constraint_violation (SQLSTATE 23000)."""
    op.execute(
        """
        CREATE FUNCTION turnout_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused; %', TG_TABLE_NAME, TG_OP, TG_ARGV[0]
                USING ERRCODE = 'integrity_constraint_violation';
        END
        $$
        """
    )
    for table, hint in APPEND_ONLY.items():
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION turnout_refuse_change('{hint}')"
        )
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in IMMUTABLE_CONFIG_COLUMNS)
    op.execute(
        f"""
        CREATE FUNCTION turnout_configuration_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{CONFIG_DELETE_REFUSED}'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF {changed} THEN
                RAISE EXCEPTION '{CONFIG_UPDATE_REFUSED}'
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
