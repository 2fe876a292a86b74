"""`turnout review ...`: the runs waiting for a person, one run as a reviewer reads it, and a
person's corrections, approval or rejection (through `App.reviews`).

RUN is a run id or its first characters (`turnout runs` and `turnout review list` show 8). A
refused review (not a reviewer, nothing to review, someone else reviewed it first, a value that
cannot be read) prints the reason and exits 2; nothing was changed then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.padding import Padding
from rich.table import Column, Table
from rich.text import Text

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, fail, get_app
from turnout.cli.run_fields import (
    correction_path,
    decision_label,
    field_rows,
    findings_table,
    reasons,
    short_id,
)
from turnout.cli.run_page import print_decision, progress_note, records_table, run_header
from turnout.cli.runs import find_run_id
from turnout.cli.tables import fitted, narrow
from turnout.domain.outcome import Outcome
from turnout.domain.review import PersonDecision, ReviewFilter, ReviewItem, ReviewRequest
from turnout.domain.runs import Run, RunStatus

if TYPE_CHECKING:
    from turnout.runtime.review import ReviewView

app = typer.Typer(
    help="Look at the runs waiting for a person; correct their fields, approve or reject them "
    "(reviewers and operators).",
    no_args_is_help=True,
)

RunArg = Annotated[
    str, typer.Argument(help="The run id, or its first characters (see `turnout review list`).")
]
CommentOpt = Annotated[
    str | None, typer.Option("--comment", help="Why, for the audit trail and the decision.")
]
RevisionOpt = Annotated[
    int | None,
    typer.Option(
        "--revision",
        min=0,
        help="The review revision you looked at (`turnout review show`): if someone reviewed "
        "the run since, nothing is changed and the command says so.",
    ),
]


@app.command("list")
def list_reviews(
    seller: Annotated[
        str | None, typer.Option(help="Seller name contains this (any case).")
    ] = None,
    number: Annotated[
        str | None, typer.Option(help="Invoice number contains this (any case).")
    ] = None,
    min_: Annotated[str | None, typer.Option("--min", help="Amount due at least.")] = None,
    max_: Annotated[str | None, typer.Option("--max", help="Amount due at most.")] = None,
    from_: Annotated[
        dt.datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="Run created on or after (UTC day)."),
    ] = None,
    to: Annotated[
        dt.datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Run created on or before (UTC day)."),
    ] = None,
    status: Annotated[RunStatus | None, typer.Option(help="Only runs with this status.")] = None,
    decision: Annotated[Outcome | None, typer.Option(help="Only runs with this decision.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many, newest first.")] = 100,
    json_: JsonOpt = False,
) -> None:
    """The review queue, newest first, each run with why it waits.

    Runs that went to review, runs whose decision is `review`, and failed runs whose document
    was read; the options narrow it down (they combine)."""
    amount_min, amount_max = _amount(min_, "--min"), _amount(max_, "--max")
    date_from, date_to = (from_.date() if from_ else None), (to.date() if to else None)
    _check_ranges(amount_min, amount_max, date_from, date_to)
    criteria = ReviewFilter(
        seller=seller,
        invoice_number=number,
        amount_min=amount_min,
        amount_max=amount_max,
        date_from=date_from,
        date_to=date_to,
        status=status.value if status else None,
        decision=decision.value if decision else None,
        limit=limit,
    )
    reviews = get_app().reviews
    items = reviews.queue(criteria)
    if json_:
        emit_json([item.to_dict() for item in items])
        return
    console.print(_queue_table(items))
    waiting = reviews.count()
    shown = f"{len(items)} shown; " if len(items) != waiting else ""
    console.print(
        f"{shown}{waiting} run(s) wait for a person; `turnout review show RUN` shows one",
        markup=False,
        highlight=False,
    )


@app.command()
def show(run_id: RunArg, json_: JsonOpt = False) -> None:
    """One run as a reviewer reads it, every field with where it was read.

    File, status, decision and reasons, every field with its value and where on the page it was
    read (page and box, or `no box`), the lines, the findings and what people did so far."""
    app_ = get_app()
    view = app_.reviews.show(find_run_id(app_, run_id))
    if json_:
        emit_json(view_to_dict(view))
        return
    run = view.run
    console.print(run_header(run))
    if view.reviewable:
        console.print(
            f"waits for a person (review revision {run.review_revision})", highlight=False
        )
    else:
        console.print(Text(f"not reviewable: {view.why_not}"), highlight=False)
    print_decision(run)
    if run.invoice:
        header, lines = _review_rows(run.invoice, run.machine_invoice)
        corrected = run.machine_invoice is not None
        console.print(_fields_table(header, "invoice", corrected))
        if lines:
            console.print(_fields_table(lines, "lines", corrected))
    elif not progress_note(run):
        console.print("no invoice was read from the document", highlight=False)
    if run.findings:
        console.print(findings_table(run.findings))
    if view.records:
        console.print(records_table(view.records))
    if view.reviewable:
        sid = short_id(run.run_id)
        console.print(
            f"next: turnout review correct {sid} FIELD=VALUE... [--approve]\n"
            f"      turnout review approve {sid} [--comment TEXT]\n"
            f"      turnout review reject {sid} --reason TEXT",
            markup=False,
            highlight=False,
        )


@app.command()
def correct(
    run_id: RunArg,
    corrections: Annotated[
        list[str],
        typer.Argument(
            help="FIELD=VALUE pairs: the canonical invoice's paths (invoice_number, issue_date, "
            "seller.vat_id, totals.payable, lines.0.net_amount ...); dates 2024-03-05 or "
            "05.03.2024, amounts 1234.56 or 1.234,56; FIELD= clears the field.",
            show_default=False,
        ),
    ],
    comment: CommentOpt = None,
    approve_: Annotated[
        bool, typer.Option("--approve", help="Approve the run with the corrections (final).")
    ] = False,
    revision: RevisionOpt = None,
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Correct fields of a run waiting for a person (and approve it with --approve).

    The run continues from the stage after `extract` with the corrected invoice (normalize,
    validate, dedupe, match, route, export). The machine's reading is kept; each correction is
    recorded with who made it."""
    request = ReviewRequest(
        corrections=parse_pairs(corrections),
        decision=PersonDecision.APPROVE if approve_ else None,
        comment=comment,
        expected_revision=revision,
    )
    _review(run_id, request, as_, json_)


