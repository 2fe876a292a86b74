"""Exports that validate, and canonical invoices that survive the trip (issue 15's measurement).

Takes every UBL Invoice/CreditNote and CII CrossIndustryInvoice under ../shared/corpora/xrechnung
(recursive), en16931/ubl/examples, en16931/cii/examples and en16931/test/testfiles. For each:

1. the source is checked with the official EN 16931 XSLT of its syntax (SaxonC-HE, see
   `xslt_validator.py`); its fatal rule ids are the baseline;
2. it is read to the canonical invoice A by intake.standard -> einvoice.xml -> normalize.standard
   (the modules' `process` called directly with a RunContext), then exported with `export.ubl`
   and with `export.cii` into a temporary directory; each written file is read back and checked
   with the XSLT of its syntax. An export is valid when it has no fatal rule id its source did not
   have; an export the module refuses (raises) is invalid, with the reason printed;
3. round trip: B and C are the exports read back the same way; the file passes when A == B == C,
   comparing the invoices' `to_dict()` without `provenance` and `extensions` (elements beyond
   EN 16931, kept verbatim on the run but not written into an export claiming EN 16931; the
   invoices that had any are counted). Each export writes the source's own specification
   identifier (BT-24) through its `customization_id` setting;
4. the EN 16931 business terms the canonical model holds, from `turnout.domain.terms`.

Prints every failure (file, export, the new fatal rules with their texts shortened, the first
differing paths of a round trip), the most frequent new fatal rules, the baseline (sources with
no fatal finding at all) and the time, then `BENCH export_ubl_valid_pct <v>`,
`BENCH export_cii_valid_pct <v>`, `BENCH semantic_roundtrip_pct <v>` and
`BENCH business_terms_covered <n>/<total>`. The failures and the figures are also written to
/tmp/conformance-latest.txt (`BENCH_REPORT` to change it).

Env: `BENCH_ONLY=<substring>` keeps the files whose path contains it, `BENCH_LIMIT=n` the first
n of those. Skips (exit 0) when ../shared/corpora is absent.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from turnout.domain.artifacts import Decision, Document, InvoiceArtifact, Outcome, Receipt, Source
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.xmlsafe import parse_xml
from turnout.runtime.registry import ModuleRegistry

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:  # bench/ is not a package; runpy.run_path does not add it
    sys.path.insert(0, BENCH_DIR)

from xslt_validator import MAX_BYTES, OfficialValidator, syntax_of  # noqa: E402

CORPORA = Path(
    os.environ.get("TURNOUT_CORPORA", Path(__file__).resolve().parents[2] / "shared" / "corpora")
)
FOLDERS = [
    CORPORA / "xrechnung",
    CORPORA / "en16931" / "ubl" / "examples",
    CORPORA / "en16931" / "cii" / "examples",
    CORPORA / "en16931" / "test" / "testfiles",
]
XSLT = CORPORA / "en16931" / "xslt"
READERS = ["intake.standard", "einvoice.xml", "normalize.standard"]
EXPORTS = ["ubl", "cii"]  # export.<syntax>, each checked with the XSLT of that syntax
REPORT = Path(os.environ.get("BENCH_REPORT", "/tmp/conformance-latest.txt"))
DIFF_PATHS = 8  # differing paths printed per failed round trip
MISSING = "<absent>"


@dataclass
class Verdict:
    """What happened to one source file."""

    name: str
    syntax: str
    source_fatal: set[str] = field(default_factory=set)
    valid: dict[str, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # printed lines, one per failure
    new_fatal: list[tuple[str, str]] = field(default_factory=list)  # (export, rule id)
    roundtrips: set[str] = field(default_factory=set)  # the exports read back unchanged
    extensions: int = 0  # elements beyond EN 16931 the source carried (kept, reported)

    @property
    def roundtrip(self) -> bool:
        """Whether the invoice read back from every export equals the source's."""
        return self.roundtrips == set(EXPORTS)


def invoices() -> list[tuple[str, bytes, str]]:
    """(path relative to the corpora, bytes, "ubl" | "cii") of every invoice, filtered by env."""
    only = os.environ.get("BENCH_ONLY", "")
    found = []
    for folder in FOLDERS:
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            name = str(path.relative_to(CORPORA))
            if path.suffix.lower() != ".xml" or only not in name:
                continue
            data = path.read_bytes()
            syntax = syntax_of(parse_xml(data, max_bytes=MAX_BYTES, what=name))
            if syntax is not None:  # the testSets of the unit tests are not invoices
                found.append((name, data, syntax))
    limit = os.environ.get("BENCH_LIMIT")
    return found[: int(limit)] if limit else found


