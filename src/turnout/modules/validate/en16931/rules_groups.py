"""EN 16931 core rules BR-31 ... BR-65: what allowances, charges, VAT breakdowns, payment
instructions, documents, item attributes and parties must contain."""

from __future__ import annotations

from collections.abc import Iterator

from turnout.modules.validate.en16931.registry import FATAL, WARNING, rule
from turnout.modules.validate.en16931.rules_core import each_requires
from turnout.modules.validate.en16931.view import Node, has, text


@rule(
    "BR-31",
    FATAL,
    "Each Document level allowance (BG-20) shall have a Document level allowance amount (BT-92).",
)
def br_31(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "allowances", "amount")


@rule(
    "BR-32",
    FATAL,
    "Each Document level allowance (BG-20) shall have a Document level allowance VAT category code (BT-95).",
)
def br_32(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "allowances", "vat_category")


@rule(
    "BR-33",
    FATAL,
    "Each Document level allowance (BG-20) shall have a reason (BT-97) or a reason code (BT-98).",
)
def br_33(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "allowances", "reason", "reason_code")


@rule(
    "BR-36",
    FATAL,
    "Each Document level charge (BG-21) shall have a Document level charge amount (BT-99).",
)
def br_36(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "charges", "amount")


@rule(
    "BR-37",
    FATAL,
    "Each Document level charge (BG-21) shall have a Document level charge VAT category code (BT-102).",
)
def br_37(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "charges", "vat_category")


@rule(
    "BR-38",
    FATAL,
    "Each Document level charge (BG-21) shall have a reason (BT-104) or a reason code (BT-105).",
)
def br_38(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "charges", "reason", "reason_code")


def _line_groups(inv: Node, group: str, *terms: str) -> Iterator[str]:
    for line in inv.groups("lines"):
        yield from each_requires(line, group, *terms)


@rule(
    "BR-41",
    FATAL,
    "Each Invoice line allowance (BG-27) shall have an Invoice line allowance amount (BT-136).",
)
def br_41(inv: Node) -> Iterator[str]:
    yield from _line_groups(inv, "line_allowances", "amount")


@rule(
    "BR-42",
    FATAL,
    "Each Invoice line allowance (BG-27) shall have a reason (BT-139) or a reason code (BT-140).",
)
def br_42(inv: Node) -> Iterator[str]:
    yield from _line_groups(inv, "line_allowances", "reason", "reason_code")


@rule(
    "BR-43",
    FATAL,
    "Each Invoice line charge (BG-28) shall have an Invoice line charge amount (BT-141).",
)
def br_43(inv: Node) -> Iterator[str]:
    yield from _line_groups(inv, "line_charges", "amount")


@rule(
    "BR-44",
    FATAL,
    "Each Invoice line charge shall have a reason (BT-144) or a reason code (BT-145).",
)
def br_44(inv: Node) -> Iterator[str]:
    yield from _line_groups(inv, "line_charges", "reason", "reason_code")


@rule(
    "BR-45", FATAL, "Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116)."
)
def br_45(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "vat_breakdown", "taxable_amount")


@rule("BR-46", FATAL, "Each VAT breakdown (BG-23) shall have a VAT category tax amount (BT-117).")
def br_46(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "vat_breakdown", "tax_amount")


@rule(
    "BR-47",
    FATAL,
    "Each VAT breakdown (BG-23) shall be defined through a VAT category code (BT-118).",
)
def br_47(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "vat_breakdown", "category")


@rule(
    "BR-48",
    FATAL,
    "Each VAT breakdown (BG-23) shall have a VAT category rate (BT-119), except if the Invoice is not subject to VAT.",
)
def br_48(inv: Node) -> Iterator[str]:
    for breakdown in inv.groups("vat_breakdown"):
        if not has(breakdown, "rate") and text(breakdown, "category") != "O":
            yield breakdown.path


