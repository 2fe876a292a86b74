"""The small element writers the UBL export is built from: `cac:` groups, `cbc:` values, amounts.

A value that is unknown (None) writes nothing, never a placeholder. Decimals are written exactly
as they are (`format(d, "f")`: no exponent, no rounding), dates as ISO dates; a value XML cannot
carry (a control character, an infinite amount) is refused with `InputRejected`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from turnout.authoring import Identifier
from turnout.modules.export.xml_text import decimal_text, plain_text

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"

Element = etree._Element
Value = str | Decimal | dt.date


def cac(parent: Element, name: str) -> Element:
    """A new `cac:` group under `parent`."""
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def cbc(
    parent: Element, name: str, value: Value | None, /, **attributes: str | None
) -> Element | None:
    """A `cbc:` child holding `value` with the attributes that are known, or nothing when the
    value is unknown."""
    if value is None:
        return None
    element = etree.SubElement(parent, f"{{{CBC}}}{name}")
    element.text = text(name, value)
    for attribute, attribute_value in attributes.items():
        if attribute_value is not None:
            element.set(attribute, text(f"{name}/@{attribute}", attribute_value))
    return element


def amount(parent: Element, name: str, value: Decimal | None, currency: str) -> None:
    """A `cbc:` amount with its `currencyID`, or nothing when the amount is unknown."""
    cbc(parent, name, value, currencyID=currency)


def identifier(parent: Element, name: str, value: Identifier | None) -> Element | None:
    """A `cbc:` identifier with its `schemeID` when it has one."""
    if value is None:
        return None
    return cbc(parent, name, value.id, schemeID=value.scheme)


def has_any(*values: object) -> bool:
    """Whether any of `values` is known (not None, not an empty list)."""
    return any(v is not None and v != [] for v in values)


def text(name: str, value: Value) -> str:
    """The XML text of `value` for element (or attribute) `name`."""
    if isinstance(value, Decimal):
        return decimal_text(f"cbc:{name}", value, "an amount")
    if isinstance(value, dt.date):
        return value.isoformat()
    return plain_text(f"cbc:{name}", value)
