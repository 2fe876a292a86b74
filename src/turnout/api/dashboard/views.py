"""What the dashboard pages show, gathered from the same repositories and services the API reads."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from turnout.bootstrap import App
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.runs import Run, RunStatus
from turnout.domain.terms import EN16931_TERMS, term_at
from turnout.modules.normalize.dates import parse_date
from turnout.modules.normalize.money import parse_amount
from turnout.runtime.audit import utcnow


@dataclass(frozen=True)
class ModuleState:
    module_id: str
    available: bool
    reason: str | None
    breaker: str  # closed, half_open or open (closed until the module is first called)


@dataclass(frozen=True)
class StageRow:
    stage_id: str
    name: str
    required: bool
    selected: ModuleState | None
    fallback: ModuleState | None
    fallback_is_designated: bool  # no policy names one: the stage's designated fallback module


@dataclass(frozen=True)
class Drain:
    """A pending activation waiting for the runs of the active version to finish."""

    version: int
    summary: str
    requested_at: dt.datetime | None
    in_flight: int
    deadline_s: float


@dataclass(frozen=True)
class Overview:
    stages: list[StageRow]
    active: ModuleConfiguration | None
    pending: Drain | None
    in_flight: int
    modules_total: int
    modules_unavailable: list[ModuleState]


def overview(app: App) -> Overview:
    """Stages with their selected and fallback module, availability and breaker state; the active
    and pending configuration with the drain state."""
    with app.unit_of_work() as uow:
        stages = uow.stages.stages()
        actives = uow.configurations.with_status(ConfigStatus.ACTIVE)
        pendings = uow.configurations.with_status(ConfigStatus.PENDING)
        designated = {m.stage_id: m.module_id for m in uow.modules.list() if m.is_fallback}
        in_flight = uow.runs.in_flight()
        requested = pendings[0].activation_requested_at if pendings else None
    breakers = {(b.stage_id, b.module_id): str(b.state) for b in app.breakers()}

    def state(stage_id: str, module_id: str | None) -> ModuleState | None:
        if module_id is None:
            return None
        found = app.registry.get(module_id)
        return ModuleState(
            module_id,
            found is not None and found.available,
            (found.reason if found else "not installed"),
            breakers.get((stage_id, module_id), "closed"),
        )

    active = actives[0] if actives else None
    rows = []
    for s in stages:
        selection = active.selections.get(s.stage_id) if active else None
        policy = active.policies.get(s.stage_id) if active else None
        fallback = policy.fallback_module_id if policy else None
        rows.append(
            StageRow(
                s.stage_id,
                s.name,
                s.is_required,
                state(s.stage_id, selection.module_id if selection else None),
                state(s.stage_id, fallback or designated.get(s.stage_id)),
                fallback is None and s.stage_id in designated,
            )
        )
    pending = None
    if pendings:
        p = pendings[0]
        pending = Drain(p.version, p.summary, requested, in_flight, app.settings.drain_deadline_s)
    modules = app.registry.all()
    unavailable = [
        ModuleState(m.module_id, False, m.reason, "closed") for m in modules if not m.available
    ]
    return Overview(rows, active, pending, in_flight, len(modules), unavailable)


@dataclass(frozen=True)
class Bucket:
    """Stage attempts that started in [start, start + width): how many ran, fell back, failed."""

    start: dt.datetime
    ran: int
    fallback: int
    failed: int

    @property
    def fallback_rate(self) -> float:
        return self.fallback / self.ran if self.ran else 0.0

    @property
    def failure_rate(self) -> float:
        return self.failed / self.ran if self.ran else 0.0


def rate_buckets(
    app: App, hours: int, buckets: int = 24, now: dt.datetime | None = None
) -> list[Bucket]:
    """Fallback and failure counts of stage attempts in `buckets` equal slices of the last
    `hours` hours, oldest first (one query grouping the attempts by slice)."""
    now = now or utcnow()
    end = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    width = dt.timedelta(hours=hours) / buckets
    starts = [end - width * (buckets - i) for i in range(buckets + 1)]
    with app.unit_of_work() as uow:
        counts = uow.runs.attempt_counts(starts)
    return [Bucket(starts[i], *counts[i]) for i in range(buckets)]


@dataclass(frozen=True)
class DiffLine:
    left: str | None
    right: str | None
    kind: str  # same, replace, delete or insert


def side_by_side(left: str, right: str) -> list[DiffLine]:
    """Two documents line by line, aligned, each pair marked same or changed."""
    a, b = left.splitlines(), right.splitlines()
    rows: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffLine(x, y, "same") for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
            continue
        lefts, rights = a[i1:i2], b[j1:j2]
        for k in range(max(len(lefts), len(rights))):
            rows.append(
                DiffLine(
                    lefts[k] if k < len(lefts) else None,
                    rights[k] if k < len(rights) else None,
                    tag,
                )
            )
    return rows


# --- runs as the lists show them ------------------------------------------------------------


@dataclass(frozen=True)
class RunLine:
    """One run in a list: what it is, what was decided and why, on one line."""

    run_id: str
    short_id: str
    file_name: str
    status: str
    decision: str | None  # approve, review or reject
    decided_by: str | None  # a person's final decision
    invoice_number: str | None
    seller: str | None
    total: str | None  # the amount due with its currency
    vendor: str | None  # the matched vendor_id, where the run records it
    reason: str  # the decision's reasons (else the run's reason), on one line
    reasons: tuple[str, ...]  # every reason, for the tooltip
    created_at: dt.datetime


SHORT_ID = 8


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def vendor_of(run: Run) -> str | None:
    """The vendor_id the run was matched to, where the run records it (the decision or the
    `match` stage's attempt summary), else None."""
    for where in (run.decision or {}, *(a.summary for a in run.attempts if a.stage_id == "match")):
        found = _text(where.get("vendor_id"))
        if found:
            return found
    return None


def run_line(run: Run) -> RunLine:
    invoice = run.invoice or {}
    decision = run.decision or {}
    seller = invoice.get("seller") if isinstance(invoice.get("seller"), dict) else {}
    totals = invoice.get("totals") if isinstance(invoice.get("totals"), dict) else {}
    payable = _text((totals or {}).get("payable"))
    currency = _text(invoice.get("currency"))
    reasons = tuple(str(r) for r in decision.get("reasons") or ())
    everything = reasons + ((run.reason,) if run.reason and run.reason not in reasons else ())
    return RunLine(
        run_id=run.run_id,
        short_id=run.run_id[:SHORT_ID],
        file_name=run.file_name,
        status=str(run.status),
        decision=_text(decision.get("outcome")),
        decided_by=_text(decision.get("decided_by")),
        invoice_number=_text(invoice.get("invoice_number")),
        seller=_text((seller or {}).get("name")),
        total=(f"{payable} {currency}" if currency else payable) if payable else None,
        vendor=vendor_of(run),
        reason="; ".join(reasons) if reasons else (run.reason or ""),
        reasons=everything,
        created_at=run.created_at,
    )


def may_wait_for_review(run: Run) -> bool:
    """Whether the run may be in the review queue (the service has the last word: a failed run
    waits only when its document was read and kept): no person decided yet, and it needs review,
    was sent to review by the rules, or failed."""
    if run.final_decision is not None or not run.status.finished:
        return False
    outcome = (run.decision or {}).get("outcome")
    return run.status in (RunStatus.NEEDS_REVIEW, RunStatus.FAILED) or outcome == "review"


# --- the review screen's form ---------------------------------------------------------------


@dataclass(frozen=True)
class ReviewField:
    """One field of the invoice as the review screen shows it: its correction path
    (`lines.0.net_amount`), label, kind (how it is checked), value as shown, the machine's value
    when a person changed it, and the boxes it was read from (page, left, top, right, bottom;
    fractions of the page)."""

    path: str
    label: str
    term: str | None
    kind: str  # text, date, amount, number, vat, iban, currency
    value: str
    machine: str | None
    boxes: tuple[tuple[int, float, float, float, float], ...]
    module: str | None
    confidence: float | None

    @property
    def boxes_json(self) -> str:
        return json.dumps([list(b) for b in self.boxes])

    @property
    def changed(self) -> bool:
        return self.machine is not None and self.machine != self.value


@dataclass(frozen=True)
class FieldGroup:
    title: str
    fields: list[ReviewField]


@dataclass(frozen=True)
class ReviewForm:
    groups: list[FieldGroup]  # the document's, the seller's, the buyer's, the payment's fields
    lines: list[list[ReviewField]]
    totals: list[ReviewField]

    def fields(self) -> list[ReviewField]:
        header = [f for g in self.groups for f in g.fields]
        return [*header, *(f for line in self.lines for f in line), *self.totals]


# The header fields a person checks, by group, shown even when empty (to be filled in); any
# other single value the reader placed on the page follows in its group.
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Document",
        "",
        (
            "invoice_number",
            "issue_date",
            "due_date",
            "currency",
            "type_code",
            "order_reference",
            "buyer_reference",
        ),
    ),
    ("Seller", "seller.", ("seller.name", "seller.vat_id", "seller.country")),
    ("Buyer", "buyer.", ("buyer.name", "buyer.vat_id")),
    ("Payment", "payment", ("payment.iban", "payment.bic", "payment.remittance", "payment_terms")),
)
HEADER_PATHS = tuple(p for _, _, paths in GROUPS for p in paths)
TOTALS_PATHS = tuple(
    f"totals.{n}"
    for n in (
        "line_net",
        "allowances",
        "charges",
        "tax_exclusive",
        "tax",
        "tax_inclusive",
        "prepaid",
        "rounding",
        "payable",
    )
)
LINE_COLUMNS = ("name", "quantity", "unit", "net_price", "vat_rate", "net_amount")
_AMOUNTS = frozenset({"net_price", "net_amount", "payable"}) | {
    p.split(".")[1] for p in TOTALS_PATHS
}
_NUMBERS = frozenset({"quantity", "vat_rate"})
_SCALAR_PATH = re.compile(r"^[a-z_]+(?:\.[a-z_]+)*$")
_LINE_PATH = re.compile(r"^lines(?:\[(\d+)\]|\.(\d+))\.([a-z_]+)$")
_TERM_NAMES = {t.id: t.name for t in EN16931_TERMS}