@rule(
    "BR-49",
    FATAL,
    "A Payment instruction (BG-16) shall specify the Payment means type code (BT-81).",
)
def br_49(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "payment_means", "code")


_CREDIT_TRANSFER = frozenset({"30", "58"})


@rule(
    "BR-50",
    FATAL,
    "A Payment account identifier (BT-84) shall be present if Credit transfer (BG-17) information is provided.",
)
def br_50(inv: Node) -> Iterator[str]:
    for means in inv.groups("payment_means"):
        yield from each_requires(means, "credit_transfer", "account_id")


@rule(
    "BR-51",
    WARNING,
    "An invoice should never include a full card primary account number (BT-87); give at most the last 4 to 6 digits.",
)
def br_51(inv: Node) -> Iterator[str]:
    for number in inv.values("card_numbers"):
        if not 4 <= len(number.stripped) <= 6:
            yield number.path


@rule(
    "BR-52",
    FATAL,
    "Each Additional supporting document (BG-24) shall contain a Supporting document reference (BT-122).",
)
def br_52(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "documents", "reference")


@rule(
    "BR-53",
    FATAL,
    "If the VAT accounting currency code (BT-6) is present, the Invoice total VAT amount in accounting currency (BT-111) shall be provided.",
)
def br_53(inv: Node) -> Iterator[str]:
    currency = text(inv, "vat_currency")
    if currency and not any(v.attr("currencyID") == currency for v in inv.values("vat_total")):
        yield inv.path


@rule(
    "BR-54",
    FATAL,
    "Each Item attribute (BG-32) shall contain an Item attribute name (BT-160) and an Item attribute value (BT-161).",
)
def br_54(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        for attribute in line.groups("item_attributes"):
            if not (has(attribute, "name") and has(attribute, "value")):
                yield attribute.path


@rule(
    "BR-55",
    FATAL,
    "Each Preceding Invoice reference (BG-3) shall contain a Preceding Invoice reference (BT-25).",
)
def br_55(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "preceding_invoices", "reference")


@rule(
    "BR-56",
    FATAL,
    "Each Seller tax representative party (BG-11) shall have a Seller tax representative VAT identifier (BT-63).",
)
def br_56(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "tax_representative", "vat_id")


@rule(
    "BR-57",
    FATAL,
    "Each Deliver to address (BG-15) shall contain a Deliver to country code (BT-80).",
)
def br_57(inv: Node) -> Iterator[str]:
    yield from each_requires(inv, "deliver_to_address", "country")


@rule(
    "BR-61",
    FATAL,
    "If the Payment means type code (BT-81) means credit transfer, the Payment account identifier (BT-84) shall be present.",
)
def br_61(inv: Node) -> Iterator[str]:
    for means in inv.groups("payment_means"):
        if text(means, "code") in _CREDIT_TRANSFER and not has(means, "account_id"):
            yield means.path


def _scheme_required(inv: Node, term: str, attribute: str) -> Iterator[str]:
    for found in inv.values(term):
        if not (found.attr(attribute) or "").strip():
            yield found.path


@rule("BR-62", FATAL, "The Seller electronic address (BT-34) shall have a Scheme identifier.")
def br_62(inv: Node) -> Iterator[str]:
    yield from _scheme_required(inv, "seller_endpoint", "schemeID")


@rule("BR-63", FATAL, "The Buyer electronic address (BT-49) shall have a Scheme identifier.")
def br_63(inv: Node) -> Iterator[str]:
    yield from _scheme_required(inv, "buyer_endpoint", "schemeID")


@rule("BR-64", FATAL, "The Item standard identifier (BT-157) shall have a Scheme identifier.")
def br_64(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        yield from _scheme_required(line, "standard_id", "schemeID")


@rule("BR-65", FATAL, "The Item classification identifier (BT-158) shall have a Scheme identifier.")
def br_65(inv: Node) -> Iterator[str]:
    for line in inv.groups("lines"):
        yield from _scheme_required(line, "classification_id", "listID")
