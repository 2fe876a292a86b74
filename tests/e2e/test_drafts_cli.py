"""Drafts that help, from the command line (SQLite and PostgreSQL): `config create` answers with
every problem at once and exits 2 for a stored draft with problems, errors say "did you mean" and
the expected form in words, `config delete` archives, `config show` follows the pipeline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from support.e2e_support import DEFAULT_STAGES

# the README's configuration example, as written there (`text.ocr` as the text fallback)
README_EXAMPLE = """\
summary: stricter routing
selections:
  intake:    {module: intake.standard, settings: {max_bytes: 20000000, max_pages: 50}}
  einvoice:  {module: einvoice.xml}
  text:      {module: text.pdfium, settings: {min_chars: 40}}
  extract:   {module: extract.heuristic}
  normalize: {module: normalize.standard}
  validate:  {module: validate.basic}
  route:     {module: route.rules, settings: {review_above: "10000.00"}}
  export:    {module: export.json, settings: {directory: exports}}
policies:            # per stage, stored with the version (a rollback restores them too)
  text:
    fallback: text.ocr               # any module of the same contract
    triggers: [error, timeout, unavailable, empty_output]
    actions: {timeout_s: 60, retry: {attempts: 2, backoff_s: 0.2},
              circuit: {failure_rate: 0.5, window: 20, open_s: 30}, on_exhausted: review}
  extract:
    triggers: [low_confidence]
    actions: {low_confidence_below: 0.7, on_exhausted: review}
