"""text.pdfium + extract.heuristic + normalize.standard over invoice2data's golden PDFs.

For information only: the score (how many of invoice_number, date, amount and currency match
invoice2data's expectations) is printed, not asserted; the test asserts that nothing crashes —
a PDF may be rejected with `InputRejected` (saeco.pdf keeps its data in an image), never more.
Run with `-s` to see the score.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from turnout.domain.artifacts import Document, DocumentKind, Fields, InvoiceArtifact, Text
from turnout.domain.errors import InputRejected
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.extract.heuristic import HeuristicExtract
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.text.pdfium import PdfiumText

COMPARE = Path(__file__).resolve().parents[2].parent / "shared/corpora/invoice2data/compare"
KEYS = ("invoice_number", "date", "amount", "currency")

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not COMPARE.is_dir(), reason=f"invoice2data corpus not found at {COMPARE}"),
]


def run_pipeline(pdf: Path) -> dict[str, object]:
    """The normalised invoice as invoice2data's keys, or {} when a stage rejected the PDF."""
    data = pdf.read_bytes()
    document = Document(pdf.name, DocumentKind.PDF, "application/pdf", "0" * 64, len(data), data)
    artifacts = Artifacts([document])
    for module in (PdfiumText(), HeuristicExtract(), StandardNormalize()):
        context = RunContext("corpus", 1, module.spec.stage_id, module.spec.module_id, pdf.parent)
        try:
            for artifact in module.process(artifacts, context):
                artifacts.add(artifact)
        except InputRejected:
            return {}
    assert artifacts.get(Text) is not None and artifacts.get(Fields) is not None
    invoice = artifacts.require(InvoiceArtifact).invoice
    return {
        "invoice_number": invoice.invoice_number,
        "date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "amount": invoice.totals.payable,
        "currency": invoice.currency,
    }


def matches(key: str, got: object, want: object) -> bool:
    if want is None:
        return False
    if key == "amount":
        return got is not None and Decimal(str(got)) == Decimal(str(want))
    return got == want


def test_invoice2data_golden_pdfs_run_through_without_crashing() -> None:
    pdfs = sorted(COMPARE.glob("*.pdf"))
    assert pdfs, f"no PDFs in {COMPARE}"
    score = possible = 0
    report = []
    for pdf in pdfs:
        expected = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))[0]
        got = run_pipeline(pdf)
        hits = [k for k in KEYS if matches(k, got.get(k), expected.get(k))]
        wanted = [k for k in KEYS if expected.get(k) is not None]
        score, possible = score + len(hits), possible + len(wanted)
        missed = {k: (got.get(k), expected.get(k)) for k in wanted if k not in hits}
        report.append(f"  {pdf.name}: {len(hits)}/{len(wanted)} missed {missed}")
    print(f"\ninvoice2data compare: {score}/{possible} of {', '.join(KEYS)}")
    print("\n".join(report))
