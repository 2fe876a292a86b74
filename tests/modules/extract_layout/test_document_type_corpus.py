"""The document type read from the titles of the ZUGFeRD corpus's printed pages, against each
PDF's embedded e-invoice (skipped without the corpora).

Some disagree by design: ZUGFeRD 1 files titled "Rechnungskorrektur" carry 380 where the title
means a corrected invoice (384), and a credit note may be sent as a negative invoice (380) while
its page says "Avoir". So a floor, and no credit note missed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from turnout.domain.artifacts import Document, InvoiceArtifact, Source, Text
from turnout.domain.errors import InputRejected, NotApplicable
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.extract.layout.document_type import read_document_type
from turnout.modules.extract.layout.page import layout_of
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
TYPES = frozenset({"380", "381", "384", "389"})


def _run(modules: list[StageModule], artifacts: Artifacts) -> Artifacts:
    for module in modules:
        spec = module.spec
        context = RunContext("corpus", 1, spec.stage_id, spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts


def _truth(data: bytes, name: str) -> str | None:
    try:
        run = _run(
            [StandardIntake(), XmlEInvoice(), StandardNormalize()], Artifacts([Source(name, data)])
        )
    except (InputRejected, NotApplicable):
        return None
    if run.get(Document) is None or run.get(InvoiceArtifact) is None:
        return None
    return run.require(InvoiceArtifact).invoice.type_code


def test_the_type_read_from_the_title_agrees_with_the_embedded_invoice() -> None:
    right, total, credit_notes = 0, 0, []
    for pdf in sorted(ZUGFERD.rglob("*.pdf")):
        data = pdf.read_bytes()
        truth = _truth(data, pdf.name)
        if truth not in TYPES:
            continue
        text = _run([StandardIntake(), PdfiumText()], Artifacts([Source(pdf.name, data)]))
        found = read_document_type(layout_of(text.require(Text)))
        read = found.value if found is not None else None
        total += 1
        right += read == truth
        if truth == "381":
            credit_notes.append((pdf.name, read))
    assert total > 40
    assert right / total >= 0.85, f"{right}/{total}"
    assert credit_notes
    assert all(read == "381" for _, read in credit_notes), credit_notes
