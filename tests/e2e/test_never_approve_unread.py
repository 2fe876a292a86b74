"""`turnout process` never approves a printed invoice whose required fields were not read: with the
default configuration (whichever extract module it selects), a PDF without an invoice number, one
without an amount, and a photographed page (PNG) without an amount all end in review, each with
the reason naming the missing field. `turnout runs show` says where each field was read."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

# The flows here are the command's (or the API's); the database work under them is tested on
# SQLite and on PostgreSQL in tests/integration, so these end-to-end runs use SQLite.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


NUMBER_REASON = "the invoice number was not read from the document"
AMOUNT_REASON = "the amount due was not read from the document"


def printed_pdf(*, number: bool = True, amount: bool = True) -> bytes:
    """A one-page English invoice, with or without its number and its amounts."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(60, 780, "Northwind Parts Ltd")
    canvas.setFont("Helvetica", 11)
    canvas.drawString(60, 762, "12 Harbour Road, Bristol BS1 4DJ, United Kingdom")
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(60, 700, "INVOICE")
    canvas.setFont("Helvetica", 11)
    if number:
        canvas.drawString(60, 670, "Invoice number: NW-2024-0412")
    canvas.drawString(60, 652, "Invoice date: 2024-04-12")
    canvas.drawString(60, 620, "Bill to: Contoso Trading GmbH, Lindenstrasse 5, 10969 Berlin")
    canvas.drawString(60, 580, "Description")
    canvas.drawString(400, 580, "Quantity")
    canvas.drawString(60, 562, "Hydraulic pump HP-20, spare seals included")
    canvas.drawString(400, 562, "2")
    if amount:
        canvas.drawString(480, 580, "Amount")
        canvas.drawString(480, 562, "1,000.00")
        canvas.drawString(330, 520, "Subtotal")
        canvas.drawString(480, 520, "1,000.00")
        canvas.drawString(330, 502, "VAT 20%")
        canvas.drawString(480, 502, "200.00")
        canvas.drawString(330, 484, "Total due")
        canvas.drawString(480, 484, "1,200.00 GBP")
    canvas.drawString(60, 420, "Thank you for your business.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def photographed(pdf: bytes) -> bytes:
    """The page as a PNG image (what a phone or a scanner gives): no text layer at all."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=200 / 72, grayscale=True)
        image = bitmap.to_pil()
        bitmap.close()
        page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def process(cli: Any, tmp_path: Path, name: str, data: bytes) -> dict[str, Any]:
    path = tmp_path / name
    path.write_bytes(data)
    cli("init", actor="ann", check=True)
    [run] = cli("process", str(path), "--json").json()
    return dict(run)


def assert_reviewed_for(run: dict[str, Any], reason: str) -> None:
    decision = run["decision"]
    assert decision is not None, run
    assert decision["outcome"] == "review", decision
    assert any(r.startswith(reason) for r in decision["reasons"]), decision["reasons"]


def test_a_pdf_without_an_invoice_number_goes_to_review_with_the_reason(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = process(cli, tmp_path, "no-number.pdf", printed_pdf(number=False))
    assert run["invoice"]["invoice_number"] is None, run["invoice"]
    assert_reviewed_for(run, NUMBER_REASON)


def test_a_pdf_without_an_amount_goes_to_review_with_the_reason(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = process(cli, tmp_path, "no-amount.pdf", printed_pdf(amount=False))
    assert run["invoice"]["totals"]["payable"] is None, run["invoice"]
    assert_reviewed_for(run, AMOUNT_REASON)


@pytest.mark.slow
def test_a_photographed_invoice_without_an_amount_goes_to_review(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = process(cli, tmp_path, "no-amount.png", photographed(printed_pdf(amount=False)))
    text = [s for s in run["stages"] if s["stage"] == "text"]
    assert text[-1]["module"] == "text.ocr", run["stages"]
    assert run["invoice"]["totals"]["payable"] is None, run["invoice"]
    assert_reviewed_for(run, AMOUNT_REASON)


def test_runs_show_gives_each_field_with_its_confidence_and_where_it_was_read(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    run = process(cli, tmp_path, "complete.pdf", printed_pdf())
    provenance = run["invoice"]["provenance"]
    # the default configuration reads a text PDF with words and boxes: the number has its place
    assert provenance["invoice_number"].get("boxes"), provenance
    shown = cli("runs", "show", run["run_id"], check=True).stdout
    rows = {line.split()[1]: line for line in shown.splitlines() if line.startswith("│ ")}
    for path, source in provenance.items():
        row = rows.get(path)
        assert row is not None, (path, shown)
        assert f"{source['confidence']:.2f}" in row and source["module"] in row
        boxes = source.get("boxes") or []
        if boxes:
            box = boxes[0]
            assert f"p{box['page']} ({box['left']:.3f},{box['top']:.3f})" in row
        else:
            assert "no box" in row
    assert f"decision: {run['decision']['outcome']}" in shown
    as_json = cli("runs", "show", run["run_id"], "--json", check=True).json()
    assert as_json["invoice"]["provenance"] == provenance
