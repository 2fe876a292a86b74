"""Fields read from the printed page, checked against the e-invoice embedded in the same PDF.

Every PDF under `../shared/corpora/zugferd` that carries an embedded e-invoice (intake.standard
sets `Document.xml`) is a printed invoice with its own answer key: the embedded XML, read by
intake.standard -> einvoice.xml -> normalize.standard (module classes called directly, as
bench_einvoice_corpus.py does), is the truth. Files whose XML einvoice.xml cannot read are
skipped and counted.

(a) printed: the PDF through the runtime (`PlanExecutor`, in memory, as harness.py runs it) on
    the default configuration without the einvoice stage: the default selections
    (`DEFAULT_SELECTIONS` minus `einvoice`) and the default fallback policies (`text.pdfium`
    falling back to `text.ocr`, `extract.templates` falling back to the template-free reader).
    With no einvoice stage the embedded XML is never read into the invoice: text, extract and
    normalize read the page, so every field comes from what is printed (validate.en16931 still
    checks that XML, for findings this benchmark does not compare).
(b) scanned: the same PDFs, every page rendered at 200 dpi greyscale into an image-only PDF
    (`turnout.testing.scans.as_scan`: no text layer, no attachment), through the same pipeline:
    `text.pdfium` rejects them and `text.ocr` reads them. The text stage's attempt by `text.ocr`
    is timed (its `duration_ms`, in its worker process as the default configuration runs it)
    and divided by the document's page count.
(c) golden: invoice2data's golden PDFs (`../shared/corpora/invoice2data/compare`) through
    `text.pdfium` (-> `text.ocr` when rejected) -> `extract.layout` alone, no templates, scored
    as invoice2data scores them (`golden_cases`, `score` and `as_invoice2data` imported from
    bench_invoice2data_golden.py), once typed as invoice2data types its output (`as_output`:
    dates, amounts, and the `desc` invoice2data writes from the issuer). It also counts the
    expected values the page prints at all (`PrintedPage`: found anywhere in the text the
    layout reader was given, a date or number in any writing, a text of several lines line by
    line, a value read right counted as printed): an upper bound of what any reader of the
    page, rules or model, could score; the values a template states itself (its static
    fields) or reads from an image the page has no text for are not printed.
(d) generated: invoices of our own making (tests/support/printed_invoices.py: six languages,
    four layouts, each with the truth it was drawn from) through the pipeline of (a). Needs no
    corpora: it runs where they are absent, and shows what the corpora's few issuers cannot.

Fields compared in (a), (b) and (d), each counted only when the truth has it: invoice_number,
issue_date, currency, seller.name, seller.vat_id, buyer.name, totals.line_net,
totals.tax_exclusive, totals.tax_inclusive, totals.payable, due_date, payment.iban, the number
of lines, and each line's net amount (one field per line of the truth, compared in order).
Equality: text case-insensitive with runs of whitespace as one space; names also ignore the
punctuation `. , ; : ' "` (so "ACME GmbH." = "Acme GmbH", but "Acme" != "Acme GmbH"), and a name
the embedded XML writes over several lines (some put a GLN, a supplier number or "Herrn" in the
name) is matched by the whole or by any one of its lines; VAT ids, IBANs and currency codes
without spaces, upper case; amounts as Decimals (12.50 = 12.5); dates as ISO dates.

(a) also counts, apart from its figures, the terms a page states beside those fields (the parties'
addresses, the seller's contact and registrations, the buyer's number, the invoicing period,
payment reference, means text and mandate): how many the XML states and were read the same, read
otherwise, or read where the XML has none (a page may print what its XML leaves out);
`BENCH_TERM_DETAILS=1` prints each one read otherwise.

Prints one line per file with its misses, then `BENCH printed_fields_pct`,
`BENCH printed_lines_right_pct` (files whose line count and every line net are right, among the
files whose truth has lines), `BENCH scanned_fields_pct`, `BENCH ocr_seconds_per_page` (median
over pages; the range is printed too), `BENCH golden_fields_without_templates <n>/170`,
`BENCH golden_fields_printed <n>/170` (the upper bound above),
`BENCH generated_fields_pct` and `BENCH generated_lines_right_pct`. Targets (issue 14): >= 90,
>= 80, >= 85, <= 1.0, >= 146/170 (none set for (d)).

Knobs: `BENCH_ONLY=a|b|c|d` runs one part (a and d take seconds; b is OCR, seconds a page);
`BENCH_SCAN_LIMIT=<n>` scans n files in (b), spread evenly over the list (default: all);
`BENCH_GENERATED_SEEDS=<n>` invoices per language and layout in (d) (5). Without the corpora,
(a), (b) and (c) are skipped with a message and (d) runs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import in_memory_config

from turnout.domain.artifacts import Document, Fields, InvoiceArtifact, Source, Text
from turnout.domain.configuration import FallbackPolicy
from turnout.domain.errors import InputRejected, NotApplicable
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.domain.runs import AttemptOutcome, Run, RunStatus
from turnout.isolation import IsolatedCall
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.extract.amounts import find_amounts
from turnout.modules.extract.template_fields import ALSO, CANONICAL
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.dates import find_dates, parse_date
from turnout.modules.normalize.money import parse_amount
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.pdfium_lock import PDFIUM_LOCK
from turnout.runtime.defaults import DEFAULT_POLICIES, DEFAULT_SELECTIONS
from turnout.runtime.execution import PlanExecutor
from turnout.runtime.plan import Plan, build_plan
from turnout.runtime.registry import ModuleRegistry

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
ZUGFERD = CORPORA / "zugferd"
COMPARE = CORPORA / "invoice2data" / "compare"
ONLY = os.environ.get("BENCH_ONLY", "").strip().lower()
SCAN_LIMIT = int(os.environ["BENCH_SCAN_LIMIT"]) if os.environ.get("BENCH_SCAN_LIMIT") else None
LAYOUT = "extract.layout"
DETAILS = bool(os.environ.get("BENCH_TERM_DETAILS"))  # print each term read otherwise
GENERATED_SEEDS = int(os.environ.get("BENCH_GENERATED_SEEDS", "5"))

HEADER = (
    "invoice_number",
    "issue_date",
    "currency",
    "seller.name",
    "seller.vat_id",
    "buyer.name",
    "totals.line_net",
    "totals.tax_exclusive",
    "totals.tax_inclusive",
    "totals.payable",
    "due_date",
    "payment.iban",
)
# the terms a page states beside the main fields: counted apart (not in the BENCH figures), to
# see how often each is read right, and how often a value is read that the truth does not hold
TERMS = (
    "seller.address.line1",
    "seller.address.post_code",
    "seller.address.city",
    "seller.contact.phone",
    "seller.contact.email",
    "seller.legal_registration.id",
    "seller.tax_registration_id",
    "buyer.address.line1",
    "buyer.address.post_code",
    "buyer.address.city",
    "buyer.identifiers",
    "invoicing_period.start",
    "invoicing_period.end",
    "payment.remittance",
    "payment.means_text",
    "payment.direct_debit.mandate",
    "payment.direct_debit.creditor_id",
)
AMOUNTS = {"totals.line_net", "totals.tax_exclusive", "totals.tax_inclusive", "totals.payable"}
NAMES = {"seller.name", "buyer.name"}
CODES = {"seller.vat_id", "payment.iban", "currency"}


def main() -> int:
    if ONLY not in ("", "a", "b", "c", "d"):
        print(f"BENCH_ONLY must be a, b, c or d (got {ONLY!r}); unset it to run them all")
        return 2
    registry = ModuleRegistry.discover()
    have_corpora = ZUGFERD.is_dir()
    if not have_corpora:
        print(f"(a), (b), (c) skipped: corpora not found at {CORPORA} (need zugferd/)")
    cases = truths() if have_corpora and ONLY in ("", "a", "b") else []
    with tempfile.TemporaryDirectory() as workspace:
        pipeline = Pipeline(registry, Path(workspace))
        try:
            if have_corpora and ONLY in ("", "a"):
                printed(pipeline, cases)
            if have_corpora and ONLY in ("", "b"):
                scanned(pipeline, cases)
            if ONLY in ("", "d"):
                generated(pipeline)
        finally:
            pipeline.close()
    if have_corpora and ONLY in ("", "c"):
        golden(registry)
    return 0


# --- the truth ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    path: Path
    data: bytes
    truth: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.path.relative_to(ZUGFERD))


def truths() -> list[Case]:
    """Every PDF with an embedded e-invoice that einvoice.xml reads, with its canonical invoice."""
    cases: list[Case] = []
    no_xml = 0
    unreadable: list[str] = []
    pdfs = sorted(p for p in ZUGFERD.rglob("*") if p.suffix.lower() == ".pdf")
    for path in pdfs:
        data = path.read_bytes()
        artifacts = Artifacts([Source(path.name, data)])
        try:
            _call(StandardIntake(), artifacts)
        except (InputRejected, NotApplicable):
            no_xml += 1
            continue
        if artifacts.require(Document).xml is None:
            no_xml += 1
            continue
        try:
            _call(XmlEInvoice(), artifacts)
            _call(StandardNormalize(), artifacts)
        except (InputRejected, NotApplicable) as exc:
            unreadable.append(f"{path.relative_to(ZUGFERD)} ({type(exc).__name__}: {exc})")
            continue
        truth = artifacts.require(InvoiceArtifact).invoice.to_dict()
        cases.append(Case(path, data, truth))
    print(
        f"zugferd: {len(pdfs)} PDFs, {len(pdfs) - no_xml} with an embedded e-invoice, "
        f"{len(unreadable)} of them skipped (einvoice.xml cannot read the XML), "
        f"{len(cases)} compared"
    )
    for line in unreadable:
        print(f"  skipped {line}")
    return cases


def _call(module: StageModule, artifacts: Artifacts) -> None:
    spec = module.spec
    context = RunContext("bench", 1, spec.stage_id, spec.module_id, Path())
    for item in module.process(artifacts, context):
        artifacts.add(item)


# --- the pipeline without the einvoice stage ------------------------------------------------


class Pipeline:
    """The default configuration minus the einvoice stage, run in memory by the runtime."""

    def __init__(self, registry: ModuleRegistry, workspace: Path) -> None:
        selections = {s: m for s, m in DEFAULT_SELECTIONS.items() if s != "einvoice"}
        config = in_memory_config(selections)
        config.policies = {
            stage: FallbackPolicy(
                str(uuid.uuid4()),
                config.config_id,
                stage,
                doc.fallback,
                doc.triggers,
                dict(doc.actions),
            )
            for stage, doc in DEFAULT_POLICIES.items()
            if stage in selections
        }
        # the fallback `text.ocr` runs in its worker process, as bootstrap wires it
        self.plan: Plan = build_plan(config, registry, isolation=IsolatedCall)
        self.config = config
        self.executor = PlanExecutor(workspace)
        for sub in self.plan.substitutions:
            print(
                f"note: {sub.stage_id}: {sub.module_id} stood in by {sub.replacement}: {sub.reason}"
            )

    def describe(self) -> str:
        parts = []
        for planned in self.plan.stages:
            if planned.primary is None:
                continue
            fallback = f" (-> {planned.fallback.module_id})" if planned.fallback else ""
            parts.append(f"{planned.stage.stage_id}: {planned.primary.module_id}{fallback}")
        return ", ".join(parts)

    def warm_up(self, stage_id: str) -> None:
        """Start the stage's fallback now (a fallback starts on first use otherwise)."""
        for planned in self.plan.stages:
            slot = planned.fallback
            if planned.stage.stage_id == stage_id and slot is not None and slot.call is not None:
                slot.call.warm_up()

    def run(self, name: str, data: bytes) -> Run:
        started = dt.datetime.now(dt.UTC)
        run = Run(
            str(uuid.uuid4()),
            name,
            self.config.config_id,
            self.config.version,
            RunStatus.RUNNING,
            started,
            started_at=started,
        )
        return self.executor.execute(run, self.plan, Source(name, data))

    def close(self) -> None:
        self.plan.close()


