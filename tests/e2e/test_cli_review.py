"""`turnout review` as a reviewer uses it on a bundled printed invoice that went to review (the
second copy of a file is a duplicate): the queue with the reason, a correction with approval, the
export holding the corrected values and the source file's name, the records and audit events
with the reviewer as actor; a viewer refused (audited); a second decision a conflict; short run
ids wherever RUN is taken."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from turnout.bootstrap import bundled_examples

# The review service and its queue are tested on PostgreSQL too (tests/integration,
# tests/e2e/api); the command line is the same on either database, so one flow runs on both.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

EXAMPLES = {p.name: p for p in bundled_examples()}
ACME = EXAMPLES["invoice-acme-en.pdf"]


def _waiting_run(cli: Any, tmp_path: Path) -> dict[str, Any]:
    """Init, a reviewer (rita) and a viewer (vic); the Acme invoice processed, then a copy of it,
    whose run goes to review as a duplicate. Returns the copy's run."""
    cli("init", actor="ann", check=True)
    cli("users", "add", "rita", "--role", "reviewer", actor="ann", check=True)
    cli("users", "add", "vic", "--role", "viewer", actor="ann", check=True)
    again = tmp_path / "acme-again.pdf"
    shutil.copyfile(ACME, again)
    cli("process", str(ACME), "--json", check=True)
    [run] = cli("process", str(again), "--json", check=True).json()
    assert run["decision"]["outcome"] == "review", run["decision"]
    return dict(run)


