"""Elements of an e-invoice the EN 16931 binding does not map (a CIUS's or Factur-X's extensions),
kept verbatim as `invoice.extensions` rather than dropped.

The paths the reader knows are written once as an indented outline (`KnownPaths`); a walk down the
document follows them and stops at each element the outline does not name, which is kept whole.
Only such elements are serialised and given a path, so a document without extensions costs one
dictionary look-up per element.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from turnout.domain.invoice import Extension
from turnout.modules.einvoice.reading import Element

Known = dict[str, "Known"]


def outline(text: str, namespaces: Mapping[str, str], groups: Mapping[str, str]) -> Known:
    """The tree of known child elements described by `text`: one `prefix:Name` a line, children
    indented two spaces under their parent; `prefix:Name = group` takes the children of
    `groups[group]` (an outline of its own)."""
    root: Known = {}
    stack: list[tuple[int, Known]] = [(-1, root)]
    for raw in text.splitlines():
        if not raw.strip():
            continue
        depth = len(raw) - len(raw.lstrip(" "))
        name, _, group = (part.strip() for part in raw.partition("="))
        while stack[-1][0] >= depth:
            stack.pop()
        prefix, _, local = name.partition(":")
        children: Known = outline(groups[group], namespaces, groups) if group else {}
        stack[-1][1][f"{{{namespaces[prefix]}}}{local}"] = children
        stack.append((depth, children))
    return root


def unknown_elements(element: Element, known: Known) -> list[Element]:
    """The elements under `element` that `known` does not name, outermost only, in document
    order."""
    found: list[Element] = []
    _walk(element, known, found)
    return found


def _walk(element: Element, known: Known, found: list[Element]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            continue
        below = known.get(tag)
        if below is None:
            found.append(child)
        elif len(child):
            _walk(child, below, found)


def outermost(elements: list[Element]) -> list[Element]:
    """`elements` without those inside another of them (each kept once), in their order."""
    kept = set(elements)
    seen: set[Element] = set()
    found: list[Element] = []
    for element in elements:
        if element not in seen and not any(a in kept for a in element.iterancestors()):
            seen.add(element)
            found.append(element)
    return found


def extension(element: Element) -> Extension:
    """An element kept verbatim, with its XPath written with the document's prefixes."""
    xml = etree.tostring(element, encoding="unicode", with_tail=False)
    return Extension(path=xpath_of(element), xml=xml)


def xpath_of(element: Element) -> str:
    """`/rsm:Root/ram:Child[2]/ram:Leaf`: the element's steps from the root, with the position
    among same-named siblings where there are several."""
    steps: list[str] = []
    current: Element | None = element
    while current is not None:
        qname = etree.QName(current)
        step = f"{current.prefix}:{qname.localname}" if current.prefix else qname.localname
        parent = current.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == current.tag]
            if len(same) > 1:
                step += f"[{same.index(current) + 1}]"
        steps.append(step)
        current = parent
    return "/" + "/".join(reversed(steps))
