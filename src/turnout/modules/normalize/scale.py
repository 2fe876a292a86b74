"""One written form per value: decimal scales and zero rounding made the same whatever the syntax.

UBL and CII (and suppliers) write the same number in different ways: `158125` and
`158125.0000000`, `30` and `30.00000000000`, a `RoundingAmount` of `0` in one file and none in the
other. The values are equal, but the canonical invoice is compared and exported as text, so
normalize.standard gives each number one form:

- money (totals, VAT breakdown amounts, the amounts and bases of allowances and charges on the
  document and on lines, line net amounts, net and gross prices, price discounts) has at least two
  decimals and no trailing zeros beyond them: `158125` -> `158125.00`, `158.1250000` -> `158.125`;
- quantities (invoiced and base quantities), VAT rates and allowance or charge percentages have
  no trailing zeros: `30.000` -> `30`, `19.00` -> `19`, `6.50` -> `6.5`;
- a rounding amount (BT-114) of zero is no rounding amount: EN 16931 (BR-CO-16) counts an absent
  one as zero, so `0` and absent say the same thing; its provenance goes with it.

Rescaling works in a decimal context wide enough for every digit written, so a value longer than
Decimal's default 28 digits is never rounded, and no value is written with an exponent. Each form
is a fixed point (rescaling a rescaled value changes nothing), so an e-invoice exported and read
again gives the same invoice, and no value changes beyond its written form.
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation

from turnout.authoring import TOTALS_NAMES, AllowanceCharge, Invoice

_CENTS = Decimal("0.01")
_UNITS = Decimal(1)


def canonical_scales(invoice: Invoice) -> None:
    """Rewrite every decimal of `invoice` in place in its one canonical written form."""
    totals = invoice.totals
    if totals.rounding is not None and totals.rounding.is_zero():
        totals.rounding = None
        invoice.provenance.pop("totals.rounding", None)
    for name in TOTALS_NAMES:
        setattr(totals, name, money(getattr(totals, name)))
    for vat in invoice.vat_breakdown:
        vat.rate = plain(vat.rate)
        vat.taxable = money(vat.taxable)
        vat.tax = money(vat.tax)
    for item in (*invoice.allowances, *invoice.charges):
        _allowance_charge(item)
    for line in invoice.lines:
        line.quantity = plain(line.quantity)
        line.net_price = money(line.net_price)
        line.net_amount = money(line.net_amount)
        line.vat_rate = plain(line.vat_rate)
        line.gross_price = money(line.gross_price)
        line.price_discount = money(line.price_discount)
        line.base_quantity = plain(line.base_quantity)
        for item in (*line.allowances, *line.charges):
            _allowance_charge(item)


def _allowance_charge(item: AllowanceCharge) -> None:
    """An allowance's or charge's amount and base are money, its percent and VAT rate rates."""
    item.amount = money(item.amount)
    item.base = money(item.base)
    item.percent = plain(item.percent)
    item.vat_rate = plain(item.vat_rate)


def plain(value: Decimal | None) -> Decimal | None:
    """`value` without trailing zeros and without an exponent (`30.00` -> `30`)."""
    if value is None or not value.is_finite():
        return value
    try:  # in Decimal's default 28-digit context, which holds nearly every value
        if value == value.to_integral_value():
            return value.quantize(_UNITS)
        stripped = value.normalize()
        if stripped == value:  # not rounded
            return stripped
    except InvalidOperation:  # a quantized value longer than the context holds
        pass
    context = _exact(value)
    if value == value.to_integral_value(context=context):
        return value.quantize(_UNITS, context=context)
    return value.normalize(context)


def money(value: Decimal | None) -> Decimal | None:
    """`value` with at least two decimals and no trailing zeros beyond (`100` -> `100.00`)."""
    stripped = plain(value)
    if stripped is None or not stripped.is_finite():
        return stripped
    exponent = stripped.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        try:
            return stripped.quantize(_CENTS)
        except InvalidOperation:
            return stripped.quantize(_CENTS, context=_exact(stripped))
    return stripped


def _exact(value: Decimal) -> Context:
    """A context with room for every digit of `value` and two more decimals, so that neither
    stripping zeros nor adding cents rounds (the default context holds 28 digits)."""
    written = value.as_tuple()
    exponent = written.exponent if isinstance(written.exponent, int) else 0
    return Context(prec=len(written.digits) + abs(exponent) + 2)
