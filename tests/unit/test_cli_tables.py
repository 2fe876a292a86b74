"""`turnout runs` (and the `process` table) and `turnout review list` at 120 and 160 columns:
long file names, sellers and statuses are cut first, so that the reason keeps at least a third
of the line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from turnout.cli.common import console
from turnout.cli.review import _queue_table
from turnout.cli.runs import print_runs
from turnout.domain.review import ReviewItem
from turnout.domain.runs import Run, RunStatus

CREATED = dt.datetime(2026, 12, 6, 1, 15, tzinfo=dt.UTC)
FILE = "2026-11-30_supplier-invoices_scanned-at-front-desk_batch-0042.pdf"
SELLER = "Müller Präzisionsteile GmbH & Co. KG, Niederlassung Süd"
NUMBER = "INV-2026-000000173-A/REV2"
REASON = "no routing rule matched this invoice; add a rule for the seller or route it by hand"


def _run() -> Run:
    return Run(
        "5e3c18a8-ba9d-460c-9ce9-bbbc0e2b7d7b",
        FILE,
        "c1",
        12345,
        RunStatus.COMPLETED_WITH_FALLBACK,
        CREATED,
        invoice={
            "invoice_number": NUMBER,
            "seller": {"name": SELLER},
            "currency": "EUR",
            "totals": {"payable": "1234567.89"},
        },
        decision={"outcome": "review", "reasons": [REASON], "decided_by": "alice-the-reviewer"},
    )


def _item() -> ReviewItem:
    return ReviewItem(
        "5e3c18a8-ba9d-460c-9ce9-bbbc0e2b7d7b",
        FILE,
        "completed_with_fallback",
        "review",
        (REASON,),
        NUMBER,
        SELLER,
        "1234567.89",
        "EUR",
        CREATED,
    )


@pytest.fixture
def width() -> Iterator[Callable[[int], None]]:
    kept = console.width

    def set_width(columns: int) -> None:
        console.width = columns

    yield set_width
    console.width = kept


@pytest.mark.parametrize("columns", [120, 160])
def test_the_reason_keeps_a_third_of_the_line(width: Callable[[int], None], columns: int) -> None:
    width(columns)
    with console.capture() as captured:
        print_runs([_run()])
        console.print(_queue_table([_item()]))
    rows = [line for line in captured.get().splitlines() if line.startswith("5e3c18a8")]
    assert len(rows) == 2, captured.get()
    for row in rows:
        assert len(row) <= columns
        shown = row[row.index("no routing rule") :].rstrip()
        assert len(shown) >= columns // 3, (columns, row)
