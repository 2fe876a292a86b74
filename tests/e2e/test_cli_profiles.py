"""`turnout profiles` on the profile a reviewer's correction taught: listed, shown with its
rules and versions, exported as an invoice2data template (to stdout and to a file), imported
back, and reset; a reviewer may not reset (refused, audited); an unknown issuer says how to find
the profiles."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from turnout.bootstrap import bundled_examples

# The review service and its queue are tested on PostgreSQL too (tests/integration,
# tests/e2e/api); the command line is the same on either database, so one flow runs on both.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

ACME = next(p for p in bundled_examples() if p.name == "invoice-acme-en.pdf")
SELLER = "Acme Robotics, Inc."


def _learned(cli: Any, tmp_path: Path) -> dict[str, Any]:
    """The Acme invoice processed twice (the copy goes to review), its number corrected and the
    run approved by rita: the profile that taught. Returns it as `profiles list` gives it."""
    cli("init", actor="ann", check=True)
    cli("users", "add", "rita", "--role", "reviewer", actor="ann", check=True)
    again = tmp_path / "acme-again.pdf"
    shutil.copyfile(ACME, again)
    cli("process", str(ACME), "--json", check=True)
    [run] = cli("process", str(again), "--json", check=True).json()
    cli(
        "review",
        "correct",
        run["run_id"][:8],
        "invoice_number=ACM-24-0173",
        "--approve",
        "--as",
        "rita",
        check=True,
    )
    [profile] = cli("profiles", "list", "--json", check=True).json()
    assert profile["name"] == SELLER and profile["updated_by"] == "rita"
    assert "invoice_number" in profile["fields"]
    return dict(profile)


@SQLITE_ONLY
def test_a_learned_profile_is_listed_shown_exported_imported_and_reset(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    profile = _learned(cli, tmp_path)
    key = profile["issuer_key"]
    listed = cli("profiles", "list", check=True).stdout
    assert key in listed and "1 profile(s)" in listed

    shown = cli("profiles", "show", SELLER, check=True).stdout  # found by its name too
    assert key in shown and "invoice_number" in shown and "learn" in shown
    as_json = cli("profiles", "show", key, "--json", check=True).json()
    assert as_json["issuer_key"] == key and as_json["data"]["fields"]["invoice_number"]
    assert [(v["version"], v["action"], v["actor"]) for v in as_json["versions"]] == [
        (1, "learn", "rita")
    ]

    printed = cli("profiles", "export", key, check=True).stdout
    template = yaml.safe_load(printed)
    assert template["issuer"] and "invoice_number" in template["fields"]
    target = tmp_path / "acme.yml"
    cli("profiles", "export", key, "-o", str(target), check=True)
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == template

    imported = cli("profiles", "import", str(target), "--as", "ann", check=True).stdout
    assert "imported: version 2" in imported

    refused = cli("profiles", "reset", key, "--as", "rita")
    assert refused.code == 2 and "operator" in refused.stderr
    events = cli("events", "--actor", "rita", "--action", "profile", "--json", check=True).json()
    assert any(e["result"] == "refused" for e in events)

    reset = cli("profiles", "reset", key, "--as", "ann", "--json", check=True).json()
    assert reset["version"] == 3 and reset["fields"] == []
    history = cli("profiles", "show", key, "--json", check=True).json()["versions"]
    assert [v["action"] for v in history] == ["learn", "import", "reset"]


@SQLITE_ONLY
def test_an_unknown_issuer_or_unreadable_template_is_refused(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    cli("init", actor="ann", check=True)
    missing = cli("profiles", "show", "vat:XX000")
    assert missing.code == 2 and "`turnout profiles list` lists them" in missing.stderr
    nowhere = cli("profiles", "import", str(tmp_path / "none.yml"), "--as", "ann")
    assert nowhere.code == 2 and "cannot read" in nowhere.stderr
    junk = tmp_path / "junk.yml"
    junk.write_text("- just\n- a list\n", encoding="utf-8")
    refused = cli("profiles", "import", str(junk), "--as", "ann")
    assert refused.code == 2 and "cannot be imported" in refused.stderr
