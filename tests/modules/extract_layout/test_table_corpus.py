"""The table reader and the totals solver on the printed pages of the ZUGFeRD corpus.

Every PDF there carries its own answer key: the embedded e-invoice. The line items and totals read
from the page (text.pdfium's words) must match it on most files, so that a change which reads one
layout better and three worse shows up here, not only in the benchmark.

Needs ../shared/corpora next to the repository (see its README); skipped when it is absent.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from turnout.domain.artifacts import Source, Text
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.extract.layout.page import layout_of
from turnout.modules.extract.layout.table import read_line_items
from turnout.modules.extract.layout.totals import read_totals
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.money import parse_amount
from turnout.modules.text.pdfium import PdfiumText

ZUGFERD = Path(__file__).parents[3].parent / "shared" / "corpora" / "zugferd"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not ZUGFERD.is_dir(),
        reason=f"corpora not found at {ZUGFERD} (they are only on developer machines and in CI)",
    ),
]


def printed(tmp_path: Path) -> list[tuple[str, Text, Invoice]]:
    """(name, text of the page, embedded invoice) of every PDF whose XML einvoice.xml reads."""
    cases = []
    for path in sorted(ZUGFERD.rglob("*.pdf")):
        try:
            document = StandardIntake().identify(Source(path.name, path.read_bytes()))
            invoice = XmlEInvoice().parse(document).invoice
        except InputRejected:
            continue
        context = RunContext("corpus", 1, "text", "text.pdfium", tmp_path)
        (text,) = PdfiumText().process(Artifacts([document]), context)
        assert isinstance(text, Text)
        cases.append((path.name, text, invoice))
    return cases


def test_line_items_and_totals_match_the_embedded_invoice(tmp_path: Path) -> None:
    lines_right = lines_files = totals_right = totals_count = 0
    for _, text, invoice in printed(tmp_path):
        layout = layout_of(text)
        table = read_line_items(layout)
        items = table.items if table is not None else ()
        nets = [parse_amount(item.values["net_amount"].value) for item in items]
        truth = [line.net_amount for line in invoice.lines]
        if truth and all(n is not None for n in truth):
            lines_files += 1
            lines_right += nets == truth
        found = read_totals(
            layout, [n for n in nets if n is not None], table.last_line if table else None
        )
        for name in ("line_net", "tax_exclusive", "tax_inclusive", "payable"):
            expected: Decimal | None = getattr(invoice.totals, name)
            if expected is None:
                continue
            totals_count += 1
            got = found.get(f"totals.{name}")
            totals_right += got is not None and parse_amount(got.value) == expected
    assert lines_files >= 40
    # measured 52/54 files and 232/254 totals; the rest are pages that print other numbers
    # than their XML (gross prices, a sample XML in another PDF, credits printed negative)
    assert lines_right / lines_files >= 0.85
    assert totals_right / totals_count >= 0.85