# --- comparing ------------------------------------------------------------------------------


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)
    lines_right: bool | None = None  # None: the truth has no lines
    by_field: Counter[tuple[str, bool]] = field(default_factory=Counter)

    def count(self, name: str, right: bool, miss: str) -> None:
        self.total += 1
        self.right += right
        self.by_field[name, right] += 1
        if not right:
            self.misses.append(miss)


def compare(truth: dict[str, Any], got: dict[str, Any] | None) -> Score:
    """Each field of the truth read right or not (see the module docstring for the rules)."""
    got = got or {}
    score = Score()
    for path in HEADER:
        want = _at(truth, path)
        if want in (None, ""):
            continue
        have = _at(got, path)
        score.count(path, same(path, want, have), f"{path} ({have!r} vs {want!r})")
    lines = truth.get("lines") or []
    if not lines:
        return score
    got_lines = got.get("lines") or []
    count_right = len(got_lines) == len(lines)
    score.count("lines", count_right, f"lines ({len(got_lines)} vs {len(lines)})")
    nets_right = True
    for i, line in enumerate(lines):
        want = line.get("net_amount")
        if want in (None, ""):
            continue
        have = got_lines[i].get("net_amount") if i < len(got_lines) else None
        right = _amount(want) is not None and _amount(want) == _amount(have)
        nets_right = nets_right and right
        score.count("lines[].net_amount", right, f"lines[{i}].net_amount ({have!r} vs {want!r})")
    score.lines_right = count_right and nets_right
    return score