def _events(cli: Any, actor: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = cli(
        "events", "--actor", actor, "--action", "review", "--json", check=True
    ).json()
    return found


def test_a_reviewer_corrects_and_approves_and_the_export_holds_the_corrections(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = _waiting_run(cli, tmp_path)
    run_id, short = run["run_id"], run["run_id"][:8]

    queue = cli("review", "list", "--json", check=True).json()
    [item] = [i for i in queue if i["run_id"] == run_id]
    assert item["file"] == "acme-again.pdf" and item["decision"] == "review"
    assert any("duplicate of run" in r for r in item["reasons"]), item
    listed = cli("review", "list", check=True).stdout
    assert short in listed and "wait for a person" in listed

    shown = cli("review", "show", short, check=True).stdout
    assert "waits for a person (review revision 0)" in shown
    assert "decision: review (by the routing rules)" in shown
    number_row = next(line for line in shown.splitlines() if "│ invoice_number " in line)
    assert "ACM-24-0173" in number_row and "p1 (" in number_row  # where it was read
    view = cli("review", "show", short, "--json", check=True).json()
    assert view["reviewable"] is True and view["run"]["review_revision"] == 0
    assert view["page_sizes"] and view["records"] == []

    corrected = cli(
        "review",
        "correct",
        short,
        "invoice_number=ACM-24-0173-B",
        "totals.payable=7.900,00",
        "--approve",
        "--comment",
        "checked with the supplier",
        "--as",
        "rita",
        check=True,
    )
    assert "corrected invoice_number: ACM-24-0173-B" in corrected.stdout
    assert "decision approve (rita)" in corrected.stdout

    exported = json.loads((tmp_path / "home" / "exports" / f"{run_id}.json").read_text())
    assert exported["invoice"]["invoice_number"] == "ACM-24-0173-B"
    assert exported["invoice"]["totals"]["payable"] == "7900.00"
    assert exported["source_file"] == "acme-again.pdf"
    assert exported["decision"]["outcome"] == "approve"
    assert exported["decision"]["decided_by"] == "rita"

    after = cli("review", "show", run_id, "--json", check=True).json()
    assert after["reviewable"] is False and "approved by rita" in after["why_not"]
    assert after["run"]["machine_invoice"]["invoice_number"] == "ACM-24-0173"
    records = {(r["action"], r["field"]): r for r in after["records"]}
    assert records[("correct", "invoice_number")]["corrected_value"] == "ACM-24-0173-B"
    assert records[("correct", "invoice_number")]["machine_value"] == "ACM-24-0173"
    assert records[("correct", "totals.payable")]["corrected_value"] == "7900.00"
    assert {r["actor"] for r in after["records"]} == {"rita"}
    messages = [e["message"] for e in _events(cli, "rita") if e["result"] == "ok"]
    assert any("corrected invoice_number" in m and "ACM-24-0173-B" in m for m in messages)
    assert any("corrected totals.payable" in m for m in messages)

    page = cli("runs", "show", short, check=True).stdout
    assert "decision: approve (final, by rita)" in page
    assert "approved by rita: checked with the supplier" in page
    review_rows = [line for line in page.splitlines() if "│ rita " in line]
    assert any("invoice_number" in line and "ACM-24-0173-B" in line for line in review_rows)


@SQLITE_ONLY
def test_a_viewer_is_refused_and_the_refusal_is_audited(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = _waiting_run(cli, tmp_path)
    refused = cli("review", "approve", run["run_id"][:8], "--as", "vic")
    assert refused.code == 2
    assert "may not review runs" in refused.stderr and "--role reviewer" in refused.stderr
    [event] = _events(cli, "vic")
    assert event["result"] == "refused" and run["run_id"] in event["message"]
    view = cli("review", "show", run["run_id"], "--json", check=True).json()
    assert view["reviewable"] is True and view["run"]["review_revision"] == 0


@SQLITE_ONLY
def test_a_stale_revision_or_a_second_decision_is_a_conflict_and_changes_nothing(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = _waiting_run(cli, tmp_path)
    short = run["run_id"][:8]
    cli("review", "correct", short, "buyer_reference=PO-7", "--as", "rita", check=True)
    stale = cli("review", "approve", short, "--revision", "0", "--as", "rita")
    assert stale.code == 2
    assert "while you were looking at revision 0; reload it" in stale.stderr
    cli("review", "approve", short, "--revision", "1", "--as", "rita", check=True)
    again = cli("review", "reject", short, "--reason", "wrong buyer", "--as", "rita")
    assert again.code == 2 and "final decision" in again.stderr, again.stderr
    as_json = cli("review", "approve", short, "--as", "rita", "--json")
    assert as_json.code == 2 and as_json.json()["error"] == "ReviewConflict"
    shown = cli("runs", "show", short, "--json", check=True).json()
    assert shown["decision"]["outcome"] == "approve" and shown["review_revision"] == 2
    assert shown["invoice"]["buyer_reference"] == "PO-7"
    refusals = [e for e in _events(cli, "rita") if e["result"] == "refused"]
    assert len(refusals) == 3


@SQLITE_ONLY
def test_a_rejection_needs_a_reason_and_is_final(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = _waiting_run(cli, tmp_path)
    short = run["run_id"][:8]
    missing = cli("review", "reject", short, "--as", "rita")
    assert missing.code == 2 and "--reason" in missing.stderr
    cli("review", "reject", short, "--reason", "not ours: wrong buyer", "--as", "rita", check=True)
    [listed] = [r for r in cli("runs", "--json", check=True).json() if r["run_id"] == run["run_id"]]
    assert listed["decision"]["outcome"] == "reject"
    assert listed["decision"]["reasons"][0].startswith("rejected by rita: not ours: wrong buyer")
    table = cli("runs", check=True).stdout
    row = next(line for line in table.splitlines() if line.startswith(short))
    assert "reject (rita)" in row and "rejected by rita" in row
    assert run["run_id"] not in {i["run_id"] for i in cli("review", "list", "--json").json()}


BAD_CORRECTIONS = [
    (["invoice_number"], "is not FIELD=VALUE"),
    (["=x"], "is not FIELD=VALUE"),
    (["invoice_number=A", "invoice_number=B"], "is corrected twice"),
    (["seller.shoe_size=42"], "is not a field of the canonical invoice"),
    (["issue_date=31.02.2024"], "issue_date"),
    (["totals.payable=lots"], "totals.payable"),
]


@SQLITE_ONLY
def test_a_correction_that_cannot_be_read_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = _waiting_run(cli, tmp_path)
    for pairs, message in BAD_CORRECTIONS:
        refused = cli("review", "correct", run["run_id"][:8], *pairs, "--as", "rita")
        assert refused.code == 2 and message in refused.stderr, (pairs, refused.stderr)
    view = cli("review", "show", run["run_id"], "--json", check=True).json()
    assert view["run"]["review_revision"] == 0 and view["records"] == []


@SQLITE_ONLY
def test_the_queue_is_searched_and_run_arguments_take_a_unique_prefix(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = _waiting_run(cli, tmp_path)
    shown = cli("runs", "show", run["run_id"][:6], "--json", check=True).json()
    assert shown["run_id"] == run["run_id"]
    unknown = cli("review", "show", "ffffffff-nope")
    assert unknown.code == 2 and "no run id starts with ffffffff-nope" in unknown.stderr
    too_short = cli("runs", "show", "abc")
    assert too_short.code == 2 and "at least its first 4 characters" in too_short.stderr

    def ids(*options: str) -> set[str]:
        return {i["run_id"] for i in cli("review", "list", *options, "--json", check=True).json()}

    assert ids("--seller", "acme robotics") == {run["run_id"]}
    assert ids("--seller", "nobody") == set()
    assert ids("--number", "0173", "--decision", "review") == {run["run_id"]}
    assert ids("--min", "7000", "--max", "8000.00") == {run["run_id"]}
    assert ids("--min", "8000") == set()
    assert ids("--status", "failed") == set()
    bad = cli("review", "list", "--min", "lots")
    assert bad.code == 2 and "--min 'lots' is not an amount" in bad.stderr
    bad_date = cli("review", "list", "--from", "yesterday")
    assert bad_date.code == 2 and "--from" in bad_date.stderr
