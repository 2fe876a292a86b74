"""Arithmetic rules of `validate.basic`: the totals of an invoice must add up.

Every check compares with `Decimal` and allows a rounding `tolerance`. A check runs only when the
amounts it compares are present: invoices read from PDFs are often partial, and a missing amount
is the business of the required-field rules, not an arithmetic error. Optional terms of a sum
(allowances, charges, prepaid, rounding) count as zero when absent, as EN 16931 says.

| rule          | severity | checks                                                        |
|---------------|----------|---------------------------------------------------------------|
| BR-CO-10      | fatal    | BT-106 = sum of the line net amounts BT-131                   |
| BR-CO-13      | fatal    | BT-109 = BT-106 - BT-107 + BT-108                             |
| BR-CO-14      | fatal    | BT-110 = sum of the VAT breakdown tax amounts BT-117          |
| BR-CO-15      | fatal    | BT-112 = BT-109 + BT-110                                      |
| BR-CO-16      | fatal    | BT-115 = BT-112 - BT-113 + BT-114                             |
| TURNOUT-LINE-NET | warning | BT-131 = BT-129 x BT-146, rounded to 2 decimals            |
| TURNOUT-AMOUNT   | fatal   | an amount is a number below 10^20 (not NaN, not infinite)  |

The sums run in a private decimal context wide enough for any amount below 10^20, so no input
makes a check raise; amounts beyond that are reported by TURNOUT-AMOUNT and left out of the sums.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from decimal import ROUND_HALF_UP, Decimal, localcontext

from turnout.authoring import Finding, Invoice, Severity

_CENT = Decimal("0.01")
_MAX_ADJUSTED = 19  # amounts below 10^20: far beyond any invoice, small enough to sum exactly
_PRECISION = 60  # digits: the product of two such amounts, quantized to cents, still fits


def check_arithmetic(invoice: Invoice, tolerance: Decimal) -> list[Finding]:
    """Every arithmetic finding of `invoice`, in a fixed order."""
    with localcontext() as ctx:
        # a list, not a generator: the private context must not leak to the caller between yields
        ctx.prec = _PRECISION
        return [
            *_unusable_amounts(invoice),
            *_line_net_sum(invoice, tolerance),
            *_tax_exclusive(invoice, tolerance),
            *_vat_breakdown_sum(invoice, tolerance),
            *_tax_inclusive(invoice, tolerance),
            *_payable(invoice, tolerance),
            *_line_amounts(invoice, tolerance),
        ]


def amount(value: object) -> Decimal | None:
    """`value` as a usable Decimal, or None when it is missing or cannot take part in a sum."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    number = Decimal(value)
    if not number.is_finite() or (number and number.adjusted() > _MAX_ADJUSTED):
        return None
    return number


def _unusable_amounts(invoice: Invoice) -> Iterator[Finding]:
    places: list[tuple[str, object]] = [
        (f"totals.{f.name}", getattr(invoice.totals, f.name)) for f in fields(invoice.totals)
    ]
    for i, vat in enumerate(invoice.vat_breakdown):
        places += [
            (f"vat_breakdown[{i}].taxable", vat.taxable),
            (f"vat_breakdown[{i}].tax", vat.tax),
        ]
    for i, line in enumerate(invoice.lines):
        places += [
            (f"lines[{i}].quantity", line.quantity),
            (f"lines[{i}].net_price", line.net_price),
            (f"lines[{i}].net_amount", line.net_amount),
        ]
    for path, value in places:
        if value is not None and amount(value) is None:
            yield Finding(
                "TURNOUT-AMOUNT",
                Severity.FATAL,
                f"the amount at {path} is {value!s:.40}, which is not a usable amount (not a "
                "number, infinite, or 10^20 and above); correct it in the source document or "
                "the extraction",
                path,
            )


def _line_net_sum(invoice: Invoice, tolerance: Decimal) -> Iterator[Finding]:
    stated = amount(invoice.totals.line_net)
    nets = [amount(line.net_amount) for line in invoice.lines]
    if stated is None or not nets or any(n is None for n in nets):
        return
    expected = sum((n for n in nets if n is not None), Decimal(0))
    if _off(stated, expected, tolerance):
        yield _mismatch(
            "BR-CO-10",
            "totals.line_net",
            f"the sum of invoice line net amounts (BT-106) is {_fmt(stated)} but the "
            f"{len(nets)} line net amounts (BT-131) add up to {_fmt(expected)}",
            stated,
            expected,
            tolerance,
        )


