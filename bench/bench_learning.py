"""What a reviewer's corrections teach: issuers' next invoices read with their learned profiles.

Issuers with several invoices each:

(g) generated: `tests/support/issuer_invoices.py`, one issuer per language and layout of the
    printed-invoice generator (6 x 4 = 24) plus five whose layout the layout reader gets wrong
    (number and date labels no reader knows: "Vorgang", "Beleg", "Doc ref"; the number and date
    printed without labels), five invoices each with values of their own (number in the
    issuer's scheme, dates, lines, totals, discounts, charges, prepaid amounts);
(c) corpora: hybrid PDFs under `../shared/corpora/zugferd` whose embedded e-invoices name the
    same seller (by VAT id, else name), up to five each; the embedded XML is the truth (read as
    bench_printed_page.py reads it) and the page is read with the einvoice stage switched off.

Each issuer's invoices go through a real Turnout (`bootstrap`, a SQLite database in a temporary
folder, the runner) on a configuration with `extract.learned` as the extract module, no einvoice
stage, and routing that sends every invoice to review. Invoice 1 is corrected exactly as a
reviewer would: `POST /api/v1/runs/{id}/review` (the FastAPI app in process, a reviewer's bearer
token) with only the fields that were wrong, set to the truth's values, and `approve`; without
that route (an older tree) the review service is called directly (`App.reviews.review`), which is
what the route calls. The review teaches the issuer's profile. Invoices 2..5 are then processed
and their header fields compared with the truth (`invoice_number`, `issue_date`, `due_date`,
`currency`, `seller.name`, `seller.vat_id`, `buyer.name`, `totals.line_net`,
`totals.tax_exclusive`, `totals.tax_inclusive`, `totals.payable`, `payment.iban`, each counted
when the truth has it; equality as bench_printed_page.py's). The same invoices are also read
with `extract.layout` alone (in memory, same pipeline otherwise) for comparison.

Prints per issuer the fields corrected and the misses after learning, then
`BENCH learned_fields_pct` (invoices after the first, all issuers), `BENCH layout_fields_pct`
(the same invoices, layout reader alone), `BENCH corrections_per_issuer` (mean number of fields
corrected on the first invoice) and `BENCH review_roundtrip_ms` (p95 of the review request:
correction to the run exported). Target (issue 16): learned_fields_pct >= 98.

(s) scanned, with `BENCH_LEARNING_SCANS=<n>`: the first n issuers of (g) whose labels no reader
    knows, every invoice a 200 dpi image-only PDF (`scan_of`), read by text.ocr (seconds a page;
    counted in the figures with the rest, and apart on its own line).

Knobs: `BENCH_ONLY=g|c` (g includes s); `BENCH_LEARNING_INVOICES=<n>` invoices per issuer (5);
`BENCH_LEARNING_SCANS=<n>` scanned issuers (0).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:  # bench/ is not a package; runpy.run_path does not add it
    sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bench_printed_page import HEADER, ZUGFERD, Pipeline, _at, same, truths  # noqa: E402

from support.issuer_invoices import ISSUERS, ODD, issuer_invoice  # noqa: E402
from support.printed_invoices import scan_of  # noqa: E402
from turnout.bootstrap import App, bootstrap  # noqa: E402
from turnout.domain.review import PersonDecision, ReviewRequest  # noqa: E402
from turnout.domain.runs import Run  # noqa: E402
from turnout.domain.users import Role  # noqa: E402
from turnout.isolation import IsolatedCall  # noqa: E402
from turnout.runtime.config_document import ConfigDocument, SelectionDoc  # noqa: E402
from turnout.runtime.defaults import default_document  # noqa: E402
from turnout.runtime.plan import Plan, build_plan  # noqa: E402
from turnout.runtime.tokens import TokenService  # noqa: E402
from turnout.runtime.users import UserService  # noqa: E402
from turnout.settings import Settings  # noqa: E402

ONLY = os.environ.get("BENCH_ONLY", "").strip().lower()
INVOICES = int(os.environ.get("BENCH_LEARNING_INVOICES", "5"))
SCANS = int(os.environ.get("BENCH_LEARNING_SCANS", "0"))
ADMIN, REVIEWER = "bench", "rex"
FIELDS = (*HEADER,)


@dataclass
class Invoice:
    name: str
    data: bytes
    truth: dict[str, Any]


@dataclass
class Issuer:
    name: str
    source: str  # generated | corpora
    invoices: list[Invoice]


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    layout_right: int = 0
    corrections: list[int] = field(default_factory=list)
    roundtrips_ms: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.right += other.right
        self.total += other.total
        self.layout_right += other.layout_right
        self.corrections += other.corrections
        self.roundtrips_ms += other.roundtrips_ms


def main() -> int:
    if ONLY not in ("", "g", "c"):
        print(f"BENCH_ONLY must be g or c (got {ONLY!r}); unset it to run both")
        return 2
    issuers: list[Issuer] = []
    if ONLY in ("", "g"):
        issuers += generated()
    if ONLY in ("", "c"):
        if ZUGFERD.is_dir():
            issuers += corpora()
        else:
            print(f"(c) skipped: corpora not found at {ZUGFERD}")
    tallies: dict[str, Tally] = defaultdict(Tally)
    with tempfile.TemporaryDirectory() as home:
        app = turnout(Path(home))
        reviewer = Reviewer(app)
        layout = Pipeline(app.registry, Path(home) / "layout")
        layout.plan = _layout_plan(layout, app)
        try:
            for issuer in issuers:
                tallies[issuer.source].add(learn_issuer(app, reviewer, layout, issuer))
        finally:
            layout.close()
            reviewer.close()
            app.close()
    total = Tally()
    for source, tally in tallies.items():
        print(
            f"{source}: learned {_pct(tally.right, tally.total):.1f}% "
            f"({tally.right}/{tally.total}), layout alone {_pct(tally.layout_right, tally.total):.1f}%"
            f", {statistics.fmean(tally.corrections or [0]):.2f} correction(s) per issuer"
        )
        total.add(tally)
    print(f"reviews through {reviewer.how}")
    print(f"BENCH learned_fields_pct {_pct(total.right, total.total):.1f}")
    print(f"BENCH layout_fields_pct {_pct(total.layout_right, total.total):.1f}")
    print(f"BENCH corrections_per_issuer {statistics.fmean(total.corrections or [0]):.2f}")
    print(f"BENCH review_roundtrip_ms {_p95(total.roundtrips_ms):.0f}")
    return 0


# --- the issuers ----------------------------------------------------------------------------


def generated() -> list[Issuer]:
    out = []
    for issuer in ISSUERS:
        invoices = []
        for n in range(INVOICES):
            printed = issuer_invoice(issuer, n)
            invoices.append(Invoice(f"{issuer.name}-{n + 1}.pdf", printed.pdf, printed.truth))
        out.append(Issuer(issuer.name, "generated", invoices))
    for issuer in ODD[:SCANS]:  # as a scanner returns them: text.ocr reads the page
        invoices = []
        for n in range(INVOICES):
            printed = issuer_invoice(issuer, n)
            scan = scan_of(printed.pdf)
            invoices.append(Invoice(f"{issuer.name}-scan-{n + 1}.pdf", scan, printed.truth))
        out.append(Issuer(f"{issuer.name} (scanned)", "scanned", invoices))
    return out


def corpora() -> list[Issuer]:
    """Sellers the embedded e-invoices of several hybrid PDFs name (VAT id, else name)."""
    groups: dict[str, list[Invoice]] = defaultdict(list)
    for case in truths():
        seller = case.truth.get("seller") or {}
        key = seller.get("vat_id") or " ".join(str(seller.get("name") or "").split())
        if key:
            name = case.name.replace("/", "_")
            groups[key].append(Invoice(name, case.data, case.truth))
    return [
        Issuer(key, "corpora", sorted(invoices, key=lambda i: i.name)[:INVOICES])
        for key, invoices in sorted(groups.items())
        if len(invoices) > 1
    ]


# --- Turnout --------------------------------------------------------------------------------


def turnout(home: Path) -> App:
    """A Turnout with extract.learned, no einvoice stage, every invoice routed to review."""
    app = bootstrap(Settings(home=home, database_url=f"sqlite:///{home / 'turnout.db'}"))
    app.init(ADMIN)
    UserService(app.unit_of_work).grant(REVIEWER, Role.REVIEWER, ADMIN)
    base = default_document()
    selections = {s: d for s, d in base.selections.items() if s != "einvoice"}
    selections["extract"] = SelectionDoc("extract.learned")
    selections["route"] = SelectionDoc("route.rules", {"review_above": "0"})
    policies = {s: p for s, p in base.policies.items() if s in selections}
    doc = ConfigDocument("bench: learned issuer profiles", selections, policies)
    version = app.configurations.create(doc, ADMIN).config.version
    report = app.configurations.validate(version, ADMIN)
    if not report.valid:
        raise SystemExit(f"the bench configuration is not valid: {report.problems}")
    app.configurations.activate(version, ADMIN)
    return app


def _layout_plan(layout: Pipeline, app: App) -> Plan:
    """The in-memory pipeline of bench_printed_page with extract.layout as the extract module."""
    chosen = layout.config.selections["extract"]
    layout.config.selections["extract"] = replace(chosen, module_id="extract.layout")
    layout.plan.close()
    return build_plan(layout.config, app.registry, isolation=IsolatedCall)


class Reviewer:
    """Reviews as a person sends them: the HTTP API when this tree has the route."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.client: Any = None
        self.how = "App.reviews.review (no POST /api/v1/runs/{run_id}/review in this tree)"
        try:
            from fastapi.testclient import TestClient

            from turnout.api.app import create_app
        except ImportError:
            return
        api = create_app(app)
        if "/api/v1/runs/{run_id}/review" not in api.openapi().get("paths", {}):
            return
        token = TokenService(app.unit_of_work).create(REVIEWER, ADMIN).token
        self.client = TestClient(api)
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.how = "POST /api/v1/runs/{run_id}/review (in process, a reviewer's token)"

    def approve(self, run_id: str, corrections: dict[str, str]) -> float:
        """Send the review; the milliseconds until the run was exported and answered."""
        started = time.perf_counter()
        if self.client is not None:
            body = {"corrections": corrections, "decision": "approve", "comment": "bench"}
            response = self.client.post(f"/api/v1/runs/{run_id}/review", json=body)
            if response.status_code != 200:
                raise RuntimeError(f"review of {run_id} refused: {response.text}")
        else:
            request = ReviewRequest(corrections, PersonDecision.APPROVE, "bench")
            self.app.reviews.review(run_id, REVIEWER, request)
        return (time.perf_counter() - started) * 1000

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


