"""The database tables (SQLAlchemy Core), one per entity of the domain model
(stages, contracts, modules, configurations with their selections and policies, runs, events ...).

These definitions are what the repositories query. The schema itself is created only by the
Alembic migrations in `turnout.persistence.migrations`, which also add the triggers that keep the
audit trail and the configuration versions immutable; a test checks that both agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from turnout.domain.configuration import ConfigStatus
from turnout.domain.guard import GuardStatus
from turnout.domain.modules import ModuleStatus
from turnout.domain.review import ReviewAction
from turnout.domain.runs import AttemptOutcome, RunOrigin, RunStatus
from turnout.domain.trial import TrialStatus
from turnout.domain.users import Role
from turnout.persistence.types import UtcDateTime, json_document


def one_of(
    column: str,
    values: type[
        ConfigStatus
        | ModuleStatus
        | RunStatus
        | RunOrigin
        | AttemptOutcome
        | Role
        | ReviewAction
        | GuardStatus
        | TrialStatus
    ],
) -> str:
    """A CHECK expression allowing exactly the values of a StrEnum."""
    listed = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({listed})"


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

capability_contracts = Table(
    "capability_contracts",
    metadata,
    Column("contract_id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("inputs", json_document(), nullable=False),
    Column("outputs", json_document(), nullable=False),
    Column("guarantees", json_document(), nullable=False),
    Column("constraints", json_document(), nullable=False),
    Column("skip_when_present", json_document(), nullable=False),
)

processing_stages = Table(
    "processing_stages",
    metadata,
    Column("stage_id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("order", Integer, nullable=False),
    Column(
        "capability_contract_id",
        String(100),
        ForeignKey("capability_contracts.contract_id"),
        nullable=False,
    ),
    Column("is_required", Boolean, nullable=False),
)

modules = Table(
    "modules",
    metadata,
    Column("module_id", String(200), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("stage_id", String(100), ForeignKey("processing_stages.stage_id"), nullable=False),
    Column(
        "capability_contract_id",
        String(100),
        ForeignKey("capability_contracts.contract_id"),
        nullable=False,
    ),
    Column("status", String(20), nullable=False),
    Column("is_fallback", Boolean, nullable=False),
    Column("metadata", json_document(), nullable=False),
    CheckConstraint(one_of("status", ModuleStatus), name="status"),
    # Only one active fallback module per stage; deprecated ones keep their history.
    Index(
        "uq_modules_one_fallback_per_stage",
        "stage_id",
        unique=True,
        sqlite_where=text("is_fallback AND status <> 'deprecated'"),
        postgresql_where=text("is_fallback AND status <> 'deprecated'"),
    ),
)

module_configurations = Table(
    "module_configurations",
    metadata,
    Column("config_id", String(36), primary_key=True),
    Column("version", Integer, nullable=False, unique=True),
    Column("status", String(20), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("activated_at", UtcDateTime(), nullable=True),
    # when its activation was asked for while runs were in flight (migration 0013)
    Column("activation_requested_at", UtcDateTime(), nullable=True),
    Column("summary", Text, nullable=False),
    Column("rolled_back_from", Integer, nullable=True),
    # the document's `guard:` block (migration 0012), immutable like the rest of the version
    Column("guard", json_document(), nullable=True),
    CheckConstraint(one_of("status", ConfigStatus), name="status"),
    # Exactly one active version, at most one pending activation.
    Index(
        "uq_module_configurations_one_active",
        "status",
        unique=True,
        sqlite_where=text("status = 'active'"),
        postgresql_where=text("status = 'active'"),
    ),
    Index(
        "uq_module_configurations_one_pending",
        "status",
        unique=True,
        sqlite_where=text("status = 'pending'"),
        postgresql_where=text("status = 'pending'"),
    ),
)

module_selections = Table(
    "module_selections",
    metadata,
    Column("selection_id", String(36), primary_key=True),
    Column("config_id", String(36), ForeignKey("module_configurations.config_id"), nullable=False),
    Column("stage_id", String(100), ForeignKey("processing_stages.stage_id"), nullable=False),
    Column("module_id", String(200), ForeignKey("modules.module_id"), nullable=False),
    Column("settings", json_document(), nullable=False),
    UniqueConstraint("config_id", "stage_id"),
)

fallback_policies = Table(
    "fallback_policies",
    metadata,
    Column("policy_id", String(36), primary_key=True),
    Column("config_id", String(36), ForeignKey("module_configurations.config_id"), nullable=False),
    Column("stage_id", String(100), ForeignKey("processing_stages.stage_id"), nullable=False),
    Column("fallback_module_id", String(200), ForeignKey("modules.module_id"), nullable=True),
    Column("trigger_conditions", json_document(), nullable=False),
    Column("actions", json_document(), nullable=False),
    UniqueConstraint("config_id", "stage_id"),
)

configuration_change_events = Table(
    "configuration_change_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("config_id", String(36), ForeignKey("module_configurations.config_id"), nullable=True),
    Column("config_version", Integer, nullable=True),
    Column("action", String(50), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("result", String(20), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # the hash chain (migration 0010, turnout.domain.audit_chain): NULL only on a row written
    # outside Turnout, which `turnout events verify` reports
    Column("prev_hash", String(64), nullable=True),
    Column("hash", String(64), nullable=True),
    Index(None, "config_id"),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("file_name", Text, nullable=False),
    # None while a submitted run waits in the queue and no worker has admitted it (migration 0005)
    Column("config_id", String(36), ForeignKey("module_configurations.config_id"), nullable=True),
    Column("config_version", Integer, nullable=True, index=True),
    Column("status", String(30), nullable=False, index=True),
    Column("source_sha256", String(64), nullable=True, index=True),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("started_at", UtcDateTime(), nullable=True),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("reason", Text, nullable=True),
    Column("invoice", json_document(), nullable=True),
    Column("findings", json_document(), nullable=True),
    Column("decision", json_document(), nullable=True),
    # Who holds the run, until when (the lease): a worker, or the `turnout process` / `serve`
    # process running it (migration 0009). The origin says what the reaper does with an orphan:
    # a local run ends failed, a queued one goes back to the queue.
    Column("worker", String(200), nullable=True),
    Column("lease_expires_at", UtcDateTime(), nullable=True),
    Column("origin", String(10), nullable=False, server_default=RunOrigin.LOCAL.value),
    # Review by a person (migration 0011): each review that changed the run counts one revision
    # (a second reviewer holding an older revision gets a conflict); the machine's invoice as
    # first read, kept when a person corrects it; the person's final decision.
    Column("review_revision", Integer, nullable=False, server_default=text("0")),
    Column("machine_invoice", json_document(), nullable=True),
    Column("final_decision", json_document(), nullable=True),
    # The run this one runs again (migration 0012): a guard's rollback re-runs the failed runs of
    # the version it rolled back; unique, so a run is re-run at most once however many decide.
    Column("rerun_of", String(64), nullable=True, unique=True),
    # Keys of duplicate detection (migration 0002), filled when the run finishes.
    Column("seller_key", String(200), nullable=True),
    Column("invoice_number_key", String(200), nullable=True),
    Column("issue_date", Date, nullable=True),
    Column("payable", Numeric(20, 6), nullable=True),
    CheckConstraint(one_of("status", RunStatus), name="status"),
    CheckConstraint(one_of("origin", RunOrigin), name="origin"),
    # Duplicate detection's two seller checks, each one index seek however many invoices a
    # seller has sent (migration 0006); the keys have no index of their own (migration 0007).
    Index("ix_runs_seller_number", "seller_key", "invoice_number_key"),
    Index("ix_runs_seller_date_amount", "seller_key", "issue_date", "payable"),
)

# The source files of submitted runs, content-addressed: every worker on every machine reads the
# bytes from the database it shares (migration 0005).
sources = Table(
    "sources",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# One result per (run, stage), written by distributed workers as each stage ends: a redelivered
# or resumed run reuses it instead of running the stage again (migration 0005).
stage_results = Table(
    "stage_results",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.run_id"), nullable=False),
    Column("stage_id", String(100), nullable=False),
    Column("position", Integer, nullable=False),
    Column("attempts", json_document(), nullable=False),
    Column("outputs", json_document(), nullable=False),
    Column("failure", Text, nullable=True),
    Column("review", Text, nullable=True),
    Column("blocks", Boolean, nullable=False),
    Column("used_fallback", Boolean, nullable=False),
    Column("worker", String(200), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("run_id", "stage_id"),
)

stage_attempts = Table(
    "stage_attempts",
    metadata,
    Column("attempt_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.run_id"), nullable=False, index=True),
    Column("stage_id", String(100), nullable=False),
    Column("module_id", String(200), nullable=True),
    Column("attempt", Integer, nullable=False),
    Column("outcome", String(30), nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("error", Text, nullable=True),
    Column("summary", json_document(), nullable=False),
    CheckConstraint(one_of("outcome", AttemptOutcome), name="outcome"),
    # the rate chart and `turnout stats --since` read a recent window (migration 0007)
    Index("ix_stage_attempts_started_at", "started_at"),
)

users = Table(
    "users",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("name", String(200), ForeignKey("users.name"), nullable=False),
    Column("role", String(20), nullable=False),
    PrimaryKeyConstraint("name", "role"),
    CheckConstraint(one_of("role", Role), name="role"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(36), primary_key=True),
    Column("name", String(200), ForeignKey("users.name"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_used_at", UtcDateTime(), nullable=True),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

# Dashboard sign-ins (migration 0008): the cookie holds a random session id, the table only its
# SHA-256; a session lives until it expires, its user signs out or its API token is revoked. The
# CSRF token of its forms is stored here, so every server process sharing the database accepts it.
dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("token_id", String(36), ForeignKey("api_tokens.token_id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
    Column("ended_at", UtcDateTime(), nullable=True),
)

# What people did to runs waiting for review (migration 0011): one row per corrected field, per
# approval, rejection or re-run; insert-only like the audit trail.
review_records = Table(
    "review_records",
    metadata,
    Column("record_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.run_id"), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(20), nullable=False),
    Column("field", String(300), nullable=True),
    Column("machine_value", Text, nullable=True),
    Column("previous_value", Text, nullable=True),
    Column("corrected_value", Text, nullable=True),
    Column("comment", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    CheckConstraint(one_of("action", ReviewAction), name="action"),
)

# What Turnout learned about each issuer's layout from reviews (migration 0011): the current
# profile, every version of it, and the keys it is found by (VAT id, IBAN, normalised name).
issuer_profiles = Table(
    "issuer_profiles",
    metadata,
    Column("issuer_key", String(300), primary_key=True),
    Column("name", Text, nullable=True),
    Column("version", Integer, nullable=False),
    Column("data", json_document(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("updated_by", String(200), nullable=False),
)

issuer_profile_versions = Table(
    "issuer_profile_versions",
    metadata,
    Column("issuer_key", String(300), nullable=False),
    Column("version", Integer, nullable=False),
    Column("action", String(20), nullable=False),  # learn | import | reset
    Column("data", json_document(), nullable=False),
    Column("run_id", String(64), nullable=True),
    Column("actor", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("issuer_key", "version"),
)

issuer_profile_keys = Table(
    "issuer_profile_keys",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("issuer_key", String(300), nullable=False, index=True),
)

# The vendor master of `match.vendors` when its settings say `vendors: table` (migration 0004);
# `turnout vendors import` upserts it by vendor_id. The *_key columns hold the compact VAT id
# and IBAN (`turnout.authoring.identifiers`), the form lookups use.
vendors = Table(
    "vendors",
    metadata,
    Column("vendor_id", String(100), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("vat_id", String(100), nullable=True),
    Column("iban", String(100), nullable=True),
    Column("vat_id_key", String(100), nullable=True, index=True),
    Column("iban_key", String(100), nullable=True, index=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Four eyes (migration 0012): who approved which version for activation; insert-only.
configuration_approvals = Table(
    "configuration_approvals",
    metadata,
    Column("config_id", String(36), ForeignKey("module_configurations.config_id"), nullable=False),
    Column("approved_by", String(200), nullable=False),
    Column("approved_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("config_id", "approved_by"),
)

# Installation settings (migration 0012): one row per setting an admin changed
# (`turnout.domain.installation`); a setting without a row has its default.
installation_settings = Table(
    "installation_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", json_document(), nullable=True),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Guards on activated versions (migration 0012, `turnout.domain.guard`): armed at activation,
# decided once (the status moves from `watching` in one conditional update).
guards = Table(
    "guards",
    metadata,
    Column("guard_id", String(36), primary_key=True),
    Column("config_id", String(36), ForeignKey("module_configurations.config_id"), nullable=False),
    Column("version", Integer, nullable=False, index=True),
    Column("previous_version", Integer, nullable=True),
    Column("spec", json_document(), nullable=False),
    Column("baseline", json_document(), nullable=False),
    Column("armed_by", String(200), nullable=False),
    Column("armed_at", UtcDateTime(), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("started_at", UtcDateTime(), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("figures", json_document(), nullable=True),
    Column("breaches", json_document(), nullable=True),
    Column("rollback_version", Integer, nullable=True),
    Column("message", Text, nullable=True),
    CheckConstraint(one_of("status", GuardStatus), name="status"),
)

# Trials of versions in shadow (migration 0012, `turnout.domain.trial`), with their reports.
trials = Table(
    "trials",
    metadata,
    Column("trial_id", String(36), primary_key=True),
    Column("version", Integer, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("scope", json_document(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("done", Integer, nullable=False, server_default=text("0")),
    Column("total", Integer, nullable=False, server_default=text("0")),
    Column("report", json_document(), nullable=True),
    Column("error", Text, nullable=True),
    # the process running the trial (`host:pid:random`) and when its lease ends: renewed by the
    # process's heartbeat; a running trial whose lease expired is ended `failed` by the reaper
    Column("holder", String(200), nullable=True),
    Column("lease_expires_at", UtcDateTime(), nullable=True),
    CheckConstraint(one_of("status", TrialStatus), name="status"),
)
