"""EN 16931 conformance: the official unit tests through `validate.en16931`, and its throughput.

Reads every testSet under ../shared/corpora/en16931/test: each `<test>` holds a (partial) UBL or
CII invoice and says whether the rule in scope must hold (`<success>`) or fire (`<error>`). The
verdict of our engine for that rule is compared with the official one; agreement is printed per
rule, per family and overall, both over every test and over the tests of implemented rules only.
Then the complete valid examples (en16931/ubl/examples, en16931/cii/examples, en16931/test/testfiles,
../shared/corpora/xrechnung) are validated: every FATAL finding there is a false reject, listed.

Ends with `BENCH en16931_agreement_pct <v>` and `BENCH en16931_invoices_per_s <v>` (the best of
BENCH_ROUNDS passes of `check_bytes`, i.e. `turnout check` without process start-up, one core).
No other validator (Java/Saxon) is installed here, so there is no side-by-side timing.
Skips (exit 0) when ../shared/corpora is absent.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from lxml import etree

from turnout.modules.validate.en16931 import RULES, NotAnInvoice, validate_xml
from turnout.modules.validate.en16931.check import check_bytes
from turnout.modules.xmlsafe import parse_xml

CORPORA = Path(
    os.environ.get("TURNOUT_CORPORA", Path(__file__).resolve().parents[2] / "shared" / "corpora")
)
TESTS = CORPORA / "en16931" / "test"
EXAMPLES = [
    CORPORA / "en16931" / "ubl" / "examples",
    CORPORA / "en16931" / "cii" / "examples",
    CORPORA / "en16931" / "test" / "testfiles",
    CORPORA / "xrechnung",
]
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
MAX_BYTES = 50_000_000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def family(rule_id: str) -> str:
    head, _, tail = rule_id.rpartition("-")
    return head if tail.isdigit() else rule_id


def official_cases() -> list[tuple[str, str, bool, etree._Element]]:
    """(file, rule, must_fire, invoice element) for every `<test>` of every testSet."""
    cases = []
    for path in sorted(TESTS.rglob("*.xml")):
        root = parse_xml(path.read_bytes(), max_bytes=MAX_BYTES, what=str(path))
        if root.tag != f"{VEFA}testSet":
            continue
        for test in root.iter(f"{VEFA}test"):
            success = test.find(f"{VEFA}assert/{VEFA}success")
            error = test.find(f"{VEFA}assert/{VEFA}error")
            verdict = success if success is not None else error
            invoice = next(
                (c for c in test if isinstance(c.tag, str) and c.tag != f"{VEFA}assert"), None
            )
            if verdict is None or invoice is None or not (verdict.text or "").strip():
                continue
            cases.append((path.name, verdict.text.strip(), verdict is error, invoice))
    return cases


def conformance() -> float:
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    disagreements = []
    for name, rule_id, must_fire, invoice in official_cases():
        report = validate_xml(invoice, [RULES[rule_id]] if rule_id in RULES else [])
        fired = any(f.rule == rule_id for f in report.findings)
        counts = per_rule[rule_id]
        counts[1] += 1
        if fired == must_fire:
            counts[0] += 1
        else:
            disagreements.append(
                f"{name}: {rule_id} {'should fire' if must_fire else 'fired wrongly'}"
            )
    per_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    implemented = [0, 0]
    print("rule            agree/tests  implemented")
    for rule_id in sorted(per_rule):
        agree, tests = per_rule[rule_id]
        done = rule_id in RULES
        print(f"{rule_id:<15} {agree:>5}/{tests:<6} {'yes' if done else 'NO'}")
        fam = per_family[family(rule_id)]
        fam[0], fam[1] = fam[0] + agree, fam[1] + tests
        if done:
            implemented[0], implemented[1] = implemented[0] + agree, implemented[1] + tests
    print("\nfamily          agree/tests")
    for name in sorted(per_family):
        agree, tests = per_family[name]
        print(f"{name:<15} {agree:>5}/{tests:<6} {100 * agree / tests:6.1f} %")
    agree = sum(a for a, _ in per_rule.values())
    tests = sum(t for _, t in per_rule.values())
    print(f"\ndisagreements ({len(disagreements)}):")
    for line in disagreements:
        print(f"  {line}")
    print(
        f"\nimplemented rules: {len(RULES)}; official tests of implemented rules: "
        f"{implemented[0]}/{implemented[1]} agree"
    )
    print(f"all official tests (an unimplemented rule never fires): {agree}/{tests} agree")
    return 100 * agree / tests


def throughput() -> float:
    files = [
        p
        for folder in EXAMPLES
        if folder.exists()
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() == ".xml"
    ]
    documents = [(p, p.read_bytes()) for p in files]
    false_rejects = 0
    invoices = []
    for path, data in documents:
        try:
            report = validate_xml(parse_xml(data, max_bytes=MAX_BYTES, what=str(path)))
        except NotAnInvoice:
            continue
        invoices.append((path, data))
        for finding in report.findings:
            if finding.severity == "fatal":
                false_rejects += 1
                print(f"FALSE REJECT {path.relative_to(CORPORA)}: {finding.rule} at {finding.path}")
    checked = len(invoices)
    print(
        f"\nvalid examples checked: {checked}; fatal findings on them (false rejects): "
        f"{false_rejects}"
    )
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for path, data in invoices:
            check_bytes(path.name, data)  # what `turnout check` does per file: sniff, parse, rules
        best = min(best, time.perf_counter() - start)
    return checked / best


def main() -> int:
    if not TESTS.exists():
        print(f"en16931 conformance skipped: {TESTS} not found (../shared/corpora is absent)")
        return 0
    agreement = conformance()
    per_second = throughput()
    print(f"BENCH en16931_agreement_pct {agreement:.1f}")
    print(f"BENCH en16931_invoices_per_s {per_second:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