class Chain:
    """The reading modules and the export modules, called directly on one workspace."""

    def __init__(self, registry: ModuleRegistry, workspace: Path) -> None:
        self.workspace = workspace
        self.registry = registry
        self.readers = [registry.instantiate(m, {}) for m in READERS]
        self.exporters: dict[tuple[str, str | None], StageModule] = {}
        self.missing: dict[str, str] = {}
        for syntax in EXPORTS:
            module_id = f"export.{syntax}"
            if not registry.is_installed(module_id):
                self.missing[syntax] = (
                    f"{module_id} is not registered (no `turnout.modules` entry point; after "
                    "adding one to pyproject.toml run `.venv/bin/pip install -e .`)"
                )
                continue
            try:
                self.exporter(syntax, None)
            except Exception as exc:  # an unavailable module is a finding, not a crash
                self.missing[syntax] = f"{module_id} cannot be made: {exc}"

    def exporter(self, syntax: str, profile: str | None) -> StageModule:
        """The export module of `syntax` writing specification identifier `profile` (BT-24; the
        module's default when None): the source's own profile is written back, so a round trip
        compares like with like."""
        key = (syntax, profile)
        if key not in self.exporters:
            settings: dict[str, Any] = {"directory": str(self.workspace / "exports" / syntax)}
            if profile:
                settings["customization_id"] = profile
            self.exporters[key] = self.registry.instantiate(f"export.{syntax}", settings)
        return self.exporters[key]

    def _context(self, run_id: str, module: StageModule) -> RunContext:
        spec = module.spec
        return RunContext(run_id, 1, spec.stage_id, spec.module_id, self.workspace)

    def read(self, run_id: str, name: str, data: bytes) -> tuple[Invoice, Document]:
        """The canonical invoice of `data`, and the document intake made of it (an export finds
        the bytes of attached documents there)."""
        artifacts = Artifacts([Source(name, data)])
        for module in self.readers:
            for item in module.process(artifacts, self._context(run_id, module)):
                artifacts.add(item)
        return artifacts.require(InvoiceArtifact).invoice, artifacts.require(Document)

    def export(self, run_id: str, syntax: str, invoice: Invoice, document: Document) -> bytes:
        module = self.exporter(syntax, invoice.specification_id)
        artifacts = Artifacts([document, InvoiceArtifact(invoice), Decision(Outcome.APPROVE)])
        (receipt,) = [
            r
            for r in module.process(artifacts, self._context(run_id, module))
            if isinstance(r, Receipt)
        ]
        return Path(receipt.location).read_bytes()


def comparable(invoice: Invoice) -> dict[str, Any]:
    """The invoice's JSON without `provenance` (where values came from) and `extensions` (what a
    source carried beyond EN 16931: kept verbatim and reported on the run, never written into an
    export that claims EN 16931)."""
    data = invoice.to_dict()
    del data["provenance"]
    data.pop("extensions", None)
    return data


