"""The business groups of the canonical invoice (EN 16931-1, the semantic model), one dataclass each.

Every field names the business term (BT) or group (BG) it holds in its metadata, and
`turnout.domain.terms` lists the standard's terms with where each one lives; the JSON Schema of
the invoice is generated from the same metadata. A field is a text (`str`), an amount, quantity or
rate (`Decimal`), a date (`datetime.date`), one group, an optional group or a list of groups.

Country codes (BT-40, BT-55, BT-69, BT-80) belong to the party that has the address, next to its
name and VAT id (`seller.country`), so `Address` holds the lines, city, post code and subdivision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def term(term_id: str, **parts: str) -> Any:
    """A field holding business term `term_id`, empty by default. `parts` names the terms of a
    small group's fields where they are terms of their own (`scheme="BT-29-1"`)."""
    return field(default=None, metadata={"term": term_id, "parts": parts})


def group(kind: type, term_id: str | None = None, **parts: str) -> Any:
    """A field holding one group, present (empty) by default."""
    return field(default_factory=kind, metadata={"term": term_id, "parts": parts})


def many(term_id: str | None = None, **parts: str) -> Any:
    """A field holding a list of groups (or of identifiers), empty by default."""
    return field(default_factory=list, metadata={"term": term_id, "parts": parts})


@dataclass
class Identifier:
    """An identifier and the scheme it belongs to (an ICD code, `SEPA`, `0088` ...)."""

    id: str | None = None
    scheme: str | None = None


@dataclass
class Address:
    """A postal address without its country (which the owner holds): BG-5, BG-8, BG-12, BG-15."""

    line1: str | None = None  # BT-35 / BT-50 / BT-64 / BT-75
    line2: str | None = None  # BT-36 / BT-51 / BT-65 / BT-76
    line3: str | None = None  # BT-162 / BT-163 / BT-164 / BT-165
    city: str | None = None  # BT-37 / BT-52 / BT-66 / BT-77
    post_code: str | None = None  # BT-38 / BT-53 / BT-67 / BT-78
    subdivision: str | None = None  # BT-39 / BT-54 / BT-68 / BT-79


@dataclass
class Contact:
    """A contact of the seller (BG-6) or the buyer (BG-9)."""

    name: str | None = None  # BT-41 / BT-56
    phone: str | None = None  # BT-42 / BT-57
    email: str | None = None  # BT-43 / BT-58


@dataclass
class Party:
    """The seller (BG-4) or the buyer (BG-7). The seller's tax registration (BT-32) and legal
    information (BT-33) have no buyer counterpart and stay empty on a buyer."""

    name: str | None = None  # BT-27 / BT-44
    vat_id: str | None = None  # BT-31 / BT-48
    country: str | None = None  # BT-40 / BT-55
    trading_name: str | None = None  # BT-28 / BT-45
    identifiers: list[Identifier] = field(default_factory=list)  # BT-29 (+BT-29-1) / BT-46
    legal_registration: Identifier | None = None  # BT-30 (+BT-30-1) / BT-47 (+BT-47-1)
    tax_registration_id: str | None = None  # BT-32
    legal_info: str | None = None  # BT-33
    electronic_address: Identifier | None = None  # BT-34 (+BT-34-1) / BT-49 (+BT-49-1)
    address: Address = field(default_factory=Address)  # BG-5 / BG-8
    contact: Contact = field(default_factory=Contact)  # BG-6 / BG-9


@dataclass
class Payee:
    """BG-10: who is paid, when it is not the seller."""

    name: str | None = term("BT-59")
    identifier: Identifier | None = term("BT-60", id="BT-60", scheme="BT-60-1")
    legal_registration: Identifier | None = term("BT-61", id="BT-61", scheme="BT-61-1")


@dataclass
class TaxRepresentative:
    """BG-11: the seller's tax representative, with its postal address (BG-12)."""

    name: str | None = term("BT-62")
    vat_id: str | None = term("BT-63")
    country: str | None = term("BT-69")
    address: Address = group(
        Address,
        "BG-12",
        line1="BT-64",
        line2="BT-65",
        line3="BT-164",
        city="BT-66",
        post_code="BT-67",
        subdivision="BT-68",
    )


@dataclass
class Period:
    """A period: the invoicing period (BG-14) or an invoice line's (BG-26)."""

    start: dt.date | None = None  # BT-73 / BT-134
    end: dt.date | None = None  # BT-74 / BT-135


