"""Every table the command line prints is readable at COLUMNS=80 (real processes on a home the
demo filled, SQLite): no line is wider than 80 and the values one acts on are whole (module ids,
token ids, versions and statuses, each file of the demo with its run's status)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TURNOUT = Path(sys.executable).parent / "turnout"


@pytest.fixture(scope="module")
def turnout(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("columns") / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
    env.update(COLUMNS="80", TURNOUT_HOME=str(home), TURNOUT_ACTOR="ann")

    def run(*args: str, columns: int = 80) -> str:
        done = subprocess.run(
            [str(TURNOUT), *args],
            env={**env, "COLUMNS": str(columns)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"turnout {' '.join(args)}: {done.stderr}"
        wide = [
            line
            for line in done.stdout.splitlines()
            if len(line) > columns and "--json" not in args
        ]
        assert not wide, f"turnout {' '.join(args)} is wider than {columns}:\n" + "\n".join(wide)
        return done.stdout

    run.demo = run("demo")  # type: ignore[attr-defined]
    run("users", "add", "ola-the-operator-with-a-long-name", "--role", "operator")
    run("tokens", "create", "ola-the-operator-with-a-long-name")
    vendors = home.parent / "vendors.csv"
    vendors.write_text(
        "vendor_id,name,vat_id,iban\nV-000123,Müller Präzisionsteile GmbH & Co. KG Niederlassung "
        "Süd,DE123456789,DE89370400440532013000\n",
        encoding="utf-8",
    )
    run("vendors", "import", str(vendors))
    return run


def test_the_demo_fits_and_names_every_file_with_its_status(turnout) -> None:  # type: ignore[no-untyped-def]
    out = turnout.demo
    assert "rechnung-mueller-de.pdf: completed_with_fallback" in out
    assert "extract   skip fallback" in out  # a row a stage, a column a file
    assert "AVR-24-00317" in out and "LW-2024-0815-G1" in out


@pytest.mark.parametrize(
    ("args", "whole"),
    [
        (["stats"], ["extract.templates", "normalize.standard", "100.0%"]),
        (["stages"], ["extract.templates", "text.ocr", "dedupe.fingerprint", "fallback (active)"]),
        (["modules"], ["intake.standard", "extract.templates", "available"]),
        (["contracts"], ["normalize-v1", "timeout_s=120"]),
        (["config", "history"], ["rolled_back", "superseded", "rollback to version 1"]),
        (["config", "show", "active"], ["validate.en16931", "text.ocr"]),
        (["events"], ["token_create", "user_add", "rolled_back"]),
        (["users", "list"], ["ola-the-operator-with-a-long-name", "admin, maintainer"]),
        (["runs"], ["completed"]),
        (["review", "list"], ["AVR-24-00317"]),
        (["settings"], ["source_retention_days", "guard_webhook_url"]),
        (["vendors", "list"], ["V-000123", "DE123456789", "DE89370400440532013000"]),
    ],
    ids=lambda v: " ".join(v),
)
def test_a_table_fits_80_columns_with_its_values_whole(turnout, args, whole) -> None:  # type: ignore[no-untyped-def]
    out = turnout(*args)
    for value in whole:
        assert value in out, f"{value!r} not whole in turnout {' '.join(args)}:\n{out}"


def test_token_ids_stay_whole(turnout) -> None:  # type: ignore[no-untyped-def]
    token_id = json.loads(turnout("tokens", "list", "--json"))[0]["token_id"]
    assert token_id in turnout("tokens", "list")


def test_a_run_page_and_a_review_page_fit_with_the_values_whole(turnout) -> None:  # type: ignore[no-untyped-def]
    runs = json.loads(turnout("runs", "--json"))
    read = next(r for r in runs if r["file"] == "rechnung-mueller-de.pdf")
    page = turnout("runs", "show", read["run_id"])
    for value in ("extract.templates", "RE-2024-0815", "Müller Feinmechanik GmbH", "BR-47"):
        assert value in page, value
    waiting = next(r for r in runs if (r["decision"] or {}).get("outcome") == "review")
    review = turnout("review", "show", waiting["run_id"])
    assert "AVR-24-00317" in review and "Atelier Verrier du Rhône SARL" in review


@pytest.mark.parametrize("columns", [80, 90, 100, 120])
def test_modules_shows_every_column_and_every_setting_name_whole(turnout, columns) -> None:  # type: ignore[no-untyped-def]
    """No column is squeezed to nothing or cut to `stat…`, and a setting name is never split
    over two lines (`trust_confirmed_af` / `ter`)."""
    data = json.loads(turnout("modules", "--json"))
    out = turnout("modules", columns=columns)
    header = next(line for line in out.splitlines() if "module" in line)
    for name in ("module", "stage", "status", "fallback", "settings", "note"):
        assert f" {name} " in f" {header} ", f"{name!r} not in the header at {columns}:\n{out}"
    assert "┃┃" not in out and "││" not in out, out
    words = set(out.replace(",", " ").split())
    for d in data:
        assert d["module_id"] in words, f"{d['module_id']} cut at {columns}:\n{out}"
        for name in (d["metadata"].get("settings_schema") or {}).get("properties") or {}:
            assert name in words, f"setting {name!r} split at {columns}:\n{out}"
