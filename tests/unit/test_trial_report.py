"""The pieces of a trial's report: field changes by dotted path, the machine's outcome of a
reviewed run, the history as a recorded run saw it, the scope parsed once for CLI and API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from turnout.domain.errors import RequestError
from turnout.domain.history import PriorInvoice
from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.domain.trial import Trial, TrialScope, TrialStatus
from turnout.runtime.trial import (
    MAX_RUNS,
    HistoryAsOf,
    _event_message,
    _Item,
    build_report,
    field_differences,
    flatten,
    looked_at,
    machine_invoice,
    machine_outcome,
    parse_since,
    stage_figures,
    trial_scope,
)

NOW = dt.datetime(2025, 4, 8, 12, 0, tzinfo=dt.UTC)


def _run(run_id: str = "r1", **kw: object) -> Run:
    return Run(run_id, "a.pdf", "c", 1, RunStatus.COMPLETED, NOW, **kw)  # type: ignore[arg-type]


def _attempt(
    stage: str, outcome: AttemptOutcome, ms: float = 1.0, **summary: object
) -> StageAttempt:
    return StageAttempt("r1", stage, "m", 1, outcome, ms, NOW, None, dict(summary))


def test_values_flatten_to_dotted_paths_without_provenance() -> None:
    invoice = {
        "invoice_number": "A-1",
        "seller": {"name": "Acme", "vat_id": None},
        "lines": [{"net_amount": "1.00"}, {"net_amount": "2.00"}, {"net_amount": "3.00"}],
        "documents": [],
        "provenance": {"invoice_number": {"module": "x", "confidence": 0.3}},
    }
    assert flatten(invoice) == {
        "invoice_number": "A-1",
        "seller.name": "Acme",
        "lines[0].net_amount": "1.00",
        "lines[1].net_amount": "2.00",
        "lines[2].net_amount": "3.00",
    }


def test_field_differences_name_each_changed_added_and_lost_value() -> None:
    before = {"invoice_number": "A-1", "totals": {"payable": "10.00"}, "lines": [{"q": "1"}]}
    after = {"invoice_number": "A-1", "totals": {"payable": "12.00"}, "due_date": "2025-05-01"}
    assert field_differences(before, after) == [
        {"field": "totals.payable", "before": "10.00", "after": "12.00"},
        {"field": "lines[0].q", "before": "1", "after": None},
        {"field": "due_date", "before": None, "after": "2025-05-01"},
    ]
    assert field_differences(before, before) == []


def test_a_reviewed_run_is_compared_as_the_machine_left_it() -> None:
    corrected = _run(
        invoice={"invoice_number": "fixed"},
        machine_invoice={"invoice_number": "misread"},
        final_decision={"outcome": "approve", "by": "ann"},
        decision={"outcome": "approve", "decided_by": "ann"},
        review_revision=1,
        attempts=[
            _attempt("extract", AttemptOutcome.FALLBACK),
            _attempt("route", AttemptOutcome.OK),
            _attempt("route", AttemptOutcome.OK, review_revision=1),
        ],
    )
    assert machine_invoice(corrected) == {"invoice_number": "misread"}
    assert machine_outcome(corrected) == ("completed_with_fallback", "review")
    blocked = _run(final_decision={"outcome": "reject"}, review_revision=1, attempts=[])
    assert machine_outcome(blocked) == ("needs_review", None)
    plain = _run(decision={"outcome": "approve"})
    assert machine_invoice(plain) is None and machine_outcome(plain) == ("completed", "approve")


class _History:
    def __init__(self, found: list[PriorInvoice]) -> None:
        self.found = found

    def find(self, **_: object) -> list[PriorInvoice]:
        return list(self.found)


def test_the_history_is_seen_as_the_recorded_run_saw_it() -> None:
    older = PriorInvoice("old", "a.pdf", "file_hash", NOW - dt.timedelta(hours=1))
    later = PriorInvoice("new", "a.pdf", "file_hash", NOW + dt.timedelta(hours=1))
    history = HistoryAsOf(_History([older, later]), {"r1": NOW})
    keys = {
        "sha256": "x",
        "seller_key": None,
        "invoice_number_key": None,
        "issue_date": None,
        "payable": Decimal("1"),
    }
    assert history.find(**keys, exclude_run="r1") == [older]
    assert history.find(**keys, exclude_run="unknown") == [older, later]  # a new file: now


def test_a_sibling_still_running_when_the_recorded_run_looked_is_not_seen() -> None:
    # two copies of one invoice ran at once: the sibling was created first but ended after the
    # recorded run's dedupe stage looked, so the recorded run did not see it
    sibling = PriorInvoice(
        "sib", "a.xml", "seller_number", NOW - dt.timedelta(seconds=2), NOW + dt.timedelta(1)
    )
    ended = PriorInvoice(
        "done", "b.xml", "seller_number", NOW - dt.timedelta(hours=1), NOW - dt.timedelta(1)
    )
    history = HistoryAsOf(_History([ended, sibling]), {"r1": NOW})
    keys = {
        "sha256": None,
        "seller_key": "vat:DE1",
        "invoice_number_key": "7",
        "issue_date": None,
        "payable": None,
    }
    assert history.find(**keys, exclude_run="r1") == [ended]
    # ended a moment before the look: maybe not yet stored, so seen only if the run named it
    just = PriorInvoice(
        "just", "c.xml", "seller_number", NOW - dt.timedelta(seconds=1), NOW - dt.timedelta(0, 0.01)
    )
    assert HistoryAsOf(_History([just]), {"r1": NOW}).find(**keys, exclude_run="r1") == []
    named = HistoryAsOf(_History([just]), {"r1": NOW}, {"r1": "duplicate of run just (c.xml)"})
    assert named.find(**keys, exclude_run="r1") == [just]


def test_a_recorded_run_looked_when_its_first_dedupe_attempt_started() -> None:
    dedupe = StageAttempt("r1", "dedupe", "m", 1, AttemptOutcome.OK, 1.0, NOW, None, {})
    again = StageAttempt(
        "r1",
        "dedupe",
        "m",
        1,
        AttemptOutcome.OK,
        1.0,
        NOW + dt.timedelta(1),
        None,
        {"review_revision": 1},
    )
    started = NOW - dt.timedelta(seconds=5)
    assert looked_at(_run(attempts=[dedupe, again], started_at=started)) == NOW
    assert looked_at(_run(started_at=started)) == started
    assert looked_at(_run()) == NOW  # created


def test_stage_figures_compare_the_first_pass_with_the_trial() -> None:
    before = [
        _run(attempts=[_attempt("extract", AttemptOutcome.FALLBACK, 10.0)]),
        _run(attempts=[_attempt("extract", AttemptOutcome.FAILED, 30.0)]),
        _run(attempts=[_attempt("extract", AttemptOutcome.SKIPPED, 0.0)]),
    ]
    after = [_run(attempts=[_attempt("extract", AttemptOutcome.OK, 4.0)])]
    figures = stage_figures(before, after)["extract"]
    assert figures["fallback_rate_before"] == 50.0 and figures["fallback_rate_after"] == 0.0
    assert figures["failure_rate_before"] == 50.0 and figures["failure_rate_after"] == 0.0
    assert (figures["p50_ms_before"], figures["p50_ms_after"]) == (20.0, 4.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", NOW - dt.timedelta(hours=24)),
        ("90m", NOW - dt.timedelta(minutes=90)),
        ("7d", NOW - dt.timedelta(days=7)),
        ("2025-04-08T08:00", dt.datetime(2025, 4, 8, 8, 0, tzinfo=dt.UTC)),
        ("2025-04-08T08:00+02:00", dt.datetime(2025, 4, 8, 6, 0, tzinfo=dt.UTC)),
    ],
)
def test_since_takes_a_duration_or_an_iso_time(text: str, expected: dt.datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "0h", "2030-01-01T00:00", ""])
def test_since_refuses_anything_else_naming_the_forms(text: str) -> None:
    with pytest.raises(RequestError, match=r"24h|future|no time ago"):
        parse_since(text, NOW)


def test_the_scope_is_one_of_last_since_or_files_with_50_runs_by_default() -> None:
    assert trial_scope() == TrialScope(last=50)
    assert trial_scope(last=5) == TrialScope(last=5)
    assert trial_scope(since="1h", now=NOW) == TrialScope(since=NOW - dt.timedelta(hours=1))
    assert trial_scope(files=["a.pdf"]) == TrialScope(files=("a.pdf",))
    with pytest.raises(RequestError, match="not last and since"):
        trial_scope(last=5, since="1h")
    with pytest.raises(RequestError, match="from 1 to 5,000, not 0"):
        trial_scope(last=0)
    assert trial_scope(last=MAX_RUNS) == TrialScope(last=5_000)


def test_last_is_capped_at_5000_runs_with_the_fix() -> None:
    with pytest.raises(
        RequestError, match=r"5,001 is more runs than a trial runs on.*last 5000 or fewer"
    ):
        trial_scope(last=5_001)


def test_a_decision_change_gives_the_reasons_before_and_after() -> None:
    before = _run(decision={"outcome": "approve", "reasons": ["all checks passed"]})
    after = _run(
        decision={"outcome": "review", "reasons": ["possible duplicate of run r0 (b.xml)"]}
    )
    person = _run(
        "r2",
        decision={
            "outcome": "approve",
            "reasons": ["approved by bob: fine", "amount over 10,000"],
            "decided_by": "bob",
        },
        final_decision={"outcome": "approve", "by": "bob"},
        attempts=[_attempt("route", AttemptOutcome.OK)],
    )

    report = build_report(1, [_Item("a.pdf", None, before, after=after)])
    (detail,) = report["runs_detail"]
    assert report["decision_changes"] == {"approve->review": 1}
    assert detail["reasons_before"] == ["all checks passed"]
    assert detail["reasons_after"] == ["possible duplicate of run r0 (b.xml)"]
    assert detail["reason_after"] == "possible duplicate of run r0 (b.xml)"
    # a person's decision: the rules' reasons, not the person's
    report = build_report(1, [_Item("a.pdf", None, person, after=after)])
    assert report["runs_detail"][0]["reasons_before"] == ["amount over 10,000"]


def test_the_event_of_a_trial_on_given_files_names_them_the_first_20_then_how_many_more() -> None:
    report = build_report(1, [])
    few = Trial("t1", 1, "ann", TrialScope(files=("a.pdf", "b.xml")), NOW)
    few.status, few.report = TrialStatus.DONE, report
    assert "on 2 given file(s): a.pdf, b.xml (trial t1)" in _event_message(few)
    names = tuple(f"f{i:02}.pdf" for i in range(25))
    many = Trial("t2", 1, "ann", TrialScope(files=names), NOW, status=TrialStatus.FAILED)
    message = _event_message(many)
    assert "25 given file(s): f00.pdf, f01.pdf" in message and "f19.pdf and 5 more" in message
    assert "f20.pdf" not in message