"""
REGEX = re.compile(r"\^\[|\]\{|\\\.|\$'")

# the messages do not depend on the database: one database (the lifecycle runs on both)
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _file(tmp_path: Path, name: str, data: dict | str) -> str:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return str(path)


@SQLITE_ONLY
def test_create_lists_every_problem_in_words_and_exits_2_for_a_stored_draft(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    doc = yaml.safe_load(cli("config", "export", "1", check=True).stdout)
    doc["selections"]["route"]["settings"] = {"review_abov": "10", "currencies": ["eur"]}
    doc["policies"] = {"route": {"triggers": ["error"], "actions": {"timout_s": 5}}}
    path = _file(tmp_path, "typos.yaml", doc)
    stored = cli("config", "create", "-f", path, actor="ann")
    assert stored.code == 2, stored.stderr
    out = " ".join(stored.stdout.split())
    assert "created version 2 as a draft with 3 problem(s)" in out
    assert "unknown setting `review_abov`; did you mean `review_above`?" in out
    assert "a three-letter currency code in capitals, such as EUR" in out
    assert "unknown policy action `timout_s`; did you mean `timeout_s`?" in out
    assert "`turnout config delete 2`" in out and not REGEX.search(out)
    as_json = cli("config", "create", "-f", path, "--json", actor="ann")
    assert as_json.code == 2
    body = as_json.json()
    assert (body["version"], body["status"], body["valid"]) == (3, "draft", False)
    assert len(body["problems"]) == 3
    shown = cli("config", "show", "3", check=True).stdout
    assert "currencies: [eur]" in shown  # a value, not taken for markup
    validated = cli("config", "validate", "3", actor="ann")
    assert validated.code == 2 and "`turnout config export 3 > v3.yaml`" in validated.stdout


@SQLITE_ONLY
def test_the_readme_example_is_created_validated_and_exits_0(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    path = _file(tmp_path, "next.yaml", README_EXAMPLE)
    created = cli("config", "create", "-f", path, "--summary", "route above 10k", actor="ann")
    assert created.code == 0, created.stdout + created.stderr
    assert "created version 2 and validated it" in created.stdout
    assert "`turnout config activate 2`" in created.stdout
    again = cli("config", "validate", "2", actor="ann", check=True)
    assert "version 2 is valid" in again.stdout and "`turnout config activate 2`" in again.stdout


@SQLITE_ONLY
def test_refused_files_say_where_and_what_nothing_is_stored(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    broken = _file(tmp_path, "broken.yaml", "selections:\n  intake: module: x\n")
    result = cli("config", "create", "-f", broken, actor="ann")
    err = result.stderr
    assert result.code == 2 and "line 2, column 17" in err
    assert "  intake: module: x" in err and "^" in err and "fix the syntax" not in err
    doc = yaml.safe_load(cli("config", "export", "1", check=True).stdout)
    doc["selections"]["extract"] = {"module": "extract.layot"}
    doc["selections"]["routing"] = {"module": "route.rules"}
    unknown = cli("config", "create", "-f", _file(tmp_path, "u.yaml", doc), actor="ann")
    err = " ".join(unknown.stderr.split())
    assert unknown.code == 2
    assert "did you mean `extract.layout`?" in err and "did you mean `route`?" in err
    as_json = cli("config", "create", "-f", _file(tmp_path, "u.yaml", doc), "--json", actor="ann")
    refused = as_json.json()
    assert as_json.code == 2 and refused["error"] == "InvalidConfiguration"
    assert {(p["stage"], p["module"]) for p in refused["problems"]} >= {
        ("extract", "extract.layot"),
        ("routing", None),
    }
    history = cli("config", "history", "--json", check=True).json()
    assert [h["version"] for h in history] == [1]


def test_delete_archives_a_draft_hidden_from_history_but_shown_and_audited(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    doc = yaml.safe_load(cli("config", "export", "1", check=True).stdout)
    doc["guard"] = {"runs": 30, "failure_rate_points": 2}
    cli("users", "add", "bob", "--role", "maintainer", actor="ann", check=True)
    cli("config", "create", "-f", _file(tmp_path, "g.yaml", doc), actor="ann", check=True)
    cli("config", "approve", "2", actor="bob", check=True)
    shown = cli("config", "show", "2", check=True).stdout
    rows = [line.split()[1] for line in shown.splitlines() if line.split()[1:2] != []]
    stages = [r for r in rows if r in DEFAULT_STAGES]
    assert stages == [s for s in DEFAULT_STAGES if s in stages] and len(stages) >= 8
    assert "guard: {runs: 30" in shown and "approved by: bob" in shown
    as_json = cli("config", "show", "2", "--json", check=True).json()
    assert list(as_json["selections"]) == [s for s in DEFAULT_STAGES if s in stages]
    assert [a["by"] for a in as_json["approvals"]] == ["bob"]

    deleted = cli("config", "delete", "2", actor="ann", check=True)
    assert "version 2 deleted" in deleted.stdout
    assert [h["version"] for h in cli("config", "history", "--json", check=True).json()] == [1]
    listed = cli("config", "history", "--all", "--json", check=True).json()
    assert {h["version"]: h["status"] for h in listed} == {1: "active", 2: "archived"}
    assert cli("config", "show", "2", "--json", check=True).json()["status"] == "archived"
    refused = cli("config", "delete", "1", actor="ann")
    assert refused.code == 2 and "version 1 is active; cannot delete it" in refused.stderr
    events = cli("events", "--json", check=True).json()
    assert [(e["action"], e["result"]) for e in events[:2]] == [
        ("delete", "refused"),
        ("delete", "ok"),
    ]


@SQLITE_ONLY
def test_activation_awaiting_approval_is_yellow_exit_0_and_says_what_to_do(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    cli("settings", "set", "four_eyes", "true", actor="ann", check=True)
    doc = yaml.safe_load(cli("config", "export", "1", check=True).stdout)
    doc["selections"]["route"]["settings"] = {"review_above": "50.00"}
    cli("config", "create", "-f", _file(tmp_path, "s.yaml", doc), actor="ann", check=True)
    waiting = cli("config", "activate", "2", actor="ann")
    assert waiting.code == 0, waiting.stderr
    assert waiting.stdout.startswith("awaiting_approval: ")
    assert "`turnout config approve 2`" in waiting.stdout
