"""Writing UN/CEFACT CII D16B elements: the namespaces, one helper per kind of value, pruning.

A container is added whether or not it gets content, and `prune` removes the empty ones once the
document is built, so each writer states the structure once instead of testing every value twice.
Values are written exactly: a Decimal as `format(d, "f")` (no exponent, no rounding), a date as
`udt:DateTimeString format="102"` (YYYYMMDD), a text as it is (control characters XML cannot carry
are refused). CII has `currencyID` on `ram:TaxTotalAmount` only (CII-DT-031), so no other amount
carries one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from turnout.authoring import Identifier
from turnout.modules.export.xml_text import decimal_text, plain_text

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "qdt": QDT, "ram": RAM, "udt": UDT}

Element = etree._Element
Value = str | Decimal | dt.date | None


def ram(parent: Element, name: str) -> Element:
    """A `ram:` container (removed by `prune` when nothing is written into it)."""
    return etree.SubElement(parent, f"{{{RAM}}}{name}")


def text(parent: Element, name: str, value: Value, **attributes: str | None) -> Element | None:
    """A `ram:` element holding `value` (with the attributes that have a value), or nothing when
    the value is unknown."""
    if value is None:
        return None
    element = etree.SubElement(parent, f"{{{RAM}}}{name}")
    element.text = written(name, value)
    for attribute, attribute_value in attributes.items():
        if attribute_value is not None:
            element.set(attribute, written(f"{name}/@{attribute}", attribute_value))
    return element


def date_time(parent: Element, name: str, value: dt.date | None, prefix: str = UDT) -> None:
    """`ram:<name>/udt:DateTimeString format="102"` (or `qdt:`), nothing for an unknown date."""
    if value is not None:
        date_string(ram(parent, name), "DateTimeString", value, prefix)


def date_string(parent: Element, name: str, value: dt.date | None, prefix: str = UDT) -> None:
    """`<prefix>:<name> format="102"` directly in `parent`, nothing for an unknown date."""
    if value is not None:
        element = etree.SubElement(parent, f"{{{prefix}}}{name}", format="102")
        element.text = value.strftime("%Y%m%d")


def identifier(parent: Element, value: Identifier | None, name: str = "ID") -> None:
    """A party's or location's identifier: `ram:ID` without a scheme, `ram:GlobalID` with one
    (EN 16931-3-3: BT-29, BT-46, BT-60, BT-71)."""
    if value is not None and value.id is not None:
        if value.scheme is None:
            text(parent, name, value.id)
        else:
            text(parent, "GlobalID", value.id, schemeID=value.scheme)


def indicator(parent: Element, charge: bool) -> None:
    """`ram:ChargeIndicator/udt:Indicator`: true for a charge, false for an allowance."""
    element = etree.SubElement(ram(parent, "ChargeIndicator"), f"{{{UDT}}}Indicator")
    element.text = "true" if charge else "false"


def vat_scheme(parent: Element) -> None:
    """`ram:TypeCode` VAT, the only tax EN 16931 knows (CII-DT-037)."""
    text(parent, "TypeCode", "VAT")


def prune(element: Element, keep: frozenset[str]) -> None:
    """Remove, bottom up, every `ram:` element left without children and text, except those whose
    local name is in `keep` (containers the schema requires even when empty)."""
    for child in list(element):
        prune(child, keep)
        name = etree.QName(child)
        empty = len(child) == 0 and not (child.text or "").strip() and not child.attrib
        if empty and name.namespace == RAM and name.localname not in keep:
            element.remove(child)


def written(name: str, value: str | Decimal | dt.date) -> str:
    """The text of `value` as CII writes it; refuses what no XML document can carry."""
    if isinstance(value, Decimal):
        return decimal_text(f"ram:{name}", value, "a number")
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    return plain_text(f"ram:{name}", value)
