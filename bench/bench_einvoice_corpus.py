"""The public e-invoice corpora through intake.standard -> einvoice.xml -> normalize.standard.

(a) XRechnung UBL/CII pairs of the same business case (`<case>_ubl.xml` / `<case>_uncefact.xml`
    under ../shared/corpora/xrechnung): the canonical fields (Invoice.to_dict() without
    provenance) that differ, per pair. For every field that differs, the EN 16931 terms held
    there (`turnout.domain.terms`) are read from both files through the syntax bindings of
    `en16931_binding` (written apart from einvoice.xml's mapping), and the header terms also
    through validate.en16931's own path tables; a term of a repeated group is compared as the
    values of all its occurrences. When the files give different values, they state different
    invoices there, which is printed with what each says; otherwise the readers differ.
(b) Every PDF under ../shared/corpora/zugferd: did intake find an embedded UBL, CII or ZUGFeRD 1
    XML, and did einvoice.xml read an invoice with a number from it? The ZUGFeRD 1 ones
    (`CrossIndustryDocument`) are counted as well; PDFs without an e-invoice XML are counted apart,
    with how many carry a ZUGFeRD 1 XML intake did not take (none expected).
(c) Throughput of the three modules on every XML and hybrid PDF of both corpora.

Prints `BENCH xrechnung_pairs_identical <n>/<total>`, `BENCH xrechnung_pairs_files_differ <n>` (pairs
whose every difference is one the files themselves state), `BENCH xrechnung_pair_differences_stated
<n>/<total>` (differing fields, over all pairs, that the files state), `BENCH zugferd_embedded_parsed
<n>/<total>` and `BENCH einvoice_corpus_per_s <v>`. Skips (exit 0) when ../shared/corpora is absent.
"""

from __future__ import annotations

import gc
import os
import re
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from lxml import etree

from turnout.domain.artifacts import EInvoice, InvoiceArtifact, Source
from turnout.domain.errors import InputRejected, NotApplicable
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.domain.terms import term_paths
from turnout.modules.einvoice.syntax import ZUGFERD1_DOCUMENT
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.validate.en16931.cii_paths import CII_PATHS
from turnout.modules.validate.en16931.ubl_paths import UBL_PATHS
from turnout.modules.validate.en16931.view import Paths, XmlNode
from turnout.modules.xmlsafe import parse_xml

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:  # bench/ is not a package; runpy.run_path does not add it
    sys.path.insert(0, BENCH_DIR)

from en16931_binding import NAMESPACES as BINDING_NAMESPACES  # noqa: E402
from en16931_binding import SYNTAXES  # noqa: E402

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
    identical = files_differ = stated_total = differences_total = 0
    print(f"XRechnung: {len(pairs)} UBL/CII pairs")
    for ubl, cii in pairs:
        case = f"{ubl.parent.name}/{ubl.name.removesuffix('_ubl.xml')}"
        try:
            differences = _differences(canonical(ubl), canonical(cii))
        except (InputRejected, NotApplicable) as exc:
            print(f"  {case}: FAILED {type(exc).__name__}: {exc}")
            continue
        identical += not differences
        if not differences:
            continue
        files = _read(ubl), _read(cii)
        stated = 0
        lines = []
        for path, a, b in differences:
            lines.append(f"    {path}: UBL {a!r} | CII {b!r}")
            statements = _as_the_files_state(path, *files)
            stated += bool(statements)
            lines += [f"      the files differ: {s}" for s in statements]
            if not statements:
                terms = ", ".join(_terms_of(path)) or "no EN 16931 term"
                lines.append(f"      the files agree on {terms}: the readers differ")
        print(f"  {case}: {len(differences)} field(s) differ, {stated} as the files state")
        print("\n".join(lines))
        files_differ += stated == len(differences)
        stated_total += stated
        differences_total += len(differences)
    print(f"BENCH xrechnung_pairs_identical {identical}/{len(pairs)}")
    print(f"BENCH xrechnung_pairs_files_differ {files_differ}")
    print(f"BENCH xrechnung_pair_differences_stated {stated_total}/{differences_total}")


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
# groups whose terms term_paths() files under the first entry only
_GROUP_TERMS = {"payment.more_transfers": ("BT-84", "BT-85", "BT-86")}


def _read(path: Path) -> etree._Element:
    return parse_xml(path.read_bytes(), max_bytes=50_000_000, what=path.name)


