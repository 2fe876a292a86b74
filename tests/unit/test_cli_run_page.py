"""`turnout runs show`'s page: the header's reason is the first of the decision's reasons (as the
review queue orders them) with how many more the decision block lists, and a run not finished
yet says so instead of claiming it ended before `route`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from turnout.cli.common import console
from turnout.cli.run_page import print_decision, run_header
from turnout.domain.runs import Run, RunStatus

FALLBACK = "fallback used for stage extract"
DECISION_REASONS = [
    "the invoice number was not read from the document; check the page and enter it",
    "the seller name was read with confidence 0.30, below required_confidence 0.6",
    "fields extracted with confidence below 0.50: buyer.country 0.41",
]


@pytest.fixture(autouse=True)
def _wide_console() -> Iterator[None]:
    """One line for each header row, whatever the terminal running the tests."""
    kept = console.width
    console.width = 400
    yield
    console.width = kept


def _run(status: RunStatus, **fields: object) -> Run:
    created = dt.datetime(2026, 12, 6, 1, 15, tzinfo=dt.UTC)
    return Run(
        "f9f3497a-0000-4000-8000-000000000001", "saeco.pdf", None, None, status, created, **fields
    )  # type: ignore[arg-type]


def _printed(*renderables: object) -> str:
    with console.capture() as captured:
        for renderable in renderables:
            console.print(renderable)
    return captured.get()


def _header_reason(run: Run) -> str:
    text = _printed(run_header(run))
    return " ".join(next(line for line in text.splitlines() if line.startswith("reason")).split())


def test_the_header_names_the_decisions_first_reason_and_how_many_more() -> None:
    run = _run(
        RunStatus.COMPLETED_WITH_FALLBACK,
        reason=FALLBACK,
        decision={"outcome": "review", "reasons": DECISION_REASONS},
    )
    header = _header_reason(run)
    assert header.startswith("reason the invoice number was not read"), header
    assert "(and 3 more: see the decision below)" in header and FALLBACK not in header
    with console.capture() as captured:
        print_decision(run)
    listed = [line.strip() for line in captured.get().splitlines() if line.strip().startswith("- ")]
    assert len(listed) == 4 and listed[-1] == f"- {FALLBACK}"  # the note comes last


def test_a_failed_runs_header_gives_its_failure_alone() -> None:
    failed = "stage `text` failed: the PDF cannot be opened"
    assert _header_reason(_run(RunStatus.FAILED, reason=failed)) == f"reason {failed}"


def test_a_queued_or_running_run_says_it_has_not_finished() -> None:
    for status, said in (
        (RunStatus.QUEUED, "queued, not processed yet"),
        (RunStatus.RUNNING, "running, not finished yet"),
    ):
        run = _run(status)
        with console.capture() as captured:
            print_decision(run)
        assert captured.get().strip() == f"decision: none yet ({said})"
        assert _header_reason(run) == f"reason {said}"
    with console.capture() as captured:
        print_decision(_run(RunStatus.FAILED, reason="stage `intake` failed"))
    assert "decision: none (the run ended before `route`)" in captured.get()
