"""XML e-invoices through the whole default pipeline (intake -> export, persisted to SQLite),
side by side with the same modules called directly, in one run.

Prints `BENCH xml_invoices_per_s <v>` (whole pipeline, one process, one core) and
`BENCH xml_pipeline_overhead_ratio <pipeline time / direct module time>`.
Target (PRODUCT.md section 8): at least 200 invoices/s per core.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> int:
    files = [(p.name, p.read_bytes()) for p in bundled_examples() if p.suffix == ".xml"]
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), database_url=f"sqlite:///{home}/turnout.db")
        app = bootstrap(settings)
        app.init("bench")
        runner: Runner = app.runner
        runner.run_bytes(*files[0])  # warm-up: plan built, modules warmed
        t0 = time.perf_counter()
        for _ in range(ROUNDS):
            for name, data in files:
                run = runner.run_bytes(name, data)
                assert run.status == "completed", run.reason
        pipeline_s = time.perf_counter() - t0
        direct_s = _direct(files, Path(home))
        app.close()
    n = ROUNDS * len(files)
    print(f"{n} XML invoices: pipeline {pipeline_s:.3f}s, modules called directly {direct_s:.3f}s")
    print(f"BENCH xml_invoices_per_s {n / pipeline_s:.1f}")
    print(f"BENCH xml_pipeline_overhead_ratio {pipeline_s / direct_s:.2f}")
    return 0


def _direct(files: list[tuple[str, bytes]], home: Path) -> float:
    registry = ModuleRegistry.discover()
    modules = [registry.instantiate(m, {}) for m in CHAIN]
    t0 = time.perf_counter()
    for i in range(ROUNDS):
        for name, data in files:
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
