"""Trial runs (`turnout config try`) against normal processing, side by side in one run.

Generated XML e-invoices (the bundled UBL invoice, UBL credit note and CII invoice, each made
distinct for every round as bench_xml_pipeline.py does: its own invoice number, an issue date a
day earlier) go through the default configuration on SQLite, one at a time (`runner.run_bytes`:
admit, run, persist, export file): that is normal processing. A trial then runs the same version
over those recorded runs (`App.trials.run` with `--last` the block's size): the stored sources
read back, each run executed in shadow (its own plan and breakers, writing nothing, the
history as each recorded run saw it, nothing delivered), compared field by field with the
recording, the report built and the trial stored and audited. The process's concurrency is 4,
so a trial takes one run slot at a time (trial_share 0.25): both sides run one invoice at a time.

Blocks are taken in turn (normal, then a trial of what it just recorded), after a warm-up block,
with a `gc.collect()` before each; the figures are medians over the blocks. Prints
`BENCH trial_runs_per_s` (runs tried per second, whole trial, wall clock),
`BENCH normal_runs_per_s` and `BENCH trial_runs_ratio` (trial / normal; target >= 0.8).
Needs no corpus.

Env: BENCH_ROUNDS rounds of the three files in a block (default 40), BENCH_BLOCKS (5).
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

BENCH_DIR = str(Path(__file__).resolve().parent)
if BENCH_DIR not in sys.path:  # bench/ is not a package; runpy.run_path does not add it
    sys.path.insert(0, BENCH_DIR)

from bench_xml_pipeline import distinct  # noqa: E402

from turnout.bootstrap import App, bootstrap, bundled_examples  # noqa: E402
from turnout.domain.trial import TrialScope, TrialStatus  # noqa: E402
from turnout.settings import Settings  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
BLOCKS = int(os.environ.get("BENCH_BLOCKS", "5"))
ACTOR = "bench"


def _normal(app: App, items: list[tuple[str, bytes]]) -> float:
    """Seconds to process `items` one after the other."""
    gc.collect()
    t0 = time.perf_counter()
    for name, data in items:
        run = app.runner.run_bytes(name, data)
        assert run.status == "completed", run.reason
    return time.perf_counter() - t0


def _trial(app: App, version: int, runs: int) -> float:
    """Seconds for a whole trial of `version` on the last `runs` recorded runs."""
    gc.collect()
    t0 = time.perf_counter()
    trial = app.trials.run(version, TrialScope(last=runs), ACTOR)
    elapsed = time.perf_counter() - t0
    assert trial.status is TrialStatus.DONE and trial.report is not None, trial.error
    assert trial.report["runs"] == runs, trial.report["runs"]
    assert trial.report["changed_runs"] == 0, "the same version must change nothing"
    return elapsed


def main() -> int:
    files = [(p.name, p.read_bytes()) for p in bundled_examples() if p.suffix == ".xml"]
    per_block = ROUNDS * len(files)
    numbers = iter(range(1, 10**9))

    def fresh() -> list[tuple[str, bytes]]:
        return [distinct(name, data, i) for i in islice(numbers, ROUNDS) for name, data in files]

    rates: dict[str, list[float]] = {"normal": [], "trial": []}
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(
            home=Path(home), database_url=f"sqlite:///{home}/turnout.db", concurrency=4
        )
        app = bootstrap(settings)
        try:
            app.init(ACTOR)
            version = app.configurations.get(None).version
            slots = app.trials.slots()
            _normal(app, fresh())  # warm-up: plans built, modules warmed, runs recorded
            _trial(app, version, per_block)
            for _ in range(BLOCKS):
                rates["normal"].append(per_block / _normal(app, fresh()))
                rates["trial"].append(per_block / _trial(app, version, per_block))
        finally:
            app.close()
    for mode, values in rates.items():
        print(f"{mode:7} runs/s per block: {', '.join(f'{v:.0f}' for v in values)}")
    print(f"trial slots: {slots} (trial_share 0.25 of concurrency 4); {per_block} runs a block")
    normal = statistics.median(rates["normal"])
    trial = statistics.median(rates["trial"])
    print(f"BENCH trial_runs_per_s {trial:.1f}")
    print(f"BENCH normal_runs_per_s {normal:.1f}")
    print(f"BENCH trial_runs_ratio {trial / normal:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
