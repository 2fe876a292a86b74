"""What the deep contract checks cost on the hot path: `problems()` of every artifact a run
produces, side by side with the modules that produce them, in one run.

The bundled UBL invoice, UBL credit note and CII invoice go through the XML chain (intake,
einvoice, normalize, validate.en16931, route, export) called directly; every artifact produced is
kept. Then, in BLOCKS blocks taken in turn, the chain is timed and the envelope's check of the
same artifacts (`problems()` of each) is timed. Prints
`BENCH contract_check_us_per_invoice <v>` (microseconds of checks per invoice, median over blocks)
and `BENCH contract_check_share <v>` (check time over chain time: the fraction the checks add to
what the modules themselves cost).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from turnout.bootstrap import bundled_examples
from turnout.domain.artifacts import Artifact, Source
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.runtime.registry import ModuleRegistry

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))
BLOCKS = int(os.environ.get("BENCH_BLOCKS", "5"))
CHAIN = [
    "intake.standard",
    "einvoice.xml",
    "normalize.standard",
    "validate.en16931",
    "route.rules",
    "export.json",
]


def _chain(
    modules: list[StageModule], files: list[tuple[str, bytes]], home: Path, block: int
) -> tuple[float, list[Artifact]]:
    produced: list[Artifact] = []
    t0 = time.perf_counter()
    for i, (name, data) in enumerate(files):
        artifacts = Artifacts([Source(name, data)])
        for module in modules:
            spec = module.spec
            ctx = RunContext(f"b{block}-{i}-{name}", 1, spec.stage_id, spec.module_id, home)
            for item in module.process(artifacts, ctx):
                artifacts.add(item)
                produced.append(item)
    return time.perf_counter() - t0, produced


def _checks(produced: list[Artifact]) -> float:
    t0 = time.perf_counter()
    for item in produced:
        if item.problems():
            raise AssertionError(f"a built-in module's output breaks its schema: {item.problems()}")
    return time.perf_counter() - t0


def main() -> int:
    files = [(p.name, p.read_bytes()) for p in bundled_examples() if p.suffix == ".xml"]
    block_files = files * ROUNDS
    registry = ModuleRegistry.discover()
    modules = [registry.instantiate(m, {}) for m in CHAIN]
    chain_s: list[float] = []
    check_s: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        _chain(modules, block_files, Path(home), -1)  # warm-up
        for block in range(BLOCKS):
            seconds, produced = _chain(modules, block_files, Path(home), block)
            chain_s.append(seconds)
            check_s.append(_checks(produced))
    per_invoice_us = statistics.median(check_s) / len(block_files) * 1e6
    share = statistics.median(c / m for c, m in zip(check_s, chain_s, strict=True))
    print(f"chain {statistics.median(chain_s) / len(block_files) * 1e6:.0f} us per invoice")
    print(f"BENCH contract_check_us_per_invoice {per_invoice_us:.1f}")
    print(f"BENCH contract_check_share {share:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
