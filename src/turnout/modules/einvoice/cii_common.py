"""What UN/CEFACT CII D16B and its ancestor ZUGFeRD 1 share, read the same way for both.

The two vocabularies have the same trade parties, addresses, allowances and charges, VAT entries
and periods; they differ in their namespaces and in a few element names, which a `Dialect` holds
(the VAT rate is `ram:RateApplicablePercent` in D16B and `ram:ApplicablePercent` in ZUGFeRD 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from turnout.authoring import AllowanceCharge, Identifier, Period
from turnout.modules.einvoice.reading import (
    Element,
    TreeReader,
    attribute_of,
    charge_indicator,
    text_of,
)


@dataclass(frozen=True)
class Dialect:
    """A CII vocabulary: its reader (namespaces) and the names where it differs from D16B."""

    reader: TreeReader
    rate: str = "ram:RateApplicablePercent"
    line_agreement: str = "ram:SpecifiedLineTradeAgreement"
    line_delivery: str = "ram:SpecifiedLineTradeDelivery"
    line_settlement: str = "ram:SpecifiedLineTradeSettlement"
    line_summation: str = "ram:SpecifiedTradeSettlementLineMonetarySummation"
    line_account: str = "ram:ReceivableSpecifiedTradeAccountingAccount"
    # EN 16931 allows dates in format 102 only; ZUGFeRD 1 also has weeks and months (616, 610),
    # and its published samples a day that is no calendar day: False reads such a date as absent
    # (the reader keeps its element as an extension, see `calendar_day`)
    dates_102_only: bool = True
    steps: dict[str, tuple[str, ...] | None] = field(default_factory=dict, compare=False)

    def for_document(self) -> Dialect:
        """This dialect with a reader of its own, indexed for one document (`IndexedReader`)."""
        return replace(self, reader=IndexedReader(self.reader.namespaces, self.steps))


def date_time(dialect: Dialect, element: Element | None, path: str, term: str) -> dt.date | None:
    """The format-102 date of the `udt:DateTimeString` under `path`."""
    path = f"{path}/udt:DateTimeString"
    if not dialect.dates_102_only:
        return calendar_day(dialect.reader.find(element, path))
    return dialect.reader.date_102(element, path, term)


def calendar_day(element: Element | None) -> dt.date | None:
    """The day a format-102 date element holds, or None when it holds none (absent, another
    format, or no calendar day)."""
    value = text_of(element)
    if element is None or value is None or element.get("format") not in (None, "102"):
        return None
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def identifier(dialect: Dialect, element: Element | None, path: str) -> Identifier | None:
    """The identifier at `path` with its `schemeID`, or None when absent or empty."""
    found = dialect.reader.find(element, path)
    return _identifier(found)


def _identifier(found: Element | None) -> Identifier | None:
    value = text_of(found)
    if value is None or found is None:
        return None
    return Identifier(value, attribute_of(found, "schemeID"))


def party_ids(dialect: Dialect, party: Element | None) -> list[Identifier]:
    """A trade party's identifiers: every `ram:ID` (no scheme), then every `ram:GlobalID`."""
    reader = dialect.reader
    found = reader.findall(party, "ram:ID") + reader.findall(party, "ram:GlobalID")
    return [i for i in map(_identifier, found) if i is not None]


def first_party_id(dialect: Dialect, party: Element | None) -> Identifier | None:
    """The one identifier of a party the model holds once (payee BT-60, deliver-to BT-71): the
    `ram:GlobalID` with its scheme when there is one, else the `ram:ID`."""
    return identifier(dialect, party, "ram:GlobalID") or identifier(dialect, party, "ram:ID")


def period(dialect: Dialect, element: Element | None, start: str, end: str) -> Period:
    """A `ram:BillingSpecifiedPeriod`'s start and end dates (an empty period when absent)."""
    return Period(
        start=date_time(dialect, element, "ram:StartDateTime", start),
        end=date_time(dialect, element, "ram:EndDateTime", end),
    )


def is_charge(
    dialect: Dialect, element: Element, term: str, *, absent_is_charge: bool | None = None
) -> bool:
    """Whether an allowance or charge is a charge (`true`) or an allowance (`false`); any other
    indicator is refused, naming `term`, as a guess would book the amount with the wrong sign.
    Where the binding gives the element a meaning without its indicator (`absent_is_charge`: an
    amount applied to the gross price is the item price discount, BT-147, and real Factur-X files
    leave the indicator out there), an absent `ram:ChargeIndicator` means that."""
    if absent_is_charge is not None and dialect.reader.find(element, "ram:ChargeIndicator") is None:
        return absent_is_charge
    return charge_indicator(dialect.reader.find(element, "ram:ChargeIndicator/udt:Indicator"), term)


