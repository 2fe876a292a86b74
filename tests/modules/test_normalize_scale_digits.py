"""normalize.standard rescales a value of any length without rounding it or writing it with an
exponent, and a zero rounding amount it drops leaves no provenance behind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from turnout.domain.artifacts import EInvoice, InvoiceArtifact
from turnout.domain.invoice import FieldSource, Invoice, InvoiceLine, Totals, invoice_problems
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.normalize.scale import money, plain
from turnout.modules.normalize.standard import StandardNormalize


def normalised(invoice: Invoice) -> Invoice:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    einvoice = EInvoice(syntax="ubl", document_type="Invoice", profile=None, invoice=invoice)
    (out,) = StandardNormalize().process(Artifacts([einvoice]), context)
    assert isinstance(out, InvoiceArtifact)
    return out.invoice


def test_values_longer_than_28_digits_keep_every_digit() -> None:
    quantity = "2.000000000000000000000000000001"
    price = "9.9500000000000000000000000000001"
    line = InvoiceLine(quantity=Decimal(quantity + "000"), net_price=Decimal(price))
    out = normalised(Invoice(invoice_number="P-1", lines=[line]))
    written = out.to_dict()["lines"][0]
    assert (written["quantity"], written["net_price"]) == (quantity, price)


def test_long_values_are_written_without_an_exponent() -> None:
    long_integer = Decimal("1" + "0" * 40)
    assert str(money(long_integer)) == "1" + "0" * 40 + ".00"
    assert str(plain(Decimal("1" + "0" * 40 + ".000"))) == "1" + "0" * 40
    assert str(money(Decimal("12345678901234567890123456789012.5"))) == (
        "12345678901234567890123456789012.50"
    )


def test_a_zero_rounding_amount_dropped_takes_its_provenance_with_it() -> None:
    invoice = Invoice(invoice_number="P-2", totals=Totals(rounding=Decimal("0.00")))
    invoice.provenance["totals.rounding"] = FieldSource("einvoice.xml", 1.0)
    invoice.provenance["invoice_number"] = FieldSource("einvoice.xml", 1.0)
    out = normalised(invoice)
    assert out.totals.rounding is None
    assert sorted(out.provenance) == ["invoice_number"]
    assert invoice_problems(out) == []