def _tax_exclusive(invoice: Invoice, tolerance: Decimal) -> Iterator[Finding]:
    t = invoice.totals
    stated, line_net = amount(t.tax_exclusive), amount(t.line_net)
    if stated is None or line_net is None:
        return
    allowances, charges = amount(t.allowances) or Decimal(0), amount(t.charges) or Decimal(0)
    expected = line_net - allowances + charges
    if _off(stated, expected, tolerance):
        yield _mismatch(
            "BR-CO-13",
            "totals.tax_exclusive",
            f"the total amount without VAT (BT-109) is {_fmt(stated)} but line net sum (BT-106) "
            f"{_fmt(line_net)} - allowances (BT-107) {_fmt(allowances)} + charges (BT-108) "
            f"{_fmt(charges)} = {_fmt(expected)}",
            stated,
            expected,
            tolerance,
        )


def _vat_breakdown_sum(invoice: Invoice, tolerance: Decimal) -> Iterator[Finding]:
    stated = amount(invoice.totals.tax)
    taxes = [amount(v.tax) for v in invoice.vat_breakdown]
    if stated is None or not taxes or any(x is None for x in taxes):
        return
    expected = sum((x for x in taxes if x is not None), Decimal(0))
    if _off(stated, expected, tolerance):
        yield _mismatch(
            "BR-CO-14",
            "totals.tax",
            f"the total VAT amount (BT-110) is {_fmt(stated)} but the {len(taxes)} VAT breakdown "
            f"tax amounts (BT-117) add up to {_fmt(expected)}",
            stated,
            expected,
            tolerance,
        )


def _tax_inclusive(invoice: Invoice, tolerance: Decimal) -> Iterator[Finding]:
    t = invoice.totals
    stated, exclusive, tax = amount(t.tax_inclusive), amount(t.tax_exclusive), amount(t.tax)
    if stated is None or exclusive is None or tax is None:
        return
    expected = exclusive + tax
    if _off(stated, expected, tolerance):
        yield _mismatch(
            "BR-CO-15",
            "totals.tax_inclusive",
            f"the total amount with VAT (BT-112) is {_fmt(stated)} but total without VAT "
            f"(BT-109) {_fmt(exclusive)} + total VAT (BT-110) {_fmt(tax)} = {_fmt(expected)}",
            stated,
            expected,
            tolerance,
        )


def _payable(invoice: Invoice, tolerance: Decimal) -> Iterator[Finding]:
    t = invoice.totals
    stated, inclusive = amount(t.payable), amount(t.tax_inclusive)
    if stated is None or inclusive is None:
        return
    prepaid, rounding = amount(t.prepaid) or Decimal(0), amount(t.rounding) or Decimal(0)
    expected = inclusive - prepaid + rounding
    if _off(stated, expected, tolerance):
        yield _mismatch(
            "BR-CO-16",
            "totals.payable",
            f"the amount due for payment (BT-115) is {_fmt(stated)} but total with VAT (BT-112) "
            f"{_fmt(inclusive)} - paid (BT-113) {_fmt(prepaid)} + rounding (BT-114) "
            f"{_fmt(rounding)} = {_fmt(expected)}",
            stated,
            expected,
            tolerance,
        )


def _line_amounts(invoice: Invoice, tolerance: Decimal) -> Iterator[Finding]:
    for i, line in enumerate(invoice.lines):
        stated, qty, price = amount(line.net_amount), amount(line.quantity), amount(line.net_price)
        if stated is None or qty is None or price is None:
            continue
        expected = (qty * price).quantize(_CENT, rounding=ROUND_HALF_UP)
        if _off(stated, expected, tolerance):
            name = f"line {line.id}" if line.id else f"line {i + 1}"
            yield Finding(
                "TURNOUT-LINE-NET",
                Severity.WARNING,
                f"{name}: the net amount (BT-131) is {_fmt(stated)} but quantity (BT-129) "
                f"{_fmt(qty)} x net price (BT-146) {_fmt(price)} = {_fmt(expected)} "
                f"(rounded to 2 decimals); check for a line allowance, a base quantity or a "
                f"misread amount",
                f"lines[{i}].net_amount",
            )


def _off(stated: Decimal, expected: Decimal, tolerance: Decimal) -> bool:
    return abs(stated - expected) > tolerance


def _mismatch(
    rule: str, path: str, what: str, stated: Decimal, expected: Decimal, tolerance: Decimal
) -> Finding:
    diff = abs(stated - expected)
    return Finding(
        rule,
        Severity.FATAL,
        f"{what}; the difference {_fmt(diff)} exceeds the rounding tolerance {_fmt(tolerance)}",
        path,
    )


def _fmt(value: Decimal) -> str:
    return format(value, "f")
