"""Framework cost per stage, with ten no-op modules (bench/noop_modules.py), side by side in one run:

(a) direct: the ten modules' `process()` called in a loop, artifacts threaded by hand;
(b) Turnout in memory: the runner's per-stage work (skip checks, RunContext, resilience
    envelope, attempt records, contract checks, the verdict) through its `PlanExecutor`, without
    admission and without any database;
(c) Haystack 2.x: ten no-op `@component`s chained in a `Pipeline`, each taking the previous
    component's output and returning the same prebuilt artifact as its Turnout counterpart, in
    a dict, run with `Pipeline.run`.

No `from __future__ import annotations` here: Haystack reads `run()`'s annotations as types.

Prints `BENCH stage_overhead_us` ((b - a) per stage), `BENCH direct_call_us_per_stage`,
`BENCH haystack_overhead_us_per_stage` ((c - a) per stage) and `BENCH haystack_overhead_ratio`
(Haystack's overhead / Turnout's). Targets: Turnout <= 20 us per stage, at least 3x less than
Haystack. Figures are medians of BENCH_REPEATS blocks (modes interleaved, a warm-up round first).

Env: BENCH_REPEATS (default 9), BENCH_OVERHEAD_RUNS runs per block for (a) and (b) (default 2000),
BENCH_HAYSTACK_RUNS runs per block for (c) (default 300).
"""

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Haystack sends usage telemetry unless told not to; it reads this at import.
os.environ["HAYSTACK_TELEMETRY_ENABLED"] = "False"

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:  # bench/ is not a package; runpy.run_path does not add it
    sys.path.insert(0, BENCH_DIR)

from harness import in_memory_config, in_memory_run, interleaved_medians, median  # noqa: E402
from noop_modules import NOOP_MODULES, NOOP_SELECTIONS, PDF_BYTES, PREBUILT  # noqa: E402

from turnout.domain.artifacts import Artifact, Source  # noqa: E402
from turnout.domain.errors import NotApplicable  # noqa: E402
from turnout.domain.modules import Artifacts, RunContext  # noqa: E402
from turnout.domain.runs import RunStatus  # noqa: E402
from turnout.domain.stages import STAGES  # noqa: E402
from turnout.runtime.registry import ModuleRegistry  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "9"))
RUNS = int(os.environ.get("BENCH_OVERHEAD_RUNS", "2000"))
HAYSTACK_RUNS = int(os.environ.get("BENCH_HAYSTACK_RUNS", "300"))
N_STAGES = len(STAGES)
FILENAME = "noop.pdf"


def main() -> int:
    registry = ModuleRegistry.from_classes(NOOP_MODULES)
    with tempfile.TemporaryDirectory() as home:
        workspace = Path(home)
        modes = {
            "direct": (_direct_run(registry, workspace), RUNS),
            "turnout": (_turnout_run(registry, workspace), RUNS),
            "haystack": (_haystack_run(), HAYSTACK_RUNS),
        }
        samples = interleaved_medians(modes, REPEATS)
    median_us = {name: median(s) / 1000 for name, s in samples.items()}
    for name, s in samples.items():
        print(
            f"{name:>8}: median {median_us[name]:9.2f} us/run "
            f"(min {min(s) / 1000:.2f}, max {max(s) / 1000:.2f}; "
            f"{REPEATS} blocks of {modes[name][1]} runs, {N_STAGES} stages)"
        )
    direct = median_us["direct"] / N_STAGES
    turnout = (median_us["turnout"] - median_us["direct"]) / N_STAGES
    haystack = (median_us["haystack"] - median_us["direct"]) / N_STAGES
    print(f"BENCH stage_overhead_us {turnout:.2f}")
    print(f"BENCH direct_call_us_per_stage {direct:.3f}")
    print(f"BENCH haystack_overhead_us_per_stage {haystack:.2f}")
    print(f"BENCH haystack_overhead_ratio {haystack / turnout:.2f}")
    return 0


# -- (a) the modules called directly ---------------------------------------------------------


def _direct_run(registry: ModuleRegistry, workspace: Path) -> Callable[[], object]:
    modules = [registry.instantiate(cls.spec.module_id, {}) for cls in NOOP_MODULES]
    contexts = [
        RunContext("direct", 1, m.spec.stage_id, m.spec.module_id, workspace) for m in modules
    ]
    steps = list(zip(modules, contexts, strict=True))

    def run() -> Artifacts:
        artifacts = Artifacts([Source(FILENAME, PDF_BYTES)])
        for module, context in steps:
            try:
                produced = module.process(artifacts, context)
            except NotApplicable:
                continue
            for item in produced:
                artifacts.add(item)
        return artifacts

    produced = len(run().refs()) - 1  # less the source
    assert produced == N_STAGES - 1, "every stage but einvoice (not applicable) has an output"
    return run


# -- (b) Turnout's runner, in memory -----------------------------------------------------------


def _turnout_run(registry: ModuleRegistry, workspace: Path) -> Callable[[], object]:
    run = in_memory_run(registry, in_memory_config(NOOP_SELECTIONS), workspace, FILENAME, PDF_BYTES)
    first = run()
    assert first.status is RunStatus.COMPLETED, first.reason
    assert len(first.attempts) == N_STAGES, [a.stage_id for a in first.attempts]
    return run


# -- (c) Haystack 2.x --------------------------------------------------------------------------


def _haystack_component(stage_id: str, output: Artifact | None) -> type[Any]:
    """A no-op component class for `stage_id`: passes its input on when `output` is None."""
    from haystack import component

    @component.output_types(artifact=Artifact)
    def run(self: Any, previous: Artifact) -> dict[str, Artifact]:
        return {"artifact": previous if output is None else output}

    cls = type(f"Noop{stage_id.title()}Component", (), {"run": run, "__module__": __name__})
    decorated: type[Any] = component(cls)
    return decorated


def _haystack_run() -> Callable[[], object]:
    from haystack import Pipeline

    pipeline = Pipeline()
    previous: str | None = None
    for stage in STAGES:
        # einvoice does not apply to a PDF: like `einvoice.noop`, it adds nothing
        output = None if stage.stage_id == "einvoice" else PREBUILT[stage.stage_id][0]
        pipeline.add_component(stage.stage_id, _haystack_component(stage.stage_id, output)())
        if previous is not None:
            pipeline.connect(f"{previous}.artifact", f"{stage.stage_id}.previous")
        previous = stage.stage_id
    first = STAGES[0].stage_id

    def run() -> dict[str, Any]:
        return pipeline.run({first: {"previous": Source(FILENAME, PDF_BYTES)}})

    result = run()
    assert result[STAGES[-1].stage_id]["artifact"] == PREBUILT["export"][0], result
    return run


if __name__ == "__main__":
    sys.exit(main())
