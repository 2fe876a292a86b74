"""Which occurrence of a known CII element the reader reads, where it reads one of several: the
others are kept as extensions (`cii_extensions.CHECKS`), never dropped.

Each check gets the element and answers whether the reader reads it. What a check compares with
(the first payment means, the first card of any means, the VAT registration read) is the same for
every sibling, so it is worked out once per parent element (`siblings.once`) and forgotten when
the walk over a document ends: a document with thousands of payment means is still read in
linear time.
"""

from __future__ import annotations

from turnout.modules.einvoice.reading import Element, text_of
from turnout.modules.einvoice.siblings import once

_READ_SCHEMES = {
    "SellerTradeParty": ("VA", "FC"),
    "BuyerTradeParty": ("VA", "FC"),
    "SellerTaxRepresentativeTradeParty": ("VA",),
}
"""The tax registration schemes read per party (`cii_parties.tax_registration`)."""


def _local(element: Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(element: Element, local: str) -> Element | None:
    return next((c for c in element if _local(c) == local), None)


def same_as_first_means(child: Element) -> bool:
    """A child of the first payment means is read; a later means' one when the first means has
    the same (its type code, one of its information texts)."""
    means = child.getparent()
    settlement = None if means is None else means.getparent()
    if means is None or settlement is None:
        return True
    first = once(settlement, f"first {means.tag}", lambda: next(settlement.iterchildren(means.tag)))
    if first is means:
        return True
    written = text_of(child)
    return any(text_of(c) == written for c in first.iterchildren(child.tag))


def read_tax_registration(registration: Element) -> bool:
    """A party's `ram:SpecifiedTaxRegistration` is read when it is the first of a scheme the
    reader reads for that party (VA, and FC for the seller and the buyer)."""
    party = registration.getparent()
    if party is None:
        return True
    schemes = _READ_SCHEMES.get(_local(party), ("VA",))

    def read() -> list[Element]:
        first: dict[str, Element] = {}
        for other in party.iterchildren(registration.tag):
            found = _child(other, "ID")
            scheme = None if found is None else found.get("schemeID")
            if scheme in schemes and scheme not in first:
                first[scheme] = other
        return list(first.values())

    return any(registration is r for r in once(party, registration.tag, read))


def read_gross_price_allowance(applied: Element) -> bool:
    """BT-147 is the first allowance (indicator false) applied to the gross price; any other
    (a second allowance, a surcharge) has no place in the model."""
    gross = applied.getparent()
    if gross is None:
        return True

    def first() -> Element | None:
        for other in gross.iterchildren(applied.tag):
            indicator = _child(other, "ChargeIndicator")
            if indicator is None:  # no indicator on the gross price: the discount (BT-147)
                return other
            if text_of(_child(indicator, "Indicator")) in ("false", "0"):
                return other
        return None

    return once(gross, applied.tag, first) is applied


def read_line_object(document: Element) -> bool:
    """A line's `ram:AdditionalReferencedDocument` is read when it is the invoiced object
    identifier (BT-128): the first of type 130 (or no type) with an id."""
    settlement = document.getparent()
    if settlement is None:
        return True

    def first() -> Element | None:
        for other in settlement.iterchildren(document.tag):
            kind = _child(other, "TypeCode")
            if text_of(kind) in (None, "130") and text_of(_child(other, "IssuerAssignedID")):
                return other
        return None

    return once(settlement, document.tag, first) is document


def read_party_id(party_id: Element) -> bool:
    """A payee's or deliver-to party's `ram:ID` is read only when the party has no
    `ram:GlobalID` (BT-60 and BT-71 are one identifier, the global one first)."""
    party = party_id.getparent()
    return party is None or text_of(_child(party, "GlobalID")) is None
