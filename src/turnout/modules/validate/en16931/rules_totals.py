"""EN 16931 calculation and conditional rules BR-CO-*: totals, VAT sums, mandatory alternatives."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal

import pycountry

from turnout.modules.validate.en16931.arithmetic import round2, total
from turnout.modules.validate.en16931.registry import FATAL, rule
from turnout.modules.validate.en16931.view import Node, Value, amount, has, text, value

_ZERO = Decimal(0)
_ONE = Decimal(1)
_VAT_PREFIXES = frozenset(c.alpha_2 for c in pycountry.countries) | {"EL"}


def _mismatch(found: Value | None, expected: Decimal) -> Iterator[str]:
    """Fire at `found` when it is present and not exactly `expected`."""
    if found is not None:
        number = found.decimal()
        if number is None or number != expected:
            yield found.path


def _vat_totals(inv: Node) -> list[Value]:
    """The Invoice total VAT amount (BT-110): the VAT total in the invoice currency."""
    currency = text(inv, "currency")
    return [v for v in inv.values("vat_total") if v.attr("currencyID") in (None, currency)]


@rule(
    "BR-CO-03",
    FATAL,
    "Value added tax point date (BT-7) and Value added tax point date code (BT-8) are mutually exclusive.",
)
def br_co_03(inv: Node) -> Iterator[str]:
    if has(inv, "tax_point_date") and has(inv, "tax_point_date_code"):
        yield inv.path


@rule(
    "BR-CO-04",
    FATAL,
    "Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151).",
)
def br_co_04(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        if not has(line, "vat_category"):
            yield line.path


@rule(
    "BR-CO-09",
    FATAL,
    "The Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48) shall have an ISO 3166-1 alpha-2 country prefix (Greece may use EL).",
)
def br_co_09(inv: Node) -> Iterator[str]:
    for term in ("seller_vat_id", "tax_representative_vat_id", "buyer_vat_id"):
        for found in inv.values(term):
            if found.stripped[:2] not in _VAT_PREFIXES:
                yield found.path


@rule(
    "BR-CO-10",
    FATAL,
    "Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131).",
)
def br_co_10(inv: Node) -> Iterator[str]:
    yield from _mismatch(
        value(inv, "line_net_total"), round2(total(inv.groups("lines"), "net_amount"))
    )


def _document_sum(inv: Node, total_term: str, group: str) -> Iterator[str]:
    found, items = value(inv, total_term), inv.groups(group)
    if found is None and items:
        yield inv.path
    yield from _mismatch(found, round2(total(items, "amount")))


@rule(
    "BR-CO-11",
    FATAL,
    "Sum of allowances on document level (BT-107) = Σ Document level allowance amount (BT-92).",
)
def br_co_11(inv: Node) -> Iterator[str]:
    yield from _document_sum(inv, "allowance_total", "allowances")


@rule(
    "BR-CO-12",
    FATAL,
    "Sum of charges on document level (BT-108) = Σ Document level charge amount (BT-99).",
)
def br_co_12(inv: Node) -> Iterator[str]:
    yield from _document_sum(inv, "charge_total", "charges")


@rule(
    "BR-CO-13",
    FATAL,
    "Invoice total amount without VAT (BT-109) = Σ Invoice line net amount (BT-131) - Sum of allowances on document level (BT-107) + Sum of charges on document level (BT-108).",
)
def br_co_13(inv: Node) -> Iterator[str]:
    lines = amount(inv, "line_net_total")
    if lines is None:
        lines = total(inv.groups("lines"), "net_amount")
    allowances = amount(inv, "allowance_total") or _ZERO
    charges = amount(inv, "charge_total") or _ZERO
    yield from _mismatch(value(inv, "total_without_vat"), round2(lines - allowances + charges))


@rule("BR-CO-14", FATAL, "Invoice total VAT amount (BT-110) = Σ VAT category tax amount (BT-117).")
def br_co_14(inv: Node) -> Iterator[str]:
    breakdown = inv.groups("vat_breakdown")
    if breakdown:
        expected = round2(total(breakdown, "tax_amount"))
        for found in _vat_totals(inv):
            yield from _mismatch(found, expected)


@rule(
    "BR-CO-15",
    FATAL,
    "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110).",
)
def br_co_15(inv: Node) -> Iterator[str]:
    without_vat = amount(inv, "total_without_vat")
    if without_vat is None:
        return
    vat = [v.decimal() or _ZERO for v in _vat_totals(inv)]
    if len(vat) > 1:
        yield inv.path
        return
    expected = round2(without_vat + (vat[0] if vat else _ZERO))
    yield from _mismatch(value(inv, "total_with_vat"), expected)


@rule(
    "BR-CO-16",
    FATAL,
    "Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) - Paid amount (BT-113) + Rounding amount (BT-114).",
)
def br_co_16(inv: Node) -> Iterator[str]:
    with_vat = amount(inv, "total_with_vat")
    if with_vat is None:
        return
    paid = amount(inv, "paid_amount") or _ZERO
    rounding = amount(inv, "rounding_amount") or _ZERO
    yield from _mismatch(value(inv, "amount_due"), round2(with_vat - paid + rounding))


@rule(
    "BR-CO-17",
    FATAL,
    "VAT category tax amount (BT-117) = VAT category taxable amount (BT-116) x (VAT category rate (BT-119) / 100), rounded to two decimals.",
)
def br_co_17(inv: Node) -> Iterator[str]:
    for breakdown in inv.groups("vat_breakdown"):
        tax, taxable = amount(breakdown, "tax_amount"), amount(breakdown, "taxable_amount")
        rate = amount(breakdown, "rate")
        if tax is None:
            continue
        if rate is None:
            if (tax + Decimal("0.5")).to_integral_value(ROUND_FLOOR) != 0:
                yield breakdown.path
            continue
        expected = round2(abs(taxable or _ZERO) * rate / 100)
        if abs(abs(tax) - expected) > _ONE:
            yield breakdown.path


@rule("BR-CO-18", FATAL, "An Invoice shall at least have one VAT breakdown group (BG-23).")
def br_co_18(inv: Node) -> Iterator[str]:
    if not inv.groups("vat_breakdown"):
        yield inv.path


@rule(
    "BR-CO-19",
    FATAL,
    "If Invoicing period (BG-14) is used, the Invoicing period start date (BT-73) or end date (BT-74) shall be filled, or both.",
)
def br_co_19(inv: Node) -> Iterator[str]:
    for period in inv.groups("invoice_period"):
        if not (has(period, "start") or has(period, "end") or has(period, "code")):
            yield period.path


@rule(
    "BR-CO-20",
    FATAL,
    "If Invoice line period (BG-26) is used, the Invoice line period start date (BT-134) or end date (BT-135) shall be filled, or both.",
)
def br_co_20(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        for period in line.groups("line_period"):
            if not (has(period, "start") or has(period, "end")):
                yield period.path


def _reason_or_code(node: Node, group: str) -> Iterator[str]:
    for item in node.groups(group):
        if not (has(item, "reason") or has(item, "reason_code")):
            yield item.path


@rule(
    "BR-CO-21",
    FATAL,
    "Each Document level allowance (BG-20) shall contain a reason (BT-97) or a reason code (BT-98), or both.",
)
def br_co_21(inv: Node) -> Iterator[str]:
    yield from _reason_or_code(inv, "allowances")


@rule(
    "BR-CO-22",
    FATAL,
    "Each Document level charge (BG-21) shall contain a reason (BT-104) or a reason code (BT-105), or both.",
)
def br_co_22(inv: Node) -> Iterator[str]:
    yield from _reason_or_code(inv, "charges")


@rule(
    "BR-CO-23",
    FATAL,
    "Each Invoice line allowance (BG-27) shall contain a reason (BT-139) or a reason code (BT-140), or both.",
)
def br_co_23(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        yield from _reason_or_code(line, "line_allowances")


@rule(
    "BR-CO-24",
    FATAL,
    "Each Invoice line charge (BG-28) shall contain a reason (BT-144) or a reason code (BT-145), or both.",
)
def br_co_24(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        yield from _reason_or_code(line, "line_charges")


@rule(
    "BR-CO-25",
    FATAL,
    "In case the Amount due for payment (BT-115) is positive, either the Payment due date (BT-9) or the Payment terms (BT-20) shall be present.",
)
def br_co_25(inv: Node) -> Iterator[str]:
    if inv.values("credit_note_root"):  # removed from credit notes, in both syntaxes
        return
    due = amount(inv, "amount_due")
    if due is not None and due > 0 and not (has(inv, "due_date") or has(inv, "payment_terms")):
        yield inv.path


@rule(
    "BR-CO-26",
    FATAL,
    "The Seller identifier (BT-29), the Seller legal registration identifier (BT-30) and/or the Seller VAT identifier (BT-31) shall be present.",
)
def br_co_26(inv: Node) -> Iterator[str]:
    if not any(has(inv, t) for t in ("seller_id", "seller_legal_id", "seller_vat_id")):
        yield inv.path
