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
from turnout.domain.errors import InputRejected
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
ALL_UNIT_TESTS = [*UNIT_TESTS, CORPORA / "en16931" / "test" / "CreditNote-unit-UBL"]
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


def unit_tests(
    folders: list[Path] = UNIT_TESTS, families: re.Pattern[str] = FAMILIES
) -> list[tuple[str, str, bool, etree._Element]]:
    """(folder/file name, rule id, whether it must fire, invoice element) of every official unit
    test of a rule in `families`."""
    found = []
    for folder in folders:
        for path in sorted(folder.glob("*.xml")) if folder.is_dir() else []:
            root = parse_xml(path.read_bytes(), max_bytes=MAX_BYTES)
            for test in root.iter(f"{VEFA}test"):
                verdict = test.find(f"{VEFA}assert/{VEFA}success")
                must_fire = verdict is None
                if must_fire:
                    verdict = test.find(f"{VEFA}assert/{VEFA}error")
                rule_id = (verdict.text or "").strip() if verdict is not None else ""
                invoice = [c for c in test if isinstance(c.tag, str) and c.tag != f"{VEFA}assert"]
                if families.match(rule_id) and rule_id in RULES and invoice:
                    found.append((f"{folder.name}/{path.name}", rule_id, must_fire, invoice[0]))
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


# The unit tests of other rules whose verdict the canonical invoice cannot repeat, and why. They
# test how an XML is written, not what an invoice says: an element present but empty (the model
# has no empty group), a value the reader or normalize.standard refuses (reported there, as a
# finding or a note: a bad currency or country is left empty, a date that is none is refused),
# or a structure the model does not hold (two VAT totals in one currency, a CreditNote root
# without its type code, invoice lines in a credit note).
EMPTY_GROUP = "an element present but empty: the model has no empty group"
REFUSED = "a value the reader or normalize.standard refuses, with its own finding or note"
NOT_HELD = "a structure the model does not hold"
CANNOT_REPEAT = {
    **{
        ("CreditNote-unit-UBL", rule, fires): EMPTY_GROUP
        for rule, fires in [
            ("BR-08", False),
            ("BR-09", True),
            ("BR-10", False),
            ("BR-11", True),
            ("BR-18", True),
            ("BR-19", True),
            ("BR-55", True),
            ("BR-57", True),
        ]
    },
    **{
        ("Invoice-unit-UBL", rule, fires): EMPTY_GROUP
        for rule, fires in [
            ("BR-08", False),
            ("BR-10", False),
            ("BR-20", True),
            ("BR-49", True),
            ("BR-50", True),
            ("BR-55", True),
            ("BR-56", True),
        ]
    },
    ("CreditNote-unit-UBL", "BR-05", False): REFUSED,
    ("Invoice-unit-UBL", "BR-03", False): REFUSED,
    ("Invoice-unit-UBL", "BR-CL-03", False): REFUSED,
    ("Invoice-unit-UBL", "BR-CL-03", True): REFUSED,
    ("Invoice-unit-UBL", "BR-CL-04", True): REFUSED,
    ("Invoice-unit-UBL", "BR-CL-05", True): REFUSED,
    ("Invoice-unit-UBL", "BR-CL-15", True): REFUSED,
    ("CreditNote-unit-UBL", "BR-CL-18", True): NOT_HELD,
    ("CreditNote-unit-UBL", "BR-CO-15", True): NOT_HELD,
    ("CreditNote-unit-UBL", "BR-CO-25", False): NOT_HELD,
    ("CreditNote-unit-UBL", "BR-E-01", True): NOT_HELD,
    ("Invoice-unit-UBL", "BR-IC-01", True): NOT_HELD,
}


def test_every_business_rule_unit_test_agrees_but_for_what_the_model_cannot_hold() -> None:
    disagreements, checked = set(), 0
    for name, rule_id, fires, element in unit_tests(ALL_UNIT_TESTS, re.compile(r"^BR-")):
        if bool(validate_xml(element, [RULES[rule_id]]).findings) != fires:
            continue  # the XML check itself disagrees: test_en16931_corpus reports it
        checked += 1
        try:
            invoice = canonical(etree.tostring(element), name)
        except InputRejected:
            disagreements.add((name.split("/")[0], rule_id, fires))
            continue
        if (rule_id in fired_on_canonical(invoice, [RULES[rule_id]])) != fires:
            disagreements.add((name.split("/")[0], rule_id, fires))
    assert checked >= 500
    assert disagreements - CANNOT_REPEAT.keys() == set()
