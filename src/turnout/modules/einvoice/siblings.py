"""Work done once per parent element over its children, so that asking about each of many
siblings stays linear in their number: positions among same-named siblings (`Positions`, for the
XPath of an extension, `extensions_of`) and what the readers' checks compare each sibling with
(`once`, `first_in_any`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from turnout.authoring import Extension
from turnout.modules.einvoice.reading import Element

_T = TypeVar("_T")
_memo = threading.local()


def once(parent: Element, key: str, work: Callable[[], _T]) -> _T:
    """`work()`'s result for `parent` and `key`, computed the first time it is asked for. Call
    `forget` when the walk over a document ends."""
    store: dict[Element, dict[str, _T]] | None = getattr(_memo, "store", None)
    if store is None:
        store = _memo.store = {}
    cache = store.setdefault(parent, {})
    if key not in cache:
        cache[key] = work()
    return cache[key]


def forget() -> None:
    """Drop what `once` kept for the document just walked (it would keep its tree alive)."""
    _memo.store = None


def first_in_any(child: Element) -> bool:
    """The reader reads this child where it first occurs under any of its parent's same-named
    siblings, as XPath's first `parent/child` does: the card of any payment means, the mandate
    of any UBL means and the debited account of any CII means, the due date and the mandate of
    any CII payment terms."""
    group = child.getparent()
    above = None if group is None else group.getparent()
    if group is None or above is None:
        return True

    def first() -> Element | None:
        for other in above.iterchildren(group.tag):
            found = next(other.iterchildren(child.tag), None)
            if found is not None:
                return found
        return None

    return once(above, f"{group.tag} {child.tag}", first) is child


class Positions:
    """The position of each child among its same-named siblings, counted once per parent: many
    siblings cost one pass over their parent, not one each."""

    def __init__(self) -> None:
        self._parents: dict[Element, dict[Element, tuple[int, int]]] = {}

    def of(self, element: Element, parent: Element) -> tuple[int, int]:
        """`element`'s 1-based position among its parent's children of its tag, and their count."""
        index = self._parents.get(parent)
        if index is None:
            same_tag: dict[object, list[Element]] = {}
            for child in parent:
                same_tag.setdefault(child.tag, []).append(child)
            index = self._parents[parent] = {
                child: (n, len(same))
                for same in same_tag.values()
                for n, child in enumerate(same, 1)
            }
        return index[element]


def xpath_of(element: Element, positions: Positions | None = None) -> str:
    """`/rsm:Root/ram:Child[2]/ram:Leaf`: the element's steps from the root with the document's
    prefixes, with the position among same-named siblings where there are several. Pass one
    `Positions` for all the elements of a document."""
    positions = positions or Positions()
    steps: list[str] = []
    current: Element | None = element
    while current is not None:
        qname = etree.QName(current)
        step = f"{current.prefix}:{qname.localname}" if current.prefix else qname.localname
        parent = current.getparent()
        if parent is not None:
            position, count = positions.of(current, parent)
            if count > 1:
                step += f"[{position}]"
        steps.append(step)
        current = parent
    return "/" + "/".join(reversed(steps))


def extensions_of(elements: list[Element]) -> list[Extension]:
    """Each element kept verbatim, with its XPath written with the document's prefixes; the
    positions among same-named siblings are counted once per parent (`Positions`)."""
    positions = Positions()
    return [
        Extension(
            path=xpath_of(element, positions),
            xml=etree.tostring(element, encoding="unicode", with_tail=False),
        )
        for element in elements
    ]
