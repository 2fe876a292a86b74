"""extract.templates on a PDF: each value a template reads carries the box of the words printing it.

The PDF is drawn here (reportlab) and read by text.pdfium, as the pipeline reads it; the template
is one of our own, in a template folder, with a table of lines.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from turnout.domain.artifacts import Document, DocumentKind, Fields, Text
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.page import Box
from turnout.modules.extract.templates import TemplateExtract
from turnout.modules.text.pdfium import PdfiumText

TEMPLATE = """\
issuer: Brightwater Supplies Ltd
keywords:
  - Brightwater Supplies
fields:
  invoice_number: Invoice no\\.\\s+(BW-\\d+)
  date: Invoice date\\s+(\\d{2}\\.\\d{2}\\.\\d{4})
  amount: Total due\\s+EUR\\s+([\\d,]+\\.\\d{2})
  amount_untaxed: Net\\s+EUR\\s+([\\d,]+\\.\\d{2})
  vat: VAT\\s+(GB\\d{9})
  po_box: PO Box\\s+(\\d+)
  partner_street: (Kingsway House, 12 Canal Street)
  partner_zip: (LS1 4DT)\\s+Leeds
  partner_city: LS1 4DT\\s+(Leeds)
  telephone: Tel\\.\\s+(\\+44 \\d{3} \\d{3} \\d{4})
  partner_email: ([\\w.]+@brightwater\\.example)
  country_code: VAT\\s+([A-Z]{2})\\d
  partner_coc:
    parser: regex
    regex: Company no\\.\\s+(\\d{8})
    type: int
  client_id: Customer no\\.\\s+(C-\\d+)
  payment_method: Paid by\\s+(Bank transfer)
  payment_reference: Reference\\s+(RF\\d{2}(?:\\s\\d{4}){3})
  date_start:
    parser: regex
    regex: Period\\s+(\\d{2}\\.\\d{2}\\.\\d{4})
    type: date
  date_end:
    parser: regex
    regex: Period\\s+\\S+\\s+-\\s+(\\d{2}\\.\\d{2}\\.\\d{4})
    type: date
  partner_ref:
    parser: static
    value: BW-2044
  lines:
    parser: lines
    start: Description\\s+Qty\\s+Amount
    end: Net\\s+EUR
    line: (?P<description>\\w[\\w ]*?)\\s{2,}(?P<qty>\\d+)\\s+(?P<price_subtotal>[\\d,]+\\.\\d{2})
    types:
      qty: int
      price_subtotal: float
options:
  currency: EUR
  decimal_separator: "."
  date_formats:
    - "%d.%m.%Y"
"""

# (left, top from the page's top in points, text)
PRINTED = (
    (60, 60, "Brightwater Supplies Ltd"),
    (60, 74, "PO Box 4471"),
    (60, 88, "Kingsway House, 12 Canal Street"),
    (60, 102, "LS1 4DT Leeds"),
    (400, 60, "VAT GB123456782"),
    (400, 74, "Tel. +44 113 496 0000"),
    (400, 88, "accounts@brightwater.example"),
    (400, 102, "Company no. 04080176"),
    (60, 130, "Invoice no. BW-2044"),
    (360, 130, "Invoice date 02.05.2024"),
    (60, 150, "Customer no. C-1187"),
    (360, 150, "Period 01.04.2024 - 30.04.2024"),
    (60, 200, "Description"),
    (300, 200, "Qty"),
    (420, 200, "Amount"),
    (60, 220, "Copper pipe"),
    (300, 220, "4"),
    (420, 220, "828.75"),
    (60, 240, "Brass fittings"),
    (300, 240, "10"),
    (420, 240, "200.00"),
    (60, 300, "Net"),
    (300, 300, "EUR"),
    (420, 300, "1,028.75"),
    (60, 320, "Total due"),
    (300, 320, "EUR"),
    (420, 320, "1,234.50"),
    (60, 350, "Paid by Bank transfer"),
    (60, 364, "Reference RF18 5390 0754 7034"),
)


def invoice_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 10)
    for left, top, text in PRINTED:
        canvas.drawString(left, A4[1] - top - 10, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def read(tmp_path: Path) -> tuple[Text, Fields]:
    data = invoice_pdf()
    document = Document(
        "invoice.pdf", DocumentKind.PDF, "application/pdf", hashlib.sha256(data).hexdigest(),
        len(data), data,
    )  # fmt: skip
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "uk.brightwater.yml").write_text(TEMPLATE, encoding="utf-8")
    artifacts = Artifacts([document])
    for module in (PdfiumText(), TemplateExtract({"template_folder": str(folder)})):
        context = RunContext("run-1", 1, module.spec.stage_id, module.spec.module_id, tmp_path)
        for artifact in module.process(artifacts, context):
            artifacts.add(artifact)
    return artifacts.require(Text), artifacts.require(Fields)


def after(label: str) -> float:
    return stringWidth(label, "Helvetica", 10)


def at(box: Box) -> tuple[float, float]:
    """The box's top-left corner in points (A4), rounded to the point."""
    return round(box.left * A4[0]), round(box.top * A4[1])


