"""The audit trail: one ConfigurationChangeEvent per action, refusals included. Insert-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class EventAction(StrEnum):
    CREATE = "create"
    VALIDATE = "validate"
    ACTIVATE = "activate"
    ROLLBACK = "rollback"
    CANCEL = "cancel"
    SWITCH = "switch"  # a pending activation took effect after the drain
    DRAIN_DEADLINE = "drain_deadline"
    MODULE_SUBSTITUTED = "module_substituted"  # startup replaced an unavailable module
    INIT = "init"
    USER_ADD = "user_add"
    USER_REVOKE = "user_revoke"  # an admin took a role away from a user
    TOKEN_CREATE = "token_create"  # an admin issued an API token
    TOKEN_REVOKE = "token_revoke"
    RUN_UPLOAD = "run_upload"  # refusals of uploads through the API
    VENDOR_IMPORT = "vendor_import"  # the vendor master table loaded from a CSV file
    RUN_ORPHANED = "run_orphaned"  # a local run's process stopped; the reaper ended it failed
    BREAKER_CHANGED = "breaker_changed"  # a circuit breaker opened, went half-open or closed
    SIGN_IN = "sign_in"  # dashboard sign-in failures (unknown token, cross-origin, throttled)
    ACCESS = "access"  # refused before any action: a user without a role, a stale form token
    REVIEW = "review"  # a person corrected, approved or rejected a run (refusals too)
    PROFILE = "profile"  # an issuer profile learned, imported or reset
    TRIAL = "trial"  # a version tried in shadow on recorded runs or given files
    GUARD = "guard"  # a guard armed, passed or tripped (its rollback is a `rollback` by `guard`)
    REQUEST = "request"  # four eyes: activation asked for a version nobody else approved yet
    APPROVE = "approve"  # four eyes: another maintainer approved a version (refusals too)
    DELETE = "delete"  # a draft archived (`turnout config delete`)
    SETTING = "setting"  # an installation setting changed (`turnout settings set`)
    RETENTION = "retention"  # source files deleted after the retention period


class EventResult(StrEnum):
    OK = "ok"  # the action did what was asked
    FAILED = "failed"  # validation found problems; nothing changed
    REJECTED = "rejected"  # activation re-validation failed; the version is now rejected
    REFUSED = "refused"  # not allowed (role, status, pending activation ...); nothing changed
    PENDING = "pending"  # activation queued behind runs in flight


@dataclass(frozen=True)
class ConfigurationChangeEvent:
    """An audit record. `config_id` is None when the action named no existing configuration."""

    event_id: int | None
    config_id: str | None
    action: EventAction
    actor: str
    result: EventResult
    message: str
    created_at: dt.datetime
    config_version: int | None = None
