"""`turnout process` at the shell: its exit code says whether runs failed, the summary counts by
status, the files of a folder it does not read are listed with the reason, and a file over the
intake's size limit is refused from its size, unread."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnout.bootstrap import bundled_examples

# The flows here are the command's (or the API's); the database work under them is tested on
# SQLite and on PostgreSQL in tests/integration, so these end-to-end runs use SQLite.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


EXAMPLES = {p.name: p for p in bundled_examples()}


def _inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "ubl-invoice.xml").write_bytes(EXAMPLES["ubl-invoice.xml"].read_bytes())
    (folder / "letter.docx").write_bytes(b"PK\x03\x04 not read")
    (folder / "notes.txt").write_text("not an invoice")
    with (folder / "huge.pdf").open("wb") as f:  # 30 MB on paper, sparse on disk
        f.truncate(30_000_000)
    return folder


def test_a_batch_with_failures_exits_3_and_lists_what_it_skipped_and_refused(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    cli("init", actor="ann", check=True)
    folder = _inbox(tmp_path)

    result = cli("process", str(folder), "--json")
    assert result.code == 3, result.stderr
    runs = result.json()  # stdout stays the list of runs
    assert [(r["file"], r["status"]) for r in runs] == [
        ("huge.pdf", "failed"),
        ("ubl-invoice.xml", "completed"),
    ]
    huge = runs[0]
    assert "30,000,000 bytes, over the limit of 20,000,000" in huge["reason"]
    assert "not read" in huge["reason"] and "`max_bytes`" in huge["reason"]
    assert huge["stages"] == []  # intake never saw its bytes
    assert f"skipped {folder / 'letter.docx'}: not an invoice file type (.docx)" in result.stderr
    assert f"skipped {folder / 'notes.txt'}: not an invoice file type (.txt)" in result.stderr
    assert "1 of 2 run(s) failed (exit 3)" in result.stderr

    shown = cli("runs", "show", huge["run_id"], "--json", check=True).json()
    assert shown["status"] == "failed" and shown["reason"] == huge["reason"]

    table = cli("process", str(folder))
    assert table.code == 3
    out = " ".join(table.stdout.split())
    assert "letter.docx │ not an invoice file type (.docx)" in out
    assert "notes.txt │ not an invoice file type (.txt)" in out
    assert "completed │ 1" in out and "failed │ 1" in out  # the summary, by status
    assert "2 file(s) skipped" in out


def test_a_batch_whose_runs_all_completed_or_went_to_review_exits_0(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    cli("init", actor="ann", check=True)
    folder = _inbox(tmp_path)
    (folder / "huge.pdf").unlink()
    result = cli("process", str(folder), "--json")
    assert result.code == 0, result.stderr
    [run] = result.json()
    assert run["status"] in {"completed", "completed_with_fallback", "needs_review"}
    assert "skipped" in result.stderr  # the .docx and .txt are still listed
