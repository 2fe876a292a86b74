"""`turnout process` and `turnout runs`: put files through the pipeline, look at what happened."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from turnout.cli.batch import (
    EXIT_SOME_FAILED,
    collect,
    exit_code,
    intake_max_bytes,
    oversized,
    print_skipped,
    refuse,
)
from turnout.cli.common import JsonOpt, console, emit_json, err_console, fail, get_app
from turnout.cli.run_fields import fields_table
from turnout.domain.runs import Run, RunOrigin, RunStatus
from turnout.runtime.run_pool import MIN_FILES_PER_PROCESS, processes_for
from turnout.runtime.serialize import run_to_dict

runs_app = typer.Typer(
    help="List runs, or show one with every stage attempt.", invoke_without_command=True
)


def process(
    paths: Annotated[list[Path], typer.Argument(help="Invoice files or folders.")],
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=256,
            help="Runs at once (default: $TURNOUT_CONCURRENCY or CPU count). Above 1, on a "
            f"machine with several cores, a batch of at least {2 * MIN_FILES_PER_PROCESS} files "
            "is spread over up to min(N, cores) processes (threads inside each; at least "
            f"{MIN_FILES_PER_PROCESS} files per process), since the threads of one process share "
            "one core's worth of Python.",
        ),
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=256,
            help="Force how many processes run the batch (0 or 1: this process only, threads); "
            "default: as --concurrency says.",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Run files or folders through the active configuration, several at once.

    Other files in the folders are listed as skipped, with the reason. A file over the active
    intake's `max_bytes` is refused from its size, unread (a failed run). Exit code: 0 when every
    run completed (with or without a fallback) or went to review, 3 when some failed."""
    found = collect(paths)
    print_skipped(found.skipped, json_)
    if not found.files:
        raise fail("no invoice files found (looked for .pdf, .xml, .png, .jpg, .tif)")
    app = get_app()
    limit = intake_max_bytes(app)
    too_big = oversized(found.files, limit)
    refused = {
        i: refuse(app, p, too_big[p], limit)
        for i, p in enumerate(found.files)
        if p in too_big and limit is not None
    }
    files = [p for i, p in enumerate(found.files) if i not in refused]
    workers = concurrency or app.settings.workers
    if processes is None:
        processes = processes_for(len(files), workers, os.cpu_count() or 1)
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=json_,
    ) as progress:
        where = f" in {processes} processes" if processes > 1 else ""
        task = progress.add_task(
            f"processing with {workers} at once{where}", total=len(found.files)
        )

        def advance(_run: Run) -> None:
            progress.advance(task)

        progress.advance(task, len(refused))
        if processes > 1 and files:
            done = app.run_pool(processes, workers).run(files, on_done=advance)
        else:
            done = app.runner.run_many(files, workers, on_done=advance)
    elapsed = time.perf_counter() - started
    ran = iter(done)
    runs = [refused[i] if i in refused else next(ran) for i in range(len(found.files))]
    if json_:
        emit_json([run_to_dict(r) for r in runs])
    else:
        print_runs(runs)
        print_summary(runs, elapsed)
        if found.skipped:
            console.print(f"{len(found.skipped)} file(s) skipped, listed above")
    code = exit_code(runs)
    if code == EXIT_SOME_FAILED:
        failed = sum(r.status is RunStatus.FAILED for r in runs)
        err_console.print(
            f"{failed} of {len(runs)} run(s) failed (exit {code}); "
            "`turnout runs --status failed` lists them with the reason",
            markup=False,
            highlight=False,
        )
    raise typer.Exit(code)


def print_summary(runs: list[Run], elapsed: float) -> None:
    """Counts per status, fallbacks per stage, and the time it took."""
    table = Table(
        "status",
        "runs",
        title=f"{len(runs)} run(s) in {elapsed:.2f}s "
        f"({len(runs) / elapsed if elapsed else 0:.1f}/s)",
    )
    for status, n in sorted(Counter(str(r.status) for r in runs).items()):
        table.add_row(status, str(n))
    console.print(table)
    fallbacks = Counter(a.stage_id for r in runs for a in r.attempts if a.outcome == "fallback")
    if fallbacks:
        console.print(
            "fallbacks: " + ", ".join(f"{stage} {n}" for stage, n in sorted(fallbacks.items()))
        )