def _terms_of(path: str) -> list[str]:
    """The EN 16931 terms held at or under a canonical path (`lines[1].base_quantity`, `payee`,
    `seller.identifiers (count)`)."""
    normal = re.sub(r"\[\d+\]", "[]", path.removesuffix(" (count)"))
    if normal in _GROUP_TERMS:
        return list(_GROUP_TERMS[normal])
    return [
        term
        for term, held in term_paths().items()
        if term.startswith("BT-")
        and (held == normal or held.startswith((f"{normal}.", f"{normal}[]")))
    ]


def _as_the_files_state(path: str, ubl: etree._Element, cii: etree._Element) -> list[str]:
    """What each file states for the terms at the canonical path, where the statements differ:
    the header terms through validate.en16931's path tables, every term through the EN 16931
    syntax bindings (`en16931_binding`), each read apart from einvoice.xml's mapping. A term of
    a repeated group is compared as the values of all its occurrences in the file."""
    found = []
    if path in _TERMS:
        term, bt = _TERMS[path]
        ubl_value, cii_value = _term(ubl, UBL_PATHS, term), _term(cii, CII_PATHS, term)
        if ubl_value != cii_value:
            found.append(
                f"{bt} ({term}) is {ubl_value!r} in the UBL file, {cii_value!r} in the CII file"
                " (validate.en16931's path tables)"
            )
    for bt in _terms_of(path):
        ubl_values, cii_values = stated(ubl, "ubl", bt), stated(cii, "cii", bt)
        if ubl_values != cii_values:
            found.append(f"{bt} is {ubl_values} in the UBL file, {cii_values} in the CII file")
    return found


def _term(root: etree._Element, paths: Paths, term: str) -> str | None:
    found = XmlNode(root, "invoice", paths).values(term)
    return found[0].stripped if found else None


# terms whose several occurrences in a file say one thing: compared as sets (CII writes BT-7 and
# BT-8 on each VAT breakdown entry; a UBL invoice may give BT-9 as DueDate and as PaymentDueDate,
# and BT-81..83 on each payment means, CII BT-83 once; BT-90 may be the payee's and the seller's)
_ONE_VALUE = frozenset({"BT-7", "BT-8", "BT-9", "BT-81", "BT-82", "BT-83", "BT-90"})
_TAX_POINT_2475_TO_2005 = {"5": "3", "29": "35", "72": "432"}
_UBL_NOTE = re.compile(r"#(\w+)#(.*)", re.DOTALL)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATES = frozenset({"BT-2", "BT-7", "BT-9", "BT-26", "BT-72", "BT-73", "BT-74", "BT-134", "BT-135"})
# amounts, quantities, percentages: compared as numbers, whatever scale each file writes
_NUMBERS = frozenset(
    f"BT-{n}"
    for n in (
        *(92, 93, 94, 96, 99, 100, 101, 103), *range(106, 118), 119, 129, 131,
        *(136, 137, 138, 141, 142, 143, 146, 147, 148, 149, 152),
    )
)  # fmt: skip


def stated(root: etree._Element, syntax: str, term: str) -> list[str] | None:
    """The values `term` has in the document, read through the EN 16931 syntax binding
    (`en16931_binding`), sorted and comparable across the syntaxes: whitespace normalised,
    numbers as numbers (`10.00` = `10.000`), dates as `YYYYMMDD` (UBL writes ISO dates, CII
    format 102), BT-8 in the model's UNTDID 2005 codes (CII writes UNTDID 2475), a UBL note's
    subject code and text split (`#AAI#text`), an attachment's base64 without line breaks. None
    when the binding table has no path for the term."""
    xpath = SYNTAXES[syntax].get(term)
    if xpath is None:
        return None
    found = root.xpath(xpath, namespaces=BINDING_NAMESPACES)
    assert isinstance(found, list)
    values = [_comparable(syntax, term, _text(item)) for item in found]
    kept = [v for v in values if v]
    return sorted(set(kept)) if term in _ONE_VALUE else sorted(kept)


def _text(item: object) -> str:
    if isinstance(item, etree._Element):
        return "".join(item.itertext())  # type: ignore[arg-type]
    return str(item)


def _comparable(syntax: str, term: str, text: str) -> str:
    value = " ".join(text.split())
    if syntax == "ubl" and term in ("BT-21", "BT-22"):
        note = _UBL_NOTE.fullmatch(value)
        if term == "BT-21":
            return note.group(1) if note else ""
        return note.group(2).strip() if note else value
    if term == "BT-125":
        return "".join(text.split())
    if syntax == "cii" and term == "BT-8":
        return _TAX_POINT_2475_TO_2005.get(value, value)
    if term in _DATES and (date := _ISO_DATE.fullmatch(value)) is not None:
        return "".join(date.groups())
    if term in _NUMBERS:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        if not number.is_finite():
            return value
        return "0" if number == 0 else format(number.normalize(), "f")
    return value


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
