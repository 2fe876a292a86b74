"""The configuration state machine: every transition it allows, and every refused one."""

from __future__ import annotations

import datetime as dt

import pytest

from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.errors import InvalidTransition
from turnout.domain.lifecycle import ALLOWED, Transition, transition

S = ConfigStatus
NOW = dt.datetime(2026, 1, 14, tzinfo=dt.UTC)


def config(status: ConfigStatus) -> ModuleConfiguration:
    return ModuleConfiguration("id", 3, status, "ann", NOW, "summary")


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (S.DRAFT, Transition.VALIDATE, S.VALIDATED),
        (S.VALIDATED, Transition.ACTIVATE, S.ACTIVE),
        (S.ACTIVE, Transition.SUPERSEDE, S.SUPERSEDED),
        (S.ACTIVE, Transition.ROLL_BACK, S.ROLLED_BACK),
        (S.VALIDATED, Transition.REJECT, S.REJECTED),
        (S.VALIDATED, Transition.QUEUE, S.PENDING),
        (S.PENDING, Transition.ACTIVATE, S.ACTIVE),
        (S.PENDING, Transition.CANCEL, S.VALIDATED),
        (S.PENDING, Transition.REJECT, S.REJECTED),
    ],
)
def test_allowed_transition_reaches_its_status(start: S, action: Transition, end: S) -> None:
    c = config(start)
    assert transition(c, action, NOW) is end
    assert c.status is end


def _refused() -> list[tuple[S, Transition]]:
    return [(s, t) for t in Transition for s in S if s not in ALLOWED[t]]


@pytest.mark.parametrize(("start", "action"), _refused())
def test_every_other_transition_is_refused_and_changes_nothing(
    start: S, action: Transition
) -> None:
    c = config(start)
    with pytest.raises(InvalidTransition) as info:
        transition(c, action, NOW)
    assert c.status is start
    assert f"version 3 is {start}" in str(info.value)


def test_draft_cannot_be_activated_and_the_error_names_the_fix() -> None:
    with pytest.raises(InvalidTransition, match="turnout config validate"):
        transition(config(S.DRAFT), Transition.ACTIVATE, NOW)


def test_activation_stamps_activated_at() -> None:
    c = config(S.VALIDATED)
    transition(c, Transition.ACTIVATE, NOW)
    assert c.activated_at == NOW


def test_terminal_statuses_allow_nothing() -> None:
    for status in (S.SUPERSEDED, S.ROLLED_BACK, S.ARCHIVED):
        assert not any(status in allowed for allowed in ALLOWED.values())


def test_a_rejected_version_can_only_be_deleted() -> None:
    assert [t for t, allowed in ALLOWED.items() if S.REJECTED in allowed] == [Transition.ARCHIVE]
    assert transition(config(S.REJECTED), Transition.ARCHIVE, NOW) is S.ARCHIVED


@pytest.mark.parametrize("action", [Transition.ACTIVATE, Transition.CANCEL, Transition.REJECT])
def test_leaving_pending_keeps_no_request_time(action: Transition) -> None:
    c = config(S.VALIDATED)
    transition(c, Transition.QUEUE, NOW)
    assert c.activation_requested_at == NOW
    transition(c, action, NOW + dt.timedelta(minutes=1))
    assert c.activation_requested_at is None
