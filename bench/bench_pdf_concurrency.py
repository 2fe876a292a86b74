"""PDF invoices through the default pipeline at `--concurrency` 1 and 4, with PDFium under one
lock in Turnout's process and with the PDF modules in worker processes (`isolation: process`).

PDFium is not thread-safe, so every call into it holds `PDFIUM_LOCK`: threads cannot read two
PDFs at once, only worker processes (each with a PDFium of its own) can. Three runners, each on a
fresh SQLite database with the default configuration changed only in where modules run:

- `lock`: every module inline (PDFium under the lock);
- `text`: text.pdfium and its text.ocr fallback in worker processes, intake.standard inline;
- `all`: intake.standard in worker processes too (then every XML e-invoice goes through one).

`pdf_concurrency_4_speedup` is what an operator gets: `turnout process FOLDER --concurrency 4`
over `--concurrency 1`, real commands on one SQLite database with the default configuration,
blocks taken in turn (`cli_speedup`); at 4 it spreads the batch over min(4, cores) processes when
the batch is large enough (`turnout.distributed.run_pool`). Rates come from the command's own summary
(its batch time, child processes' start included); the command's wall clock, which adds its own
start-up (about a second), is printed beside them.

In-process blocks (`Runner.run_many`, threads only): each runs a batch of distinct PDFs never sent before (`tests/support/invoice_pdfs.py`: English and German layouts, one
or two pages, every tenth a Factur-X hybrid) through `Runner.run_many`, as `turnout process
--concurrency N` does, and a batch of distinct CII e-invoices at concurrency 1 (the XML path must
not pay for the PDFs' isolation). Blocks of every mode are taken in turn, round after round, after
warm-up blocks that start every worker process; medians reported.

    .venv/bin/python bench/bench_pdf_concurrency.py
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from importlib.resources import files
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.invoice_pdfs import invoice_pdf, write_invoice_pdfs
from turnout.bootstrap import bootstrap
from turnout.runtime.config_document import ConfigDocument, PolicyDoc, SelectionDoc
from turnout.runtime.defaults import default_document
from turnout.runtime.runner import Runner
from turnout.settings import Settings

BATCH = int(os.environ.get("BENCH_BATCH", "40"))  # PDFs per block
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
XML_BATCH = int(os.environ.get("BENCH_XML_BATCH", "60"))
CLI_BATCH = int(os.environ.get("BENCH_CLI_BATCH", "400"))  # PDFs per `turnout process` block
CLI_ROUNDS = int(os.environ.get("BENCH_CLI_ROUNDS", "3"))
TURNOUT = Path(sys.executable).parent / "turnout"
_SUMMARY = re.compile(r"(\d+) run\(s\) in ([0-9.]+)s")
CII = (files("turnout") / "examples" / "cii-invoice.xml").read_bytes()


MODES = {"lock": (), "text": ("text",), "all": ("intake", "text")}


def document(isolated: tuple[str, ...]) -> ConfigDocument:
    """The default configuration with the modules of the `isolated` stages (the text fallback
    included) in worker processes, every other module inline."""
    doc = default_document()
    selections, policies = dict(doc.selections), dict(doc.policies)
    for stage in ("intake", "text"):
        where = {"isolation": "process" if stage in isolated else "inline"}
        selection = selections[stage]
        own = {k: v for k, v in selection.settings.items() if k != "isolation"}
        selections[stage] = SelectionDoc(selection.module, {**own, **where})
    text = policies["text"]
    policies["text"] = PolicyDoc(
        text.fallback,
        text.triggers,
        {**text.actions, "fallback_settings": {"isolation": "process" if isolated else "inline"}},
    )
    return replace(doc, summary="bench", selections=selections, policies=policies)


@contextmanager
def runner(isolated: tuple[str, ...], home: str, warm: bytes) -> Iterator[Runner]:
    """A runner on a fresh SQLite database whose active configuration is `document(isolated)`."""
    app = bootstrap(Settings(home=Path(home), database_url=f"sqlite:///{home}/turnout.db"))
    try:
        app.init("bench")
        service = app.configurations
        version = service.create(document(isolated), "bench").config.version
        report = service.validate(version, "bench")
        assert report.valid, report.problems
        service.activate(version, "bench")
        app.runner.run_bytes("warm.pdf", warm)  # plan built, workers and models warmed
        yield app.runner
    finally:
        app.close()


def default_mode() -> str:
    """Which of `MODES` the default configuration itself is, for text PDFs: where intake and
    text.pdfium run (the text.ocr fallback is never called on a PDF with a text layer)."""
    doc = default_document()
    isolated = tuple(
        stage
        for stage in ("intake", "text")
        if doc.selections[stage].settings.get("isolation") == "process"
    )
    return next(mode for mode, stages in MODES.items() if stages == isolated)


CORES: dict[str, list[float]] = {}  # seconds of this process's CPU time per wall-clock second


def rate(run: Runner, items: list[tuple[str, bytes]], concurrency: int, key: str = "") -> float:
    """Invoices per second, wall clock, for `items` at `concurrency`; every run must finish.

    With a `key`, also notes how many cores Turnout's own process kept busy (worker processes
    not counted): threads share one interpreter lock, so its Python work fits on one core.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    runs = run.run_many(items, concurrency)
    elapsed = time.perf_counter() - t0
    if key:
        CORES.setdefault(key, []).append((time.process_time() - c0) / elapsed)
    unfinished = [r for r in runs if r.status not in {"completed", "completed_with_fallback"}]
    assert not unfinished, [(r.file_name, r.status, r.reason) for r in unfinished[:3]]
    return len(items) / elapsed