@app.command()
def approve(
    run_id: RunArg,
    comment: CommentOpt = None,
    revision: RevisionOpt = None,
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Approve a run waiting for a person: the final decision, exported as it stands."""
    request = ReviewRequest(
        decision=PersonDecision.APPROVE, comment=comment, expected_revision=revision
    )
    _review(run_id, request, as_, json_)


@app.command()
def reject(
    run_id: RunArg,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the invoice is rejected (required).")
    ],
    revision: RevisionOpt = None,
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Reject a run waiting for a person, with the reason: the final decision."""
    request = ReviewRequest(
        decision=PersonDecision.REJECT, comment=reason, expected_revision=revision
    )
    _review(run_id, request, as_, json_)


# the widest each column of the queue may be (0: left out) under 100, 140 and 180 columns and
# wider; the reasons take what is left, at least about a third of the line (`review show` has
# them all)
_QUEUE_NARROW = {"file": 0, "status": 12, "decision": 0, "invoice": 12, "seller": 12, "created": 0}
_QUEUE_MEDIUM = {"file": 12, "status": 10, "decision": 8, "invoice": 11, "seller": 10, "created": 0}
_QUEUE_WIDE = {"file": 18, "status": 15, "decision": 8, "invoice": 14, "seller": 16, "created": 0}
_QUEUE_WIDEST = {
    "file": 28,
    "status": 23,
    "decision": 8,
    "invoice": 18,
    "seller": 24,
    "created": 16,
}


def _queue_table(items: list[ReviewItem]) -> Table:
    """The queue, one line a run, cut to the terminal's width (under 100 columns without the
    file and the decision, under 180 without the creation time)."""
    width = console.width
    caps = (
        _QUEUE_NARROW
        if width < 100
        else _QUEUE_MEDIUM
        if width < 140
        else _QUEUE_WIDE
        if width < 180
        else _QUEUE_WIDEST
    )
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=0)
    table.add_column("run", no_wrap=True, min_width=8)
    for name in ("file", "status", "decision", "invoice", "seller"):
        if caps[name]:
            table.add_column(name, no_wrap=True, max_width=caps[name])
    table.add_column("amount due", justify="right", no_wrap=True)
    if caps["created"]:
        table.add_column("created", no_wrap=True)
    table.add_column("reasons", min_width=12)  # the one column narrowed to fit the width
    for item in items:
        cells = {
            "file": item.file,
            "status": item.status,
            "decision": item.decision or "",
            "invoice": item.invoice_number or "",
            "seller": item.seller or "",
        }
        amount = f"{item.amount_due} {item.currency or ''}".strip() if item.amount_due else ""
        created = item.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
        table.add_row(
            short_id(item.run_id),
            *(_one_line(value) for name, value in cells.items() if caps[name]),
            amount,
            *([created] if caps["created"] else []),
            _one_line("; ".join(item.reasons)),
        )
    return table


