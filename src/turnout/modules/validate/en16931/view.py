"""The syntax-neutral view the EN 16931 rules read: business terms over UBL, CII or the canonical model.

A rule asks a `Node` for a term by name (`node.value("seller_vat_id")`) or for the groups under it
(`node.groups("lines")`). Each syntax maps names to XPaths in `ubl_paths` / `cii_paths`; a term a
syntax does not map raises `Unmapped`, and the engine then skips the rule for that document instead
of guessing. Every value keeps the element path it came from, so findings point at the element.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from lxml import etree


class Unmapped(LookupError):
    """The document's syntax has no mapping for a term; the rule asking for it does not apply."""


class Value:
    """One business-term value: its text, its attributes and where it is in the document."""

    __slots__ = ("attrs", "element", "label", "stripped", "text")

    def __init__(
        self,
        text: str,
        attrs: Mapping[str, str],
        element: etree._Element | None = None,
        label: str = "",
    ) -> None:
        self.text = text
        self.stripped = " ".join(text.split())  # whitespace-normalised, as normalize-space()
        self.attrs = attrs
        self.element = element
        self.label = label

    @property
    def path(self) -> str:
        """Where the value is: an XPath with the document's prefixes, or a canonical field name."""
        return element_path(self.element) if self.element is not None else self.label

    def decimal(self) -> Decimal | None:
        """The value as a decimal, or None when it is not one."""
        try:
            number = Decimal(self.stripped)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None

    def attr(self, name: str) -> str | None:
        return self.attrs.get(name)

    def __repr__(self) -> str:
        return f"Value({self.stripped!r} at {self.path})"


class Node(Protocol):
    """A business group (the invoice, a line, an allowance, a VAT breakdown ...)."""

    @property
    def path(self) -> str: ...

    def values(self, term: str) -> list[Value]: ...

    def groups(self, group: str) -> list[Node]: ...


def value(node: Node, term: str) -> Value | None:
    """The first value of `term` under `node`, or None."""
    found = node.values(term)
    return found[0] if found else None


def has(node: Node, term: str) -> bool:
    """Whether `term` has a non-blank value under `node`."""
    return any(v.stripped for v in node.values(term))


def amount(node: Node, term: str) -> Decimal | None:
    """The first value of `term` as a decimal, or None when absent or not a number."""
    found = value(node, term)
    return found.decimal() if found is not None else None


def text(node: Node, term: str) -> str:
    """The first value of `term`, whitespace-normalised; "" when absent."""
    found = value(node, term)
    return found.stripped if found is not None else ""


@dataclass(frozen=True)
class Paths:
    """One syntax's mapping: group and term names to XPaths, per group kind."""

    namespaces: Mapping[str, str]
    groups: Mapping[tuple[str, str], str]
    terms: Mapping[tuple[str, str], str]


class XmlNode:
    """A group backed by an XML element, read through a syntax's `Paths`."""

    def __init__(self, element: etree._Element, kind: str, paths: Paths) -> None:
        self.element = element
        self.kind = kind
        self.paths = paths
        # ~200 rules ask for the same few terms: each is looked up once per node.
        self._values: dict[str, list[Value]] = {}
        self._groups: dict[str, list[Node]] = {}

    @property
    def path(self) -> str:
        return element_path(self.element)

    def values(self, term: str) -> list[Value]:
        cached = self._values.get(term)
        if cached is None:
            cached = self._values[term] = self._find_values(term)
        return cached

    def groups(self, group: str) -> list[Node]:
        cached = self._groups.get(group)
        if cached is None:
            cached = self._groups[group] = self._find_groups(group)
        return cached

    def _find_values(self, term: str) -> list[Value]:
        xpath = self.paths.terms.get((self.kind, term))
        if xpath is None:
            raise Unmapped(f"{self.kind}.{term}")
        found = _compiled(xpath, self.paths)(self.element)
        assert isinstance(found, list)
        return [_value(item) for item in found if isinstance(item, etree._Element)]

    def _find_groups(self, group: str) -> list[Node]:
        xpath = self.paths.groups.get((self.kind, group))
        if xpath is None:
            raise Unmapped(f"{self.kind}.{group}")
        found = _compiled(xpath, self.paths)(self.element)
        assert isinstance(found, list)
        return [
            XmlNode(item, group, self.paths) for item in found if isinstance(item, etree._Element)
        ]


_XPATHS: dict[tuple[int, str], etree.XPath] = {}


def _compiled(xpath: str, paths: Paths) -> etree.XPath:
    """Each mapping's XPaths are compiled once and reused for every document."""
    key = (id(paths), xpath)
    compiled = _XPATHS.get(key)
    if compiled is None:
        compiled = _XPATHS[key] = etree.XPath(xpath, namespaces=dict(paths.namespaces))
    return compiled


def _value(element: etree._Element) -> Value:
    return Value(
        text="".join(element.itertext()),  # type: ignore[arg-type]  # str for parsed XML
        attrs=element.attrib,  # type: ignore[arg-type]
        element=element,
    )


def element_path(element: etree._Element) -> str:
    """`/Invoice/cac:InvoiceLine[2]/cbc:ID`: prefixed names, positions only where needed."""
    steps: list[str] = []
    current: etree._Element | None = element
    while current is not None:
        qname = etree.QName(current)
        name = f"{current.prefix}:{qname.localname}" if current.prefix else qname.localname
        parent = current.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == current.tag]
            if len(same) > 1:
                name += f"[{same.index(current) + 1}]"
        steps.append(name)
        current = parent
    return "/" + "/".join(reversed(steps))
