"""A person's decision in place of the rules', and which ended runs wait for a person."""

from __future__ import annotations

import datetime as dt

import pytest

from turnout.domain.artifacts import Decision, Outcome
from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.runtime.execution import person_decision, waits_for_a_person

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def ended(
    status: RunStatus, outcome: str | None = None, read: bool = True, **changes: object
) -> Run:
    run = Run("r-1", "a.pdf", "c", 1, status, NOW)
    run.decision = {"outcome": outcome, "reasons": []} if outcome else None
    text = AttemptOutcome.OK if read else AttemptOutcome.FAILED
    run.attempts = [StageAttempt("r-1", "text", "text.pdfium", 1, text, 1.0, NOW)]
    for name, value in changes.items():
        setattr(run, name, value)
    return run


def test_a_persons_decision_comes_first_and_keeps_the_rules_reasons() -> None:
    rules = Decision(Outcome.REVIEW, ("total above 10,000.00",))
    decided = person_decision({"outcome": "reject", "by": "alice", "comment": "not ours"}, rules)
    assert decided == Decision(
        Outcome.REJECT, ("rejected by alice: not ours", "total above 10,000.00"), "alice"
    )
    assert decided.to_dict()["final"] is True
    plain = person_decision({"outcome": "approve", "by": "bob"}, None)
    assert plain.reasons == ("approved by bob",) and plain.decided_by == "bob"


@pytest.mark.parametrize(
    ("run", "waits"),
    [
        (ended(RunStatus.NEEDS_REVIEW), True),
        (ended(RunStatus.COMPLETED, "review"), True),
        (ended(RunStatus.COMPLETED_WITH_FALLBACK, "review"), True),
        (ended(RunStatus.COMPLETED, "approve"), False),
        (ended(RunStatus.FAILED), True),
        (ended(RunStatus.FAILED, read=False), False),
        (ended(RunStatus.RUNNING), False),
        (ended(RunStatus.NEEDS_REVIEW, final_decision={"outcome": "approve", "by": "a"}), False),
    ],
)
def test_which_ended_runs_wait_for_a_person(run: Run, waits: bool) -> None:
    assert waits_for_a_person(run) is waits
