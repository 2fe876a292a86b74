"""The attacks uploaded to a running `turnout serve` in one request, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from support.hostile_runs import (
    ATTACKS,
    MAX_ABOVE_BASELINE_MB,
    MAX_SECONDS,
    PLAIN,
    assert_refused_within_budget,
    peak_while,
    served,
    upload,
)


def test_uploaded_attacks_are_refused_within_budget_and_the_server_stays_small(
    attack_dir: Path, turnout_env: dict[str, str], tmp_path: Path
) -> None:
    with served(turnout_env, tmp_path / "serve.log") as server:
        plain, baseline = peak_while(server.pid, lambda: upload(server, attack_dir, PLAIN[1:]))
        assert plain.status_code == 201, plain.text
        names = [a.name for a in ATTACKS] + list(PLAIN)
        response, peak = peak_while(server.pid, lambda: upload(server, attack_dir, names))
    assert response.status_code == 201, response.text
    assert_refused_within_budget(response.json())
    assert peak <= baseline + MAX_ABOVE_BASELINE_MB, f"peak {peak:.0f} MB, plain {baseline:.0f}"
    # the runs of one upload run side by side: the request as a whole stays within one budget
    assert response.elapsed.total_seconds() <= MAX_SECONDS * 2
