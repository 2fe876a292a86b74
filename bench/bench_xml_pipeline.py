"""XML e-invoices through the whole default pipeline (intake -> export, persisted to SQLite),
side by side with the same modules called directly, in one run.

The invoices are the bundled UBL invoice, UBL credit note and CII invoice, each made distinct for
every round (its own invoice number, and an issue date one day earlier per round), as an AP inbox
is mostly new invoices. The same files sent again unchanged are timed too: every repeat is then
found by duplicate detection, which reads more of the history.

Each mode is timed in BLOCKS blocks taken in turn (so drift on a shared machine hits all alike),
after a warm-up block; the figures are medians over the blocks. Prints
`BENCH xml_invoices_per_s <v>` (distinct invoices, whole pipeline, one process running one
invoice at a time, wall clock: the fsync of each export file included),
`BENCH xml_invoices_per_cpu_s <v>` (the same invoices per second of the process's CPU time: the
rate of one fully busy core), `BENCH xml_duplicates_per_s <v>` (the same files again and again)
and `BENCH xml_pipeline_overhead_ratio <direct module rate / pipeline rate>` (the direct chain
has no EN 16931 validation, duplicate check or persistence).
Target (issue 4): at least 200 invoices/s per core.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from lxml import etree

from turnout.bootstrap import bootstrap, bundled_examples
from turnout.domain.artifacts import Source
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.runner import Runner
from turnout.settings import Settings

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))  # rounds of the three files in a block
BLOCKS = int(os.environ.get("BENCH_BLOCKS", "5"))
CHAIN = [
    "intake.standard",
    "einvoice.xml",
    "normalize.standard",
    "validate.basic",
    "route.rules",
    "export.json",
]
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
# (invoice number, issue date, date format) of each syntax
PATHS = {
    "ubl": ("/*/cbc:ID", "/*/cbc:IssueDate", "%Y-%m-%d"),
    "cii": (
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID",
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
        "%Y%m%d",
    ),
}


def distinct(name: str, data: bytes, i: int) -> tuple[str, bytes]:
    """The invoice with number `<number>-<i>` and its issue date `i` days earlier."""
    root = etree.fromstring(data)
    number_path, date_path, fmt = PATHS["cii" if "CrossIndustryInvoice" in root.tag else "ubl"]
    (number,) = root.xpath(number_path, namespaces=NS)
    (issued,) = root.xpath(date_path, namespaces=NS)
    number.text = f"{number.text}-{i}"
    day = dt.datetime.strptime(issued.text.strip(), fmt) - dt.timedelta(days=i)
    issued.text = day.strftime(fmt)
    return f"{i}-{name}", etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@contextmanager
def _pipeline_app(warm: tuple[str, bytes]) -> Iterator[Runner]:
    """A runner on a fresh SQLite database with the default configuration, warmed up."""
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), database_url=f"sqlite:///{home}/turnout.db")
        app = bootstrap(settings)
        app.init("bench")
        app.runner.run_bytes(*warm)  # plan built, modules warmed
        try:
            yield app.runner
        finally:
            app.close()


def _timed_runs(runner: Runner, items: list[tuple[str, bytes]]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) to run `items` one after the other."""
    t0, c0 = time.perf_counter(), time.process_time()
    for name, data in items:
        run = runner.run_bytes(name, data)
        assert run.status == "completed", run.reason
    return time.perf_counter() - t0, time.process_time() - c0


def _timed_direct(modules: list[StageModule], items: list[tuple[str, bytes]], home: Path) -> float:
    t0 = time.perf_counter()
    for i, (name, data) in enumerate(items):
        artifacts = Artifacts([Source(name, data)])
        for module in modules:
            ctx = RunContext(
                f"direct-{i}-{name}", 1, module.spec.stage_id, module.spec.module_id, home
            )
            for item in module.process(artifacts, ctx):
                artifacts.add(item)
    return time.perf_counter() - t0


def main() -> int:
    files = [(p.name, p.read_bytes()) for p in bundled_examples() if p.suffix == ".xml"]
    per_block = ROUNDS * len(files)
    numbers = iter(range(1, 10**9))

    def fresh() -> list[tuple[str, bytes]]:
        """The next block of invoices never sent before."""
        return [distinct(name, data, i) for i in islice(numbers, ROUNDS) for name, data in files]

    again = [item for _ in range(ROUNDS) for item in files]
    registry = ModuleRegistry.discover()
    modules = [registry.instantiate(m, {}) for m in CHAIN]
    rates: dict[str, list[float]] = {"pipeline": [], "duplicates": [], "direct": [], "cpu": []}
    with (
        _pipeline_app(distinct(*files[0], 0)) as pipeline,
        _pipeline_app(files[0]) as duplicates,
        tempfile.TemporaryDirectory() as direct_home,
    ):
        _timed_runs(pipeline, fresh())  # one block each before timing
        _timed_runs(duplicates, again)
        for _ in range(BLOCKS):  # the three modes in turn, so drift hits each alike
            wall_s, cpu_s = _timed_runs(pipeline, fresh())
            rates["pipeline"].append(per_block / wall_s)
            rates["cpu"].append(per_block / cpu_s)
            rates["duplicates"].append(per_block / _timed_runs(duplicates, again)[0])
            rates["direct"].append(per_block / _timed_direct(modules, fresh(), Path(direct_home)))
    for mode, values in rates.items():
        print(f"{mode:10} invoices/s per block: {', '.join(f'{v:.0f}' for v in values)}")
    pipeline_rate = statistics.median(rates["pipeline"])
    print(f"BENCH xml_invoices_per_s {pipeline_rate:.1f}")
    print(f"BENCH xml_invoices_per_cpu_s {statistics.median(rates['cpu']):.1f}")
    print(f"BENCH xml_duplicates_per_s {statistics.median(rates['duplicates']):.1f}")
    overhead = statistics.median(rates["direct"]) / pipeline_rate
    print(f"BENCH xml_pipeline_overhead_ratio {overhead:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
