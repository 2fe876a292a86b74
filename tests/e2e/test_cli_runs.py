"""`turnout runs` and `turnout runs show` as an operator reads them: the lease of each running run
(who holds it, when it expires), and each attempt's role and trigger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from turnout.domain.runs import Run, RunStatus
from turnout.persistence import Database


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
