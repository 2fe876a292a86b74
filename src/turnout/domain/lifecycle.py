"""The one state machine of a configuration's lifecycle.

    draft ──validate ok──▶ validated ──activate──▶ active ──activate another──▶ superseded
      │ validate fails: stays draft     │  └─runs in flight─▶ pending ─drained─▶ active
      │                                 │                       └─cancel─▶ validated
      │                                 └─re-validation fails─▶ rejected
      └ (cannot be activated)        active ──rollback to an older version──▶ rolled_back

Every change of `ModuleConfiguration.status` goes through `transition`; callers never assign it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.errors import InvalidTransition

S = ConfigStatus


class Transition(StrEnum):
    VALIDATE = "validate"
    ACTIVATE = "activate"
    QUEUE = "queue"  # activation requested while runs are in flight
    CANCEL = "cancel"
    REJECT = "reject"
    SUPERSEDE = "supersede"
    ROLL_BACK = "roll_back"


ALLOWED: dict[Transition, dict[ConfigStatus, ConfigStatus]] = {
    Transition.VALIDATE: {S.DRAFT: S.VALIDATED},
    Transition.ACTIVATE: {S.VALIDATED: S.ACTIVE, S.PENDING: S.ACTIVE},
    Transition.QUEUE: {S.VALIDATED: S.PENDING},
    Transition.CANCEL: {S.PENDING: S.VALIDATED},
    Transition.REJECT: {S.VALIDATED: S.REJECTED, S.PENDING: S.REJECTED},
    Transition.SUPERSEDE: {S.ACTIVE: S.SUPERSEDED},
    Transition.ROLL_BACK: {S.ACTIVE: S.ROLLED_BACK},
}

_FIXES: dict[Transition, str] = {
    Transition.VALIDATE: "only a draft is validated; create a new version with `turnout config create`",
    Transition.ACTIVATE: "validate it first with `turnout config validate V`; to bring back an older "
    "version use `turnout config rollback V`",
    Transition.QUEUE: "validate it first with `turnout config validate V`",
    Transition.CANCEL: "only a pending activation can be cancelled",
    Transition.REJECT: "only a validated or pending version can be rejected",
    Transition.SUPERSEDE: "only the active version can be superseded",
    Transition.ROLL_BACK: "only the active version can be rolled back",
}


def can(config: ModuleConfiguration, action: Transition) -> bool:
    return config.status in ALLOWED[action]


def check(config: ModuleConfiguration, action: Transition) -> ConfigStatus:
    """The status `action` leads to, or `InvalidTransition` naming the fix."""
    target = ALLOWED[action].get(config.status)
    if target is None:
        raise InvalidTransition(
            f"version {config.version} is {config.status}; cannot {action.value.replace('_', ' ')} it"
            f": {_FIXES[action]}"
        )
    return target


def transition(config: ModuleConfiguration, action: Transition, now: dt.datetime) -> ConfigStatus:
    """Apply `action` to `config` (mutating status and activated_at) and return the new status."""
    target = check(config, action)
    config.status = target
    if target is S.ACTIVE:
        config.activated_at = now
    return target
