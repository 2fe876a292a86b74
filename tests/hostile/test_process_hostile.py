"""`turnout process` on a folder of attacks and plain invoices, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from support.hostile_runs import (
    MAX_ABOVE_BASELINE_MB,
    MAX_SECONDS,
    PLAIN,
    assert_refused_within_budget,
    turnout,
)


def test_a_batch_of_attacks_is_refused_within_budget_and_the_rest_completes(
    attack_dir: Path, turnout_env: dict[str, str]
) -> None:
    baseline = turnout(turnout_env, "process", str(attack_dir / PLAIN[1]), "--json")
    assert baseline.code == 0, baseline.stderr
    # one at a time: the peak is then one attack's, not the sum of several run side by side
    batch = turnout(turnout_env, "process", str(attack_dir), "--json", "--concurrency", "1")
    runs = json.loads(batch.stdout)
    assert_refused_within_budget(runs)
    assert batch.peak_mb <= baseline.peak_mb + MAX_ABOVE_BASELINE_MB, (
        f"peak {batch.peak_mb:.0f} MB, a plain run {baseline.peak_mb:.0f} MB"
    )
    for run in runs:
        took = _seconds(run["finished_at"]) - _seconds(run["created_at"])
        assert took <= MAX_SECONDS, (run["file"], took)


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()
