"""`turnout submit` and `turnout worker` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.queue import prepare_queue
from turnout.bootstrap import bundled_examples

XML = [str(p) for p in bundled_examples() if p.suffix == ".xml"]


def test_submit_queues_files_once_and_a_worker_runs_them(cli, real_cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """`turnout worker` runs as the real console script (an event loop, its signal handlers, its
    process); the other commands in this process."""
    cli("init", check=True)
    if not db_url.startswith("postgresql"):
        refused = cli("submit", *XML)
        assert refused.code == 2
        assert "needs PostgreSQL" in refused.stderr and "turnout process" in refused.stderr
        assert real_cli("worker", "--until-empty").code == 2
        return
    prepare_queue(db_url)  # no job left over by other tests on this database
    too_big = cli("submit", *XML, "--max-mb", "0.001")
    assert too_big.code == 2 and "nothing was submitted" in too_big.stderr
    assert cli("runs", "--json", check=True).json() == []
    first = cli("submit", *XML, "--json", check=True).json()
    assert [f["queued"] for f in first] == [True] * len(XML)
    assert {f["status"] for f in first} == {"queued"}
    again = cli("submit", *XML, "--json", check=True).json()
    assert [(f["queued"], f["run_id"]) for f in again] == [(False, f["run_id"]) for f in first]
    queued = cli("runs", "--json", check=True).json()
    assert {r["status"] for r in queued} == {"queued"} and {
        r["config_version"] for r in queued
    } == {None}

    worked = real_cli("worker", "--until-empty", "--lease", "10", check=True)
    assert f"stopped after {len(XML)} run(s)" in worked.stdout
    runs = cli("runs", "--json", check=True).json()
    assert {r["status"] for r in runs} == {"completed"}
    assert {r["config_version"] for r in runs} == {1}
    worker = worked.stdout.split()[1].rstrip(":")
    assert {r["worker"] for r in runs} == {worker}
    table = cli("runs", check=True).stdout
    assert "worker" in table and worker[:12] in table


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_submit_says_what_is_missing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", check=True)
    nothing = tmp_path / "empty"
    nothing.mkdir()
    result = cli("submit", str(nothing))
    assert result.code == 2 and "no invoice files found" in result.stderr