# --- one issuer -----------------------------------------------------------------------------


def learn_issuer(app: App, reviewer: Reviewer, layout: Pipeline, issuer: Issuer) -> Tally:
    tally = Tally()
    # the first invoice waiting for a person is reviewed (one the rules rejected is not)
    runs = [(invoice, process(app, invoice)) for invoice in issuer.invoices]
    waiting = [(i, r) for i, r in runs if r.decision and r.decision.get("outcome") == "review"]
    if not waiting or len(runs) < 2:
        print(f"{issuer.source} {issuer.name}: skipped, no invoice of it waits for review")
        return tally
    first, run = waiting[0]
    others = [invoice for invoice, _ in runs if invoice is not first]
    corrections = {
        path: _typed(_at(first.truth, path))
        for path in FIELDS
        if _at(first.truth, path) is not None
        and not same(path, _at(first.truth, path), _at(run.invoice or {}, path))
    }
    tally.corrections.append(len(corrections))
    try:
        tally.roundtrips_ms.append(reviewer.approve(run.run_id, corrections))
    except RuntimeError as exc:
        print(f"{issuer.source} {issuer.name}: skipped, {exc}")
        return Tally()
    misses = []
    for invoice in others:
        learned = process(app, invoice).invoice or {}
        alone = layout.run(invoice.name, invoice.data).invoice or {}
        for path in FIELDS:
            want = _at(invoice.truth, path)
            if want is None:
                continue
            tally.total += 1
            if same(path, want, _at(learned, path)):
                tally.right += 1
            else:
                misses.append(f"{invoice.name} {path}: {_at(learned, path)!r} != {want!r}")
            tally.layout_right += same(path, want, _at(alone, path))
    fixed = ", ".join(corrections) or "none"
    print(f"{issuer.source} {issuer.name}: corrected {fixed}; misses after learning: {len(misses)}")
    for miss in misses:
        print(f"    {miss}")
    return tally


def process(app: App, invoice: Invoice) -> Run:
    folder = app.settings.home / "in"
    folder.mkdir(exist_ok=True)
    path = folder / invoice.name
    path.write_bytes(invoice.data)
    return app.runner.run_path(path)


def _typed(value: Any) -> str:
    """A truth value as a person types it: names on one line, the rest as the truth has it."""
    return " ".join(str(value).split())


def _pct(right: int, total: int) -> float:
    return 100.0 * right / total if total else 0.0


def _p95(samples: list[float]) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    sys.exit(main())
