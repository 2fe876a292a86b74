"""`turnout process` and `turnout runs`: put files through the pipeline, look at what happened."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from turnout.cli.batch import (
    EXIT_SOME_FAILED,
    collect,
    exit_code,
    intake_max_bytes,
    oversized,
    print_explanations,
    print_skipped,
    refuse,
    still_failed,
)
from turnout.cli.common import JsonOpt, console, emit_json, err_console, fail, get_app
from turnout.cli.run_fields import SHORT_ID, decision_label, reasons, seller, short_id, total
from turnout.cli.run_page import print_run_page
from turnout.domain.runs import Run, RunOrigin, RunStatus

if TYPE_CHECKING:
    from turnout.bootstrap import App
    from turnout.runtime.guard import BatchRollback

MIN_PREFIX = 4  # the fewest characters of a run id that RUN arguments accept

runs_app = typer.Typer(
    help="List runs, or show one with every stage attempt.", invoke_without_command=True
)


def _concurrency_help() -> str:
    """Read when the `process` command is built (its annotations are), not when this module is
    imported: the run pool's rule imports the runner."""
    from turnout.distributed.run_pool import MIN_FILES_PER_PROCESS

    return (
        "Runs at once (default: $TURNOUT_CONCURRENCY or CPU count). Above 1, on a "
        f"machine with several cores, a batch of at least {2 * MIN_FILES_PER_PROCESS} files "
        "is spread over up to min(N, cores) processes (threads inside each; at least "
        f"{MIN_FILES_PER_PROCESS} files per process), since the threads of one process share "
        "one core's worth of Python."
    )


