"""The configuration commands end to end: shapes of --json, exit codes, roles, audit trail."""

from __future__ import annotations

from pathlib import Path

import yaml

from support.e2e_support import DEFAULT_STAGES

HISTORY_KEYS = {"version", "status", "created_by", "created_at", "activated_at", "summary"}


def test_init_is_idempotent_and_activates_the_default(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = cli("init", "--json", actor="ann", check=True).json()
    assert first["activated_version"] == 1 and first["admin_created"] == "ann"
    assert first["modules_unavailable"] == []
    second = cli("init", "--json", actor="ann", check=True).json()
    assert second["activated_version"] is None and second["admin_created"] is None
    history = cli("config", "history", "--json", check=True).json()
    assert [h["version"] for h in history] == [1]
    assert set(history[0]) == HISTORY_KEYS and history[0]["status"] == "active"
    stages = cli("stages", "--json", check=True).json()
    assert [s["stage_id"] for s in stages] == DEFAULT_STAGES
    assert all(s["selected_module"] for s in stages if s["is_required"])


def test_config_lifecycle_and_rollback_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    exported = yaml.safe_load(cli("config", "export", "1", check=True).stdout)
    exported["selections"]["route"]["settings"] = {"review_above": "50.00"}
    path = tmp_path / "stricter.yaml"
    path.write_text(yaml.safe_dump(exported))
    created = cli(
        "config",
        "create",
        "-f",
        str(path),
        "--summary",
        "stricter",
        "--json",
        actor="ann",
        check=True,
    ).json()
    assert created["version"] == 2 and created["status"] == "validated"
    assert created["valid"] is True and created["problems"] == []
    # validating it again checks it again (no "only a draft is validated")
    assert cli("config", "validate", "2", "--json", actor="ann", check=True).json()["valid"] is True
    activated = cli("config", "activate", "2", "--json", actor="ann", check=True).json()
    assert set(activated) == {"version", "status", "message"}
    assert activated == {"version": 2, "status": "active", "message": activated["message"]}
    diff = cli("config", "diff", "1", "2", "--json", check=True).json()
    assert diff["changes"] == [
        {"path": "selections.route.settings.review_above", "before": None, "after": "50.00"}
    ]
    rolled = cli("config", "rollback", "1", "--json", actor="ann", check=True).json()
    assert rolled["version"] == 3 and rolled["status"] == "active"
    history = {
        h["version"]: h["status"] for h in cli("config", "history", "--json", check=True).json()
    }
    assert history == {1: "superseded", 2: "rolled_back", 3: "active"}
    shown = cli("config", "show", "active", "--json", check=True).json()
    assert (
        shown["selections"]
        == yaml.safe_load(cli("config", "export", "1", check=True).stdout)["selections"]
    )


def test_viewer_is_refused_with_exit_2_and_the_refusal_is_audited(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    cli("users", "add", "vera", "--role", "viewer", actor="ann", check=True)
    refused = cli("config", "rollback", "1", "--json", actor="vera")
    assert refused.code == 2
    assert "may not change configurations" in refused.stderr
    claimed = cli("users", "add", "vera", "--role", "admin", actor="vera")
    assert claimed.code == 2 and "only an admin" in claimed.stderr
    events = cli("events", "--json", check=True).json()
    assert [(e["action"], e["actor"], e["result"]) for e in events[:2]] == [
        ("user_add", "vera", "refused"),
        ("rollback", "vera", "refused"),
    ]


def test_invalid_configuration_file_is_refused_with_stage_module_and_fix(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    path = tmp_path / "bad.yaml"
    path.write_text(
        "selections:\n  intake: {module: intake.standard}\n  text: {module: extract.heuristic}\n"
    )
    stored = cli("config", "create", "-f", str(path), "--json", actor="ann")
    assert stored.code == 2  # stored as a draft with its problems: scripts notice
    created = stored.json()
    assert created["status"] == "draft" and created["valid"] is False and created["problems"]
    result = cli("config", "validate", str(created["version"]), "--json", actor="ann")
    assert result.code == 2
    problems = result.json()["problems"]
    assert any(
        p["stage"] == "text" and p["module"] == "extract.heuristic" and "text.pdfium" in p["fix"]
        for p in problems
    )
    assert any(
        p["stage"] == "export" and "required stage has no selection" in p["message"]
        for p in problems
    )
    assert cli("config", "show", "active", "--json", check=True).json()["version"] == 1
    missing = cli("config", "activate", "42", actor="ann")
    assert missing.code == 2 and "does not exist" in missing.stderr


def test_commands_before_init_say_to_run_init(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("runs", "--json")
    assert result.code in (0, 1)
