"""`turnout process` on the bundled examples: the canonical invoice comes out with the values the
example was made from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from turnout.bootstrap import bundled_examples

# The flows here are the command's (or the API's); the database work under them is tested on
# SQLite and on PostgreSQL in tests/integration, so these end-to-end runs use SQLite.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


EXAMPLES = {p.name: p for p in bundled_examples()}
PROCESS_KEYS = {
    "run_id",
    "file",
    "status",
    "config_version",
    "stages",
    "invoice",
    "findings",
    "decision",
}
STAGE_KEYS = {"stage", "module", "outcome", "attempts", "duration_ms", "error"}


def expected(name: str) -> dict[str, Any]:
    path = EXAMPLES[name].with_suffix(".expected.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _without_provenance(invoice: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in invoice.items() if k != "provenance"}


@pytest.mark.parametrize("name", ["ubl-invoice.xml", "cii-invoice.xml", "ubl-credit-note.xml"])
def test_process_e_invoice_gives_every_canonical_field(cli, name: str) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    [run] = cli("process", str(EXAMPLES[name]), "--json", check=True).json()
    assert set(run) >= PROCESS_KEYS
    assert all(set(s) == STAGE_KEYS for s in run["stages"])
    assert run["status"] == "completed", run
    assert run["config_version"] == 1
    outcomes = {s["stage"]: s["outcome"] for s in run["stages"]}
    assert (
        outcomes["einvoice"] == "ok"
        and outcomes["text"] == "skipped"
        and outcomes["extract"] == "skipped"
    )
    assert _without_provenance(run["invoice"]) == expected(name)["invoice"]
    assert run["invoice"]["provenance"]["invoice_number"]["module"] == "einvoice.xml"
    assert run["decision"]["outcome"] in {"approve", "review"}


UBL_EXTENSION = (
    '<ext:UBLExtensions xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:'
    'CommonExtensionComponents-2"><ext:UBLExtension><ext:ExtensionContent>'
    '<erp:Note xmlns:erp="urn:example:erp">kept</erp:Note>'
    "</ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>"
)


def test_an_extension_beyond_en16931_is_kept_and_reported_on_the_run(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = EXAMPLES["ubl-invoice.xml"].read_text(encoding="utf-8")
    head, _, rest = source.partition("<cbc:")  # the extension comes first in a UBL Invoice
    extended = tmp_path / "extended.xml"
    extended.write_text(f"{head}{UBL_EXTENSION}<cbc:{rest}", encoding="utf-8")
    cli("init", actor="ann", check=True)
    [run] = cli("process", str(extended), "--json", check=True).json()
    assert run["status"] == "completed", run
    [kept] = run["invoice"]["extensions"]
    assert kept["path"] == "/Invoice/ext:UBLExtensions" and "erp:Note" in kept["xml"]
    noted = [f for f in run["findings"] if f["rule"] == "TURNOUT-EXTENSION"]
    assert [(f["severity"], f["message"]) for f in noted] == [
        ("warning", "kept verbatim, not part of EN 16931: /Invoice/ext:UBLExtensions")
    ]
    # the rest of the invoice is read as without the extension
    plain = expected("ubl-invoice.xml")["invoice"]
    assert {**_without_provenance(run["invoice"]), "extensions": []} == plain


def test_factur_x_pdf_is_read_from_its_embedded_xml(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    [run] = cli("process", str(EXAMPLES["facturx-invoice.pdf"]), "--json", check=True).json()
    assert run["status"] == "completed", run
    assert _without_provenance(run["invoice"]) == expected("facturx-invoice.pdf")["invoice"]


TEXT_PDFS = sorted(n for n in EXAMPLES if n.endswith(".pdf") and n != "facturx-invoice.pdf")


@pytest.mark.parametrize("name", TEXT_PDFS)
def test_text_pdf_layout_reader_finds_number_date_total_currency(cli, name: str) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    [run] = cli("process", str(EXAMPLES[name]), "--json", check=True).json()
    want = expected(name)
    invoice = run["invoice"]
    assert invoice is not None, run
    assert invoice["invoice_number"] == want["invoice_number"]
    assert invoice["issue_date"] == want["issue_date"]
    assert invoice["currency"] == want["currency"]
    assert invoice["totals"]["payable"] == want["totals"]["payable"]
    # no invoice2data template knows these issuers: the default policy hands them to
    # extract.learned, which reads the printed page with the layout reader (no review has taught
    # it these issuers yet)
    extract = [(s["module"], s["outcome"]) for s in run["stages"] if s["stage"] == "extract"]
    assert extract == [("extract.templates", "rejected"), ("extract.learned", "fallback")]
    assert run["status"] == "completed_with_fallback"
    # every field read from the page says where: the page and the box of the words it came from
    provenance = invoice["provenance"]
    for path in ("invoice_number", "issue_date", "totals.payable"):
        assert provenance[path]["module"] == "extract.layout", path
        [box] = provenance[path]["boxes"]
        assert box["page"] == 1 and 0 <= box["left"] < box["right"] <= 1, path
        assert 0 <= box["top"] < box["bottom"] <= 1, path


def test_process_records_runs_that_runs_show_returns(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf at all")
    processed = cli("process", str(EXAMPLES["ubl-invoice.xml"]), str(junk), "--json")
    assert processed.code == 3, processed.stderr  # some runs failed
    runs = processed.json()
    assert [r["status"] for r in runs] == ["completed", "failed"]
    assert "intake" in runs[1]["reason"]
    listed = cli("runs", "--json", check=True).json()
    assert {r["run_id"] for r in listed} == {r["run_id"] for r in runs}
    shown = cli("runs", "show", runs[1]["run_id"], "--json", check=True).json()
    assert shown["stages"][0]["stage"] == "intake" and shown["stages"][0]["outcome"] == "rejected"
    assert cli("process", str(tmp_path / "nowhere.pdf")).code == 2


def test_process_runs_a_folder_concurrently_and_prints_a_summary(
    cli, real_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    cli("init", actor="ann", check=True)
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("ubl-invoice.xml", "cii-invoice.xml", "rechnung-mueller-de.pdf"):
        (folder / name).write_bytes(EXAMPLES[name].read_bytes())
    (folder / "notes.txt").write_text("not an invoice, not picked up")
    # --concurrency: threads of the command's own process, the real console script's
    result = real_cli("process", str(folder), "--concurrency", "3", check=True)
    assert "3 run(s) in" in result.stdout
    assert "completed" in result.stdout
    runs = cli("runs", "--json", check=True).json()
    assert sorted(r["file"] for r in runs) == [
        "cii-invoice.xml",
        "rechnung-mueller-de.pdf",
        "ubl-invoice.xml",
    ]
