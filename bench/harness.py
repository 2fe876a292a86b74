"""What the benchmarks share: timing blocks, and a run through the runner without a database.

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
from turnout.runtime.plan import build_plan
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.runner import Runner


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


def _no_database() -> UnitOfWork:
    raise RuntimeError("an in-memory run touched the database; it must only call Runner._execute")


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
    registry: ModuleRegistry, config: ModuleConfiguration, workspace: Path, filename: str, data: bytes
) -> Callable[[], Run]:
    """A function running `data` through `config` in memory: every stage as the runner runs it
    (skip checks, RunContext, attempts, contract checks, verdict), no admission, no persistence.

    There is no public in-memory entry point on the runner yet, so this goes through
    `Runner._execute(run, plan, source)`, which is what `run_bytes` does between admitting and
    persisting a run. Replace it when the runner offers one.
    """
    plan = build_plan(config, registry)
    runner = Runner(_no_database, registry, workspace)

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
        runner._execute(run, plan, Source(filename, data))  # private: see the docstring
        return run

    return run
