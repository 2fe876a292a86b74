"""The EN 16931 rules give the same verdict on the canonical invoice as on its source XML.

For every valid invoice of the public corpora, the rule ids that fire on the canonical invoice
(read by einvoice.xml, normalised by normalize.standard) are those that fire on the XML; and the
official unit tests of the calculation and VAT category rules (BR-CO-*, BR-S-*, BR-E-*, BR-AE-*)
get the same verdict on their canonical invoice: those that must fire fire, the others do not. The syntax rules (UBL-SR, UBL-DT) read
how the XML is written and are left to it (`canonical.XML_ONLY_FAMILIES`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from turnout.domain.artifacts import Source
from turnout.domain.invoice import Invoice
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.canonical import canonicalise
from turnout.modules.normalize.scale import canonical_scales
from turnout.modules.validate.en16931 import (
    RULES,
    NotAnInvoice,
    Rule,
    validate_node,
    validate_xml,
)
from turnout.modules.validate.en16931.canonical import canonical_node, canonical_rules
from turnout.modules.xmlsafe import parse_xml

CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
VALID_FOLDERS = [
    CORPORA / "en16931" / "ubl" / "examples",
    CORPORA / "en16931" / "cii" / "examples",
    CORPORA / "xrechnung",
]
UNIT_TESTS = [
    CORPORA / "en16931" / "test" / "Invoice-unit-UBL",
    CORPORA / "en16931" / "test" / "cii",
]
FAMILIES = re.compile(r"^BR-(CO|S|E|AE)-\d+")
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
RULES_ON_CANONICAL = canonical_rules(RULES.values())
MAX_BYTES = 50_000_000

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not CORPORA.is_dir(),
        reason=f"corpora not found at {CORPORA} (they are only on developer machines and in CI)",
    ),
]


def canonical(data: bytes, name: str) -> Invoice:
    """The invoice einvoice.xml reads from `data`, put in form as normalize.standard does (without
    its refusal of a document holding neither a number nor a total: unit tests are fragments)."""
    document = StandardIntake().identify(Source(name, data))
    invoice = XmlEInvoice().parse(document).invoice
    canonicalise(invoice)
    canonical_scales(invoice)
    return invoice


def fired_on_canonical(invoice: Invoice, rules: list[Rule] | None = None) -> set[str]:
    report = validate_node(canonical_node(invoice), "canonical", rules or RULES_ON_CANONICAL)
    return {f.rule for f in report.findings}


def valid_examples() -> list[Path]:
    return [
        p
        for folder in VALID_FOLDERS
        if folder.is_dir()
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() == ".xml"
    ]


def test_valid_invoices_fire_the_same_rules_on_their_canonical_invoice() -> None:
    differences, checked = [], 0
    for path in valid_examples():
        data = path.read_bytes()
        try:
            on_xml = validate_xml(parse_xml(data, max_bytes=MAX_BYTES), RULES_ON_CANONICAL)
        except NotAnInvoice:
            continue
        checked += 1
        expected = {f.rule for f in on_xml.findings}
        got = fired_on_canonical(canonical(data, path.name))
        if got != expected:
            differences.append(
                f"{path.relative_to(CORPORA)}: only on XML {sorted(expected - got)}, "
                f"only on canonical {sorted(got - expected)}"
            )
    assert checked >= 50
    assert differences == []


def unit_tests() -> list[tuple[str, str, bool, etree._Element]]:
    """(file name, rule id, whether it must fire, invoice element) of every official unit test of
    a rule in FAMILIES."""
    found = []
    for folder in UNIT_TESTS:
        for path in sorted(folder.glob("*.xml")) if folder.is_dir() else []:
            root = parse_xml(path.read_bytes(), max_bytes=MAX_BYTES)
            for test in root.iter(f"{VEFA}test"):
                verdict = test.find(f"{VEFA}assert/{VEFA}success")
                must_fire = verdict is None
                if must_fire:
                    verdict = test.find(f"{VEFA}assert/{VEFA}error")
                rule_id = (verdict.text or "").strip() if verdict is not None else ""
                invoice = [c for c in test if isinstance(c.tag, str) and c.tag != f"{VEFA}assert"]
                if FAMILIES.match(rule_id) and rule_id in RULES and invoice:
                    found.append((path.name, rule_id, must_fire, invoice[0]))
    return found


def test_unit_test_invoices_get_the_verdict_of_their_xml_on_their_canonical_invoice() -> None:
    disagreements, must_fire = [], 0
    for name, rule_id, fires, element in unit_tests():
        on_xml = bool(validate_xml(element, [RULES[rule_id]]).findings)
        if on_xml != fires:
            continue  # the XML check itself disagrees: test_en16931_corpus reports it
        must_fire += fires
        invoice = canonical(etree.tostring(element), name)
        if (rule_id in fired_on_canonical(invoice, [RULES[rule_id]])) != fires:
            disagreements.append(f"{name}: {rule_id} (must fire: {fires})")
    assert must_fire >= 50
    assert disagreements == []
