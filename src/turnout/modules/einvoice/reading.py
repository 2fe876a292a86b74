"""Typed reads from an e-invoice tree: text, decimals and dates, or None when the element is absent.

A missing element is never an error (the field stays None). A value that is present but cannot be
what the standard says it is (an amount `12,50`, a date `2024-13-45`) is: the message names the
business term, the value and its line, because guessing would put a wrong number into the books.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

from lxml import etree

from turnout.authoring import InputRejected

# xs:decimal: optional sign, digits with an optional fraction; no exponent, no NaN, no separators.
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
# xs:date, optionally with a time-zone suffix, which a calendar date does not need.
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$")
_DATE_102 = re.compile(r"^\d{8}$")
# child steps with a namespace prefix each: `cac:Party/cbc:Name`
_NAME = r"[A-Za-z_][\w.-]*"
_CHILD_STEPS = re.compile(rf"{_NAME}:{_NAME}(?:/{_NAME}:{_NAME})*")

Element = etree._Element


class TreeReader:
    """Reads values under elements by ElementPath with one set of namespace prefixes.

    A path of prefixed child steps only (`cac:Party/cbc:Name`, nearly all of them) means the
    same in XPath, which lxml evaluates in C: such paths are compiled once as XPath; any other
    goes through ElementPath.
    """

    def __init__(self, namespaces: Mapping[str, str]) -> None:
        self.namespaces = dict(namespaces)
        self._xpaths: dict[str, etree.XPath | None] = {}

    def find(self, element: Element | None, path: str) -> Element | None:
        """The first element at `path` under `element`, or None."""
        if element is None:
            return None
        xpath = self._xpath(path)
        if xpath is None:
            return element.find(path, self.namespaces)
        found = xpath(element)
        return found[0] if isinstance(found, list) and found else None  # type: ignore[return-value]

    def findall(self, element: Element | None, path: str) -> list[Element]:
        """Every element at `path` under `element`, in document order."""
        if element is None:
            return []
        xpath = self._xpath(path)
        if xpath is None:
            return list(element.iterfind(path, self.namespaces))
        found = xpath(element)
        return list(found) if isinstance(found, list) else []  # type: ignore[arg-type]

    def _xpath(self, path: str) -> etree.XPath | None:
        try:
            return self._xpaths[path]
        except KeyError:
            simple = _CHILD_STEPS.fullmatch(path) is not None and all(
                step.partition(":")[0] in self.namespaces for step in path.split("/")
            )
            xpath = etree.XPath(path, namespaces=self.namespaces) if simple else None
            self._xpaths[path] = xpath
            return xpath

    def text(self, element: Element | None, path: str) -> str | None:
        """The stripped text at `path`, or None when absent or empty."""
        return text_of(self.find(element, path))

    def decimal(self, element: Element | None, path: str, term: str) -> Decimal | None:
        """The decimal at `path` exactly as written, or None when absent."""
        return decimal_of(self.find(element, path), term)

    def iso_date(self, element: Element | None, path: str, term: str) -> dt.date | None:
        """The `YYYY-MM-DD` date at `path` (UBL), or None when absent."""
        found = self.find(element, path)
        value = text_of(found)
        if value is None:
            return None
        match = _ISO_DATE.match(value)
        if not match:
            raise _bad(found, term, value, "a date written YYYY-MM-DD")
        return _date(found, term, value, match[1])

    def date_102(self, element: Element | None, path: str, term: str) -> dt.date | None:
        """The UN/CEFACT date at `path` in format 102 (`YYYYMMDD`), or None when absent."""
        found = self.find(element, path)
        value = text_of(found)
        if value is None or found is None:
            return None
        fmt = found.get("format")
        if fmt not in (None, "102") or not _DATE_102.match(value):
            raise _bad(found, term, value, "a date in format 102 (YYYYMMDD)")
        return _date(found, term, value, f"{value[:4]}-{value[4:6]}-{value[6:]}")


def text_of(element: Element | None) -> str | None:
    """The stripped text of an element, or None when it is absent or empty."""
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def attribute_of(element: Element | None, name: str) -> str | None:
    """An attribute's stripped value, or None when the element or attribute is absent or blank."""
    if element is None:
        return None
    value = element.get(name)
    return (value.strip() or None) if value else None


def charge_indicator(found: Element | None, term: str) -> bool:
    """Whether a `ChargeIndicator` element says charge (`true`) or allowance (`false`); any other
    value is refused, naming `term`, as a guess would book the amount with the wrong sign."""
    value = text_of(found)
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    line = f" (line {found.sourceline})" if found is not None and found.sourceline else ""
    raise InputRejected(
        f"the ChargeIndicator of {term} is `{value or ''}`{line}, which is neither true nor "
        "false, so it cannot say whether the amount is an allowance or a charge; "
        "ask the sender for a corrected e-invoice"
    )


def decimal_of(element: Element | None, term: str) -> Decimal | None:
    """The element's text as a Decimal exactly as written, or None when absent or empty."""
    value = text_of(element)
    if value is None:
        return None
    if not _DECIMAL.match(value):
        raise _bad(element, term, value, "a decimal number such as 1234.50")
    return Decimal(value)


def _date(element: Element | None, term: str, value: str, iso: str) -> dt.date:
    try:
        return dt.date.fromisoformat(iso)
    except ValueError as exc:
        raise _bad(element, term, value, "a calendar date") from exc


def _bad(element: Element | None, term: str, value: str, expected: str) -> InputRejected:
    line = element.sourceline if element is not None else None
    where = f" (line {line})" if line else ""
    return InputRejected(
        f"{term} is `{value}`{where}, which is not {expected}; "
        "ask the sender for a corrected e-invoice"
    )
