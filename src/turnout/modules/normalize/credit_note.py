"""Credit notes printed with negative amounts, put in the form EN 16931 keeps them: positive.

A printed credit note shows what it takes back as negative amounts ("Total -233,47"), while an
EN 16931 credit note (type 381 and its kin) holds the same amounts positive, the document type
saying which way the money goes. When the type read from the page is a credit note and its
document-level amount is negative, `turn_credit_note_signs` turns the signs of the totals (BT-111
in the VAT accounting currency too), of the VAT breakdown, of the document's allowances and
charges (amounts and bases), of the lines' net amounts and of their allowances and charges (each
of these only when it is printed negative too: some pages print rows in the credit note's form
and only the totals negative). Percentages are rates and stay. Quantity times price keeps its
meaning: prices (net, gross and the price discount) stay as printed and a quantity takes the sign
its turned net amount needs (a credit note that prints "5 x 4,55 = -20,48" becomes
5 x 4,55 = 20,48; one that prints "-5 x 4,55 = -22,75" becomes 5 x 4,55 = 22,75). An invoice
(380) or a document of no known type stays as printed: a negative invoice is a negative invoice.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from turnout.authoring import (
    CREDIT_NOTE_CODES,
    TOTALS_NAMES,
    AllowanceCharge,
    Finding,
    Invoice,
    InvoiceLine,
    Severity,
)

RULE = "TURNOUT-CREDIT-NOTE-SIGNS"
# the amounts that say which way the document's money goes, the first one read deciding
_DOCUMENT_AMOUNTS = ("payable", "tax_inclusive", "tax_exclusive", "line_net")
_ZERO = Decimal(0)


def turn_credit_note_signs(invoice: Invoice) -> Finding | None:
    """Turn a credit note's negative amounts positive in place; a note when it was done."""
    printed = _document_amount(invoice)
    if invoice.type_code not in CREDIT_NOTE_CODES or printed is None or printed >= _ZERO:
        return None
    for name in TOTALS_NAMES:
        setattr(invoice.totals, name, _turned(getattr(invoice.totals, name)))
    # a page may print its rows as the credit note's form already and only its totals negative:
    # rows are turned when, taken together, they are negative too
    if _sum(r.taxable if r.taxable is not None else r.tax for r in invoice.vat_breakdown) < 0:
        for row in invoice.vat_breakdown:
            row.taxable, row.tax = _turned(row.taxable), _turned(row.tax)
    for items in (invoice.allowances, invoice.charges):
        _turn_if_negative(items)
    if _lines_negative(invoice.lines):
        for line in invoice.lines:
            _turn_line(line)
    return Finding(
        rule=RULE,
        severity=Severity.WARNING,
        message=f"credit note {invoice.invoice_number or ''} printed with negative amounts "
        f"({printed}): the signs of its totals, VAT breakdown, allowances, charges and line "
        "amounts were turned to the positive form EN 16931 keeps (the type code says it is a "
        "credit note); if the document is an invoice, correct its type code",
        path="type_code",
    )


def _lines_negative(lines: list[InvoiceLine]) -> bool:
    """Whether the lines are printed negative: their net amounts in sum, else their quantities."""
    if any(line.net_amount is not None for line in lines):
        return _sum(line.net_amount for line in lines) < 0
    return any(line.quantity is not None and line.quantity < 0 for line in lines)


def _sum(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((a for a in amounts if a is not None), _ZERO)


def _document_amount(invoice: Invoice) -> Decimal | None:
    """The first non-zero document-level amount read: the amount due, else the gross total..."""
    for name in _DOCUMENT_AMOUNTS:
        amount: Decimal | None = getattr(invoice.totals, name)
        if amount is not None and amount != _ZERO:
            return amount
    return None


def _turn_if_negative(items: list[AllowanceCharge]) -> None:
    """Turn allowances (or charges) printed negative, taken together: amounts and bases."""
    if _sum(item.amount for item in items) < 0:
        for item in items:
            item.amount, item.base = _turned(item.amount), _turned(item.base)


def _turn_line(line: InvoiceLine) -> None:
    line.net_amount = _turned(line.net_amount)
    for items in (line.allowances, line.charges):
        _turn_if_negative(items)
    if line.quantity is None or line.quantity == _ZERO:
        return
    if not line.net_amount:
        line.quantity = _turned(line.quantity)
        return
    # the sign that makes quantity x price the net amount again (a price read is never turned)
    negative = (line.net_amount < _ZERO) != (line.net_price is not None and line.net_price < 0)
    line.quantity = -abs(line.quantity) if negative else abs(line.quantity)


def _turned(amount: Decimal | None) -> Decimal | None:
    # 0 - x, not -x: a turned zero stays "0.00", never "-0.00"
    return None if amount is None else _ZERO - amount
