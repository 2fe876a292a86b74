"""The one state machine of a configuration's lifecycle.

    draft ──validate ok──▶ validated ──activate──▶ active ──activate another──▶ superseded
      │ validate fails: stays draft     │  └─runs in flight─▶ pending ─drained─▶ active
      │                                 │                       └─cancel─▶ validated
      │                                 └─re-validation fails─▶ rejected
      └ (cannot be activated)        active ──rollback to an older version──▶ rolled_back
    draft, validated or rejected ──delete──▶ archived (hidden from lists, kept in the trail)

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
    ARCHIVE = "archive"  # `turnout config delete V`


ALLOWED: dict[Transition, dict[ConfigStatus, ConfigStatus]] = {
    Transition.VALIDATE: {S.DRAFT: S.VALIDATED},
    Transition.ACTIVATE: {S.VALIDATED: S.ACTIVE, S.PENDING: S.ACTIVE},
    Transition.QUEUE: {S.VALIDATED: S.PENDING},
    Transition.CANCEL: {S.PENDING: S.VALIDATED},
    Transition.REJECT: {S.VALIDATED: S.REJECTED, S.PENDING: S.REJECTED},
    Transition.SUPERSEDE: {S.ACTIVE: S.SUPERSEDED},
    Transition.ROLL_BACK: {S.ACTIVE: S.ROLLED_BACK},
    Transition.ARCHIVE: {S.DRAFT: S.ARCHIVED, S.VALIDATED: S.ARCHIVED, S.REJECTED: S.ARCHIVED},
}


def _fix(config: ModuleConfiguration, action: Transition) -> str:
    """What to do instead, for this version's status: never a step that is refused in turn."""
    v, status = config.version, config.status
    if status in (S.SUPERSEDED, S.ROLLED_BACK) and action in (
        Transition.VALIDATE,
        Transition.ACTIVATE,
        Transition.QUEUE,
    ):
        return (
            f"it was the working configuration once; to use it again, roll back to it: "
            f"`turnout config rollback {v}` (a new version copying it is made and activated)"
        )
    if status is S.ARCHIVED and action is Transition.ARCHIVE:
        return "it is deleted already (`turnout config history --all` lists it)"
    if status is S.PENDING and action in (
        Transition.VALIDATE,
        Transition.ACTIVATE,
        Transition.QUEUE,
        Transition.ARCHIVE,
    ):
        return (
            "its activation is pending: it becomes active when the runs in flight finish; "
            "to stop it, `turnout config cancel` (it is validated again)"
        )
    if status is S.ARCHIVED:
        return (
            "it was deleted; `turnout config export "
            f"{v} > v{v}.yaml` then `turnout config create -f v{v}.yaml` makes a new draft of it"
        )
    if status is S.REJECTED and action in (Transition.VALIDATE, Transition.ACTIVATE):
        return (
            "its modules did not fit when it was activated; `turnout config export "
            f"{v} > v{v}.yaml`, fix the file and `turnout config create -f v{v}.yaml`"
        )
    if action is Transition.VALIDATE:
        if status is S.ACTIVE:
            return "it is the active version already"
        return f"it is validated already; activate it: `turnout config activate {v}`"
    if action in (Transition.ACTIVATE, Transition.QUEUE):
        if status is S.DRAFT:
            return draft_fix(v)
        if status is S.ACTIVE:
            return "it is the active version already"
        return "`turnout config history` shows each version's status"
    if action is Transition.ARCHIVE:
        return (
            "only a draft, validated or rejected version can be deleted; versions that were in "
            "use stay for the audit trail"
        )
    return {
        Transition.CANCEL: "only a pending activation can be cancelled",
        Transition.REJECT: "only a validated or pending version can be rejected",
        Transition.SUPERSEDE: "only the active version can be superseded",
        Transition.ROLL_BACK: "only the active version can be rolled back",
    }.get(action, "`turnout config history` shows each version's status")


def draft_fix(v: int) -> str:
    """What to do with draft `v`: a draft is a version stored with problems, and validating it
    again only repeats them, so the fix is a new version made from its file."""
    return (
        f"a draft is a version stored with problems (`turnout config show {v}` lists them; "
        f"`turnout config validate {v}` checks it again, which helps only if a module it lacked "
        f"was installed since); fix them in a new version: `turnout config export {v} > "
        f"v{v}.yaml`, edit it, `turnout config create -f v{v}.yaml`, then "
        f"`turnout config delete {v}`"
    )


def how_to_use(config: ModuleConfiguration) -> str:
    """The step that puts `config` to use from its status: what a refusal of another action on
    it (a rollback to it, its approval) names instead."""
    if config.status is S.VALIDATED:
        return f"activate it: `turnout config activate {config.version}`"
    return _fix(config, Transition.ACTIVATE)


def can(config: ModuleConfiguration, action: Transition) -> bool:
    return config.status in ALLOWED[action]


def check(config: ModuleConfiguration, action: Transition) -> ConfigStatus:
    """The status `action` leads to, or `InvalidTransition` naming the fix."""
    target = ALLOWED[action].get(config.status)
    if target is None:
        verb = "delete" if action is Transition.ARCHIVE else action.value.replace("_", " ")
        raise InvalidTransition(
            f"version {config.version} is {config.status}; cannot {verb} it: {_fix(config, action)}"
        )
    return target


def transition(config: ModuleConfiguration, action: Transition, now: dt.datetime) -> ConfigStatus:
    """Apply `action` to `config` (mutating status, activated_at and activation_requested_at)
    and return the new status. A version that leaves `pending` (switched, cancelled, rejected)
    keeps no request time: a later request stores its own."""
    target = check(config, action)
    if config.status is S.PENDING and target is not S.PENDING:
        config.activation_requested_at = None
    config.status = target
    if target is S.ACTIVE:
        config.activated_at = now
    elif target is S.PENDING:
        config.activation_requested_at = now
    return target
