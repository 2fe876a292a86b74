"""validate.en16931 on the public corpora: no false rejects, and the official unit tests agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnout.domain.artifacts import Severity
from turnout.modules.validate.en16931 import RULES, NotAnInvoice, validate_xml
from turnout.modules.xmlsafe import parse_xml

CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
VALID_FOLDERS = [
    CORPORA / "en16931" / "ubl" / "examples",
    CORPORA / "en16931" / "cii" / "examples",
    CORPORA / "en16931" / "test" / "testfiles",
    CORPORA / "xrechnung",
]
UNIT_TESTS = CORPORA / "en16931" / "test"
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not CORPORA.is_dir(),
        reason=f"corpora not found at {CORPORA} (they are only on developer machines and in CI)",
    ),
]


def _valid_examples() -> list[Path]:
    return [
        p
        for folder in VALID_FOLDERS
        if folder.is_dir()
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() == ".xml"
    ]


def test_valid_examples_get_no_fatal_finding() -> None:
    false_rejects = []
    checked = 0
    for path in _valid_examples():
        try:
            report = validate_xml(parse_xml(path.read_bytes(), max_bytes=50_000_000))
        except NotAnInvoice:
            continue
        checked += 1
        false_rejects += [
            f"{path.relative_to(CORPORA)}: {f.rule} at {f.path}"
            for f in report.findings
            if f.severity is Severity.FATAL
        ]
    assert checked >= 50
    assert false_rejects == []


def test_official_unit_tests_of_implemented_rules_all_agree() -> None:
    disagreements = []
    for path in sorted(UNIT_TESTS.rglob("*.xml")):
        root = parse_xml(path.read_bytes(), max_bytes=50_000_000)
        for test in root.iter(f"{VEFA}test"):
            verdict = test.find(f"{VEFA}assert/{VEFA}success")
            must_fire = verdict is None
            if must_fire:
                verdict = test.find(f"{VEFA}assert/{VEFA}error")
            rule_id = (verdict.text or "").strip() if verdict is not None else ""
            invoice = [c for c in test if isinstance(c.tag, str) and c.tag != f"{VEFA}assert"]
            if rule_id not in RULES or not invoice:
                continue
            report = validate_xml(invoice[0], [RULES[rule_id]])
            if any(f.rule == rule_id for f in report.findings) != must_fire:
                disagreements.append(f"{path.name}: {rule_id} (must fire: {must_fire})")
    assert disagreements == []