def differences(a: Any, b: Any, path: str = "") -> Iterator[str]:
    """The paths where `a` and `b` differ, with both values (shortened); a key one side lacks
    differs from a key holding None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            where = f"{path}.{key}" if path else str(key)
            yield from differences(a.get(key, MISSING), b.get(key, MISSING), where)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from differences(x, y, f"{path}[{i}]")
    elif a != b or type(a) is not type(b):
        yield f"{path or '<root>'}: {short(a)} != {short(b)}"


def short(value: Any, width: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def check(
    chain: Chain, validator: OfficialValidator, i: int, item: tuple[str, bytes, str]
) -> Verdict:
    name, data, syntax = item
    verdict = Verdict(name, syntax)
    verdict.source_fatal = {
        f.rule for f in validator.failed_asserts(data, name) if f.flag == "fatal"
    }
    run_id = f"conformance-{i:03d}"
    try:
        original, document = chain.read(f"{run_id}-a", name, data)
    except Exception as exc:
        verdict.valid = dict.fromkeys(EXPORTS, False)
        verdict.problems.append(f"{name}: cannot be read: {type(exc).__name__}: {exc}")
        return verdict
    verdict.extensions = len(original.extensions)
    read_back: dict[str, Invoice] = {}
    for target in EXPORTS:
        verdict.valid[target] = False
        if target in chain.missing:
            continue
        try:
            exported = chain.export(f"{run_id}-{target}", target, original, document)
        except Exception as exc:
            verdict.problems.append(f"{name}: export.{target} refused: {type(exc).__name__}: {exc}")
            continue
        written = syntax_of(parse_xml(exported, max_bytes=MAX_BYTES, what=f"{name} as {target}"))
        if written != target:
            verdict.problems.append(f"{name}: export.{target} wrote a {written} document")
            continue
        new = [
            f
            for f in validator.failed_asserts(exported, f"{name} as {target}")
            if f.flag == "fatal" and f.rule not in verdict.source_fatal
        ]
        verdict.valid[target] = not new
        for rule in sorted({f.rule for f in new}):
            text = next(f.text for f in new if f.rule == rule)
            verdict.problems.append(f"{name}: export.{target} new fatal {rule}: {short(text, 110)}")
            verdict.new_fatal.append((target, rule))
        try:
            read_back[target], _ = chain.read(
                f"{run_id}-{target}-back", f"back.{target}.xml", exported
            )
        except Exception as exc:
            verdict.problems.append(
                f"{name}: export.{target} cannot be read back: {type(exc).__name__}: {exc}"
            )
    expected = comparable(original)
    for target, invoice in read_back.items():
        diffs = list(differences(expected, comparable(invoice)))
        if diffs:
            shown = "; ".join(diffs[:DIFF_PATHS])
            more = f" (+{len(diffs) - DIFF_PATHS} more)" if len(diffs) > DIFF_PATHS else ""
            verdict.problems.append(f"{name}: round trip via {target} differs: {shown}{more}")
        else:
            verdict.roundtrips.add(target)
    return verdict


def terms_covered() -> tuple[int, int, str]:
    """(terms with a canonical path, all EN 16931 terms, a note) from turnout.domain.terms."""
    try:
        terms = importlib.import_module("turnout.domain.terms")
    except ImportError as exc:
        return 0, 0, f"turnout.domain.terms is not there yet ({exc})"
    catalogue = terms.EN16931_TERMS
    uncovered = [t.id for t in catalogue if terms.canonical_path(t.id) is None]
    note = f"terms without a canonical path: {', '.join(uncovered) or 'none'}"
    return len(catalogue) - len(uncovered), len(catalogue), note


def pct(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def main() -> int:
    if not XSLT.exists():
        print(f"export conformance skipped: {XSLT} not found (../shared/corpora is absent)")
        return 0
    start = time.perf_counter()
    validator = OfficialValidator(XSLT)
    files = invoices()
    if not files:
        print("export conformance: no invoice matches BENCH_ONLY / BENCH_LIMIT")
        return 0
    with tempfile.TemporaryDirectory() as home:
        chain = Chain(ModuleRegistry.discover(), Path(home))
        verdicts = [check(chain, validator, i, item) for i, item in enumerate(files)]
    lines = [
        f"{syntax}: {reason}; its exports count as invalid"
        for syntax, reason in chain.missing.items()
    ]
    for verdict in verdicts:
        lines.extend(verdict.problems)
    frequent = Counter(pair for v in verdicts for pair in v.new_fatal).most_common()
    lines.extend(
        f"{v.name}: the source itself breaks {', '.join(sorted(v.source_fatal))}"
        for v in verdicts
        if v.source_fatal
    )
    lines.append("new fatal rules, most frequent first (export rule: files):")
    lines.extend(f"  {target} {rule}: {count}" for (target, rule), count in frequent)
    total = len(verdicts)
    valid_sources = sum(not v.source_fatal for v in verdicts)
    ubl_valid = sum(v.valid["ubl"] for v in verdicts)
    cii_valid = sum(v.valid["cii"] for v in verdicts)
    roundtrips = sum(v.roundtrip for v in verdicts)
    covered, all_terms, note = terms_covered()
    per_syntax = Counter(v.syntax for v in verdicts)
    lines += [
        f"sources: {total} ({per_syntax['ubl']} UBL, {per_syntax['cii']} CII); valid themselves "
        f"(no fatal finding): {valid_sources}/{total}",
        f"export.ubl valid: {ubl_valid}/{total}; export.cii valid: {cii_valid}/{total}; "
        f"round trips: {roundtrips}/{total} (read back unchanged from "
        + ", ".join(f"{t}: {sum(t in v.roundtrips for v in verdicts)}" for t in EXPORTS)
        + ")",
        note,
        f"sources with elements beyond EN 16931 (kept verbatim, reported, not exported): "
        f"{sum(v.extensions > 0 for v in verdicts)} ({sum(v.extensions for v in verdicts)} elements)",
        f"time: {time.perf_counter() - start:.1f} s",
        f"BENCH export_ubl_valid_pct {pct(ubl_valid, total):.1f}",
        f"BENCH export_cii_valid_pct {pct(cii_valid, total):.1f}",
        f"BENCH semantic_roundtrip_pct {pct(roundtrips, total):.1f}",
        f"BENCH business_terms_covered {covered}/{all_terms}",
    ]
    print("\n".join(lines))
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
