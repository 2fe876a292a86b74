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
    assert cli("process", str(invoice), "--json").code == 3  # failed on the guarded version

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
