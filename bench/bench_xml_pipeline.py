"""XML e-invoices through the whole default pipeline (intake -> export, persisted to SQLite),
side by side with the same modules called directly, in one run.

The invoices are the bundled UBL invoice, UBL credit note and CII invoice, each made distinct for
every round (its own invoice number, and an issue date one day earlier per round), as an AP inbox
is mostly new invoices. The same files sent again unchanged are timed too: every repeat is then
found by duplicate detection, which reads more of the history.

Prints `BENCH xml_invoices_per_s <v>` (distinct invoices, whole pipeline, one process, one core),
`BENCH xml_duplicates_per_s <v>` (the same files again and again) and
`BENCH xml_pipeline_overhead_ratio <pipeline time / direct module time>`.
Target (PRODUCT.md section 8, issue 4): at least 200 invoices/s per core.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from turnout.bootstrap import bootstrap, bundled_examples
from turnout.domain.artifacts import Source
from turnout.domain.modules import Artifacts, RunContext
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.runner import Runner
from turnout.settings import Settings

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "100"))
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


def _pipeline(items: list[tuple[str, bytes]], warm: tuple[str, bytes]) -> float:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), database_url=f"sqlite:///{home}/turnout.db")
        app = bootstrap(settings)
        app.init("bench")
        runner: Runner = app.runner
        runner.run_bytes(*warm)  # warm-up: plan built, modules warmed
        t0 = time.perf_counter()
        for name, data in items:
            run = runner.run_bytes(name, data)
            assert run.status == "completed", run.reason
        elapsed = time.perf_counter() - t0
        app.close()
    return elapsed


def main() -> int:
    files = [(p.name, p.read_bytes()) for p in bundled_examples() if p.suffix == ".xml"]
    new = [distinct(name, data, i + 1) for i in range(ROUNDS) for name, data in files]
    again = [item for _ in range(ROUNDS) for item in files]
    pipeline_s = _pipeline(new, distinct(*files[0], 0))
    duplicates_s = _pipeline(again, files[0])
    with tempfile.TemporaryDirectory() as home:
        direct_s = _direct(new, Path(home))
    n = len(new)
    print(
        f"{n} distinct XML invoices: pipeline {pipeline_s:.3f}s, modules called directly "
        f"{direct_s:.3f}s; the same {len(files)} files {ROUNDS} times: {duplicates_s:.3f}s"
    )
    print(f"BENCH xml_invoices_per_s {n / pipeline_s:.1f}")
    print(f"BENCH xml_duplicates_per_s {len(again) / duplicates_s:.1f}")
    print(f"BENCH xml_pipeline_overhead_ratio {pipeline_s / direct_s:.2f}")
    return 0


def _direct(files: list[tuple[str, bytes]], home: Path) -> float:
    registry = ModuleRegistry.discover()
    modules = [registry.instantiate(m, {}) for m in CHAIN]
    t0 = time.perf_counter()
    for i, (name, data) in enumerate(files):
        artifacts = Artifacts([Source(name, data)])
        for module in modules:
            ctx = RunContext(
                f"direct-{i}-{name}", 1, module.spec.stage_id, module.spec.module_id, home
            )
            for item in module.process(artifacts, ctx):
                artifacts.add(item)
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
