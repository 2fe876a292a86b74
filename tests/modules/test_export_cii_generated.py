"""export.cii on the project's generated invoices: every VAT category with its exemption reasons,
allowances and charges on both levels, each kind of payment, invoices and credit notes — each one
valid as CII, and read back by einvoice.xml and normalize.standard as the same canonical invoice."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from turnout.domain.artifacts import (
    Decision,
    Document,
    DocumentKind,
    InvoiceArtifact,
    Outcome,
    Receipt,
    Source,
)
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.cii import CiiExport
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.scale import canonical_scales
from turnout.modules.normalize.standard import StandardNormalize
from turnout.testing.einvoices import generate_with_attachments

SEEDS = range(42)  # every VAT scenario x payment x invoice / credit note


def read(data: bytes) -> Invoice:
    artifacts = Artifacts([Source("back.xml", data)])
    for module in (StandardIntake(), XmlEInvoice(), StandardNormalize()):
        context = RunContext("back", 1, module.spec.stage_id, module.spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts.require(InvoiceArtifact).invoice


def run_document(xml: bytes) -> Document:
    digest = hashlib.sha256(xml).hexdigest()
    return Document("in.xml", DocumentKind.UBL, "application/xml", digest, len(xml), xml, xml=xml)


def comparable(invoice: Invoice) -> dict[str, object]:
    data = invoice.to_dict()
    del data["provenance"]
    return data


def as_read(invoice: Invoice) -> Invoice:
    """`invoice` as a run holds it once read: each number in normalize.standard's one written
    form, and a party's identifiers without a scheme first (CII writes them as `ram:ID`, which
    its schema puts before every `ram:GlobalID`)."""
    expected = invoice.copy()
    canonical_scales(expected)
    for party in (expected.seller, expected.buyer):
        party.identifiers.sort(key=lambda identifier: identifier.scheme is not None)
    return expected


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_invoice_is_valid_cii_and_reads_back_unchanged(seed: int, tmp_path: Path) -> None:
    generated = generate_with_attachments(seed)
    invoice = generated.invoice
    artifacts = Artifacts(
        [
            InvoiceArtifact(invoice),
            Decision(Outcome.APPROVE),
            run_document(generated.carrier_xml()),
        ]
    )
    context = RunContext(f"gen-{seed}", 1, "export", "export.cii", tmp_path)
    (receipt,) = CiiExport({}).process(artifacts, context)  # refuses what breaks a rule
    assert isinstance(receipt, Receipt)
    again = read(Path(receipt.location).read_bytes())
    assert comparable(again) == comparable(as_read(invoice))
