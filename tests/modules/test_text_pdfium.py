"""text.pdfium against real PDFs: the bundled examples, a PDF without text, and non-PDFs."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

import turnout
from turnout.domain.artifacts import Document, DocumentKind, Text
from turnout.domain.errors import InputRejected, NotApplicable
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.text.layout import RunBuilder, TextRun, lay_out
from turnout.modules.text.pdfium import PdfiumText

EXAMPLES = Path(turnout.__file__).parent / "examples"
PDF_EXAMPLES = ("invoice-acme-en", "rechnung-mueller-de", "facture-dupont-fr")


def pdf_document(data: bytes, name: str = "invoice.pdf", pages: int | None = 1) -> Document:
    return Document(
        filename=name,
        kind=DocumentKind.PDF,
        media_type="application/pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        pages=pages,
    )


def run_text(document: Document, tmp_path: Path, **settings: object) -> Text:
    context = RunContext("run-1", 1, "text", "text.pdfium", tmp_path)
    (text,) = PdfiumText(settings).process(Artifacts([document]), context)
    assert isinstance(text, Text)
    return text


def blank_pdf(pages: int = 1, text: str | None = None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    for _ in range(pages):
        canvas.rect(100, 100, 300, 200, stroke=1, fill=0)
        if text:
            canvas.drawString(100, 700, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("name", PDF_EXAMPLES)
def test_example_text_contains_its_invoice_number_and_total(name: str, tmp_path: Path) -> None:
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    text = run_text(pdf_document((EXAMPLES / f"{name}.pdf").read_bytes()), tmp_path)
    assert text.method == "pdfium"
    assert len(text.pages) == 1
    assert text.page_confidence == (1.0,)
    assert expected["invoice_number"] in text.full
    assert expected["seller"]["name"].casefold() in text.full.casefold()


def test_label_and_amount_on_one_baseline_stay_on_one_line(tmp_path: Path) -> None:
    data = (EXAMPLES / "rechnung-mueller-de.pdf").read_bytes()
    lines = run_text(pdf_document(data), tmp_path).full.splitlines()
    assert any("Gesamtbetrag" in line and "1.878,42" in line for line in lines)
    assert any("Rechnungsnummer:" in line and "RE-2024-0815" in line for line in lines)


def test_pdf_without_text_layer_is_rejected_with_a_hint_to_ocr(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match=r"no text layer \(0 chars < min_chars=40\).*text\.ocr"):
        run_text(pdf_document(blank_pdf()), tmp_path)


def test_min_chars_setting_decides_what_counts_as_a_text_layer(tmp_path: Path) -> None:
    document = pdf_document(blank_pdf(text="Invoice 42"))
    with pytest.raises(InputRejected, match="OCR"):
        run_text(document, tmp_path)
    text = run_text(document, tmp_path, min_chars=5)
    assert "Invoice 42" in text.full


def test_empty_pages_get_zero_confidence(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.drawString(100, 700, "Invoice number INV-1001, total due 1,250.00 USD, thank you")
    canvas.showPage()
    canvas.rect(100, 100, 50, 50)
    canvas.showPage()
    canvas.save()
    text = run_text(pdf_document(buffer.getvalue(), pages=2), tmp_path)
    assert text.page_confidence == (1.0, 0.0)
    assert text.pages[1] == ""


def test_pdf_with_more_pages_than_max_pages_is_rejected(tmp_path: Path) -> None:
    document = pdf_document(blank_pdf(pages=3, text="x" * 50), pages=3)
    with pytest.raises(InputRejected, match="max_pages=2"):
        run_text(document, tmp_path, max_pages=2)


def test_damaged_pdf_is_rejected_not_crashed(tmp_path: Path) -> None:
    data = (EXAMPLES / "invoice-acme-en.pdf").read_bytes()[:400]
    with pytest.raises(InputRejected, match="cannot open"):
        run_text(pdf_document(data, pages=None), tmp_path)


def test_an_image_is_rejected_so_that_ocr_can_take_over(tmp_path: Path) -> None:
    document = Document(
        "scan.png", DocumentKind.IMAGE, "image/png", "0" * 64, 4, b"\x89PNG", pages=1
    )
    with pytest.raises(InputRejected, match=r"needs OCR: select text\.ocr"):
        run_text(document, tmp_path)


def test_an_e_invoice_is_not_applicable(tmp_path: Path) -> None:
    document = Document(
        "inv.xml", DocumentKind.UBL, "application/xml", "0" * 64, 4, b"<x/>", xml=b"<x/>"
    )
    with pytest.raises(NotApplicable, match="einvoice stage"):
        run_text(document, tmp_path)


def test_spec_mirrors_the_text_contract() -> None:
    contract = STAGES_BY_ID["text"].contract
    spec = PdfiumText.spec
    assert (spec.stage_id, spec.contract_id) == ("text", contract.contract_id)
    assert spec.inputs == contract.inputs and spec.outputs == contract.outputs
    assert contract.guarantees <= spec.guarantees
    assert spec.settings_schema["additionalProperties"] is False
    assert not spec.is_fallback
    PdfiumText.health_check()


def test_small_glyphs_join_their_word_and_columns_keep_apart() -> None:
    builder = RunBuilder()
    for i, char in enumerate("AB"):
        builder.add(char, (10.0 + 6 * i, 100.0, 15.0 + 6 * i, 110.0))
    builder.add("_", (22.0, 98.0, 27.0, 99.0))  # an underscore sits below the baseline
    builder.add("C", (28.0, 100.0, 33.0, 110.0))
    builder.add("9", (200.0, 100.0, 205.0, 110.0))  # far right: another column
    assert lay_out(builder.finish()).split() == ["AB_C", "9"]


def test_a_word_added_whole_gives_the_runs_its_characters_would() -> None:
    # "Total" then "12.00" on one baseline, a column further "EUR", then a line below
    words = [
        ("Total", 10.0, 100.0, 6.0),
        ("12.00", 48.0, 100.0, 6.0),
        ("EUR", 300.0, 100.0, 6.0),
        ("Net", 10.0, 80.0, 6.0),
    ]
    by_char, by_word = RunBuilder(), RunBuilder()
    for n, (word, left, bottom, width) in enumerate(words):
        if n:
            by_char.add(" ", (0.0, 0.0, 0.0, 0.0))
            by_word.space()
        boxes = [
            (left + i * width, bottom, left + (i + 1) * width - 0.5, bottom + 10.0)
            for i in range(len(word))
        ]
        for char, box in zip(word, boxes, strict=True):
            by_char.add(char, box)
        union = (boxes[0][0], bottom, boxes[-1][2], bottom + 10.0)
        by_word.add_word(word, boxes[0], union)
    runs = by_word.finish()
    assert runs == by_char.finish()
    assert [r.text.strip() for r in runs] == ["Total 12.00", "EUR", "Net"]
    assert lay_out(runs).splitlines()[0].split() == ["Total", "12.00", "EUR"]


def test_lines_far_above_are_left_behind_and_a_tall_run_keeps_its_line() -> None:
    runs = [
        TextRun(10.0, 690.0, 80.0, 700.0, "Invoice"),
        TextRun(400.0, 500.0, 480.0, 680.0, "Stamp"),  # tall: spans several text lines
        TextRun(10.0, 600.0, 50.0, 610.0, "Item"),  # joins the stamp's line, not the header's
        TextRun(60.0, 560.0, 100.0, 570.0, "More"),
        TextRun(10.0, 300.0, 50.0, 310.0, "Total"),
    ]
    lines = [line.split() for line in lay_out(runs).splitlines()]
    assert lines == [["Invoice"], ["Item", "More", "Stamp"], ["Total"]]