def compare_terms(truth: dict[str, Any], got: dict[str, Any] | None) -> Counter[tuple[str, str]]:
    """For each of TERMS: `stated` when the truth has it, `right` when it was read as the truth
    has it, `wrong` when it was read otherwise, `extra` when it was read and the truth has none
    (a page may print what its XML leaves out: not always a mistake)."""
    counts: Counter[tuple[str, str]] = Counter()
    for path in TERMS:
        want, have = _term(truth, path), _term(got or {}, path)
        if want not in (None, ""):
            counts[path, "stated"] += 1
        if have in (None, ""):
            continue
        if want in (None, ""):
            counts[path, "extra"] += 1
        else:
            right = _text(want) == _text(have)
            counts[path, "right" if right else "wrong"] += 1
            if not right and DETAILS:
                print(f"    differs {path}: {have!r} vs {want!r}")
    return counts


def _term(data: dict[str, Any], path: str) -> Any:
    if path == "buyer.identifiers":  # the first of the buyer's identifiers
        ids = _at(data, path) or [{}]
        return ids[0].get("id") if isinstance(ids[0], dict) else None
    return _at(data, path)


def per_field(scores: list[Score]) -> str:
    """`field right/total` for every field compared, over all files."""
    tally: Counter[tuple[str, bool]] = Counter()
    for score in scores:
        tally.update(score.by_field)
    names = [*HEADER, "lines", "lines[].net_amount"]
    return ", ".join(
        f"{name} {tally[name, True]}/{tally[name, True] + tally[name, False]}"
        for name in names
        if tally[name, True] + tally[name, False]
    )


