"""EN 16931 decimal rules BR-DEC-*: amounts carry at most two fraction digits."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from turnout.modules.validate.en16931.arithmetic import decimals
from turnout.modules.validate.en16931.registry import FATAL, rule
from turnout.modules.validate.en16931.view import Node, Value, text

Pick = Callable[[Node], list[Value]]


def _invoice(term: str) -> Pick:
    return lambda inv: inv.values(term)


def _groups(group: str, term: str) -> Pick:
    return lambda inv: [v for item in inv.groups(group) for v in item.values(term)]


def _line_groups(group: str, term: str) -> Pick:
    return lambda inv: [
        v for line in inv.groups("lines") for item in line.groups(group) for v in item.values(term)
    ]


def _vat_total(accounting: bool) -> Pick:
    def pick(inv: Node) -> list[Value]:
        currency = text(inv, "currency")
        return [
            v
            for v in inv.values("vat_total")
            if (v.attr("currencyID") not in (None, currency)) == accounting
        ]

    return pick


def _decimal_rule(number: int, business_term: str, pick: Pick) -> None:
    def check(inv: Node) -> Iterator[str]:
        for found in pick(inv):
            if decimals(found.stripped) > 2:
                yield found.path

    message = f"The allowed maximum number of decimals for the {business_term} is 2."
    rule(f"BR-DEC-{number:02d}", FATAL, message)(check)


_decimal_rule(1, "Document level allowance amount (BT-92)", _groups("allowances", "amount"))
_decimal_rule(
    2, "Document level allowance base amount (BT-93)", _groups("allowances", "base_amount")
)
_decimal_rule(5, "Document level charge amount (BT-99)", _groups("charges", "amount"))
_decimal_rule(6, "Document level charge base amount (BT-100)", _groups("charges", "base_amount"))
_decimal_rule(9, "Sum of Invoice line net amount (BT-106)", _invoice("line_net_total"))
_decimal_rule(10, "Sum of allowances on document level (BT-107)", _invoice("allowance_total"))
_decimal_rule(11, "Sum of charges on document level (BT-108)", _invoice("charge_total"))
_decimal_rule(12, "Invoice total amount without VAT (BT-109)", _invoice("total_without_vat"))
_decimal_rule(13, "Invoice total VAT amount (BT-110)", _vat_total(accounting=False))
_decimal_rule(14, "Invoice total amount with VAT (BT-112)", _invoice("total_with_vat"))
_decimal_rule(
    15, "Invoice total VAT amount in accounting currency (BT-111)", _vat_total(accounting=True)
)
_decimal_rule(16, "Paid amount (BT-113)", _invoice("paid_amount"))
_decimal_rule(17, "Rounding amount (BT-114)", _invoice("rounding_amount"))
_decimal_rule(18, "Amount due for payment (BT-115)", _invoice("amount_due"))
_decimal_rule(
    19, "VAT category taxable amount (BT-116)", _groups("vat_breakdown", "taxable_amount")
)
_decimal_rule(20, "VAT category tax amount (BT-117)", _groups("vat_breakdown", "tax_amount"))
_decimal_rule(23, "Invoice line net amount (BT-131)", _groups("lines", "net_amount"))
_decimal_rule(
    24, "Invoice line allowance amount (BT-136)", _line_groups("line_allowances", "amount")
)
_decimal_rule(
    25,
    "Invoice line allowance base amount (BT-137)",
    _line_groups("line_allowances", "base_amount"),
)
_decimal_rule(27, "Invoice line charge amount (BT-141)", _line_groups("line_charges", "amount"))
_decimal_rule(
    28, "Invoice line charge base amount (BT-142)", _line_groups("line_charges", "base_amount")
)
