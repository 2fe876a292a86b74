"""The public e-invoice corpora through intake.standard -> einvoice.xml -> normalize.standard.

(a) XRechnung UBL/CII pairs of the same business case (`<case>_ubl.xml` / `<case>_uncefact.xml`
    under ../shared/corpora/xrechnung): the canonical fields (Invoice.to_dict() without
    provenance) that differ, per pair. For a header field that differs, the business term is
    also read from both files through validate.en16931's own EN 16931 path tables (written and
    checked apart from einvoice.xml's mapping): when those read different values too, the two
    files state different invoices there, which is printed as such.
(b) Every PDF under ../shared/corpora/zugferd: did intake find an embedded UBL, CII or ZUGFeRD 1
    XML, and did einvoice.xml read an invoice with a number from it? The ZUGFeRD 1 ones
    (`CrossIndustryDocument`) are counted as well; PDFs without an e-invoice XML are counted apart,
    with how many carry a ZUGFeRD 1 XML intake did not take (none expected).
(c) Throughput of the three modules on every XML and hybrid PDF of both corpora.

Prints `BENCH xrechnung_pairs_identical <n>/<total>`, `BENCH xrechnung_pairs_files_differ <n>` (pairs
whose every difference is one the files themselves state), `BENCH zugferd_embedded_parsed <n>/<total>`
and `BENCH einvoice_corpus_per_s <v>`. Skips (exit 0) when ../shared/corpora is absent.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from turnout.domain.artifacts import EInvoice, InvoiceArtifact, Source
from turnout.domain.errors import InputRejected, NotApplicable
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.modules.einvoice.syntax import ZUGFERD1_DOCUMENT
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.validate.en16931.cii_paths import CII_PATHS
from turnout.modules.validate.en16931.ubl_paths import UBL_PATHS
from turnout.modules.validate.en16931.view import Paths, XmlNode
from turnout.modules.xmlsafe import parse_xml

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
XRECHNUNG = CORPORA / "xrechnung"
ZUGFERD = CORPORA / "zugferd"
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
MODULES: list[StageModule] = [StandardIntake(), XmlEInvoice(), StandardNormalize()]


def main() -> int:
    if not XRECHNUNG.is_dir() or not ZUGFERD.is_dir():
        print(f"skipped: corpora not found at {CORPORA} (need xrechnung/ and zugferd/)")
        return 0
    _pairs()
    parsed_files = _zugferd()
    xml = sorted(
        p for d in (XRECHNUNG, ZUGFERD) for p in d.rglob("*") if p.suffix.lower() == ".xml"
    )
    _throughput(parsed_files + xml)
    return 0


def canonical(path: Path) -> dict[str, Any]:
    """The canonical invoice of one file through the three modules, without provenance."""
    artifacts = _through(path.name, path.read_bytes(), "bench")
    invoice = artifacts.require(InvoiceArtifact).invoice.to_dict()
    invoice.pop("provenance")
    return invoice


def _through(name: str, data: bytes, run_id: str) -> Artifacts:
    artifacts = Artifacts([Source(name, data)])
    for module in MODULES:
        spec = module.spec
        context = RunContext(run_id, 1, spec.stage_id, spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts


def _pairs() -> None:
    pairs = []
    for ubl in sorted(XRECHNUNG.rglob("*_ubl.xml")):
        cii = ubl.with_name(ubl.name.removesuffix("_ubl.xml") + "_uncefact.xml")
        if cii.exists():
            pairs.append((ubl, cii))
    identical = files_differ = 0
    print(f"XRechnung: {len(pairs)} UBL/CII pairs")
    for ubl, cii in pairs:
        case = f"{ubl.parent.name}/{ubl.name.removesuffix('_ubl.xml')}"
        try:
            differences = _differences(canonical(ubl), canonical(cii))
        except (InputRejected, NotApplicable) as exc:
            print(f"  {case}: FAILED {type(exc).__name__}: {exc}")
            continue
        identical += not differences
        if differences:
            print(f"  {case}: {len(differences)} field(s) differ")
        stated = 0
        for path, a, b in differences:
            print(f"    {path}: UBL {a!r} | CII {b!r}")
            in_files = _as_the_files_state(path, ubl, cii)
            if in_files is not None:
                stated += 1
                print(f"      the files differ: {in_files}")
        files_differ += bool(differences) and stated == len(differences)
    print(f"BENCH xrechnung_pairs_identical {identical}/{len(pairs)}")
    print(f"BENCH xrechnung_pairs_files_differ {files_differ}")


# canonical field -> the EN 16931 term of validate.en16931's path tables (header fields)
_TERMS = {
    "invoice_number": ("invoice_number", "BT-1"),
    "issue_date": ("issue_date", "BT-2"),
    "type_code": ("type_code", "BT-3"),
    "currency": ("currency", "BT-5"),
    "due_date": ("due_date", "BT-9"),
    "seller.name": ("seller_name", "BT-27"),
    "seller.vat_id": ("seller_vat_id", "BT-31"),
    "buyer.name": ("buyer_name", "BT-44"),
    "buyer.vat_id": ("buyer_vat_id", "BT-48"),
    "totals.payable": ("amount_due", "BT-115"),
}


def _as_the_files_state(path: str, ubl: Path, cii: Path) -> str | None:
    """What each file states for the field's business term, read through the validator's
    path tables, when the two statements differ; None when they agree or the term is unknown."""
    if path not in _TERMS:
        return None
    term, bt = _TERMS[path]
    ubl_value = _term(ubl, UBL_PATHS, term)
    cii_value = _term(cii, CII_PATHS, term)
    if ubl_value == cii_value:
        return None
    return f"{bt} ({term}) is {ubl_value!r} in the UBL file, {cii_value!r} in the CII file"


def _term(path: Path, paths: Paths, term: str) -> str | None:
    root = parse_xml(path.read_bytes(), max_bytes=50_000_000, what=path.name)
    found = XmlNode(root, "invoice", paths).values(term)
    return found[0].stripped if found else None


def _differences(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b)):
            found += _differences(a.get(key), b.get(key), f"{path}.{key}" if path else key)
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        found = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found += _differences(x, y, f"{path}[{i}]")
        return found
    if isinstance(a, list) and isinstance(b, list):
        return [(f"{path} (count)", len(a), len(b))]
    return [] if a == b else [(path, a, b)]


def _zugferd() -> list[Path]:
    """Report every PDF under the ZUGFeRD corpus; return the hybrids whose XML parsed."""
    pdfs = sorted(p for p in ZUGFERD.rglob("*") if p.suffix.lower() == ".pdf")
    per_folder: dict[str, Counter[str]] = {}
    failures: list[str] = []
    parsed: list[Path] = []
    for pdf in pdfs:
        folder = str(pdf.parent.relative_to(ZUGFERD))
        counts = per_folder.setdefault(folder, Counter())
        counts["pdfs"] += 1
        outcome, reason = _zugferd_outcome(pdf)
        if outcome == "parsed-zf1":
            counts[outcome] += 1
            outcome = "parsed"
        counts[outcome] += 1
        if outcome == "parsed":
            parsed.append(pdf)
        elif reason:
            failures.append(f"  {pdf.relative_to(ZUGFERD)} ({outcome}): {reason}")
    print(f"ZUGFeRD corpus: {len(pdfs)} PDFs")
    print(f"  {'folder':<44} pdfs embedded parsed(zf1) no-xml(zf1) intake-rejected")
    for folder, c in sorted(per_folder.items()):
        embedded = c["parsed"] + c["parse-failed"]
        print(
            f"  {folder:<44} {c['pdfs']:>4} {embedded:>8} {c['parsed']:>6}({c['parsed-zf1']})"
            f" {c['no-xml'] + c['zugferd1']:>6}({c['zugferd1']})"
            f" {c['intake-rejected']:>9}"
        )
    total = Counter[str]()
    for c in per_folder.values():
        total.update(c)
    print(
        f"  parsed from a ZUGFeRD 1 XML (CrossIndustryDocument): {total['parsed-zf1']}; "
        f"no embedded e-invoice XML: {total['no-xml'] + total['zugferd1']} PDFs, "
        f"{total['zugferd1']} of them with a ZUGFeRD 1 XML not taken; "
        f"rejected by intake: {total['intake-rejected']}"
    )
    if failures:
        print("  failures:")
        print("\n".join(failures))
    embedded = total["parsed"] + total["parse-failed"]
    print(f"BENCH zugferd_embedded_parsed {total['parsed']}/{embedded}")
    return parsed


def _zugferd_outcome(pdf: Path) -> tuple[str, str]:
    data = pdf.read_bytes()
    try:
        document = StandardIntake().identify(Source(pdf.name, data))
    except InputRejected as exc:
        return "intake-rejected", str(exc)
    if document.xml is None:
        return ("zugferd1", "") if _has_zugferd1_xml(data) else ("no-xml", "")
    try:
        einvoice = XmlEInvoice().parse(document)
    except InputRejected as exc:
        return "parse-failed", str(exc)
    if not isinstance(einvoice, EInvoice) or not einvoice.invoice.invoice_number:
        return "parse-failed", "no invoice number (BT-1) read"
    if einvoice.document_type == ZUGFERD1_DOCUMENT:
        return "parsed-zf1", ""
    return "parsed", ""


def _has_zugferd1_xml(data: bytes) -> bool:
    pdf = pdfium.PdfDocument(data)
    try:
        for i in range(pdf.count_attachments()):
            content = bytes(pdf.get_attachment(i).get_data())
            if b"CrossIndustryDocument" in content[:4096]:
                return True
        return False
    finally:
        pdf.close()


def _throughput(files: list[Path]) -> None:
    blobs = [(p.name, p.read_bytes()) for p in files]
    usable = []
    for name, data in blobs:  # warm-up round; keep only the files the chain completes
        try:
            _through(name, data, "warm-up")
        except (InputRejected, NotApplicable):
            continue
        usable.append((name, data))
    times = []
    for r in range(REPEATS):
        gc.collect()
        t0 = time.perf_counter_ns()
        for name, data in usable:
            _through(name, data, f"bench-{r}")
        times.append(time.perf_counter_ns() - t0)
    median_s = statistics.median(times) / 1e9
    print(
        f"{len(usable)} XML/hybrid files (of {len(blobs)}) through intake -> einvoice -> "
        f"normalize: median {median_s * 1000:.1f} ms per round of {REPEATS}"
    )
    print(f"BENCH einvoice_corpus_per_s {len(usable) / median_s:.1f}")


if __name__ == "__main__":
    sys.exit(main())
