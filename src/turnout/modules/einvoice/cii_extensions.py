"""Elements of an e-invoice the EN 16931 binding does not map (a CIUS's or Factur-X's extensions),
kept verbatim as `invoice.extensions` rather than dropped.

The paths the reader knows are written once as an indented outline (`outline`); a walk down the
document follows them and stops at each element the outline does not name, which is kept whole.
An element the reader reads once (most of them) that comes again under the same parent is kept
too: the reader would read the first only. So is a known element whose content the reader does
not read (`CHECKS`, see `cii_checks`: a later payment means' own type code, a second VAT
registration, a later due date). Only such elements are serialised and given a path, so a document
without extensions costs a dictionary look-up or two per element.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from turnout.modules.einvoice import cii_checks
from turnout.modules.einvoice.cii_settlement import MEANS_CHECKS, TERMS_CHECKS
from turnout.modules.einvoice.reading import Element
from turnout.modules.einvoice.siblings import forget

CHECKS: dict[tuple[str, str], Callable[[Element], bool]] = {
    **{("SpecifiedTradeSettlementPaymentMeans", name): c for name, c in MEANS_CHECKS.items()},
    **{("SpecifiedTradePaymentTerms", name): c for name, c in TERMS_CHECKS.items()},
    **{
        (party, "SpecifiedTaxRegistration"): cii_checks.read_tax_registration
        for party in ("SellerTradeParty", "BuyerTradeParty", "SellerTaxRepresentativeTradeParty")
    },
    ("GrossPriceProductTradePrice", "AppliedTradeAllowanceCharge"): (
        cii_checks.read_gross_price_allowance
    ),
    ("SpecifiedLineTradeSettlement", "AdditionalReferencedDocument"): cii_checks.read_line_object,
    ("PayeeTradeParty", "ID"): cii_checks.read_party_id,
    ("ShipToTradeParty", "ID"): cii_checks.read_party_id,
}
"""Known elements, by parent and own local name, that the reader reads only when they pass the
test; the others are kept. Local names, so CII D16B and ZUGFeRD 1 share them."""


class Known(dict[str, "Known"]):
    """The known child elements of an element, by Clark tag, each with its own known children;
    `repeats` says whether the reader reads every occurrence of the element, not the first only;
    `check`, when set, whether the reader reads a given occurrence (`CHECKS`)."""

    repeats = False
    check: Callable[[Element], bool] | None = None


def outline(
    text: str, namespaces: Mapping[str, str], groups: Mapping[str, str], parent: str = ""
) -> Known:
    """The tree of known child elements described by `text`: one `prefix:Name` a line, children
    indented two spaces under their parent; `prefix:Name = group` takes the children of
    `groups[group]` (an outline of its own); a `*` after the name marks an element the reader
    reads every occurrence of (notes, lines, allowances), which may repeat. `parent` is the local
    name of the element the outline describes the children of."""
    root = Known()
    stack: list[tuple[int, Known, str]] = [(-1, root, parent)]
    for raw in text.splitlines():
        if not raw.strip():
            continue
        depth = len(raw) - len(raw.lstrip(" "))
        name, _, group = (part.strip() for part in raw.partition("="))
        while stack[-1][0] >= depth:
            stack.pop()
        repeats = name.endswith("*")
        prefix, _, local = name.rstrip("* ").partition(":")
        children = outline(groups[group], namespaces, groups, local) if group else Known()
        children.repeats = repeats
        children.check = CHECKS.get((stack[-1][2], local))
        stack[-1][1][f"{{{namespaces[prefix]}}}{local}"] = children
        stack.append((depth, children, local))
    return root


def unknown_elements(element: Element, known: Known) -> list[Element]:
    """The elements under `element` that `known` does not name, outermost only, in document
    order."""
    found: list[Element] = []
    try:
        _walk(element, known, found)
    finally:
        forget()
    return found


def _walk(element: Element, known: Known, found: list[Element]) -> None:
    seen: set[str] = set()
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            continue
        below = known.get(tag)
        if below is None or (below.check is not None and not below.check(child)):
            found.append(child)
            continue
        if not below.repeats:
            if tag in seen:  # a second one the reader would not read
                found.append(child)
                continue
            seen.add(tag)
        if len(child):
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