def allowance_charge(dialect: Dialect, element: Element, *, with_vat: bool) -> AllowanceCharge:
    """One allowance or charge, amounts exactly as written; a line's (`with_vat=False`) has no
    VAT category or rate of its own."""
    reader = dialect.reader
    tax = reader.find(element, "ram:CategoryTradeTax") if with_vat else None
    return AllowanceCharge(
        amount=reader.decimal(element, "ram:ActualAmount", "allowance or charge amount"),
        base=reader.decimal(element, "ram:BasisAmount", "allowance or charge base amount"),
        percent=reader.decimal(element, "ram:CalculationPercent", "allowance or charge percent"),
        vat_category=reader.text(tax, "ram:CategoryCode"),
        vat_rate=reader.decimal(tax, dialect.rate, "allowance or charge VAT rate"),
        reason=reader.text(element, "ram:Reason"),
        reason_code=reader.text(element, "ram:ReasonCode"),
    )


def allowances_and_charges(
    dialect: Dialect, parent: Element | None, *, with_vat: bool
) -> tuple[list[AllowanceCharge], list[AllowanceCharge]]:
    """The allowances and the charges under `parent`, each in document order."""
    allowances: list[AllowanceCharge] = []
    charges: list[AllowanceCharge] = []
    term = "a document-level allowance or charge" if with_vat else "a line allowance or charge"
    for element in dialect.reader.findall(parent, "ram:SpecifiedTradeAllowanceCharge"):
        entry = allowance_charge(dialect, element, with_vat=with_vat)
        (charges if is_charge(dialect, element, term) else allowances).append(entry)
    return allowances, charges


class IndexedReader(TreeReader):
    """A `TreeReader` for one document that looks children up in a per-element index by tag,
    built the first time an element is asked about.

    A CII reading asks some two hundred child paths, most of them absent; a dictionary look-up
    per step is cheaper than an XPath evaluation per path. The index lives as long as the reader,
    so make one a document (`Dialect.for_document`).
    """

    def __init__(
        self, namespaces: Mapping[str, str], steps: dict[str, tuple[str, ...] | None]
    ) -> None:
        super().__init__(namespaces)
        self._children: dict[Element, dict[str, list[Element]]] = {}
        self._steps = steps  # path -> its steps' tags, shared by the readers of a dialect

    def find(self, element: Element | None, path: str) -> Element | None:
        """The first element at `path` under `element` in document order, or None: as in XPath,
        a step that finds nothing under the first match of the step before goes on with the next
        match (`ram:PaymentMeans/ram:Card` is the first card of any payment means)."""
        if element is None:
            return None
        steps = self._steps.get(path, ()) or self._clark(path)
        if steps is None:
            return super().find(element, path)
        return self._first(element, steps, 0)

    def _first(self, element: Element, steps: tuple[str, ...], depth: int) -> Element | None:
        index = self._children.get(element)
        if index is None:
            index = self._index(element)
        below = index.get(steps[depth])
        if not below:
            return None
        if depth + 1 == len(steps):
            return below[0]
        for child in below:
            found = self._first(child, steps, depth + 1)
            if found is not None:
                return found
        return None

    def findall(self, element: Element | None, path: str) -> list[Element]:
        """Every element at `path` under `element`, in document order."""
        if element is None:
            return []
        steps = self._clark(path)
        if steps is None:
            return super().findall(element, path)
        current = [element]
        for tag in steps:
            current = [c for parent in current for c in self._index(parent).get(tag, ())]
            if not current:
                return []
        return current

    def _index(self, element: Element) -> dict[str, list[Element]]:
        index = self._children.get(element)
        if index is None:
            index = self._children[element] = {}
            for child in element:
                index.setdefault(child.tag, []).append(child)
        return index

    def _clark(self, path: str) -> tuple[str, ...] | None:
        try:
            return self._steps[path]
        except KeyError:
            steps: tuple[str, ...] | None = None
            parts = [step.partition(":") for step in path.split("/")]
            if all(sep and prefix in self.namespaces for prefix, sep, _ in parts):
                steps = tuple(f"{{{self.namespaces[p]}}}{local}" for p, _, local in parts)
            self._steps[path] = steps
            return steps