def print_runs(runs: list[Run]) -> None:
    """The runs table; the worker column once workers ran something or a run is running (its
    lease holder), and the lease of each running run (how old the run, when its lease expires)."""
    workers = any(
        r.worker and (r.origin is RunOrigin.QUEUE or r.status is RunStatus.RUNNING) for r in runs
    )
    leases = any(r.status is RunStatus.RUNNING and r.lease_expires_at for r in runs)
    table = Table(
        Column("file", no_wrap=True), "status", "version", "invoice", "total", "decision", "reason"
    )
    if workers:
        table.add_column("worker", no_wrap=True)
    if leases:
        table.add_column("running for", justify="right")
        table.add_column("lease", no_wrap=True)
    now = dt.datetime.now(dt.UTC)
    for r in runs:
        inv = r.invoice or {}
        total = (inv.get("totals") or {}).get("payable")
        row = [
            r.file_name,
            str(r.status),
            str(r.config_version) if r.config_version is not None else "-",
            inv.get("invoice_number") or "",
            f"{total} {inv.get('currency') or ''}".strip() if total else "",
            (r.decision or {}).get("outcome", ""),
            r.reason or "",
        ]
        if workers:
            row.append(r.worker or "-")
        if leases:
            row += _lease_cells(r, now)
        table.add_row(*row)
    console.print(table)


def _lease_cells(run: Run, now: dt.datetime) -> list[str]:
    """`running for` (since admission) and the lease's expiry, relative to now."""
    if run.status is not RunStatus.RUNNING:
        return ["", ""]
    started = run.started_at or run.created_at
    age = f"{(now - started).total_seconds():.0f}s"
    if run.lease_expires_at is None:
        return [age, "none"]
    left = (run.lease_expires_at - now).total_seconds()
    return [age, f"expires in {left:.0f}s" if left >= 0 else f"expired {-left:.0f}s ago"]


def lease_json(run: Run, now: dt.datetime) -> dict[str, Any]:
    """What `turnout runs --json` adds to a run: where it comes from and its lease."""
    expires = run.lease_expires_at
    started = run.started_at or run.created_at
    return {
        "origin": str(run.origin),
        "lease_holder": run.worker if expires is not None else None,
        "lease_expires_at": expires.isoformat() if expires else None,
        "lease_expires_in_s": round((expires - now).total_seconds(), 3) if expires else None,
        "running_for_s": (
            round((now - started).total_seconds(), 3) if run.status is RunStatus.RUNNING else None
        ),
    }


def print_stages(run: Run) -> None:
    """Every attempt: which module, as what (primary or fallback), how it ended and what
    triggered the next step (error, timeout, empty_output ...)."""
    table = Table(
        "stage",
        "module",
        "role",
        "outcome",
        "trigger",
        "ms",
        "detail",
        title=f"{run.file_name}: {run.status}",
    )
    for a in run.attempts:
        detail = a.error or str(
            a.summary.get("reason") or ", ".join(a.summary.get("produced") or [])
        )
        colour = {"ok": "green", "skipped": "dim", "fallback": "yellow"}.get(str(a.outcome), "red")
        table.add_row(
            a.stage_id,
            a.module_id or "-",
            str(a.summary.get("role") or "primary"),
            f"[{colour}]{a.outcome}[/{colour}]",
            str(a.summary.get("trigger") or ""),
            f"{a.duration_ms:.1f}",
            detail,
        )
    console.print(table)
    if run.reason:
        console.print(f"reason: {run.reason}", markup=False, highlight=False)


@runs_app.callback()
def runs(
    ctx: typer.Context,
    status: Annotated[RunStatus | None, typer.Option(help="Only runs with this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many, newest first.")] = 50,
    json_: JsonOpt = False,
) -> None:
    """List runs, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    with get_app().unit_of_work() as uow:
        found = uow.runs.list(status=status, limit=limit)
    if json_:
        now = dt.datetime.now(dt.UTC)
        emit_json([{**run_to_dict(r), **lease_json(r, now)} for r in found])
    else:
        print_runs(found)


@runs_app.command()
def show(
    run_id: Annotated[str, typer.Argument(help="The run id (see `turnout runs`).")],
    json_: JsonOpt = False,
) -> None:
    """One run with every stage attempt, the invoice's fields (each with its confidence and where
    on the page it was read) and the decision with its reasons."""
    with get_app().unit_of_work() as uow:
        run = uow.runs.get(run_id)
    if run is None:
        raise fail(f"run {run_id} does not exist; `turnout runs` lists them")
    if json_:
        emit_json(run_to_dict(run))
        return
    print_stages(run)
    if run.invoice:
        console.print(fields_table(run.invoice))
    if run.decision:
        console.print(f"decision: {run.decision.get('outcome')}", markup=False, highlight=False)
        for reason in run.decision.get("reasons") or ():
            console.print(f"  - {reason}", markup=False, highlight=False)