def same(path: str, want: Any, have: Any) -> bool:
    if have in (None, ""):
        return False
    if path in AMOUNTS:
        return _amount(want) is not None and _amount(want) == _amount(have)
    if path in CODES:
        return _code(want) == _code(have)
    if path in NAMES:
        # an embedded name over several lines (an id or a salutation line in the name field)
        # is matched by the whole of it or by one of its lines
        wanted = {_name(want), *(_name(line) for line in str(want).splitlines() if line.strip())}
        return _name(have) in wanted
    return _text(want) == _text(have)


def _at(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _text(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _code(value: Any) -> str:
    return "".join(str(value).split()).upper()


_NAME_PUNCTUATION = re.compile(r"[.,;:'\"]")


def _name(value: Any) -> str:
    return _text(_NAME_PUNCTUATION.sub(" ", str(value)))


def _pct(right: int, total: int) -> float:
    return 100.0 * right / total if total else 0.0


def report(label: str, name: str, score: Score, run: Run) -> None:
    status = "" if run.status is RunStatus.COMPLETED else f" [{run.status.value}: {run.reason}]"
    missed = f" missed {', '.join(score.misses)}" if score.misses else ""
    print(f"  {label} {name}: {score.right}/{score.total}{missed}{status}")


# --- (a) printed ----------------------------------------------------------------------------


def printed(pipeline: Pipeline, cases: list[Case]) -> None:
    print(f"(a) printed pages through {pipeline.describe()}")
    right = total = lines_right = with_lines = 0
    scores = []
    tally: Counter[tuple[str, str]] = Counter()
    t0 = time.perf_counter()
    for case in cases:
        run = pipeline.run(case.path.name, case.data)
        score = compare(case.truth, run.invoice)
        tally.update(compare_terms(case.truth, run.invoice))
        scores.append(score)
        right, total = right + score.right, total + score.total
        if score.lines_right is not None:
            with_lines += 1
            lines_right += score.lines_right
        report("a", case.name, score, run)
    terms = ", ".join(
        f"{path} {tally[path, 'right']}/{tally[path, 'stated']} "
        f"({tally[path, 'wrong']} other, {tally[path, 'extra']} more)"
        for path in TERMS
    )
    print(
        f"(a) {right}/{total} fields, {lines_right}/{with_lines} files with every line right, "
        f"{len(cases)} files in {time.perf_counter() - t0:.1f}s"
    )
    print(f"(a) per field: {per_field(scores)}")
    print(
        f"(a) terms beside the main fields (right/stated, read otherwise, read where the XML has none): {terms}"
    )
    print(f"BENCH printed_fields_pct {_pct(right, total):.1f}")
    print(f"BENCH printed_lines_right_pct {_pct(lines_right, with_lines):.1f}")


# --- (b) scanned ----------------------------------------------------------------------------


def scanned(pipeline: Pipeline, cases: list[Case]) -> None:
    from turnout.testing.scans import as_scan

    # a limited run takes files spread evenly over the sorted list, so every folder has its say
    step = len(cases) / SCAN_LIMIT if SCAN_LIMIT and len(cases) > SCAN_LIMIT else 1.0
    chosen = [cases[int(i * step)] for i in range(min(len(cases), SCAN_LIMIT or len(cases)))]
    print(
        f"(b) {len(chosen)} of {len(cases)} files as 200 dpi greyscale scans"
        + (" (BENCH_SCAN_LIMIT, spread evenly)" if step > 1 else "")
    )
    pipeline.warm_up("text")  # the OCR worker's start and model load are not a page's time
    right = total = 0
    scores = []
    per_page: list[float] = []
    for case in chosen:
        scan = as_scan(case.data, dpi=200)
        pages = _page_count(scan)
        run = pipeline.run(case.path.name, scan)
        score = compare(case.truth, run.invoice)
        scores.append(score)
        right, total = right + score.right, total + score.total
        ocr_ms = [
            a.duration_ms
            for a in run.attempts
            if a.stage_id == "text"
            and a.module_id == "text.ocr"
            and a.outcome in (AttemptOutcome.OK, AttemptOutcome.FALLBACK)
        ]
        if ocr_ms:
            per_page.extend([ocr_ms[-1] / 1000 / pages] * pages)
        report("b", f"{case.name} ({pages} p)", score, run)
    print(f"(b) {right}/{total} fields; per field: {per_field(scores)}")
    print(f"BENCH scanned_fields_pct {_pct(right, total):.1f}")
    if per_page:
        print(
            f"(b) text.ocr seconds per page over {len(per_page)} pages: median "
            f"{statistics.median(per_page):.2f}, range {min(per_page):.2f}-{max(per_page):.2f}"
        )
        print(f"BENCH ocr_seconds_per_page {statistics.median(per_page):.2f}")
    else:
        print("(b) text.ocr read no page")


def _page_count(pdf: bytes) -> int:
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


# --- (d) generated ---------------------------------------------------------------------------


def generated(pipeline: Pipeline) -> None:
    """Invoices of our own making (tests/support/printed_invoices.py) through the same pipeline:
    every language and layout, GENERATED_SEEDS seeds of each."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from support.printed_invoices import LANGUAGES, LAYOUTS, printed_invoice

    print(
        f"(d) generated invoices: {len(LANGUAGES)} languages x {len(LAYOUTS)} layouts x "
        f"{GENERATED_SEEDS} seeds"
    )
    scores: list[Score] = []
    by_kind: dict[str, list[Score]] = {}
    seed = 1000
    for _ in range(GENERATED_SEEDS):
        for language in LANGUAGES:
            for layout in LAYOUTS:
                seed += 1
                invoice = printed_invoice(seed, language, layout)
                name = f"{language}-{layout}-{seed}.pdf"
                run = pipeline.run(name, invoice.pdf)
                score = compare(invoice.truth, run.invoice)
                scores.append(score)
                by_kind.setdefault(language, []).append(score)
                by_kind.setdefault(layout, []).append(score)
                if score.misses:
                    report("d", name, score, run)
    kinds = ", ".join(
        f"{kind} {_pct(sum(s.right for s in group), sum(s.total for s in group)):.0f}%"
        for kind, group in by_kind.items()
    )
    right, total = sum(s.right for s in scores), sum(s.total for s in scores)
    lines_right = sum(bool(s.lines_right) for s in scores)
    print(f"(d) {right}/{total} fields, {lines_right}/{len(scores)} with every line right; {kinds}")
    print(f"(d) per field: {per_field(scores)}")
    print(f"BENCH generated_fields_pct {_pct(right, total):.1f}")
    print(f"BENCH generated_lines_right_pct {_pct(lines_right, len(scores)):.1f}")


# --- (c) golden -----------------------------------------------------------------------------


def golden(registry: ModuleRegistry) -> None:
    if not COMPARE.is_dir():
        print(f"(c) skipped: invoice2data corpus not found at {COMPARE}")
        return
    entry = registry.get(LAYOUT)
    if entry is None or entry.cls is None or not entry.available:
        print(f"(c) skipped: {LAYOUT} not installed")
        return
    from bench_invoice2data_golden import as_invoice2data, golden_cases, score

    reader = _golden_reader(registry)
    # what a reader of canonical fields can give at all: invoice2data's names of canonical
    # fields, and the two as_output derives (the rest are a template's own fields)
    reachable = set(CANONICAL) | set(ALSO) | {"desc", "partner_name"}
    right = total = within = printed = 0
    unprinted: list[str] = []
    for path, want in golden_cases(COMPARE):
        if path.suffix != ".pdf":
            continue
        within += sum(key in reachable for key in want)
        fields, text = reader(path)
        got = as_output(as_invoice2data(fields)) if fields is not None else {}
        n, missed = score(want, got)
        right, total = right + n, total + len(want)
        page = PrintedPage.of(text)
        # a value read right is printed, however the page writes it ("du 1er au 31 juillet")
        absent = [key for key in missed if not page.prints(key, want[key])]
        printed += len(want) - len(absent)
        unprinted += [f"{path.stem}.{key}" for key in absent]
        shown = [f"{key} ({_short(got.get(key))} vs {_short(want[key])})" for key in missed]
        print(f"  c {path.name}: {n}/{len(want)} missed {', '.join(shown) or '-'}")
    print(
        f"(c) {within} of the {total} fields have a canonical counterpart (the others have no "
        "EN 16931 term, as a website or an incoterm, or are notes and lines keyed by the "
        "template's own names); a counterpart the page does not print cannot be read"
    )
    print(
        f"(c) {printed} of the {total} expected values are printed on the page (its text layer, "
        f"or OCR of a page without one): no reader of the page can give the other "
        f"{total - printed}: {', '.join(unprinted) or '-'}"
    )
    print(f"BENCH golden_fields_without_templates {right}/{total}")
    print(f"BENCH golden_fields_printed {printed}/{total}")


# the symbols a page may print its currency with, for the currencies of the golden files
_SYMBOLS = {"EUR": ("€", "eur"), "USD": ("$", "usd"), "INR": ("rs", "₹", "inr"), "GBP": ("£",)}


@dataclass(frozen=True)
class PrintedPage:
    """What a page prints, to tell whether an expected value is there at all: its text (case
    folded, runs of white space as one space, and once without any), the dates and the numbers
    written on it. A generous test (a value found anywhere counts, as a substring), so that the
    count it gives is an upper bound of what any reader of the page could read."""

    text: str
    compact: str
    dates: frozenset[dt.date]
    numbers: frozenset[Decimal]

    @classmethod
    def of(cls, text: str) -> PrintedPage:
        folded = " ".join(text.casefold().split())
        numbers = {a.value for a in find_amounts(text)}
        for m in re.finditer(r"\d+(?:[.,]\d+)?", text):
            numbers.add(Decimal(m.group().replace(",", ".")))
        dates = {day for _, _, day in find_dates(text)}
        dates |= {day for _, _, day in find_dates(text, "MDY")}
        return cls(folded, folded.replace(" ", ""), frozenset(dates), frozenset(numbers))

    def prints(self, key: str, value: Any, top: bool = True) -> bool:
        """Whether the page prints `value`, the record's `key` (a line's field when not `top`)."""
        if isinstance(value, dict):
            return all(self.prints(k, v, top=False) for k, v in value.items())
        if isinstance(value, list):
            return all(self.prints(key, v, top=False) for v in value)
        if isinstance(value, bool):
            return True
        if isinstance(value, int | float):
            return Decimal(str(value)) in self.numbers or str(value) in self.compact
        text = " ".join(str(value).casefold().split())
        if key == "desc" and top:  # "Invoice from <issuer>": invoice2data writes it from the issuer
            return self.prints("issuer", text.removeprefix("invoice from "))
        if key.startswith("date") or key.endswith("date"):
            day = parse_date(text)
            if day is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return day in self.dates
        if key == "currency" and any(sign in self.text for sign in _SYMBOLS.get(value, ())):
            return True
        # a text of several lines may be printed with other cells between its lines
        return all(
            line in self.text or line.replace(" ", "") in self.compact
            for line in (" ".join(row.split()) for row in str(value).casefold().splitlines())
            if line
        )


def _short(value: Any, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def as_output(found: dict[str, Any]) -> dict[str, Any]:
    """Values under invoice2data's names typed as invoice2data's output types them: a field named
    `date*` or `*date` a date (as its JSON output writes it, `%Y-%m-%d`), `amount*` a number,
    and `desc` "Invoice from <issuer>" once date, amount, invoice number and issuer are there;
    the seller's name is also `partner_name`, invoice2data's name for the vendor."""
    out = dict(found)
    # invoice2data's partner is the vendor (Odoo's name for the other party of a vendor bill)
    if "issuer" in found:
        out.setdefault("partner_name", found["issuer"])
    for name, value in found.items():
        if not isinstance(value, str):
            continue
        if name.startswith("date") or name.endswith("date"):
            day = parse_date(value)
            out[name] = day.isoformat() if day else value
        elif name.startswith("amount"):
            amount = parse_amount(value)
            out[name] = float(amount) if amount is not None else value
    if all(out.get(name) for name in ("date", "amount", "invoice_number", "issuer")):
        out["desc"] = f"Invoice from {out['issuer']}"
    return out


def _golden_reader(registry: ModuleRegistry) -> Callable[[Path], Any]:
    """text.pdfium (-> text.ocr when it rejects the file) -> extract.layout, called directly:
    the fields, and the text they were read from."""
    text = registry.instantiate("text.pdfium", {})
    ocr = registry.instantiate("text.ocr", {}) if registry.get("text.ocr") else None
    layout = registry.instantiate(LAYOUT, {})
    for module in (text, ocr, layout):
        if module is not None:
            module.warm_up()

    def read(path: Path) -> tuple[Fields | None, str]:
        data = path.read_bytes()
        artifacts = Artifacts([Source(path.name, data)])
        _call(StandardIntake(), artifacts)
        document = artifacts.require(Document)
        try:
            _call(text, artifacts)
            rejected = artifacts.require(Text).is_empty()
        except InputRejected:
            rejected = True
        if rejected:  # no text layer: the default configuration's fallback reads the pages
            if ocr is None:
                return None, ""
            artifacts = Artifacts([document])
            _call(ocr, artifacts)
        page = "\n".join(artifacts.require(Text).pages)
        try:
            _call(layout, artifacts)
        except (InputRejected, NotApplicable):
            return None, page
        return artifacts.require(Fields), page

    return read


if __name__ == "__main__":
    sys.exit(main())
