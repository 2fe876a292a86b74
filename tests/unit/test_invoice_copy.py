"""`Invoice.copy`: equal to the original, and nothing done to the copy reaches the original."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from turnout.domain.invoice import (
    FieldSource,
    Invoice,
    InvoiceLine,
    Party,
    Payment,
    Totals,
    VatBreakdown,
)


def _invoice() -> Invoice:
    return Invoice(
        invoice_number="INV-1",
        issue_date=dt.date(2026, 11, 26),
        currency="EUR",
        seller=Party("Seller GmbH", "DE123456789", "DE"),
        buyer=Party("Buyer SARL", None, "FR"),
        payment=Payment("DE89370400440532013000", "COBADEFFXXX"),
        totals=Totals(payable=Decimal("119.00"), tax=Decimal("19.00")),
        vat_breakdown=[VatBreakdown("S", Decimal("19"), Decimal("100.00"), Decimal("19.00"))],
        lines=[InvoiceLine("1", "Widget", Decimal("2"), "C62", Decimal("50"), Decimal("100.00"))],
        provenance={"invoice_number": FieldSource("einvoice.xml", 1.0)},
    )


def test_a_copy_equals_the_original_and_a_deep_copy() -> None:
    original = _invoice()
    assert original.copy() == original == copy.deepcopy(original)
    assert original.copy().to_dict() == original.to_dict()


def test_changing_the_copy_leaves_the_original_alone() -> None:
    original = _invoice()
    before = original.to_dict()
    clone = original.copy()
    clone.invoice_number = "INV-2"
    clone.seller.name = "Other"
    clone.buyer.country = "BE"
    clone.payment.iban = None
    clone.totals.payable = Decimal("0")
    clone.vat_breakdown[0].rate = Decimal("7")
    clone.vat_breakdown.append(VatBreakdown("Z"))
    clone.lines[0].quantity = Decimal("3")
    clone.lines.clear()
    clone.provenance["seller.name"] = FieldSource("normalize.standard", 0.5)
    assert original.to_dict() == before
