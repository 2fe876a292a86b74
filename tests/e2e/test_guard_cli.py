"""`turnout config guard` and a guard tripping under `turnout process`: the process that sees the
failed run rolls back and runs the file again on the restored version. On SQLite only (each
command is a process of its own; both databases are covered by tests/integration/test_guard_*)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from turnout.bootstrap import bundled_examples


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_config_guard_follows_a_guard_that_trips_under_turnout_process(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    exported = yaml.safe_load(cli("config", "export", "1", check=True).stdout)
    exported["selections"]["intake"]["settings"] = {"max_bytes": 100}
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(exported))
    version = cli("config", "create", "-f", str(path), "--json", actor="ann", check=True).json()[
        "version"
    ]
    cli("config", "activate", str(version), "--guard-runs", "5", actor="ann", check=True)
    watching = cli("config", "guard", "--json", check=True).json()
    assert (watching["version"], watching["status"], watching["previous_version"]) == (
        version,
        "watching",
        1,
    )
    text = cli("config", "guard", check=True).stdout
    assert "watching" in text and "0 run(s) seen of 5" in text and "failure rate" in text

    invoice = tmp_path / "ubl.xml"
    invoice.write_bytes(
        next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_bytes()
    )
    # failed on the guarded version, then re-run on the restored version: every file completed
    processed = cli("process", str(invoice))
    assert processed.code == 0, processed.stderr
    assert (
        f"guard rolled back version {version} → {version + 1} after 1 run(s); 1 failed run(s) "
        f"re-run on version {version + 1}: 1 completed"
    ) in processed.stdout
    assert "failed (exit" not in processed.stderr

    tripped = cli("config", "guard", "--json", check=True).json()
    assert tripped["status"] == "tripped" and tripped["rollback_version"] == version + 1
    assert [b["what"] for b in tripped["breaches"]] == ["failure_rate"]
    assert "rolled back" in cli("config", "guard", check=True).stdout
    runs = cli("runs", "--json", check=True).json()
    assert sorted((r["config_version"], r["status"]) for r in runs) == [
        (version, "failed"),
        (version + 1, "completed"),
    ]
    # nothing is owed: the process re-ran its failed run; by hand, the same answer, audited
    assert cli("config", "guard", "--rerun", "--json", actor="ann", check=True).json() == {
        "rerun": 0
    }
    events = cli("events", "--action", "guard", "--json", check=True).json()
    assert [e["message"] for e in events if e["actor"] == "ann"] == [
        "re-run by hand: no tripped guard owes a re-run"
    ]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_turnout_process_json_carries_the_rerun_of_a_run_that_failed_on_a_rolled_back_version(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    exported = yaml.safe_load(cli("config", "export", "1", check=True).stdout)
    exported["selections"]["intake"]["settings"] = {"max_bytes": 100}
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(exported))
    version = cli("config", "create", "-f", str(path), "--json", actor="ann", check=True).json()[
        "version"
    ]
    activated = cli("config", "activate", str(version), "--guard-runs", "5", actor="ann")
    assert "no baseline: absolute limits" in activated.stdout  # version 1 never ran
    assert "no baseline: absolute limits" in cli("config", "guard", check=True).stdout
    invoice = tmp_path / "ubl.xml"
    invoice.write_bytes(
        next(p for p in bundled_examples() if p.name == "ubl-invoice.xml").read_bytes()
    )

    processed = cli("process", str(invoice), "--json")

    assert processed.code == 0, processed.stderr
    [run] = processed.json()
    assert (run["status"], run["config_version"]) == ("failed", version)
    rerun = run["rerun"]
    assert (rerun["status"], rerun["config_version"]) == ("completed", version + 1)
    assert rerun["guard_rollback"]["message"] == (
        f"guard rolled back version {version} → {version + 1} after 1 run(s); 1 failed run(s) "
        f"re-run on version {version + 1}: 1 completed"
    )
    assert rerun["guard_rollback"]["message"] in processed.stderr
