"""extract.layout on the printed pages of the ZUGFeRD corpus, against each PDF's own e-invoice.

A floor, not the benchmark (bench/bench_printed_page.py measures every field): the invoice
number, issue date, seller and buyer names read from the page agree with the embedded XML on
most files, and every value the reader gives carries its boxes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from turnout.domain.artifacts import Document, Fields, InvoiceArtifact, Source
from turnout.domain.errors import InputRejected, NotApplicable
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.extract.layout.module import LayoutExtract
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.text.pdfium import PdfiumText

ZUGFERD = Path(__file__).parents[3].parent / "shared" / "corpora" / "zugferd"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not ZUGFERD.is_dir(),
        reason=f"corpora not found at {ZUGFERD} (they are only on developer machines and in CI)",
    ),
]
FIELDS = ("invoice_number", "issue_date", "seller.name", "buyer.name")


def _run(modules: list[StageModule], artifacts: Artifacts) -> Artifacts:
    for module in modules:
        spec = module.spec
        context = RunContext("corpus", 1, spec.stage_id, spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts


def _value(invoice: dict[str, object], path: str) -> str | None:
    node: object = invoice
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return " ".join(str(node).lower().split()) if node is not None else None


def test_fields_read_off_the_page_agree_with_the_embedded_invoice() -> None:
    right = total = 0
    for pdf in sorted(ZUGFERD.rglob("*.pdf")):
        data = pdf.read_bytes()
        try:
            truth_run = _run(
                [StandardIntake(), XmlEInvoice(), StandardNormalize()],
                Artifacts([Source(pdf.name, data)]),
            )
        except (InputRejected, NotApplicable):
            continue
        if truth_run.get(Document) is None or truth_run.get(InvoiceArtifact) is None:
            continue
        truth = truth_run.require(InvoiceArtifact).invoice.to_dict()
        read = _run(
            [StandardIntake(), PdfiumText(), LayoutExtract(), StandardNormalize()],
            Artifacts([Source(pdf.name, data)]),
        )
        fields = read.require(Fields)
        assert all(f.boxes for f in fields.values.values() if f.value), pdf.name
        got = read.require(InvoiceArtifact).invoice.to_dict()
        for path in FIELDS:
            if _value(truth, path) is not None:
                total += 1
                right += _value(truth, path) == _value(got, path)
    assert total > 100
    assert right / total >= 0.85, f"{right}/{total}"
