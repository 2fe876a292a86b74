"""turnout.testing.scans: a text PDF rendered into an image-only PDF (a scan) or a PNG."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from turnout.modules.pdfium_lock import PDFIUM_LOCK
from turnout.testing.scans import as_png, as_scan


def _text_pdf(pages: int) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    for n in range(pages):
        canvas.setFont("Helvetica-Bold", 28)
        canvas.drawString(72, 700, f"INVOICE PAGE {n + 1}")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _pages(pdf: bytes) -> list[tuple[str, tuple[float, float], int]]:
    """(text, size in points, attachment count) of each page."""
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            out = []
            for index in range(len(document)):
                page = document[index]
                text_page = page.get_textpage()
                out.append(
                    (text_page.get_text_range(), page.get_size(), document.count_attachments())
                )
                text_page.close()
                page.close()
            return out
        finally:
            document.close()


def test_scan_keeps_the_page_count_and_size_and_has_no_text_layer() -> None:
    original = _text_pdf(3)
    assert "INVOICE PAGE 2" in _pages(original)[1][0]

    scan = as_scan(original, dpi=100)

    pages = _pages(scan)
    assert len(pages) == 3
    for text, (width, height), attachments in pages:
        assert text.strip() == ""
        assert attachments == 0
        assert width == pytest.approx(A4[0], abs=1.0)
        assert height == pytest.approx(A4[1], abs=1.0)


def test_scan_renders_back_with_the_printed_ink_in_place() -> None:
    scan = as_scan(_text_pdf(1), dpi=100)

    image = Image.open(io.BytesIO(as_png(scan, page=0, dpi=72)))

    assert image.mode == "L"
    # whole pixels at 100 dpi: the scan's page may be a fraction of a point larger
    assert image.size[0] == pytest.approx(A4[0], abs=1.5)
    assert image.size[1] == pytest.approx(A4[1], abs=1.5)
    # the title drawn at 72 pt from the left, 700 pt from the bottom is dark in the scan;
    # the bottom of the page is blank paper
    title = image.crop((72, int(A4[1]) - 720, 300, int(A4[1]) - 695))
    blank = image.crop((72, int(A4[1]) - 200, 300, int(A4[1]) - 100))
    assert title.getextrema()[0] < 100
    assert blank.getextrema()[0] > 200


def test_png_is_greyscale_at_the_resolution_asked_for() -> None:
    image = Image.open(io.BytesIO(as_png(_text_pdf(2), page=1, dpi=200)))

    assert image.format == "PNG"
    assert image.mode == "L"
    assert image.size == (round(A4[0] * 200 / 72), round(A4[1] * 200 / 72))


def test_png_of_a_page_that_does_not_exist_says_which_pages_do() -> None:
    with pytest.raises(ValueError, match="pages 0 to 1"):
        as_png(_text_pdf(2), page=2)
