"""What the UBL readers share: the namespace prefixes, one compiled `TreeReader`, and the small
shapes the binding repeats (an identifier with its scheme, an allowance or charge)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from turnout.authoring import AllowanceCharge, Identifier
from turnout.modules.einvoice.reading import (
    Element,
    TreeReader,
    attribute_of,
    charge_indicator,
    text_of,
)

NAMESPACES = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}

UBL = TreeReader(NAMESPACES)

_TRUE = frozenset({"true", "1"})


def identifier(element: Element | None, path: str) -> Identifier | None:
    """The identifier at `path` with its `schemeID`, or None when there is neither."""
    return identifier_of(UBL.find(element, path))


def identifier_of(found: Element | None) -> Identifier | None:
    """An identifier element's text and `schemeID`, or None when it carries neither."""
    if found is None:
        return None
    value, scheme = text_of(found), attribute_of(found, "schemeID")
    if value is None and scheme is None:
        return None
    return Identifier(value, scheme)


def is_charge(element: Element, term: str) -> bool:
    """Whether a `cac:AllowanceCharge` is a charge (`ChargeIndicator` true) or an allowance."""
    return charge_indicator(UBL.find(element, "cbc:ChargeIndicator"), term)


class AllowanceTerms(NamedTuple):
    """How messages name an allowance's or charge's numbers (its business terms)."""

    amount: str
    base: str
    percent: str
    vat_rate: str | None  # None on a line: its allowances and charges have no VAT of their own


DOCUMENT_ALLOWANCE = AllowanceTerms(
    "BT-92 allowance amount", "BT-93 allowance base amount", "BT-94 allowance percentage",
    "BT-96 allowance VAT rate",
)  # fmt: skip
DOCUMENT_CHARGE = AllowanceTerms(
    "BT-99 charge amount", "BT-100 charge base amount", "BT-101 charge percentage",
    "BT-103 charge VAT rate",
)  # fmt: skip
LINE_ALLOWANCE = AllowanceTerms(
    "BT-136 line allowance amount", "BT-137 line allowance base amount",
    "BT-138 line allowance percentage", None,
)  # fmt: skip
LINE_CHARGE = AllowanceTerms(
    "BT-141 line charge amount", "BT-142 line charge base amount",
    "BT-143 line charge percentage", None,
)  # fmt: skip


def is_surcharge(price_allowance: Element) -> bool:
    """Whether a price's `cac:AllowanceCharge` says it is a charge: BT-147 is a discount only."""
    return UBL.text(price_allowance, "cbc:ChargeIndicator") in _TRUE


def allowance_charge(element: Element, terms: AllowanceTerms) -> AllowanceCharge:
    """One `cac:AllowanceCharge` (the document's carries a VAT category, a line's does not)."""
    found = AllowanceCharge(
        amount=UBL.decimal(element, "cbc:Amount", terms.amount),
        base=UBL.decimal(element, "cbc:BaseAmount", terms.base),
        percent=UBL.decimal(element, "cbc:MultiplierFactorNumeric", terms.percent),
        reason=UBL.text(element, "cbc:AllowanceChargeReason"),
        reason_code=UBL.text(element, "cbc:AllowanceChargeReasonCode"),
    )
    if terms.vat_rate is not None:
        found.vat_category = UBL.text(element, "cac:TaxCategory/cbc:ID")
        found.vat_rate = UBL.decimal(element, "cac:TaxCategory/cbc:Percent", terms.vat_rate)
    return found


def allowances_and_charges(
    parent: Element, level: str, allowance: AllowanceTerms, charge: AllowanceTerms
) -> tuple[list[AllowanceCharge], list[AllowanceCharge]]:
    """The allowances and the charges directly under `parent`, each in document order; `level`
    (`document`, `line`) names them in messages."""
    allowances: list[AllowanceCharge] = []
    charges: list[AllowanceCharge] = []
    for element in UBL.findall(parent, "cac:AllowanceCharge"):
        if is_charge(element, f"a {level} allowance or charge"):
            charges.append(allowance_charge(element, charge))
        else:
            allowances.append(allowance_charge(element, allowance))
    return allowances, charges


class Children:
    """An element read through `UBL`, with the names of its children known first: a look-up
    whose first step names no child is skipped. Most optional terms are absent from most
    invoices, and a set lookup is many times cheaper than an XPath call."""

    __slots__ = ("element", "tags")

    def __init__(self, element: Element | None) -> None:
        self.element = element
        self.tags = (
            frozenset(child.tag for child in element) if element is not None else frozenset()
        )

    def has(self, path: str) -> bool:
        """Whether the first step of `path` names a child of the element."""
        try:
            first = _FIRST_STEPS[path]
        except KeyError:
            prefix, _, rest = path.partition(":")
            first = _FIRST_STEPS[path] = f"{{{NAMESPACES[prefix]}}}{rest.split('/', 1)[0]}"
        return first in self.tags

    def find(self, path: str) -> Element | None:
        """The first element at `path`, or None."""
        return UBL.find(self.element, path) if self.has(path) else None

    def findall(self, path: str) -> list[Element]:
        """Every element at `path`, in document order."""
        return UBL.findall(self.element, path) if self.has(path) else []

    def text(self, path: str) -> str | None:
        """The stripped text at `path`, or None."""
        return UBL.text(self.element, path) if self.has(path) else None

    def decimal(self, path: str, term: str) -> Decimal | None:
        """The decimal at `path` exactly as written, or None."""
        return UBL.decimal(self.element, path, term) if self.has(path) else None

    def iso_date(self, path: str, term: str) -> dt.date | None:
        """The date at `path`, or None."""
        return UBL.iso_date(self.element, path, term) if self.has(path) else None


_FIRST_STEPS: dict[str, str] = {}
