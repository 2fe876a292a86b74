"""Activation under load: runs flow through the pipeline (8 at once, each spending a few
milliseconds in its text stage) when a new version is activated. The activation is pending
until the runs in flight on the old version finish; then it switches and admission resumes.

Measured per round, side by side on SQLite and PostgreSQL (when reachable):
- switch: from the last old-version run finishing to the new version being active
  (`BENCH activation_switch_ms`, median over rounds; target under 100 ms),
- pause: from the activation request to the first run admitted on the new version
  (`BENCH activation_pause_ms`), i.e. how long new invoices waited at the gate,
- and it checks that no run was lost and none ran on two versions.

Env: BENCH_ROUNDS (default 5), BENCH_RUNS runs per round (default 300).
"""

from __future__ import annotations

import dataclasses
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:
    sys.path.insert(0, BENCH_DIR)

from bench_runs_per_second import _postgres_database  # noqa: E402
from noop_modules import NOOP_MODULES, NOOP_SELECTIONS, PDF_BYTES, NoopText  # noqa: E402

from turnout.bootstrap import App, bootstrap  # noqa: E402
from turnout.domain.artifacts import Artifact  # noqa: E402
from turnout.domain.events import EventAction  # noqa: E402
from turnout.domain.modules import Artifacts, RunContext  # noqa: E402
from turnout.domain.runs import Run, RunStatus  # noqa: E402
from turnout.runtime.config_document import ConfigDocument, SelectionDoc  # noqa: E402
from turnout.runtime.registry import ModuleRegistry  # noqa: E402
from turnout.settings import Settings  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
RUNS = int(os.environ.get("BENCH_RUNS", "300"))
CONCURRENCY = 8
ACTOR = "bench"


class SlowText(NoopText):
    """The no-op text module, but it takes 2-6 ms, like a quick real module."""

    spec = dataclasses.replace(NoopText.spec, module_id="text.slow", name="Slow text")

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        time.sleep(random.uniform(0.002, 0.006))
        return super().process(inputs, context)


class SlowText2(SlowText):
    spec = dataclasses.replace(NoopText.spec, module_id="text.slow2", name="Slow text, again")


def main() -> int:
    results: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as home, _postgres_database() as pg_url:
        targets = {"sqlite": f"sqlite:///{home}/sqlite/turnout.db"}
        if pg_url is not None:
            targets["postgres"] = pg_url
        for name, url in targets.items():
            app = _app(Path(home) / name, url)
            try:
                results[name] = _rounds(app)
            finally:
                app.close()
    for name, (switch, pause) in results.items():
        print(
            f"{name:>8}: switch after last old run ms {_fmt(switch)}; pause of admission ms {_fmt(pause)}"
        )
    print(f"BENCH activation_switch_ms {statistics.median(results['sqlite'][0]):.2f}")
    print(f"BENCH activation_pause_ms {statistics.median(results['sqlite'][1]):.2f}")
    if "postgres" in results:
        print(
            f"BENCH postgres_activation_switch_ms {statistics.median(results['postgres'][0]):.2f}"
        )
    return 0


def _app(home: Path, url: str) -> App:
    registry = ModuleRegistry.discover().with_classes([*NOOP_MODULES, SlowText, SlowText2])
    app = bootstrap(Settings(home=home, database_url=url, log_level="error"), registry=registry)
    app.init(ACTOR)
    _activate(app, "text.slow", wait=True)
    return app


def _activate(app: App, text_module: str, wait: bool = False) -> int:
    version = _prepare(app, text_module)
    result = app.configurations.activate(version, ACTOR)
    assert result.status in ("active", "pending"), result.message
    return version


def _prepare(app: App, text_module: str) -> int:
    """A new validated version selecting `text_module`, ready to activate."""
    service = app.configurations
    selections = {s: SelectionDoc(m) for s, m in NOOP_SELECTIONS.items()} | {
        "text": SelectionDoc(text_module)
    }
    version = service.create(
        ConfigDocument(f"bench: {text_module}", selections), ACTOR
    ).config.version
    assert service.validate(version, ACTOR).valid
    return version


def _rounds(app: App) -> tuple[list[float], list[float]]:
    pairs: list[tuple[float, float]] = []
    i = 0
    while len(pairs) < ROUNDS:
        pair = _one_round(app, i)
        i += 1
        if pair is not None:
            pairs.append(pair)
        elif i > 3 * ROUNDS:
            raise RuntimeError(
                "the activation never had to wait: the pipeline is too idle to measure"
            )
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _one_round(app: App, i: int) -> tuple[float, float] | None:
    """One activation in the middle of RUNS runs: (switch ms, pause ms); None when the activation
    happened to find nothing in flight (it is then immediate and there is nothing to measure)."""
    runner = app.runner
    finished = threading.Semaphore(0)
    runs: list[Run] = []

    def work() -> None:
        items = [("bench.pdf", PDF_BYTES)] * RUNS
        runs.extend(runner.run_many(items, CONCURRENCY, on_done=lambda _r: finished.release()))

    new = _prepare(app, "text.slow2" if i % 2 == 0 else "text.slow")
    worker = threading.Thread(target=work)
    worker.start()
    for _ in range(RUNS // 3):  # let the pipeline fill up first
        finished.acquire()
    result = app.configurations.activate(new, ACTOR)
    worker.join()
    if result.status == "active":
        return None
    assert len(runs) == RUNS and all(r.status is RunStatus.COMPLETED for r in runs)
    with app.unit_of_work() as uow:
        events = uow.events.list(limit=10)
    switch = next(e for e in events if e.action is EventAction.SWITCH and e.config_version == new)
    request = next(
        e for e in events if e.action is EventAction.ACTIVATE and e.config_version == new
    )
    old = [r for r in runs if r.config_version != new]
    later = [r for r in runs if r.config_version == new]
    assert all(r.created_at <= request.created_at for r in old), (
        "a run was admitted on the old version late"
    )
    assert all(r.created_at >= switch.created_at for r in later), (
        "a run started on the new version too early"
    )
    last_old = max(r.finished_at for r in old if r.finished_at)
    switch_ms = (switch.created_at - last_old).total_seconds() * 1000
    pause_ms = (min(r.created_at for r in later) - request.created_at).total_seconds() * 1000
    return switch_ms, pause_ms


def _fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})"


if __name__ == "__main__":
    sys.exit(main())
