"""`turnout submit` and `turnout worker`: the worker queue on PostgreSQL (docs/distributed.md)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from turnout.cli.batch import collect, print_skipped
from turnout.cli.common import JsonOpt, console, emit_json, get_app
from turnout.cli.tables import fitted, folded, narrow, one_line
from turnout.domain.errors import QueueUnavailable, RequestError
from turnout.domain.runs import DEFAULT_MAX_SUBMIT_BYTES

if TYPE_CHECKING:
    from turnout.runtime.queue_worker import Submitted

DEFAULT_MAX_SUBMIT_MB = DEFAULT_MAX_SUBMIT_BYTES / 2**20


def submit(
    paths: Annotated[list[Path], typer.Argument(help="Invoice files or folders.")],
    again: Annotated[
        bool, typer.Option("--again", help="Queue files already submitted once more.")
    ] = False,
    max_mb: Annotated[
        float, typer.Option(min=0.001, help="The largest file accepted, in MiB.")
    ] = DEFAULT_MAX_SUBMIT_MB,
    json_: JsonOpt = False,
) -> None:
    """Queue files for the workers (`turnout worker`); needs PostgreSQL.

    Each file is stored once by its SHA-256 and gets one queued run, enqueued in the same
    transaction. A file submitted before is recognised and not queued again (unless --again)."""
    from turnout.runtime.queue_worker import submit as submit_files

    app = get_app()
    _need_queue(app.database.dialect)
    collected = collect(paths)
    print_skipped(collected.skipped, json_)
    found = collected.files
    if not found:
        raise RequestError("no invoice files found (looked for .pdf, .xml, .png, .jpg, .tif)")
    max_bytes = int(max_mb * 2**20)
    too_big = [p for p in found if p.stat().st_size > max_bytes]
    if too_big:  # refused before anything is stored
        raise RequestError(
            f"{len(too_big)} file(s) over {max_mb:g} MiB, nothing was submitted: "
            + ", ".join(str(p) for p in too_big[:5])
            + "; raise --max-mb if they are real invoices"
        )
    files = ((p.name, p.read_bytes()) for p in found)  # read batch by batch, not all at once
    done = submit_files(app.unit_of_work, files, app.clock, again=again, max_bytes=max_bytes)
    if json_:
        emit_json(
            [
                {
                    "file": d.file_name,
                    "sha256": d.sha256,
                    "run_id": d.run_id,
                    "status": str(d.status),
                    "queued": d.queued,
                }
                for d in done
            ]
        )
        return
    print_submitted(done)


def print_submitted(done: list[Submitted]) -> None:
    """The submitted files with their runs. Below NARROW columns the run id stays whole on one
    line, the file name folds and `no (submitted before)` reads `no (before)`."""
    table = fitted(
        folded("file"),
        one_line("run"),
        one_line("status"),
        one_line("queued"),
        title=f"{len(done)} file(s)",
    )
    before = "no (before)" if narrow() else "no (submitted before)"
    for d in done:
        table.add_row(Text(d.file_name), d.run_id, str(d.status), "yes" if d.queued else before)
    console.print(table)


def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Runs at once in this worker process.")
    ] = 2,
    lease: Annotated[
        float,
        typer.Option(
            min=2.0, help="Seconds a run's lease lasts without a heartbeat before it is reaped."
        ),
    ] = 30.0,
    shutdown_deadline: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="On SIGTERM, seconds runs in flight may go on before they are handed back.",
        ),
    ] = 30.0,
    until_empty: Annotated[
        bool, typer.Option("--until-empty", help="Exit when the queue has no job left.")
    ] = False,
    metrics_port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Serve Prometheus metrics on this port."),
    ] = None,
) -> None:
    """Process queued runs; run any number of these, on any number of machines, on one
    PostgreSQL. SIGTERM: stop taking runs, finish or hand back the ones in flight."""
    from prometheus_client import start_http_server

    from turnout.distributed.worker import WorkerOptions, WorkerProcess
    from turnout.runtime.installation import SourcePruning

    app = get_app()
    _need_queue(app.database.dialect)
    logging.basicConfig(level=app.settings.log_level.upper(), format="%(message)s")
    queue_worker = app.queue_worker(lease_s=lease)
    if metrics_port is not None:
        start_http_server(metrics_port, registry=app.metrics.registry)
    options = WorkerOptions(
        concurrency=concurrency,
        lease_s=lease,
        shutdown_deadline_s=shutdown_deadline,
        until_empty=until_empty,
    )
    console.print(f"worker {queue_worker.name}: {concurrency} at once, lease {lease:g}s")
    pruning = SourcePruning(app.installation).start()  # past retention: now, then hourly
    try:
        processed = WorkerProcess(app.settings.database_url, queue_worker, options).run()
    finally:
        pruning.stop()
    console.print(f"worker {queue_worker.name} stopped after {processed} run(s)")


def _need_queue(dialect: str) -> None:
    if dialect != "postgresql":
        raise QueueUnavailable.on(dialect)
