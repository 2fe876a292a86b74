"""Words and page sizes of text.ocr without the model: a box's text split into words, and an
image's size in points from the DPI it declares (or A4 when it declares none worth believing)."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from PIL import Image

from turnout.domain.page import Word
from turnout.modules.text.ocr_engine import OcrBox
from turnout.modules.text.ocr_words import TEXT_HEIGHT, words_of
from turnout.modules.text.rasterize import PixelBudget, image_pages, pdf_pages

BUDGET = PixelBudget(max_pages=5, max_page_pixels=10**8, max_total_pixels=10**9)


def test_a_box_is_split_into_words_sharing_its_width_by_character_count() -> None:
    box = OcrBox(100, 40, 300, 60, "Total  due 9,50", 0.9)  # 15 characters, 200 px wide
    words = words_of([box], page=2, scale=(0.5, 0.25))
    assert [w.text for w in words] == ["Total", "due", "9,50"]
    per_char = 200 / 15
    total, due, amount = words
    # the detector pads its box above and below the text: a word keeps the box's middle and
    # TEXT_HEIGHT of its height (20 px at 0.25 pt a pixel: 5 pt)
    top, bottom = round((50 - 10 * TEXT_HEIGHT) * 0.25, 2), round((50 + 10 * TEXT_HEIGHT) * 0.25, 2)
    assert total == Word("Total", 2, 50.0, top, round((100 + 5 * per_char) * 0.5, 2), bottom, 0.9)
    assert due.left == round((100 + 7 * per_char) * 0.5, 2)
    assert due.right == round((100 + 10 * per_char) * 0.5, 2)
    assert amount.right == 150.0  # the last word ends where the box does
    assert all(w.page == 2 and w.top == top and w.bottom == bottom for w in words)
    assert 0.5 * 5 < bottom - top < 5  # tighter than the box, as a text layer's glyph boxes are


def test_blank_boxes_give_no_words_and_scores_stay_within_zero_and_one() -> None:
    words = words_of([OcrBox(0, 0, 10, 10, "   ", 0.7), OcrBox(0, 0, 10, 10, "x", 1.02)], 1, (1, 1))
    assert [(w.text, w.score) for w in words] == [("x", 1.0)]


def png(size: tuple[int, int], dpi: float | None) -> bytes:
    buffer = io.BytesIO()
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    Image.new("L", size, 255).save(buffer, "PNG", **extra)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("size", "dpi", "points"),
    [
        ((1700, 2200), 200, (612.0, 792.0)),  # a Letter scan that says its DPI
        ((1654, 2339), None, (595.28, 841.81)),  # no DPI: taken as A4-wide
        ((2480, 3508), 72, (595.28, 842.03)),  # 72 DPI would make a 34-inch page: not believed
        ((3508, 2480), None, (842.03, 595.28)),  # landscape: its shorter side is A4's
    ],
)
def test_an_image_page_is_sized_in_points_from_a_believable_dpi_else_as_a4(
    size: tuple[int, int], dpi: float | None, points: tuple[float, float]
) -> None:
    (page,) = list(image_pages(png(size, dpi), BUDGET))
    assert (page.width_pt, page.height_pt) == pytest.approx(points, abs=0.05)
    assert page.image.mode == "L"
    assert max(page.image.size) <= 2000  # read no larger than the engine reads


def test_a_pdf_page_is_rendered_grey_with_its_size_in_points() -> None:
    buffer = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(buffer, "PDF", resolution=100)  # 8.5 x 11 inches
    (page,) = list(pdf_pages(buffer.getvalue(), 150, BUDGET))
    assert page.image.mode == "L"
    assert page.image.size[0] == 1275 and abs(page.image.size[1] - 1650) <= 1
    assert (page.width_pt, page.height_pt) == pytest.approx((612.0, 792.0), abs=0.5)


def test_a_turned_pdf_page_is_sized_as_it_is_shown() -> None:
    buffer = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(buffer, "PDF", resolution=100)
    pdf = pypdfium2.PdfDocument(buffer.getvalue())
    pdf[0].set_rotation(90)
    turned = io.BytesIO()
    pdf.save(turned)
    pdf.close()
    (page,) = list(pdf_pages(turned.getvalue(), 100, BUDGET))
    assert abs(page.image.size[0] - 1100) <= 1 and abs(page.image.size[1] - 850) <= 1
    assert (page.width_pt, page.height_pt) == pytest.approx((792.0, 612.0), abs=0.5)
