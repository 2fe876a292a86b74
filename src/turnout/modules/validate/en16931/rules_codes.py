"""EN 16931 code list rules BR-CL-*: coded values must come from the list the standard names.

Implemented: BR-CL-01, -03, -04, -05, -06 (UNTDID 2005 in UBL, 2475 in CII), -14, -15, -16,
-17, -18, -19, -20, -24. Not yet: BR-CL-07 (UNTDID 1153), -08 (UNCL 4451), -10/-11/-21/-26
(ISO 6523 ICD), -13 (UNTDID 7143), -22 (VATEX), -23 (UNECE Rec 20/21), -25 (EAS): their lists are
long and are not bundled yet, and a partial list would reject valid invoices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from turnout.modules.validate.en16931.codelists import codes, countries, currencies
from turnout.modules.validate.en16931.registry import FATAL, rule
from turnout.modules.validate.en16931.view import Node, Unmapped, Value


def _outside(
    found: list[Value], allowed: frozenset[str], attribute: str | None = None
) -> Iterator[str]:
    for item in found:
        code = (item.attr(attribute) or "") if attribute else item.stripped
        if code not in allowed:
            yield item.path


def _in_groups(inv: Node, groups: tuple[str, ...], term: str) -> list[Value]:
    """Values of `term` in the document-level `groups` and in the same groups on every line."""
    found: list[Value] = []
    for group in groups:
        if group.startswith("line_"):
            for line in inv.groups("lines"):
                for item in line.groups(group):
                    found.extend(item.values(term))
        else:
            for item in inv.groups(group):
                found.extend(item.values(term))
    return found


def _list_rule(
    rule_id: str,
    message: str,
    term: str,
    allowed: Callable[[], frozenset[str]],
    attribute: str | None = None,
) -> None:
    def check(inv: Node) -> Iterator[str]:
        yield from _outside(inv.values(term), allowed(), attribute)

    rule(rule_id, FATAL, message)(check)


_list_rule(
    "BR-CL-01",
    "The document type code MUST be coded by the invoice and credit note related code lists of UNTDID 1001.",
    "type_code",
    lambda: codes("uncl1001"),
)
_list_rule(
    "BR-CL-03",
    "currencyID MUST be coded using ISO code list 4217 alpha-3.",
    "all_amounts",
    currencies,
    "currencyID",
)
_list_rule(
    "BR-CL-04",
    "Invoice currency code MUST be coded using ISO code list 4217 alpha-3.",
    "currency",
    currencies,
)
_list_rule(
    "BR-CL-05",
    "Tax currency code MUST be coded using ISO code list 4217 alpha-3.",
    "vat_currency",
    currencies,
)


@rule(
    "BR-CL-06",
    FATAL,
    "Value added tax point date code MUST be coded using a restriction of UNTDID 2005 (UBL) or "
    "of UNTDID 2475 (CII).",
)
def br_cl_06(inv: Node) -> Iterator[str]:
    # BT-8 has two codings: UBL (and the canonical invoice) write UNTDID 2005 (3, 35, 432), the
    # CII binding writes the same meanings in UNTDID 2475 (5, 29, 72); each syntax maps one term
    checked = False
    for term, allowed in (
        ("tax_point_date_code_2005", codes("uncl2005")),
        ("tax_point_date_code_2475", codes("uncl2475")),
    ):
        try:
            found = inv.values(term)
        except Unmapped:
            continue
        checked = True
        yield from _outside(found, allowed)
    if not checked:
        raise Unmapped("tax_point_date_code_2005")


_list_rule(
    "BR-CL-14",
    "Country codes in an invoice MUST be coded using ISO code list 3166-1.",
    "all_countries",
    countries,
)
_list_rule(
    "BR-CL-15",
    "Country codes in an invoice MUST be coded using ISO code list 3166-1 (item country of origin).",
    "origin_countries",
    countries,
)
_list_rule(
    "BR-CL-16",
    "Payment means in an invoice MUST be coded using UNCL4461 code list.",
    "payment_means_codes",
    lambda: codes("uncl4461"),
)
_list_rule(
    "BR-CL-17",
    "Invoice tax categories MUST be coded using UNCL5305 code list.",
    "tax_category_codes",
    lambda: codes("uncl5305"),
)
_list_rule(
    "BR-CL-18",
    "Invoice tax categories MUST be coded using UNCL5305 code list (invoiced item VAT category).",
    "line_tax_category_codes",
    lambda: codes("uncl5305"),
)
_list_rule(
    "BR-CL-24",
    "For Mime code in attribute use MIMEMediaType.",
    "all_binary_objects",
    lambda: codes("mime"),
    "mimeCode",
)


@rule("BR-CL-19", FATAL, "Coded allowance reasons MUST belong to the UNCL 5189 code list.")
def br_cl_19(inv: Node) -> Iterator[str]:
    found = _in_groups(inv, ("allowances", "line_allowances"), "reason_code")
    yield from _outside(found, codes("uncl5189"))


@rule("BR-CL-20", FATAL, "Coded charge reasons MUST belong to the UNCL 7161 code list.")
def br_cl_20(inv: Node) -> Iterator[str]:
    found = _in_groups(inv, ("charges", "line_charges"), "reason_code")
    yield from _outside(found, codes("uncl7161"))
