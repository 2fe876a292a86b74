"""extract.layout on PDFs drawn here, read by text.pdfium: what a clerk reads off the page."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from turnout.domain.artifacts import Fields, Source
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.extract.layout.module import LayoutExtract
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.text.pdfium import PdfiumText

HEIGHT = 842


def _pdf(draw: Callable[[Canvas], None]) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(595, HEIGHT), invariant=1)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _text(
    canvas: Canvas, x: float, y: float, text: str, size: float = 10, bold: bool = False
) -> None:
    """`text` with its top-left corner at (x, y) points from the page's top-left."""
    canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
    canvas.drawString(x, HEIGHT - y - size, text)


def _read(pdf: bytes) -> Fields:
    artifacts = Artifacts([Source("invoice.pdf", pdf)])
    for module in (StandardIntake(), PdfiumText(), LayoutExtract()):
        spec = module.spec
        context = RunContext("run-1", 1, spec.stage_id, spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    return artifacts.require(Fields)


def _german(canvas: Canvas) -> None:
    _text(canvas, 60, 40, "Nordlicht Handel GmbH", 20, bold=True)
    _text(canvas, 60, 130, "Nordlicht Handel GmbH · Hafenstraße 3 · 20457 Hamburg", 7)
    for i, line in enumerate(("Baumann Elektro KG", "Lindenweg 7", "80331 München")):
        _text(canvas, 60, 148 + 14 * i, line)
    _text(canvas, 340, 148, "Rechnungsnummer:")
    _text(canvas, 450, 148, "RE-2024-0042")
    _text(canvas, 340, 162, "Rechnungsdatum:")
    _text(canvas, 450, 162, "04.03.2024")
    _text(canvas, 340, 176, "Seite 1 von 1")
    _text(canvas, 60, 250, "Rechnung", 16, bold=True)
    _text(canvas, 60, 290, "Pos")
    _text(canvas, 100, 290, "Bezeichnung")
    _text(canvas, 330, 290, "Menge")
    _text(canvas, 400, 290, "Einzelpreis")
    _text(canvas, 490, 290, "Gesamt")
    rows = (
        ("1", "Kabelbinder 200 mm", "10", "2,50", "25,00"),
        ("2", "Schrumpfschlauch", "4", "18,75", "75,00"),
    )
    for i, (pos, name, qty, price, total) in enumerate(rows):
        y = 306 + 14 * i
        _text(canvas, 60, y, pos)
        _text(canvas, 100, y, name)
        _text(canvas, 330, y, qty)
        _text(canvas, 400, y, price)
        _text(canvas, 490, y, total)
    for i, (label, amount) in enumerate(
        (("Nettobetrag", "100,00"), ("USt 19 %", "19,00"), ("Gesamtbetrag EUR", "119,00"))
    ):
        _text(canvas, 330, 360 + 14 * i, label)
        _text(canvas, 490, 360 + 14 * i, amount)
    _text(canvas, 60, 440, "Zahlbar bis 03.04.2024 ohne Abzug.")
    _text(
        canvas,
        60,
        790,
        "USt-IdNr. DE136695976 · IBAN DE02 1203 0000 0000 2020 51 · Amtsgericht Hamburg",
        7,
    )


def test_a_german_invoice_read_off_its_page() -> None:
    fields = _read(_pdf(_german))
    values = {path: f.value for path, f in fields.values.items()}
    assert values["invoice_number"] == "RE-2024-0042"
    assert values["issue_date"] == "04.03.2024"
    assert values["seller.name"] == "Nordlicht Handel GmbH"
    assert values["buyer.name"] == "Baumann Elektro KG"
    assert values["seller.vat_id"] == "DE136695976"
    assert values["payment.iban"].replace(" ", "") == "DE02120300000000202051"
    assert values["totals.payable"] == "119,00"
    assert values["currency"] == "EUR"
    assert [line.get("net_amount") for line in fields.lines] == ["25,00", "75,00"]
    assert len(fields.line_boxes) == 2
    for path, field in fields.values.items():
        assert 0 < field.confidence <= 1, path
        assert field.boxes, f"{path} has no box"
        assert all(b.page == 1 and 0 <= b.left < b.right <= 1 for b in field.boxes)


def _english(canvas: Canvas) -> None:
    _text(canvas, 60, 40, "Harbour Lights Ltd", 18, bold=True)
    _text(canvas, 60, 62, "22 Quay Street, Bristol BS1 4DJ")
    _text(canvas, 380, 40, "INVOICE", 18, bold=True)
    _text(canvas, 380, 70, "Invoice No. / Date")
    _text(canvas, 380, 84, "HL-5531 / 2024-05-02")
    _text(canvas, 380, 98, "Due date: 2024-06-01")
    _text(canvas, 60, 130, "Bill to:", bold=True)
    _text(canvas, 60, 144, "Pemberton & Sons")
    _text(canvas, 60, 158, "4 Mill Lane")
    _text(canvas, 60, 172, "Leeds LS1 5AB")
    _text(canvas, 60, 230, "Description")
    _text(canvas, 380, 230, "Qty")
    _text(canvas, 480, 230, "Amount")
    _text(canvas, 60, 246, "Consulting, May")
    _text(canvas, 380, 246, "1")
    _text(canvas, 480, 246, "£1,200.00")
    _text(canvas, 380, 290, "Subtotal")
    _text(canvas, 480, 290, "£1,200.00")
    _text(canvas, 380, 304, "VAT 20%")
    _text(canvas, 480, 304, "£240.00")
    _text(canvas, 380, 318, "Total due")
    _text(canvas, 480, 318, "£1,440.00")


def test_an_english_invoice_with_a_bill_to_heading_and_a_header_row() -> None:
    fields = _read(_pdf(_english))
    values = {path: f.value for path, f in fields.values.items()}
    assert values["invoice_number"] == "HL-5531"
    assert values["issue_date"] == "2024-05-02"
    assert values["due_date"] == "2024-06-01"
    assert values["seller.name"] == "Harbour Lights Ltd"
    assert values["buyer.name"] == "Pemberton & Sons"
    assert values["currency"] == "GBP"
    assert values["totals.payable"].endswith("1,440.00")
