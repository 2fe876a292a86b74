"""A zero rounding amount normalize.standard drops leaves no provenance behind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from turnout.domain.artifacts import EInvoice, InvoiceArtifact
from turnout.domain.invoice import FieldSource, Invoice, Totals, invoice_problems
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.normalize.standard import StandardNormalize


def normalised(invoice: Invoice) -> Invoice:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    einvoice = EInvoice(syntax="ubl", document_type="Invoice", profile=None, invoice=invoice)
    (out,) = StandardNormalize().process(Artifacts([einvoice]), context)
    assert isinstance(out, InvoiceArtifact)
    return out.invoice


def test_a_zero_rounding_amount_dropped_takes_its_provenance_with_it() -> None:
    invoice = Invoice(invoice_number="P-2", totals=Totals(rounding=Decimal("0.00")))
    invoice.provenance["totals.rounding"] = FieldSource("einvoice.xml", 1.0)
    invoice.provenance["invoice_number"] = FieldSource("einvoice.xml", 1.0)
    out = normalised(invoice)
    assert out.totals.rounding is None
    assert sorted(out.provenance) == ["invoice_number"]
    assert invoice_problems(out) == []
