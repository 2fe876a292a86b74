"""`turnout runs` and `turnout runs show` as an operator reads them: the lease of each running run
(who holds it, when it expires), each attempt's role and trigger, and each run's decision and
reasons on one line whatever the terminal's width (`turnout process` lists them too)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from support.in_process import run_turnout
from turnout.bootstrap import bundled_examples
from turnout.domain.runs import Run, RunStatus
from turnout.persistence import Database

# The flows here are the command's (or the API's); the database work under them is tested on
# SQLite and on PostgreSQL in tests/integration, so these end-to-end runs use SQLite.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


ACME = next(p for p in bundled_examples() if p.name == "invoice-acme-en.pdf")


def test_runs_show_each_lease_and_each_attempts_trigger(  # type: ignore[no-untyped-def]
    cli, db_url: str, tmp_path: Path
) -> None:
    cli("init", actor="ann", check=True)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf at all")
    processed = cli("process", str(junk), "--json")
    assert processed.code == 3, processed.stderr  # its run failed
    [rejected] = processed.json()
    db = Database(db_url)
    try:
        with db.unit_of_work() as uow:
            active = uow.configurations.pointers().active
            assert active is not None
            now = dt.datetime.now(dt.UTC)
            for n, holder in enumerate(("box:7:aaaaaa", "box:8:bbbbbb")):
                uow.runs.add(
                    Run(
                        f"run-{n}",
                        f"f{n}.pdf",
                        active.config_id,
                        active.version,
                        RunStatus.RUNNING,
                        now,
                        started_at=now,
                        worker=holder,
                    ),
                    lease_s=60,
                )
            uow.commit()
    finally:
        db.dispose()
    listed = cli("runs", "--status", "running", "--json", check=True).json()
    assert {r["run_id"]: r["lease_holder"] for r in listed} == {
        "run-0": "box:7:aaaaaa",
        "run-1": "box:8:bbbbbb",
    }
    assert all(r["worker"] == r["lease_holder"] and r["origin"] == "local" for r in listed)
    assert all(40 < r["lease_expires_in_s"] <= 60 for r in listed)
    table = cli("runs", "--status", "running", check=True).stdout
    assert "box:7:aaaaaa" in table and "expires in" in table
    shown = cli("runs", "show", rejected["run_id"], check=True).stdout
    header = next(line for line in shown.splitlines() if "stage" in line and "module" in line)
    assert "role" in header and "trigger" in header
    intake = next(line for line in shown.splitlines() if "intake.standard" in line)
    assert "primary" in intake and "rejected" in intake and "error" in intake


def test_runs_and_process_say_each_decision_and_why_on_one_line_per_run(  # type: ignore[no-untyped-def]
    cli, db_url: str, tmp_path: Path
) -> None:
    cli("init", actor="ann", check=True)
    again = tmp_path / "acme-again.pdf"
    shutil.copyfile(ACME, again)
    cli("process", str(ACME), check=True)
    processed = cli("process", str(again), check=True).stdout
    [run] = cli("runs", "--limit", "1", "--json", check=True).json()
    short = run["run_id"][:8]
    assert "decisions: review 1" in processed
    assert "1 run(s) for a person to look at (the review queue):" in processed
    assert f"{short} acme-again.pdf: completed" in processed
    assert f"- duplicate of run {run['decision']['reasons'][0].split()[3]}" in processed

    for columns in (80, 120, 200):
        table = _turnout(db_url, tmp_path, columns, "runs").splitlines()
        assert len(table) == 4, table  # the header, its rule and one line for each of 2 runs
        assert all(len(line) <= columns for line in table)
        row = next(line for line in table if line.startswith(short))
        assert "review" in row and "7826.38 USD" in row and "duplicate" in row
        assert "acme-again.pdf" in row  # the file stays at 80; the invoice and seller give way
        if columns >= 100:
            assert "ACM-24-0173" in row and "Acme" in row
    wide = _turnout(db_url, tmp_path, 200, "runs")
    assert "acme-again.pdf" in wide and "Acme Robotics, Inc." in wide


def _turnout(db_url: str, tmp_path: Path, columns: int, *args: str) -> str:
    """`turnout ARGS` in a terminal `columns` wide (the `cli` fixture's is 200), in this process."""
    env = {
        **os.environ,
        "TURNOUT_HOME": str(tmp_path / "home"),
        "TURNOUT_DATABASE_URL": db_url,
        "COLUMNS": str(columns),
    }
    code, stdout, stderr = run_turnout(args, env, tmp_path)
    assert code == 0, f"turnout {' '.join(args)} exited {code}: {stderr}"
    return stdout