def test_template_fields_carry_the_boxes_of_the_words_that_print_them(tmp_path: Path) -> None:
    _, fields = read(tmp_path)
    values = fields.values
    assert values["extra.template_name"].value == "uk.brightwater.yml"
    expected = {
        "invoice_number": (60 + after("Invoice no. "), 130),  # BW-2044, after its label
        "issue_date": (360 + after("Invoice date "), 130),  # 2024-05-02, printed 02.05.2024
        "totals.payable": (420, 320),  # 1234.5, printed 1,234.50
        "totals.tax_exclusive": (420, 300),
        "seller.vat_id": (400 + after("VAT "), 60),
        "seller.name": (60, 60),
        "currency": (300, 320),  # an option of the template, printed as the code by the total
    }
    for path, (left, top) in expected.items():
        (box,) = values[path].boxes
        assert box.page == 1
        got_left, got_top = at(box)
        # pdfium's box is the glyphs' (a little under the line's top)
        assert abs(got_left - left) <= 2 and 0 <= got_top - top <= 4, (path, at(box))
    # the template's name and what it says of itself are not read from the page: no box, even
    # for a stated value that happens to be printed
    assert values["extra.template_name"].boxes == ()
    assert values["extra.partner_ref"].value == "BW-2044"
    assert values["extra.partner_ref"].boxes == ()
    # an extra field never reaches the invoice: printed or not, it is not looked for
    assert values["extra.po_box"].value == "4471"
    assert values["extra.po_box"].boxes == ()


def test_values_at_the_parties_payment_and_period_paths_carry_their_boxes(
    tmp_path: Path,
) -> None:
    _, fields = read(tmp_path)
    values = fields.values
    # path: (value, as printed, left, top)
    expected = {
        "seller.address.line1": (
            "Kingsway House, 12 Canal Street", "Kingsway House, 12 Canal Street", 60, 88,
        ),
        "seller.address.post_code": ("LS1 4DT", "LS1 4DT", 60, 102),
        "seller.address.city": ("Leeds", "Leeds", 60 + after("LS1 4DT "), 102),
        "seller.contact.phone": ("+44 113 496 0000", "+44 113 496 0000", 400 + after("Tel. "), 74),
        "seller.contact.email": (
            "accounts@brightwater.example", "accounts@brightwater.example", 400, 88,
        ),
        "buyer.identifiers[0].id": ("C-1187", "C-1187", 60 + after("Customer no. "), 150),
        "invoicing_period.start": ("2024-04-01", "01.04.2024", 360 + after("Period "), 150),
        "invoicing_period.end": (
            "2024-04-30", "30.04.2024", 360 + after("Period 01.04.2024 - "), 150,
        ),
        "payment.means_text": ("Bank transfer", "Bank transfer", 60 + after("Paid by "), 350),
        "payment.remittance": (
            "RF18 5390 0754 7034", "RF18 5390 0754 7034", 60 + after("Reference "), 364,
        ),
    }  # fmt: skip
    for path, (value, printed, left, top) in expected.items():
        assert values[path].value == value, path
        (box,) = values[path].boxes
        got_left, got_top = at(box)
        assert abs(got_left - left) <= 2 and 0 <= got_top - top <= 4, (path, at(box))
        # the box holds the value's words, not the line's label or its neighbours
        assert abs(box.right * A4[0] - (left + after(printed))) <= 3, (path, box)


def test_a_value_not_printed_as_the_template_states_it_gets_no_box(tmp_path: Path) -> None:
    _, fields = read(tmp_path)
    values = fields.values
    # `type: int` turned the printed 04080176 into 4080176: printed so nowhere, no box
    assert values["seller.legal_registration.id"].value == "4080176"
    assert values["seller.legal_registration.id"].boxes == ()
    # a country code is not looked for: `GB` of the VAT id is no box of the country
    assert values["seller.country"].value == "GB"
    assert values["seller.country"].boxes == ()


def test_template_lines_carry_the_box_of_their_row(tmp_path: Path) -> None:
    _, fields = read(tmp_path)
    assert [line["name"] for line in fields.lines] == ["Copper pipe", "Brass fittings"]
    assert len(fields.line_boxes) == 2
    tops = [round(boxes[0].top * A4[1]) for boxes in fields.line_boxes]
    assert [0 <= t - want <= 4 for t, want in zip(tops, (220, 240), strict=True)] == [True, True]
    for boxes in fields.line_boxes:
        (box,) = boxes
        # from the description to the amount
        assert round(box.left * A4[0]) <= 61 and round(box.right * A4[0]) >= 445


def test_a_text_without_words_gives_the_same_fields_without_boxes(tmp_path: Path) -> None:
    text, with_words = read(tmp_path)
    plain = Text(pages=text.pages, method="file")
    folder = tmp_path / "templates"
    context = RunContext("run-1", 1, "extract", "extract.templates", tmp_path)
    (fields,) = TemplateExtract({"template_folder": str(folder)}).process(
        Artifacts([plain]), context
    )
    assert isinstance(fields, Fields)
    assert {p: f.value for p, f in fields.values.items()} == {
        p: f.value for p, f in with_words.values.items()
    }
    assert all(f.boxes == () for f in fields.values.values())
    assert fields.line_boxes == ()
