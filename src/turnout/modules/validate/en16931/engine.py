"""Run the EN 16931 rules over a document and collect findings.

`validate_xml` takes the parsed root of a UBL Invoice / CreditNote or a CII invoice;
`validate_node` takes any `Node` (the canonical-model adapter uses it). A rule whose terms the
syntax does not map is skipped for that document and listed in `Report.skipped`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from turnout.authoring import Finding, Severity
from turnout.modules.validate.en16931 import (  # noqa: F401  (each module registers its rules)
    rules_codes,
    rules_core,
    rules_decimals,
    rules_groups,
    rules_totals,
    rules_ubl,
    rules_vat,
)
from turnout.modules.validate.en16931.cii_paths import CII_PATHS
from turnout.modules.validate.en16931.registry import RULES, Rule
from turnout.modules.validate.en16931.ubl_paths import UBL_PATHS
from turnout.modules.validate.en16931.view import Node, Unmapped, XmlNode

UBL_NAMESPACES = frozenset(
    {
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    }
)
CII_NAMESPACE = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"


@dataclass(frozen=True)
class Report:
    """The findings of one document, and the rules that could not apply to its syntax."""

    syntax: str
    findings: tuple[Finding, ...]
    skipped: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """True when no fatal rule fired."""
        return not any(f.severity is Severity.FATAL for f in self.findings)


class NotAnInvoice(ValueError):
    """The XML root is neither a UBL Invoice / CreditNote nor a CII CrossIndustryInvoice."""


def syntax_of(root: etree._Element) -> str:
    """`"ubl"` or `"cii"` from the root's namespace; raises `NotAnInvoice` otherwise."""
    namespace = etree.QName(root).namespace or ""
    if namespace in UBL_NAMESPACES:
        return "ubl"
    if namespace == CII_NAMESPACE:
        return "cii"
    raise NotAnInvoice(
        f"the XML root {etree.QName(root).localname!r} (namespace {namespace or 'none'!r}) is not "
        "a UBL Invoice/CreditNote or a CII CrossIndustryInvoice; EN 16931 rules cannot apply"
    )


def validate_xml(root: etree._Element, rules: Iterable[Rule] | None = None) -> Report:
    """Check a UBL or CII document (its parsed root element) against the EN 16931 rules."""
    syntax = syntax_of(root)
    paths = UBL_PATHS if syntax == "ubl" else CII_PATHS
    return validate_node(XmlNode(root, "invoice", paths), syntax, rules)


def validate_node(invoice: Node, syntax: str, rules: Iterable[Rule] | None = None) -> Report:
    """Check any invoice `Node` against `rules` (all registered rules by default)."""
    findings: list[Finding] = []
    skipped: list[str] = []
    for current in RULES.values() if rules is None else rules:
        try:
            where = list(current.check(invoice))
        except Unmapped:
            skipped.append(current.rule_id)
            continue
        findings.extend(
            Finding(current.rule_id, current.severity, current.message, path) for path in where
        )
    return Report(syntax, tuple(findings), tuple(skipped))