@dataclass
class Delivery:
    """BG-13: where and when the goods or services went, with the deliver-to address (BG-15)."""

    party_name: str | None = term("BT-70")
    location: Identifier | None = term("BT-71", id="BT-71", scheme="BT-71-1")
    date: dt.date | None = term("BT-72")
    country: str | None = term("BT-80")
    address: Address = group(
        Address,
        "BG-15",
        line1="BT-75",
        line2="BT-76",
        line3="BT-165",
        city="BT-77",
        post_code="BT-78",
        subdivision="BT-79",
    )


@dataclass
class CreditTransfer:
    """BG-17: an account to pay into."""

    account: str | None = term("BT-84")
    account_name: str | None = term("BT-85")
    provider: str | None = term("BT-86")


@dataclass
class Card:
    """BG-18: the payment card used (only the last digits of its number, never the whole)."""

    account: str | None = term("BT-87")
    holder: str | None = term("BT-88")


@dataclass
class DirectDebit:
    """BG-19: a direct debit under a mandate."""

    mandate: str | None = term("BT-89")
    creditor_id: str | None = term("BT-90")
    debited_account: str | None = term("BT-91")


@dataclass
class Payment:
    """BG-16, the payment instructions. The first credit transfer's account (BT-84) and provider
    (BT-86) are `iban` and `bic` (its first JSON names; BT-84 is an IBAN nearly always);
    further accounts are in `more_transfers`."""

    iban: str | None = term("BT-84")
    bic: str | None = term("BT-86")
    account_name: str | None = term("BT-85")
    means_code: str | None = term("BT-81")
    means_text: str | None = term("BT-82")
    remittance: str | None = term("BT-83")
    more_transfers: list[CreditTransfer] = many("BG-17")
    card: Card | None = term("BG-18")
    direct_debit: DirectDebit | None = term("BG-19")


@dataclass
class AllowanceCharge:
    """An allowance or a charge, on the document (BG-20, BG-21) or on a line (BG-27, BG-28).
    A line's has no VAT category or rate of its own: they stay empty there."""

    amount: Decimal | None = None  # BT-92 / BT-99 / BT-136 / BT-141
    base: Decimal | None = None  # BT-93 / BT-100 / BT-137 / BT-142
    percent: Decimal | None = None  # BT-94 / BT-101 / BT-138 / BT-143
    vat_category: str | None = None  # BT-95 / BT-102
    vat_rate: Decimal | None = None  # BT-96 / BT-103
    reason: str | None = None  # BT-97 / BT-104 / BT-139 / BT-144
    reason_code: str | None = None  # BT-98 / BT-105 / BT-140 / BT-145


@dataclass
class Totals:
    """BG-22, the document totals."""

    line_net: Decimal | None = term("BT-106")
    allowances: Decimal | None = term("BT-107")
    charges: Decimal | None = term("BT-108")
    tax_exclusive: Decimal | None = term("BT-109")
    tax: Decimal | None = term("BT-110")
    tax_inclusive: Decimal | None = term("BT-112")
    prepaid: Decimal | None = term("BT-113")
    rounding: Decimal | None = term("BT-114")
    payable: Decimal | None = term("BT-115")
    tax_accounting: Decimal | None = term("BT-111")  # in the VAT accounting currency (BT-6)


@dataclass
class VatBreakdown:
    """BG-23, one VAT category and rate's subtotal."""

    category: str | None = term("BT-118")
    rate: Decimal | None = term("BT-119")
    taxable: Decimal | None = term("BT-116")
    tax: Decimal | None = term("BT-117")
    exemption_reason: str | None = term("BT-120")
    exemption_code: str | None = term("BT-121")


@dataclass
class Attachment:
    """BT-125, a document attached to the invoice, kept by reference: its bytes stay in the source
    document the run read, found again by their SHA-256."""

    mime_code: str | None = term("BT-125-1")
    filename: str | None = term("BT-125-2")
    sha256: str | None = None
    size: int | None = None


@dataclass
class SupportingDocument:
    """BG-24, an additional supporting document."""

    reference: str | None = term("BT-122")
    description: str | None = term("BT-123")
    uri: str | None = term("BT-124")
    attachment: Attachment | None = term("BT-125")


@dataclass
class Note:
    """BG-1, an invoice note with its subject code."""

    subject_code: str | None = term("BT-21")
    text: str | None = term("BT-22")


@dataclass
class PrecedingInvoice:
    """BG-3, an invoice this one refers to (a credit note's original)."""

    number: str | None = term("BT-25")
    issue_date: dt.date | None = term("BT-26")


@dataclass
class Classification:
    """BT-158, an item classification: the code, its list (BT-158-1) and the list's version
    (BT-158-2)."""

    id: str | None = term("BT-158")
    scheme: str | None = term("BT-158-1")
    version: str | None = term("BT-158-2")


@dataclass
class ItemAttribute:
    """BG-32, an item attribute."""

    name: str | None = term("BT-160")
    value: str | None = term("BT-161")