def _children_cpu() -> float:
    """CPU seconds of the finished child processes of this one (and of theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> float:
    """Seconds every CPU of the machine has spent busy since boot (anyone's processes)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cli_speedup() -> float:
    """`turnout process --concurrency 4` over `--concurrency 1` on batches of `CLI_BATCH`
    distinct PDFs, blocks in turn, each file sent once; the median of each, and the ratio."""
    rates: dict[int, list[float]] = {1: [], 4: []}
    walls: dict[int, list[float]] = {1: [], 4: []}
    cores: dict[int, list[float]] = {1: [], 4: []}  # CPU of the command (children too) per second
    machine: dict[int, list[float]] = {1: [], 4: []}  # the whole machine's busy cores meanwhile
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TURNOUT_HOME": f"{home}/home", "COLUMNS": "200"}
        env.pop("TURNOUT_DATABASE_URL", None)
        subprocess.run([str(TURNOUT), "init"], env=env, check=True, capture_output=True)
        start = 0
        for round_ in range(CLI_ROUNDS + 1):  # the first round warms the disk cache
            for concurrency in (1, 4):
                folder = Path(home) / f"batch-{start}"
                write_invoice_pdfs(folder, CLI_BATCH, start=start)
                start += CLI_BATCH
                t0, c0, m0 = time.perf_counter(), _children_cpu(), _machine_busy()
                out = subprocess.run(
                    [str(TURNOUT), "process", str(folder), "--concurrency", str(concurrency)],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                wall = time.perf_counter() - t0
                cores[concurrency].append((_children_cpu() - c0) / wall)
                machine[concurrency].append((_machine_busy() - m0) / wall)
                found = _SUMMARY.search(out)
                assert found and int(found[1]) == CLI_BATCH, out[-2000:]
                if round_:
                    rates[concurrency].append(CLI_BATCH / float(found[2]))
                    walls[concurrency].append(CLI_BATCH / wall)
    for c in (1, 4):
        print(
            f"turnout process --concurrency {c} on {CLI_BATCH} PDFs, invoices/s per block: "
            f"{', '.join(f'{v:.1f}' for v in rates[c])} (command wall clock: "
            f"{', '.join(f'{v:.1f}' for v in walls[c])})"
        )
        print(
            f"  --concurrency {c}: the command kept {statistics.median(cores[c]):.2f} cores busy, "
            f"the whole machine {statistics.median(machine[c]):.2f} of {os.cpu_count()}"
        )
    wall_speedup = statistics.median(walls[4]) / statistics.median(walls[1])
    print(f"BENCH pdf_cli_c1_per_s {statistics.median(rates[1]):.1f}")
    print(f"BENCH pdf_cli_c4_per_s {statistics.median(rates[4]):.1f}")
    print(f"BENCH pdf_cli_c4_wall_speedup {wall_speedup:.2f}")
    return statistics.median(rates[4]) / statistics.median(rates[1])


def main() -> int:
    speedup = cli_speedup()
    numbers = count(1)

    def pdfs(n: int) -> list[tuple[str, bytes]]:
        return [(f"invoice-{i}.pdf", invoice_pdf(i)) for i in (next(numbers) for _ in range(n))]

    def xmls(n: int) -> list[tuple[str, bytes]]:
        return [
            (f"cii-{i}.xml", CII.replace(b"AVR-24-00317", f"XML-{i}".encode()))
            for i in (next(numbers) for _ in range(n))
        ]

    samples: dict[str, list[float]] = {}
    with ExitStack() as stack:
        runners = {
            mode: stack.enter_context(
                runner(stages, stack.enter_context(tempfile.TemporaryDirectory()), invoice_pdf(0))
            )
            for mode, stages in MODES.items()
        }
        for run in runners.values():  # warm-up blocks: every worker process started
            for _ in range(2):
                rate(run, pdfs(BATCH), 4)
            rate(run, xmls(XML_BATCH // 2), 1)
        for _ in range(ROUNDS):
            for mode, run in runners.items():
                for concurrency in (1, 4):
                    key = f"{mode}_c{concurrency}"
                    samples.setdefault(key, []).append(rate(run, pdfs(BATCH), concurrency, key))
                samples.setdefault(f"{mode}_xml", []).append(rate(run, xmls(XML_BATCH), 1))
    for key, values in samples.items():
        print(f"{key:8} invoices/s per block: {', '.join(f'{v:.1f}' for v in values)}")
    med = {key: statistics.median(values) for key, values in samples.items()}
    default = default_mode()
    print(f"{os.cpu_count()} CPUs; the default configuration is `{default}`")
    for mode in MODES:
        print(f"BENCH pdf_{mode}_c1_per_s {med[f'{mode}_c1']:.1f}")
        print(f"BENCH pdf_{mode}_c4_per_s {med[f'{mode}_c4']:.1f}")
        print(f"BENCH pdf_{mode}_c4_speedup {med[f'{mode}_c4'] / med[f'{mode}_c1']:.2f}")
        print(f"BENCH xml_{mode}_per_s {med[f'{mode}_xml']:.1f}")
        for c in (1, 4):
            cores = statistics.median(CORES[f"{mode}_c{c}"])
            print(f"{mode} at concurrency {c}: Turnout's process kept {cores:.2f} cores busy")
    print(f"BENCH pdf_lock_c4_process_cores {statistics.median(CORES['lock_c4']):.2f}")
    print(f"BENCH pdf_threads_c4_speedup {med[f'{default}_c4'] / med[f'{default}_c1']:.2f}")
    print(f"{os.cpu_count()} CPUs; batches of {CLI_BATCH} PDFs per `turnout process` block")
    print(f"BENCH pdf_concurrency_4_speedup {speedup:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