def kind_of(path: str) -> str:
    """How a field's value is checked as a person types it."""
    name = path.rsplit(".", 1)[-1]
    if name.endswith("date") or name in ("start", "end"):
        return "date"
    if name == "vat_id":
        return "vat"
    if name == "iban":
        return "iban"
    if name == "currency":
        return "currency"
    if path.startswith("totals.") or name in _AMOUNTS:
        return "amount"
    if name in _NUMBERS:
        return "number"
    return "text"


def _at(data: Any, path: str) -> Any:
    value = data
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _shown(value: Any) -> str | None:
    """A scalar value as a person reads and types it; None for a group or a list."""
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        return None
    return str(value)


def _label(path: str) -> tuple[str, str | None]:
    term = term_at(path)
    name = _TERM_NAMES.get(term or "")
    if name is None:
        name = path.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    return name, term


def _provenance_key(path: str) -> str:
    """`lines.0.net_amount` → `lines[0].net_amount`: how provenance names a line's field."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", path)


def _boxes(source: Any) -> tuple[tuple[int, float, float, float, float], ...]:
    out = []
    for box in (source or {}).get("boxes") or ():
        try:
            out.append(
                (
                    int(box["page"]),
                    float(box["left"]),
                    float(box["top"]),
                    float(box["right"]),
                    float(box["bottom"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(out)


def _field(invoice: dict[str, Any], machine: dict[str, Any] | None, path: str) -> ReviewField:
    provenance = invoice.get("provenance") or {}
    source = provenance.get(_provenance_key(path)) or provenance.get(path)
    value = _shown(_at(invoice, path)) or ""
    before = _shown(_at(machine, path)) if machine is not None else None
    label, term = _label(path)
    confidence = source.get("confidence") if isinstance(source, dict) else None
    return ReviewField(
        path=path,
        label=label,
        term=term,
        kind=kind_of(path),
        value=value,
        machine=before if before is not None and before != value else None,
        boxes=_boxes(source),
        module=source.get("module") if isinstance(source, dict) else None,
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
    )


def review_form(invoice: dict[str, Any] | None, machine: dict[str, Any] | None) -> ReviewForm:
    """The fields a person checks: the usual header fields by group, each group followed by the
    other single values of it that the reader placed on the page (in the order read: page, top,
    left); each line's fields; the document totals. The form's order is its tab order."""
    invoice = invoice or {}
    extra = [
        key
        for key in invoice.get("provenance") or {}
        if _SCALAR_PATH.match(key)
        and key not in HEADER_PATHS
        and not key.startswith("totals.")
        and _shown(_at(invoice, key)) is not None
    ]
    groups = []
    for title, prefix, paths in GROUPS:
        mine = [k for k in extra if prefix and k.startswith(prefix)]
        if not prefix:  # the document's own: top-level values
            mine = [k for k in extra if "." not in k]
        placed = sorted(
            (_field(invoice, machine, k) for k in mine),
            key=lambda f: (
                (f.boxes[0][0], round(f.boxes[0][2], 2), f.boxes[0][1]) if f.boxes else (0, 0, 0)
            ),
        )
        groups.append(FieldGroup(title, [_field(invoice, machine, p) for p in paths] + placed))
    taken = {f.path for g in groups for f in g.fields}
    rest = [_field(invoice, machine, k) for k in extra if k not in taken]
    if rest:
        groups.append(FieldGroup("Other", rest))
    lines = invoice.get("lines") if isinstance(invoice.get("lines"), list) else []
    rows = [
        [_field(invoice, machine, f"lines.{i}.{c}") for c in LINE_COLUMNS]
        for i in range(len(lines or []))
    ]
    totals = [_field(invoice, machine, p) for p in TOTALS_PATHS]
    return ReviewForm(groups, rows, totals)


def corrections(form: ReviewForm, submitted: Mapping[str, str]) -> dict[str, str | None]:
    """The fields whose submitted value (`f.<path>`) differs from the one shown: path → the new
    value, None to clear it. Fields the form did not show are not taken."""
    out: dict[str, str | None] = {}
    for f in form.fields():
        typed = submitted.get(f"f.{f.path}")
        if typed is None:
            continue
        typed = typed.strip()
        if not same_value(f.kind, typed, f.value.strip()):
            out[f.path] = typed or None
    return out


def same_value(kind: str, typed: str, shown: str) -> bool:
    """Whether what a person typed is the value shown, written the same or otherwise
    (`1.234,50` for `1234.50`, `05.03.2024` for `2024-03-05`)."""
    if typed == shown:
        return True
    if not typed or not shown:
        return False
    if kind in ("amount", "number"):
        a, b = parse_amount(typed), parse_amount(shown)
        return a is not None and a == b
    if kind == "date":
        day = parse_date(typed)
        return day is not None and day.isoformat() == shown
    return False
