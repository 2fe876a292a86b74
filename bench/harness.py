"""What the benchmarks share: timing blocks, and a run through the runner's stages without a database.

bench/ is not a package: a benchmark puts its own folder on `sys.path`, then imports `harness`.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

from turnout.domain.artifacts import Source
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration, ModuleSelection
from turnout.domain.runs import Run, RunStatus
from turnout.isolation import IsolatedCall
from turnout.runtime.execution import PlanExecutor
from turnout.runtime.plan import build_plan
from turnout.runtime.registry import ModuleRegistry


def time_per_run_ns(fn: Callable[[], object], n: int) -> float:
    """Call `fn` `n` times after a full collection; nanoseconds per call."""
    gc.collect()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - t0) / n


def interleaved_medians(
    modes: Mapping[str, tuple[Callable[[], object], int]], repeats: int
) -> dict[str, list[float]]:
    """Time every mode `repeats` times, one block of each in turn (so drift on a shared machine
    hits all of them alike), after a warm-up round; returns ns per call of each block."""
    for fn, n in modes.values():
        time_per_run_ns(fn, max(n // 10, 10))
    samples: dict[str, list[float]] = {name: [] for name in modes}
    for _ in range(repeats):
        for name, (fn, n) in modes.items():
            samples[name].append(time_per_run_ns(fn, n))
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def in_memory_config(selections: Mapping[str, str]) -> ModuleConfiguration:
    """An active configuration selecting `selections` (stage -> module id), never stored."""
    config_id = str(uuid.uuid4())
    return ModuleConfiguration(
        config_id=config_id,
        version=1,
        status=ConfigStatus.ACTIVE,
        created_by="bench",
        created_at=dt.datetime.now(dt.UTC),
        summary="benchmark configuration",
        selections={
            stage: ModuleSelection(str(uuid.uuid4()), config_id, stage, module_id)
            for stage, module_id in selections.items()
        },
    )


def in_memory_run(
    registry: ModuleRegistry,
    config: ModuleConfiguration,
    workspace: Path,
    filename: str,
    data: bytes,
) -> Callable[[], Run]:
    """A function running `data` through `config` in memory: every stage as `run_bytes` runs it
    (skip checks, RunContext, resilience envelope, attempts, contract checks, verdict) through
    the runner's `PlanExecutor`, without admission and without persistence."""
    plan = build_plan(config, registry, isolation=IsolatedCall)
    executor = PlanExecutor(workspace)

    def run() -> Run:
        started = dt.datetime.now(dt.UTC)
        run = Run(
            str(uuid.uuid4()),
            filename,
            config.config_id,
            config.version,
            RunStatus.RUNNING,
            started,
            started_at=started,
        )
        return executor.execute(run, plan, Source(filename, data))

    return run
