"""`turnout runs show RUN` (and `turnout review show RUN`) as a page a person reads: the run,
its stages, its invoice, its findings, its decision with the reasons, and what people did in
review. Data is printed as text, never as Rich markup."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.padding import Padding
from rich.table import Column, Table
from rich.text import Text

from turnout.cli.common import console
from turnout.cli.run_fields import fields_table, findings_table, reasons, short_id
from turnout.cli.tables import narrow
from turnout.domain.review import ReviewRecord
from turnout.domain.runs import Run, RunStatus, StageAttempt

_COLOURS = {"ok": "green", "skipped": "dim", "fallback": "yellow"}
_IN_PROGRESS = {
    RunStatus.QUEUED: "queued, not processed yet",
    RunStatus.RUNNING: "running, not finished yet",
}


def print_run_page(run: Run, records: Sequence[ReviewRecord]) -> None:
    """The run, its stages, invoice, findings, decision and review records, each a section."""
    console.print(run_header(run))
    print_stages(run)
    if run.invoice:
        console.print(fields_table(run.invoice))
    if run.findings:
        console.print(findings_table(run.findings))
    print_decision(run)
    if records:
        console.print(records_table(records))


def run_header(run: Run) -> Table:
    """Who the run is: ids, file, status, version, times, worker and review revision."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    rows = [
        ("run", f"{run.run_id} (short: {short_id(run.run_id)})"),
        ("file", run.file_name),
        ("status", str(run.status)),
        ("version", str(run.config_version) if run.config_version is not None else "-"),
        ("created", _when(run.created_at)),
        ("finished", _when(run.finished_at) if run.finished_at else "-"),
    ]
    if run.worker:
        rows.append(("worker", run.worker))
    if run.review_revision:
        rows.append(("reviewed", f"{run.review_revision} time(s)"))
    note = header_reason(run)
    if note:
        rows.append(("reason", note))
    for label, value in rows:
        grid.add_row(label, Text(value))
    return grid


def header_reason(run: Run) -> str | None:
    """The first of the run's reasons (the decision's first, as the review queue orders them),
    with how many more the decision block lists; the progress of a run not finished yet."""
    found = reasons(run)
    if not found:
        return progress_note(run)
    more = len(found) - 1
    return f"{found[0]} (and {more} more: see the decision below)" if more else found[0]


def progress_note(run: Run) -> str | None:
    """`queued, not processed yet` or `running, not finished yet`; None once the run ended."""
    return _IN_PROGRESS.get(run.status)


def print_stages(run: Run) -> None:
    """Every attempt: which module, as what (primary or fallback), how it ended, what triggered
    the next step (error, timeout, empty_output ...) and how long it took. Below 100 columns
    each attempt is a line and its detail the indented lines under it."""
    if narrow():
        _print_stages_narrow(run)
        return
    table = Table(
        Column("stage", no_wrap=True),
        Column("module", no_wrap=True),
        "role",
        "outcome",
        "trigger",
        Column("ms", justify="right"),
        Column("detail", overflow="fold"),
        title=f"{run.file_name}: {run.status}",
    )
    for a in run.attempts:
        detail = _detail(a)
        table.add_row(
            a.stage_id,
            a.module_id or "-",
            str(a.summary.get("role") or "primary"),
            Text(str(a.outcome), style=_COLOURS.get(str(a.outcome), "red")),
            str(a.summary.get("trigger") or ""),
            f"{a.duration_ms:.1f}",
            Text(detail),
        )
    console.print(table)


def _detail(attempt: StageAttempt) -> str:
    return attempt.error or str(
        attempt.summary.get("reason") or ", ".join(attempt.summary.get("produced") or [])
    )


def _print_stages_narrow(run: Run) -> None:
    rows = [
        (
            a.stage_id,
            a.module_id or "-",
            str(a.summary.get("role") or "primary"),
            str(a.outcome),
            str(a.summary.get("trigger") or ""),
            f"{a.duration_ms:.1f} ms",
        )
        for a in run.attempts
    ]
    head = ("stage", "module", "role", "outcome", "trigger", "time")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(6)]

    def line(row: tuple[str, ...], header: bool = False) -> Text:
        text = Text(style="bold" if header else "")
        for i, (value, width) in enumerate(zip(row, widths, strict=True)):
            style = _COLOURS.get(value, "red") if i == 3 and not header else ""
            text.append(value.rjust(width) if i == 5 else value.ljust(width), style=style)
            text.append(" " if i < 5 else "")
        return text

    console.print(Text(f"{run.file_name}: {run.status}", style="italic"), highlight=False)
    console.print(line(head, header=True), highlight=False, overflow="fold")
    for a, row in zip(run.attempts, rows, strict=True):
        console.print(line(row), highlight=False, overflow="fold")
        detail = _detail(a)
        if detail:
            console.print(Padding(Text(detail, overflow="fold"), (0, 0, 0, 4)), highlight=False)


def print_decision(run: Run) -> None:
    """`decision: review`, who took it when a person did, then each reason on its own line."""
    decision = run.decision or {}
    outcome = decision.get("outcome")
    if not outcome:
        note = progress_note(run)
        why = f"none yet ({note})" if note else "none (the run ended before `route`)"
        console.print(f"decision: {why}", markup=False, highlight=False)
    else:
        by = decision.get("decided_by")
        final = f" (final, by {by})" if by else " (by the routing rules)"
        console.print(f"decision: {outcome}{final}", markup=False, highlight=False)
    for reason in reasons(run):
        console.print(Padding(Text(f"- {reason}"), (0, 0, 0, 2)), highlight=False)


def records_table(records: Sequence[ReviewRecord]) -> Table:
    """What people did in review, oldest first: who, what, which field, the machine's value,
    the value before and after the correction, and the comment."""
    table = Table(
        Column("#", justify="right", no_wrap=True),
        Column("when", no_wrap=True),
        Column("who", no_wrap=True),
        Column("action", no_wrap=True),
        Column("field", no_wrap=True),
        Column("machine read", overflow="fold"),
        Column("before", overflow="fold"),
        Column("after", overflow="fold"),
        Column("comment", overflow="fold"),
        title="review",
    )
    for r in records:
        table.add_row(
            str(r.revision),
            _when(r.created_at),
            Text(r.actor),
            str(r.action),
            Text(r.field or ""),
            Text(_value(r.machine_value) if r.field else ""),
            Text(_value(r.previous_value) if r.field else ""),
            Text(_value(r.corrected_value) if r.field else ""),
            Text(r.comment or ""),
        )
    return table


def _value(value: str | None) -> str:
    return "(empty)" if value is None or value == "" else value


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