def process(
    paths: Annotated[list[Path], typer.Argument(help="Invoice files or folders.")],
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=256,
            help=_concurrency_help(),
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
    from turnout.distributed.run_pool import processes_for
    from turnout.runtime.installation import prune_quietly

    found = collect(paths)
    print_skipped(found.skipped, json_)
    if not found.files:
        raise fail("no invoice files found (looked for .pdf, .xml, .png, .jpg, .tif)")
    app = get_app()
    prune_quietly(app.installation)  # source files past their retention, before the batch
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
    from rich.progress import (  # a bar only when files are processed: not at start-up
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

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
    rollbacks = app.guards.rollbacks_in(runs)  # a guard that rolled back re-ran failed runs
    reruns = {failed: again for rb in rollbacks for failed, again in rb.reruns.items()}
    if json_:
        from turnout.views import run_to_dict

        emit_json([_with_rerun(run_to_dict(r), r, reruns, rollbacks) for r in runs])
        for rb in rollbacks:
            err_console.print(rb.text(), markup=False, highlight=False)
    else:
        print_runs(runs)
        print_summary(runs, elapsed)
        for rb in rollbacks:
            console.print(rb.text(), markup=False, highlight=False)
        if found.skipped:
            console.print(f"{len(found.skipped)} file(s) skipped, listed above")
    code = exit_code(runs, reruns)
    if code == EXIT_SOME_FAILED:
        failed = len(still_failed(runs, reruns))
        rescued = f" ({len(reruns)} re-run after the guard's rollback counted)" if reruns else ""
        err_console.print(
            f"{failed} of {len(runs)} run(s) failed{rescued} (exit {code}); "
            "`turnout runs --status failed` lists them with the reason",
            markup=False,
            highlight=False,
        )
    raise typer.Exit(code)


def _with_rerun(
    data: dict[str, Any], run: Run, reruns: dict[str, Run], rollbacks: list[BatchRollback]
) -> dict[str, Any]:
    """A run's --json, with the run that re-ran it after a guard's rollback (if one did)."""
    again = reruns.get(run.run_id)
    if again is None:
        return data
    why = next((rb for rb in rollbacks if run.run_id in rb.reruns), None)
    data["rerun"] = {
        "run_id": again.run_id,
        "status": str(again.status),
        "config_version": again.config_version,
        "decision": (again.decision or {}).get("outcome"),
        "guard_rollback": None if why is None else why.to_dict(),
    }
    return data


def print_summary(runs: list[Run], elapsed: float) -> None:
    """Counts per status and per decision, fallbacks per stage, the time it took, and each run
    that waits for a person (review, reject, failed) with its reasons."""
    table = Table(
        "status",
        "runs",
        title=f"{len(runs)} run(s) in {elapsed:.2f}s "
        f"({len(runs) / elapsed if elapsed else 0:.1f}/s)",
    )
    for status, n in sorted(Counter(str(r.status) for r in runs).items()):
        table.add_row(status, str(n))
    console.print(table)
    decisions = Counter((r.decision or {}).get("outcome") or "none" for r in runs)
    console.print(
        "decisions: " + ", ".join(f"{outcome} {n}" for outcome, n in sorted(decisions.items())),
        markup=False,
        highlight=False,
    )
    fallbacks = Counter(a.stage_id for r in runs for a in r.attempts if a.outcome == "fallback")
    if fallbacks:
        console.print(
            "fallbacks: " + ", ".join(f"{stage} {n}" for stage, n in sorted(fallbacks.items()))
        )
    print_explanations(runs)


def print_runs(runs: list[Run]) -> None:
    """The runs table: short run id, file, status, decision, invoice number, seller, total and
    why; the worker column once workers ran something or a run is running (its lease holder),
    and the lease of each running run (how old the run, when its lease expires).

    Each row stays on one line, the reason taking the width the other columns leave (under 100
    columns the invoice number and seller are left out, under 180 the version; file, seller and
    the others are cut first so that the reason keeps room): a cut file name keeps its end (`rech…
    de.pdf`), every other cut value ends with `…`, and `turnout runs show RUN` gives it in full."""
    workers = any(
        r.worker and (r.origin is RunOrigin.QUEUE or r.status is RunStatus.RUNNING) for r in runs
    )
    leases = any(r.status is RunStatus.RUNNING and r.lease_expires_at for r in runs)
    caps = _caps(console.width)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=0)
    table.add_column("run", no_wrap=True, min_width=SHORT_ID)
    for name in ("file", "status", "version", "decision", "invoice", "seller"):
        if caps[name]:
            table.add_column(name, no_wrap=True, max_width=caps[name])
    table.add_column("total", justify="right", no_wrap=True)
    table.add_column("reason", min_width=12)  # the one column narrowed to fit the width
    if workers:
        table.add_column("worker", no_wrap=True)
    if leases:
        table.add_column("running for", justify="right", no_wrap=True)
        table.add_column("lease", no_wrap=True)
    now = dt.datetime.now(dt.UTC)
    for r in runs:
        cells = {
            "file": r.file_name,
            "status": str(r.status),
            "version": str(r.config_version) if r.config_version is not None else "-",
            "decision": decision_label(r),
            "invoice": (r.invoice or {}).get("invoice_number") or "",
            "seller": seller(r.invoice),
        }
        row = [
            Text(short_id(r.run_id)),
            *(
                _middle(value, caps[name]) if name == "file" else _one_line(value)
                for name, value in cells.items()
                if caps[name]
            ),
            Text(total(r.invoice)),
            _one_line("; ".join(reasons(r))),
        ]
        if workers:
            row.append(Text(r.worker or "-"))
        if leases:
            row += map(Text, _lease_cells(r, now))
        table.add_row(*row)
    console.print(table)


# the widest each column of `turnout runs` may be (0: left out) under 100, 140 and 180 columns
# and wider: the reason takes the rest, at least about a third of the line from 120 columns on
# (under 100 the file stays, operators know a run by it, and the invoice and seller give way)
_NARROW = {"file": 18, "status": 12, "version": 0, "decision": 10, "invoice": 0, "seller": 0}
_MEDIUM = {"file": 15, "status": 9, "version": 0, "decision": 8, "invoice": 11, "seller": 8}
_WIDE = {"file": 18, "status": 15, "version": 0, "decision": 12, "invoice": 14, "seller": 16}
_WIDEST = {"file": 32, "status": 23, "version": 7, "decision": 20, "invoice": 20, "seller": 28}


def _caps(width: int) -> dict[str, int]:
    """The column caps for a terminal `width` columns wide."""
    if width < 100:
        return _NARROW
    return _MEDIUM if width < 140 else _WIDE if width < 180 else _WIDEST


def _one_line(value: str) -> Text:
    """A cell that the table narrows to fit the terminal, cut with `…`, never wrapped."""
    return Text(value, no_wrap=True, overflow="ellipsis")


def _middle(value: str, width: int) -> Text:
    """A file name cut in its middle to `width`, so that its end (a number, the extension) that
    tells it from its neighbours stays."""
    if len(value) <= width:
        return Text(value, no_wrap=True, overflow="ellipsis")
    tail = (width - 1) // 2
    return Text(value[: width - 1 - tail] + "…" + value[len(value) - tail :], no_wrap=True)


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
        from turnout.views import run_to_dict

        now = dt.datetime.now(dt.UTC)
        emit_json([{**run_to_dict(r), **lease_json(r, now)} for r in found])
    else:
        print_runs(found)


@runs_app.command()
def show(
    run_id: Annotated[
        str, typer.Argument(help="The run id, or its first characters (see `turnout runs`).")
    ],
    json_: JsonOpt = False,
) -> None:
    """One run as a page: stages, invoice, findings, decision and reasons, review.

    Its stages (module, outcome, time), the invoice's fields (each with its confidence and where
    on the page it was read), the findings, the decision with its reasons, and what people did
    in review. `--json` gives the run's JSON."""
    app = get_app()
    full_id = find_run_id(app, run_id)
    with app.database.reader() as uow:
        run = uow.runs.get(full_id)
        records = uow.reviews.for_run(full_id) if run is not None else []
    if run is None:
        raise fail(f"run {run_id} does not exist; `turnout runs` lists them")
    if json_:
        from turnout.views import run_to_dict

        emit_json(run_to_dict(run))
        return
    print_run_page(run, records)


def find_run_id(app: App, given: str) -> str:
    """The full id of the run that `given` names: a run id, or the first characters of one (at
    least 4) that no other run id starts with."""
    with app.database.reader() as uow:
        if uow.runs.get(given) is not None:
            return given
        if len(given) < MIN_PREFIX:
            raise fail(
                f"run {given} does not exist; give a run id or at least its first {MIN_PREFIX} "
                "characters (`turnout runs` shows them)"
            )
        found = uow.runs.ids_starting(given, limit=3)
    if not found:
        raise fail(f"no run id starts with {given}; `turnout runs` lists the runs")
    if len(found) > 1:
        shown = ", ".join(found[:2]) + (", ..." if len(found) > 2 else "")
        raise fail(f"{given} is the start of several run ids ({shown}); give more characters")
    return found[0]
