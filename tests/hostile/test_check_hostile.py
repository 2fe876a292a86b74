"""`turnout check` (no database) on the PDFs whose attachment or page content inflates to GiBs,
beside a valid hybrid PDF."""

from __future__ import annotations

import json
import os
from pathlib import Path

from support.hostile_runs import MAX_ABOVE_BASELINE_MB, MAX_SECONDS, TURNOUT
from support.peak_rss import run_measured
from turnout.bootstrap import bundled_examples

BOMBS = {
    "inflating-attachment.pdf": "`max_inflated_bytes`",
    "inflating-content.pdf": "`max_content_bytes`",
    "operator-content.pdf": "`max_content_bytes`",
}


def test_check_refuses_inflating_pdfs_from_a_bounded_count_and_checks_the_others(
    attack_dir: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "TURNOUT_HOME": str(tmp_path / "never-initialised")}
    env.pop("TURNOUT_DATABASE_URL", None)
    hybrid = str(next(p for p in bundled_examples() if p.name == "facturx-invoice.pdf"))
    baseline = run_measured([str(TURNOUT), "check", hybrid, "--json"], env)
    assert baseline.code == 0, baseline.stderr
    files = [str(attack_dir / name) for name in BOMBS]
    checked = run_measured([str(TURNOUT), "check", *files, hybrid, "--json"], env)
    assert checked.code == 2, checked.stderr  # some files could not be read
    *bombs, valid = json.loads(checked.stdout)
    for result, setting in zip(bombs, BOMBS.values(), strict=True):
        assert setting in result["error"], result
        assert "(a decompression bomb, or a very unusual file)" in result["error"], result
    assert valid["valid"] is True
    assert checked.peak_mb <= baseline.peak_mb + MAX_ABOVE_BASELINE_MB
    assert checked.seconds <= MAX_SECONDS
