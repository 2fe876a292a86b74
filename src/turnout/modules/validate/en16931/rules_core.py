"""EN 16931 core rules BR-01 ... BR-30: what an invoice, its parties and its lines must contain."""

from __future__ import annotations

from collections.abc import Iterator

from turnout.modules.validate.en16931.registry import FATAL, rule
from turnout.modules.validate.en16931.view import Node, has, text


def _require(node: Node, term: str) -> Iterator[str]:
    if not has(node, term):
        yield node.path


def each_requires(node: Node, group: str, *terms: str) -> Iterator[str]:
    """Fire on every `group` under `node` that lacks all of `terms` (one is enough)."""
    for child in node.groups(group):
        if not any(has(child, term) for term in terms):
            yield child.path


@rule("BR-01", FATAL, "An Invoice shall have a Specification identifier (BT-24).")
def br_01(inv: Node) -> Iterator[str]:
    yield from _require(inv, "specification_id")


@rule("BR-02", FATAL, "An Invoice shall have an Invoice number (BT-1).")
def br_02(inv: Node) -> Iterator[str]:
    yield from _require(inv, "invoice_number")


@rule("BR-03", FATAL, "An Invoice shall have an Invoice issue date (BT-2).")
def br_03(inv: Node) -> Iterator[str]:
    yield from _require(inv, "issue_date")


@rule("BR-04", FATAL, "An Invoice shall have an Invoice type code (BT-3).")
def br_04(inv: Node) -> Iterator[str]:
    yield from _require(inv, "type_code")


@rule("BR-05", FATAL, "An Invoice shall have an Invoice currency code (BT-5).")
def br_05(inv: Node) -> Iterator[str]:
    yield from _require(inv, "currency")


@rule("BR-06", FATAL, "An Invoice shall contain the Seller name (BT-27).")
def br_06(inv: Node) -> Iterator[str]:
    yield from _require(inv, "seller_name")


@rule("BR-07", FATAL, "An Invoice shall contain the Buyer name (BT-44).")
def br_07(inv: Node) -> Iterator[str]:
    yield from _require(inv, "buyer_name")


@rule("BR-08", FATAL, "An Invoice shall contain the Seller postal address (BG-5).")
def br_08(inv: Node) -> Iterator[str]:
    if not inv.groups("seller_address"):
        yield inv.path


@rule(
    "BR-09", FATAL, "The Seller postal address (BG-5) shall contain a Seller country code (BT-40)."
)
def br_09(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "seller_address", "country")


@rule("BR-10", FATAL, "An Invoice shall contain the Buyer postal address (BG-8).")
def br_10(inv: Node) -> Iterator[str]:
    if not inv.groups("buyer_address"):
        yield inv.path


@rule("BR-11", FATAL, "The Buyer postal address shall contain a Buyer country code (BT-55).")
def br_11(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "buyer_address", "country")


@rule("BR-12", FATAL, "An Invoice shall have the Sum of Invoice line net amount (BT-106).")
def br_12(inv: Node) -> Iterator[str]:
    yield from _require(inv, "line_net_total")


@rule("BR-13", FATAL, "An Invoice shall have the Invoice total amount without VAT (BT-109).")
def br_13(inv: Node) -> Iterator[str]:
    yield from _require(inv, "total_without_vat")


@rule("BR-14", FATAL, "An Invoice shall have the Invoice total amount with VAT (BT-112).")
def br_14(inv: Node) -> Iterator[str]:
    yield from _require(inv, "total_with_vat")


@rule("BR-15", FATAL, "An Invoice shall have the Amount due for payment (BT-115).")
def br_15(inv: Node) -> Iterator[str]:
    yield from _require(inv, "amount_due")


@rule("BR-16", FATAL, "An Invoice shall have at least one Invoice line (BG-25).")
def br_16(inv: Node) -> Iterator[str]:
    if not inv.groups("lines"):
        yield inv.path


@rule(
    "BR-17", FATAL, "The Payee name (BT-59) shall be provided if the Payee differs from the Seller."
)
def br_17(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "payee", "name")


@rule("BR-18", FATAL, "The Seller tax representative name (BT-62) shall be provided.")
def br_18(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "tax_representative", "name")


@rule("BR-19", FATAL, "The Seller tax representative postal address (BG-12) shall be provided.")
def br_19(inv: Node) -> Iterator[str]:
    for party in inv.groups("tax_representative"):
        if not party.groups("address"):
            yield party.path


@rule(
    "BR-20",
    FATAL,
    "The Seller tax representative postal address shall contain a country code (BT-69).",
)
def br_20(inv: Node) -> Iterator[str]:
    for party in inv.groups("tax_representative"):
        yield from each_requires(party, "address", "country")


@rule("BR-21", FATAL, "Each Invoice line (BG-25) shall have an Invoice line identifier (BT-126).")
def br_21(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "lines", "line_id")


@rule("BR-22", FATAL, "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129).")
def br_22(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "lines", "quantity")


@rule(
    "BR-23", FATAL, "An Invoice line shall have an Invoiced quantity unit of measure code (BT-130)."
)
def br_23(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        for quantity in line.values("quantity"):
            if not (quantity.attr("unitCode") or "").strip():
                yield quantity.path


@rule("BR-24", FATAL, "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131).")
def br_24(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "lines", "net_amount")


@rule("BR-25", FATAL, "Each Invoice line (BG-25) shall contain the Item name (BT-153).")
def br_25(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "lines", "item_name")


@rule("BR-26", FATAL, "Each Invoice line (BG-25) shall contain the Item net price (BT-146).")
def br_26(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "lines", "net_price")


@rule("BR-27", FATAL, "The Item net price (BT-146) shall NOT be negative.")
def br_27(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        for price in line.values("net_price"):
            number = price.decimal()
            if number is not None and number < 0:
                yield price.path


@rule("BR-28", FATAL, "The Item gross price (BT-148) shall NOT be negative.")
def br_28(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        for price in line.values("gross_price"):
            number = price.decimal()
            if number is not None and number < 0:
                yield price.path


def _period_reversed(node: Node, group: str) -> Iterator[str]:
    for period in node.groups(group):
        start, end = text(period, "start"), text(period, "end")
        if start and end and end < start:
            yield period.path


@rule(
    "BR-29",
    FATAL,
    "If both Invoicing period start date (BT-73) and end date (BT-74) are given, the end date shall be later or equal to the start date.",
)
def br_29(inv: Node) -> Iterator[str]:
    yield from _period_reversed(inv, "invoice_period")


@rule(
    "BR-30",
    FATAL,
    "If both Invoice line period start date (BT-134) and end date (BT-135) are given, the end date shall be later or equal to the start date.",
)
def br_30(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        yield from _period_reversed(line, "line_period")
