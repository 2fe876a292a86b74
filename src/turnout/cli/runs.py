"""`turnout process` and `turnout runs`: put files through the pipeline, look at what happened."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from turnout.cli.common import JsonOpt, console, emit_json, fail, get_app
from turnout.domain.runs import Run, RunStatus
from turnout.runtime.serialize import run_to_dict

runs_app = typer.Typer(
    help="List runs, or show one with every stage attempt.", invoke_without_command=True
)

ACCEPTED_SUFFIXES = {".pdf", ".xml", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named, plus the invoice files inside folders named (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in ACCEPTED_SUFFIXES
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise fail(f"{path} does not exist; give invoice files or folders")
    return files


def process(
    paths: Annotated[list[Path], typer.Argument(help="Invoice files or folders.")],
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1, max=256, help="Runs at once (default: $TURNOUT_CONCURRENCY or CPU count)."
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Run files or folders through the active configuration, several at once."""
    files = collect_files(paths)
    if not files:
        raise fail("no invoice files found (looked for .pdf, .xml, .png, .jpg, .tif)")
    app = get_app()
    runner = app.runner
    workers = concurrency or app.settings.workers
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
        task = progress.add_task(f"processing with {workers} at once", total=len(files))
        runs = runner.run_many(files, workers, on_done=lambda _run: progress.advance(task))
    elapsed = time.perf_counter() - started
    if json_:
        emit_json([run_to_dict(r) for r in runs])
        return
    print_runs(runs)
    print_summary(runs, elapsed)


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
    workers = any(r.worker for r in runs)  # the worker column, once workers ran something
    table = Table(
        Column("file", no_wrap=True), "status", "version", "invoice", "total", "decision", "reason"
    )
    if workers:
        table.add_column("worker", no_wrap=True)
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
        table.add_row(*row, *([r.worker or "-"] if workers else []))
    console.print(table)


def print_stages(run: Run) -> None:
    table = Table(
        "stage", "module", "outcome", "ms", "detail", title=f"{run.file_name}: {run.status}"
    )
    for a in run.attempts:
        detail = a.error or str(
            a.summary.get("reason") or ", ".join(a.summary.get("produced") or [])
        )
        colour = {"ok": "green", "skipped": "dim", "fallback": "yellow"}.get(str(a.outcome), "red")
        table.add_row(
            a.stage_id,
            a.module_id or "-",
            f"[{colour}]{a.outcome}[/{colour}]",
            f"{a.duration_ms:.1f}",
            detail,
        )
    console.print(table)


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
        emit_json([run_to_dict(r) for r in found])
    else:
        print_runs(found)


@runs_app.command()
def show(
    run_id: Annotated[str, typer.Argument(help="The run id (see `turnout runs`).")],
    json_: JsonOpt = False,
) -> None:
    """One run with every stage attempt and the extracted invoice."""
    with get_app().unit_of_work() as uow:
        run = uow.runs.get(run_id)
    if run is None:
        raise fail(f"run {run_id} does not exist; `turnout runs` lists them")
    if json_:
        emit_json(run_to_dict(run))
        return
    print_stages(run)
    if run.invoice:
        emit_json(run.invoice)
