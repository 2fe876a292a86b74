"""Four eyes, installation settings and source retention with the real `turnout` command: the
four-eyes flow on both databases, the settings and pruning commands on SQLite (the services
are tested on PostgreSQL in tests/integration)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update

from turnout.bootstrap import bundled_examples
from turnout.persistence import Database
from turnout.persistence.tables import runs, sources

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@SQLITE_ONLY  # the service and the API run four eyes on both databases
def test_four_eyes_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)  # ann: admin and maintainer
    cli("users", "add", "bob", "--role", "maintainer", actor="ann", check=True)
    cli("users", "add", "vic", "--role", "viewer", actor="ann", check=True)
    cli("users", "add", "ole", "--role", "operator", actor="ann", check=True)
    # only an admin turns four eyes on; the refusal is audited
    refused = cli("settings", "set", "four_eyes", "true", actor="bob")
    assert refused.code == 2 and "may not change installation settings" in refused.stderr
    on = cli("settings", "set", "four_eyes", "true", actor="ann", check=True)
    assert "four_eyes = true" in on.stdout and "turnout config approve" in on.stdout
    assert "TURNOUT_ACTOR" in on.stdout  # on the command line, four eyes trust the machine
    helped = cli("config", "approve", "--help", check=True).stdout
    assert "maintainer who did not write it" in helped and "TURNOUT_ACTOR" in helped

    exported = cli("config", "export", "1", check=True).stdout
    shown = cli("config", "show", "1", check=True).stdout  # four eyes on: who approved it
    assert "approved by: nobody yet" in shown
    path = tmp_path / "same.yaml"
    path.write_text(exported)
    cli("config", "create", "-f", str(path), "--summary", "second", actor="ann", check=True)
    held = cli("config", "activate", "2", "--json", actor="ann", check=True).json()
    assert held["status"] == "awaiting_approval" and "turnout config approve 2" in held["message"]

    own = cli("config", "approve", "2", actor="ann")
    assert own.code == 2 and "wrote version 2, so may not approve it" in own.stderr
    viewer = cli("config", "approve", "2", "--json", actor="vic")
    assert viewer.code == 2 and viewer.json()["error"] == "PermissionDenied"
    operator = cli("config", "approve", "2", actor="ole")  # an operator is no maintainer
    assert operator.code == 2 and "it needs the maintainer role" in operator.stderr

    approved = cli("config", "approve", "2", actor="bob", check=True)
    assert "version 2 approved by bob" in approved.stdout
    assert "before" not in approved.stdout
    assert "next: `turnout config activate 2`" in approved.stdout
    again = cli("config", "approve", "2", actor="bob", check=True)  # as the event says
    assert "version 2 approved by bob (approved by them before)" in again.stdout
    assert cli("config", "activate", "2", "--json", actor="ann", check=True).json()["status"] == (
        "active"
    )
    rolled = cli("config", "rollback", "1", "--json", actor="ann", check=True).json()
    assert rolled["status"] == "active" and "needs no approval" in rolled["message"]
    trail = cli("events", "--json", check=True).json()
    assert {(e["action"], e["result"], e["actor"], e["config_version"]) for e in trail} >= {
        ("setting", "refused", "bob", None),
        ("setting", "ok", "ann", None),
        ("request", "pending", "ann", 2),
        ("approve", "refused", "ann", 2),
        ("approve", "refused", "vic", 2),
        ("approve", "refused", "ole", 2),
        ("approve", "ok", "bob", 2),
        ("activate", "ok", "ann", 2),
    }


@SQLITE_ONLY
def test_settings_and_pruning_from_the_command_line(cli, db_url: str) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    xml = [p for p in bundled_examples() if p.name in ("ubl-invoice.xml", "cii-invoice.xml")]
    done = cli("process", *map(str, xml), "--json", check=True).json()
    assert {r["status"] for r in done} == {"completed"}
    shown = cli("settings", "--json", check=True).json()
    assert set(shown["settings"]) == {
        "four_eyes",
        "source_retention_days",
        "trial_share",
        "guard_webhook_url",
    }
    trial_share = shown["settings"]["trial_share"]
    assert (trial_share["value"], trial_share["default"]) == (0.25, 0.25)
    assert "run slots" in trial_share["description"]
    assert shown["sources"]["files"] == 2 and shown["sources"]["bytes"] > 0
    wrong = cli("settings", "set", "retention_days", "30", actor="ann")
    assert wrong.code == 2 and "did you mean `source_retention_days`?" in wrong.stderr
    kept = cli("settings", "prune-sources", "--json", actor="ann", check=True).json()
    assert kept["deleted"] == 0 and kept["source_retention_days"] is None

    old_run = next(r["run_id"] for r in done if r["file"] == "ubl-invoice.xml")
    _age(db_url, old_run, days=40)  # stands for forty days passing for this run
    changed = cli("settings", "set", "source_retention_days", "30", actor="ann", check=True)
    assert "source_retention_days = 30" in changed.stdout
    pruned = cli("settings", "prune-sources", "--json", actor="ann", check=True).json()
    assert pruned["deleted"] == 1 and pruned["sources"]["files"] == 1
    # the run's record stays; a trial of recent runs has one file left to run on
    assert cli("runs", "show", old_run, "--json", check=True).json()["status"] == "completed"
    tried = cli("config", "try", "1", "--last", "5", "--json", actor="ann", check=True).json()
    assert tried["runs"] == 1
    table = cli("settings", check=True).stdout
    assert "source_retention_days │ 30" in table and "source files kept: 1" in table
    trail = cli("events", "--json", check=True).json()
    [retention] = [e for e in trail if e["action"] == "retention"]
    assert retention["actor"] == "ann" and "deleted 1 source file(s)" in retention["message"]
    assert [e["result"] for e in trail if e["action"] == "setting"] == ["ok", "refused"]


def _age(db_url: str, run_id: str, days: int) -> None:
    """Move a run and every stored source back `days` days (the other run, still recent, keeps
    its own source)."""
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    database = Database(db_url)
    try:
        with database.engine.begin() as conn:
            conn.execute(update(sources).values(created_at=then))
            conn.execute(update(runs).where(runs.c.run_id == run_id).values(created_at=then))
    finally:
        database.dispose()


@SQLITE_ONLY
def test_with_four_eyes_off_config_show_says_nothing_of_approvals(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    shown = cli("config", "show", "1", check=True).stdout
    assert "approved" not in shown and "nobody yet" not in shown