@dataclass
class InvoiceLine:
    """BG-25, an invoice line, with its period (BG-26), allowances (BG-27), charges (BG-28), price
    details (BG-29), VAT (BG-30) and item (BG-31, BG-32)."""

    id: str | None = term("BT-126")
    name: str | None = term("BT-153")
    quantity: Decimal | None = term("BT-129")
    unit: str | None = term("BT-130")
    net_price: Decimal | None = term("BT-146")
    net_amount: Decimal | None = term("BT-131")
    vat_category: str | None = term("BT-151")
    vat_rate: Decimal | None = term("BT-152")
    note: str | None = term("BT-127")
    object_id: Identifier | None = term("BT-128", id="BT-128", scheme="BT-128-1")
    order_line_reference: str | None = term("BT-132")
    accounting_reference: str | None = term("BT-133")
    period: Period = group(Period, "BG-26", start="BT-134", end="BT-135")
    allowances: list[AllowanceCharge] = many(
        "BG-27", amount="BT-136", base="BT-137", percent="BT-138", reason="BT-139",
        reason_code="BT-140",
    )  # fmt: skip
    charges: list[AllowanceCharge] = many(
        "BG-28", amount="BT-141", base="BT-142", percent="BT-143", reason="BT-144",
        reason_code="BT-145",
    )  # fmt: skip
    price_discount: Decimal | None = term("BT-147")
    gross_price: Decimal | None = term("BT-148")
    base_quantity: Decimal | None = term("BT-149")
    base_quantity_unit: str | None = term("BT-150")
    description: str | None = term("BT-154")
    seller_item_id: str | None = term("BT-155")
    buyer_item_id: str | None = term("BT-156")
    standard_id: Identifier | None = term("BT-157", id="BT-157", scheme="BT-157-1")
    classifications: list[Classification] = many()
    origin_country: str | None = term("BT-159")
    attributes: list[ItemAttribute] = many("BG-32")


@dataclass
class Extension:
    """Something a valid e-invoice carried that the semantic model has no place for (a CIUS's
    extension element): kept verbatim, with where it was, and reported as a finding."""

    path: str | None = None  # where it was in the source, an XPath with the document's prefixes
    xml: str | None = None  # the element as written


SELLER_TERMS = {
    "name": "BT-27",
    "vat_id": "BT-31",
    "country": "BT-40",
    "trading_name": "BT-28",
    "identifiers.id": "BT-29",
    "identifiers.scheme": "BT-29-1",
    "legal_registration.id": "BT-30",
    "legal_registration.scheme": "BT-30-1",
    "tax_registration_id": "BT-32",
    "legal_info": "BT-33",
    "electronic_address.id": "BT-34",
    "electronic_address.scheme": "BT-34-1",
    "address": "BG-5",
    "address.line1": "BT-35",
    "address.line2": "BT-36",
    "address.line3": "BT-162",
    "address.city": "BT-37",
    "address.post_code": "BT-38",
    "address.subdivision": "BT-39",
    "contact": "BG-6",
    "contact.name": "BT-41",
    "contact.phone": "BT-42",
    "contact.email": "BT-43",
}
"""Where the seller's terms are under `seller` (the Party dataclass serves both parties)."""

BUYER_TERMS = {
    "name": "BT-44",
    "vat_id": "BT-48",
    "country": "BT-55",
    "trading_name": "BT-45",
    "identifiers.id": "BT-46",
    "identifiers.scheme": "BT-46-1",
    "legal_registration.id": "BT-47",
    "legal_registration.scheme": "BT-47-1",
    "electronic_address.id": "BT-49",
    "electronic_address.scheme": "BT-49-1",
    "address": "BG-8",
    "address.line1": "BT-50",
    "address.line2": "BT-51",
    "address.line3": "BT-163",
    "address.city": "BT-52",
    "address.post_code": "BT-53",
    "address.subdivision": "BT-54",
    "contact": "BG-9",
    "contact.name": "BT-56",
    "contact.phone": "BT-57",
    "contact.email": "BT-58",
}
"""Where the buyer's terms are under `buyer`."""

DOCUMENT_ALLOWANCE_TERMS = {
    "amount": "BT-92",
    "base": "BT-93",
    "percent": "BT-94",
    "vat_category": "BT-95",
    "vat_rate": "BT-96",
    "reason": "BT-97",
    "reason_code": "BT-98",
}
DOCUMENT_CHARGE_TERMS = {
    "amount": "BT-99",
    "base": "BT-100",
    "percent": "BT-101",
    "vat_category": "BT-102",
    "vat_rate": "BT-103",
    "reason": "BT-104",
    "reason_code": "BT-105",
}