def parse_pairs(pairs: list[str]) -> dict[str, str | None]:
    """`FIELD=VALUE` arguments as corrections; `FIELD=` clears the field."""
    found: dict[str, str | None] = {}
    for pair in pairs:
        path, sep, value = pair.partition("=")
        path = path.strip()
        if not sep or not path:
            raise fail(
                f"`{pair}` is not FIELD=VALUE; e.g. invoice_number=R-2024-1 or "
                "totals.payable=1234.56 (FIELD= clears the field)"
            )
        if path in found:
            raise fail(f"{path} is corrected twice; give each field once")
        found[path] = value if value.strip() else None
    return found


def view_to_dict(view: ReviewView) -> dict[str, Any]:
    """`turnout review show --json`: the run (as `runs show --json`, with the machine's first
    reading), the records, whether it waits for a person (else why not) and its page sizes."""
    from turnout.views import run_to_dict

    return {
        "run": {**run_to_dict(view.run), "machine_invoice": view.run.machine_invoice},
        "records": [r.to_dict() for r in view.records],
        "reviewable": view.reviewable,
        "why_not": view.why_not,
        "page_sizes": [list(size) for size in view.page_sizes],
    }


def _review(run_id: str, request: ReviewRequest, as_: str | None, json_: bool) -> None:
    app_ = get_app()
    run = app_.reviews.review(find_run_id(app_, run_id), actor(as_), request)
    if json_:
        from turnout.views import run_to_dict

        emit_json(run_to_dict(run))
        return
    _print_outcome(run, request)


def _print_outcome(run: Run, request: ReviewRequest) -> None:
    """What the review did: the corrections, then how the run ended and why."""
    for path, value in request.corrections.items():
        shown = "(cleared)" if value is None else value
        console.print(Text(f"corrected {path}: {shown}"), highlight=False)
    console.print(
        Text(
            f"run {short_id(run.run_id)} ({run.file_name}): {run.status}, decision "
            f"{decision_label(run) or 'none'}, review revision {run.review_revision}"
        ),
        highlight=False,
    )
    for reason in reasons(run):
        console.print(Padding(Text(f"- {reason}"), (0, 0, 0, 2)), highlight=False)


def _review_rows(
    invoice: Mapping[str, Any], machine: Mapping[str, Any] | None
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The invoice's rows as corrections name them, with what the machine read when a person
    changed the value; the header's rows, then the lines'."""
    first = {p: v for p, v, *_ in field_rows(machine)} if machine else {}
    header: list[tuple[str, ...]] = []
    lines: list[tuple[str, ...]] = []
    for path, value, confidence, module, where in field_rows(invoice):
        read = first.get(path, "") if machine else ""
        row = (
            correction_path(path),
            value,
            "" if read == value else read or "(empty)",
            confidence,
            module,
            where,
        )
        (lines if path.startswith("lines[") else header).append(row)
    return header, lines


def _fields_table(rows: list[tuple[str, ...]], title: str, corrected: bool) -> Table:
    """The rows as a table; the `machine read` column once a person corrected the run. Below
    100 columns without `read by` and `where` (`review show --json` has them)."""
    wide = not narrow()
    table = fitted(Column("field", no_wrap=True), Column("value", overflow="fold"), title=title)
    if corrected:
        table.add_column("machine read", overflow="fold")
    table.add_column("confidence", justify="right", no_wrap=True)
    if wide:
        table.add_column("read by", no_wrap=True)
        table.add_column("where", no_wrap=True)
    for path, value, read, *rest in rows:
        cells = [path, value, *([read] if corrected else []), *(rest if wide else rest[:1])]
        table.add_row(*(Text(cell) for cell in cells))  # values are data, never markup
    return table


def _one_line(value: str) -> Text:
    return Text(value, no_wrap=True, overflow="ellipsis")


def _check_ranges(
    amount_min: Decimal | None,
    amount_max: Decimal | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> None:
    """Ranges the wrong way round are refused, as the API refuses them (its 422)."""
    if amount_min is not None and amount_max is not None and amount_min > amount_max:
        raise fail(f"--min {amount_min} is above --max {amount_max}; swap them")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise fail(f"--from {date_from} is after --to {date_to}; swap them")


def _amount(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise fail(f"{option} {value!r} is not an amount; write it as 1234.56") from None
