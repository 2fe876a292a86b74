"""`turnout check`: the real command on real files, with no database set up at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.en16931_invoices import ubl
from turnout.bootstrap import bundled_examples

TURNOUT = Path(sys.executable).parent / "turnout"
EXAMPLES = {p.name: p for p in bundled_examples()}


def check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TURNOUT_HOME": str(tmp_path / "never-initialised")}
    env.pop("TURNOUT_DATABASE_URL", None)
    return subprocess.run(
        [str(TURNOUT), "check", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_check_valid_ubl_exits_0_without_a_database(tmp_path: Path) -> None:
    result = check(tmp_path, str(EXAMPLES["ubl-invoice.xml"]), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"valid": True, "findings": []}
    assert not (tmp_path / "never-initialised" / "turnout.db").exists()


def test_check_invoice_with_wrong_total_exits_1_and_groups_findings_by_rule(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(
        ubl("S", replace=(('"EUR">118.75</cbc:PayableAmount>', '"EUR">1.00</cbc:PayableAmount>'),))
    )
    result = check(tmp_path, str(bad))
    assert result.returncode == 1
    assert "INVALID" in result.stdout
    assert "BR-CO-16 [fatal]" in result.stdout
    assert "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount" in result.stdout


def test_check_several_files_gives_a_json_list_and_exit_2_for_unreadable(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not an invoice")
    result = check(tmp_path, str(EXAMPLES["facturx-invoice.pdf"]), str(junk), "--json")
    assert result.returncode == 2
    hybrid, unreadable = json.loads(result.stdout)
    assert hybrid["valid"] is True
    assert unreadable["file"] == str(junk)
    assert "unsupported file" in unreadable["error"]


def test_a_folder_is_every_xml_and_pdf_in_it(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "ubl.xml").write_bytes(EXAMPLES["ubl-invoice.xml"].read_bytes())
    (folder / "sub" / "facturx.PDF").write_bytes(EXAMPLES["facturx-invoice.pdf"].read_bytes())
    (folder / "notes.txt").write_text("not an invoice")
    result = check(tmp_path, str(folder), "--json")
    assert result.returncode == 0, result.stderr
    assert [r["file"] for r in json.loads(result.stdout)] == [
        str(folder / "sub" / "facturx.PDF"),
        str(folder / "ubl.xml"),
    ]


def test_a_folder_without_invoices_says_check_takes_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = check(tmp_path, str(tmp_path / "empty"))
    assert result.returncode == 2
    said = " ".join(result.stderr.split())
    assert "is a folder without .xml or .pdf files" in said and "Is a directory" not in said


def test_processes_side_by_side_give_the_same_results_in_the_files_order(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    wrong = ubl(
        "S", replace=(('"EUR">118.75</cbc:PayableAmount>', '"EUR">1.00</cbc:PayableAmount>'),)
    )
    for i in range(30):  # valid, invalid and unreadable files, interleaved
        kind = i % 3
        name = folder / f"{i:03d}.xml"
        if kind == 0:
            name.write_bytes(EXAMPLES["ubl-invoice.xml"].read_bytes())
        elif kind == 1:
            name.write_bytes(wrong)
        else:
            name.write_text("<notes>not an invoice</notes>")
    (folder / "hybrid.pdf").write_bytes(EXAMPLES["facturx-invoice.pdf"].read_bytes())
    alone = check(tmp_path, str(folder), "--json", "--jobs", "1")
    side_by_side = check(tmp_path, str(folder), "--json", "--jobs", "3")
    assert side_by_side.returncode == alone.returncode == 2, side_by_side.stderr
    assert side_by_side.stdout == alone.stdout
    results = json.loads(side_by_side.stdout)
    assert [Path(r["file"]).name for r in results] == [
        *(f"{i:03d}.xml" for i in range(30)),
        "hybrid.pdf",
    ]
    assert [r["valid"] for r in results[:3]] == [True, False, False]
    assert "error" in results[2] and results[-1]["valid"] is True
