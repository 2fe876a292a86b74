"""Every table the command line prints is readable at COLUMNS=80 (on a home the demo filled,
SQLite; each command run in the test's process as its own process would run it, COLUMNS taken per
command): no line is wider than 80 and the values one acts on are whole (module ids, token ids,
versions and statuses, each file of the demo with its run's status)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.in_process import run_turnout
from turnout.bootstrap import bundled_examples


@pytest.fixture(scope="module")
def turnout(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("columns") / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TURNOUT_")}
    env.update(COLUMNS="80", TURNOUT_HOME=str(home), TURNOUT_ACTOR="ann")

    def run(*args: str, columns: int = 80) -> str:
        code, stdout, stderr = run_turnout(args, {**env, "COLUMNS": str(columns)}, Path.cwd())
        assert code == 0, f"turnout {' '.join(args)}: {stderr}"
        wide = [
            line for line in stdout.splitlines() if len(line) > columns and "--json" not in args
        ]
        assert not wide, f"turnout {' '.join(args)} is wider than {columns}:\n" + "\n".join(wide)
        return stdout

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
    for value in ("extract.templates", "RE-2024-0815", "Müller Feinmechanik GmbH"):
        assert value in page, value
    flagged = next(r for r in runs if r["findings"])  # a finding's rule id stays whole too
    rules = {f["rule"] for f in flagged["findings"]}
    flagged_page = turnout("runs", "show", flagged["run_id"])
    assert all(rule in flagged_page for rule in rules), rules
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


def test_runs_keeps_the_file_of_each_run(turnout) -> None:  # type: ignore[no-untyped-def]
    """Operators know a run by its file: at 80 columns it stays, a long name cut in its middle
    (its start and its end, the extension, stay)."""
    out = turnout("runs")
    assert " file " in out.splitlines()[0], out
    rows = {line.split()[0]: line for line in out.splitlines()[2:] if line.strip()}
    for r in json.loads(turnout("runs", "--json")):
        row = rows[r["run_id"][:8]]
        name = r["file"]
        shown = [name] if len(name) <= 18 else [name[:8], name[-8:]]
        assert all(part in row for part in shown), f"{name!r} not in its row:\n{out}"


def test_stats_at_100_columns_is_as_readable_as_at_80(turnout) -> None:  # type: ignore[no-untyped-def]
    at_80, at_100 = turnout("stats"), turnout("stats", columns=100)
    assert "…" not in at_100, at_100
    for value in ("fallback %", "failure %", "extract.templates", "normalize.standard", "100.0%"):
        assert value in at_80 and value in at_100, f"{value!r}:\n{at_100}"


def test_a_trial_shows_each_stage_on_one_line_with_its_rates_before_and_after(turnout) -> None:  # type: ignore[no-untyped-def]
    report = json.loads(turnout("config", "try", "2", "--json"))
    out = turnout("config", "try", "2")
    for header in ("fallback %", "failure %", "p50 ms"):
        assert header in out, out
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    for stage, rates in report["stages"].items():
        for rate in ("fallback_rate", "failure_rate"):
            pair = f"{rates[f'{rate}_before']:g} → {rates[f'{rate}_after']:g}"
            assert pair in rows[stage], f"{stage} {rate} {pair!r} not on its line:\n{out}"
    for run in report["runs_detail"]:
        if run["changed"]:
            assert f"{run['run_id'][:8]} {run['file']}" in out, out
    # a reason wraps under itself, not at the margin (the demo's version 2 reviews above 100.00)
    assert "why now:" in out and "(setting review_above)" in " ".join(out.split()), out
    assert not [line for line in out.splitlines() if line.startswith("review_above")], out


def test_skipped_files_show_each_name_whole_with_its_reason(turnout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "a-rather-long-folder-name-for-the-invoices-of-march-2026"
    folder.mkdir()
    names = [
        "notes-from-the-accountant-about-the-march-batch.txt",
        "scanned-delivery-note-without-extension",
    ]
    for name in names:
        (folder / name).write_text("not an invoice\n", encoding="utf-8")
    # a copy of an example, so that the folder has a file to read
    example = next(p for p in bundled_examples() if p.name == "ubl-invoice.xml")
    (folder / "lieferant-mueller-rechnung-2026-000123.xml").write_bytes(example.read_bytes())
    out = turnout("process", str(folder))
    table = out.split("\n\n")[0]
    lines = table.splitlines()
    assert "not read" in lines[0] and "skipped file" in table and "reason" in lines[1], out
    for name in names:
        assert any(line.startswith(name) for line in lines), f"{name!r} cut:\n{table}"
    at = lines[1].index("reason")  # the reason column, read down
    reasons = " ".join(" ".join(line[at:] for line in lines[3:]).split())
    assert "not an invoice file type (.txt)" in reasons, table
    assert "not an invoice file type (no extension)" in reasons, table


def test_the_submitted_files_keep_their_run_ids_whole() -> None:
    """`turnout submit` needs PostgreSQL: its table is printed here by the function the command
    calls, in a process of its own at COLUMNS=80."""
    script = (
        "from turnout.cli.work import print_submitted\n"
        "from turnout.domain.runs import RunStatus\n"
        "from turnout.runtime.queue_worker import Submitted\n"
        "print_submitted([\n"
        "    Submitted('lieferant-mueller-praezisionsteile-rechnung-2026-000123.xml', '0' * 64,\n"
        "              '264ec046-d347-44ab-a3a4-d22db4f0dd4d', RunStatus.QUEUED, True),\n"
        "    Submitted('ubl-invoice.xml', '1' * 64, 'e0f50e0f-3623-40fc-aa8b-6a16ad3471b7',\n"
        "              RunStatus.QUEUED, False),\n"
        "])\n"
    )
    env = {**os.environ, "COLUMNS": "80"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert all(len(line) <= 80 for line in out.splitlines()), out
    lines = out.splitlines()
    first = next(line for line in lines if "264ec046-d347-44ab-a3a4-d22db4f0dd4d" in line)
    assert "queued" in first and "yes" in first, out
    second = next(line for line in lines if "e0f50e0f-3623-40fc-aa8b-6a16ad3471b7" in line)
    assert second.startswith("ubl-invoice.xml") and "no (before)" in second, out
    assert "│" not in out and "┃" not in out, out


def test_the_guard_table_fits_without_borders(turnout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Last: it arms a guard on a new active version."""
    copy = tmp_path / "guarded.yaml"
    copy.write_text(turnout("config", "export", "3"), encoding="utf-8")
    version = json.loads(turnout("config", "create", "-f", str(copy), "--json"))["version"]
    turnout("config", "activate", str(version), "--guard-runs", "5")
    out = turnout("config", "guard")
    assert f"guard on version {version}: watching" in out, out
    for figure in ("failure rate", "review rate", "p95 run time"):
        assert any(line.startswith(figure) for line in out.splitlines()), out
    assert "│" not in out and "┃" not in out, out
    assert "┃ figure" in turnout("config", "guard", columns=200)
