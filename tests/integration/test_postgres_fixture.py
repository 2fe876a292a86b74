"""The PostgreSQL fixture skips with a reason locally, and fails loudly under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "tests/integration/test_unit_of_work.py::test_changes_are_kept_only_after_commit[postgresql]"
)
NOWHERE = "postgresql://postgres@127.0.0.1:1/postgres"


def run_probe(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    environment.update(env, TURNOUT_TEST_PG_URL=NOWHERE)
    return subprocess.run(
        [sys.executable, "-m", "pytest", PROBE, "-p", "no:cacheprovider", "-p", "no:xdist", "-rs"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_unreachable_server_skips_the_postgresql_cases_with_the_fix() -> None:
    result = run_probe()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert (
        "PostgreSQL not reachable at 127.0.0.1:1: set TURNOUT_TEST_PG_URL or start it"
        in result.stdout
    )


def test_an_unreachable_server_fails_the_postgresql_cases_under_ci() -> None:
    result = run_probe(CI="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "skipped" not in result.stdout
    assert "CI=true requires PostgreSQL" in result.stdout
