"""text.pdfium's words where the laid-out text runs pieces together: two lines or two columns
written side by side, text written sideways in the margin, a decimal comma drawn lower than its
digits. Each case is a PDF drawn here that reproduces what producers do."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from turnout.domain.artifacts import Document, DocumentKind, Text
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.page import Word
from turnout.modules.text.layout import mend_numbers
from turnout.modules.text.pdfium import PdfiumText

FONT = "Helvetica"


def read(data: bytes, tmp_path: Path) -> Text:
    document = Document(
        filename="invoice.pdf",
        kind=DocumentKind.PDF,
        media_type="application/pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
    )
    context = RunContext("run-1", 1, "text", "text.pdfium", tmp_path)
    (text,) = PdfiumText().process(Artifacts([document]), context)
    assert isinstance(text, Text)
    return text


def drawn(draw: Callable[[Canvas], None]) -> bytes:
    """An A4 page with a filler line (so that it has a text layer) and what `draw` draws."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setFont(FONT, 9)
    canvas.drawString(72, 100, "a filler line so that the page has a text layer to read")
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def word(text: Text, value: str) -> Word:
    (found,) = [w for w in text.words if w.text == value]
    return found


def test_amounts_of_two_lines_the_text_runs_together_stay_two_words(tmp_path: Path) -> None:
    """A tall heading beside a column of right-aligned amounts puts the amounts on its line of
    text; the amounts overlap across (written without a space) but are two words."""

    def draw(canvas: Canvas) -> None:
        canvas.setFont(f"{FONT}-Bold", 30)
        canvas.drawString(72, 700, "TOTAL")
        canvas.setFont(FONT, 9)
        canvas.drawRightString(541, 712, "473,00")
        canvas.drawRightString(541, 702, "19,25")

    text = read(drawn(draw), tmp_path)
    assert "473,0019,25" in text.pages[0]  # the text as templates have always read it
    upper, lower = word(text, "473,00"), word(text, "19,25")
    assert upper.bottom <= lower.top + 1  # each box on its own line, not spanning both
    assert not any("473,0019" in w.text for w in text.words)


def test_columns_a_hair_apart_stay_two_words_and_touching_pieces_one(tmp_path: Path) -> None:
    """Runs drawn apart (other text drawn between them) end up side by side: a gap of a few
    points is two columns, pieces that touch on one baseline are one word."""
    width = Canvas(io.BytesIO()).stringWidth

    def draw(canvas: Canvas) -> None:
        canvas.setFont(FONT, 9)
        canvas.drawString(72, 600, "Karton")
        canvas.drawString(72, 580, "Rech")
        canvas.drawString(300, 500, "elsewhere")
        canvas.drawString(72 + width("Karton", FONT, 9) + 2.5, 600, "GZ250")
        canvas.drawString(72 + width("Rech", FONT, 9), 580, "nung")

    text = read(drawn(draw), tmp_path)
    assert "KartonGZ250" in text.pages[0]
    assert word(text, "GZ250").left > word(text, "Karton").right
    assert "Rechnung" in text.pages[0]
    assert word(text, "Rechnung").right > 72 + width("Rechnung", FONT, 9) - 2


def sideways_margin(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.translate(30, 300)
    canvas.rotate(90)
    canvas.setFont(FONT, 7)
    canvas.drawString(0, 0, "Copyright 2014 Example print shop, all rights kept")
    canvas.restoreState()
    canvas.setFont(FONT, 10)
    for number in range(8):
        canvas.drawString(72, 500 - 12 * number, f"Line {number} of the invoice body 12,50")


def test_sideways_margin_text_stays_in_the_text_not_in_the_words(tmp_path: Path) -> None:
    text = read(drawn(sideways_margin), tmp_path)
    assert "Copyright" in text.pages[0]
    assert not {"Copyright", "2014", "Example", "shop,"} & {w.text for w in text.words}
    # the body's lines are whole words with boxes one line tall
    bodies = [w for w in text.words if w.text == "body"]
    assert len(bodies) == 8
    assert all(w.bottom - w.top < 12 for w in bodies)


def test_a_page_drawn_sideways_keeps_its_words(tmp_path: Path) -> None:
    """When most of a page is written sideways the page is turned, not its margin: every word
    is kept, with the box it covers (taller than wide)."""

    def draw(canvas: Canvas) -> None:
        canvas.saveState()
        canvas.translate(500, 100)
        canvas.rotate(90)
        canvas.setFont(FONT, 10)
        for number in range(10):
            canvas.drawString(0, 12 * number, f"Row {number} Widgets 12,50 EUR")
        canvas.restoreState()

    text = read(drawn(draw), tmp_path)
    widgets = [w for w in text.words if w.text == "Widgets"]
    assert len(widgets) == 10
    assert all(w.bottom - w.top > 2 * (w.right - w.left) for w in widgets)


def comma_with_rise(rise: float) -> Callable[[Canvas], None]:
    def draw(canvas: Canvas) -> None:
        line = canvas.beginText()
        line.setFont(FONT, 10)
        line.setTextOrigin(500, 400)
        line.textOut("671")
        line.setRise(rise)
        line.textOut(",")
        line.setRise(0)
        line.textOut("15 EUR")
        canvas.drawText(line)

    return draw


@pytest.mark.parametrize("rise", [-3.5, -4.5])
def test_a_decimal_comma_drawn_lower_than_its_digits_is_in_their_word(
    rise: float, tmp_path: Path
) -> None:
    """-4.5: pdfium puts the comma on a line of its own (the text reads "671 15" over ",");
    -3.5: the comma stays on the digits before it, the digits after are a run apart."""
    text = read(drawn(comma_with_rise(rise)), tmp_path)
    amount = word(text, "671,15")
    assert not {"671", ",", "15", "671,"} & {w.text for w in text.words}
    assert amount.left == pytest.approx(500, abs=1)
    assert amount.right == pytest.approx(500 + 3 * 5.56 + 2.78 + 2 * 5.56, abs=1.5)
    assert amount.bottom > A4[1] - 400 + 2  # the box reaches down to the comma


def test_a_comma_wholly_below_its_line_is_not_a_decimal_comma(tmp_path: Path) -> None:
    text = read(drawn(comma_with_rise(-7)), tmp_path)
    assert {"671", ",", "15"} <= {w.text for w in text.words}


def test_a_lone_separator_joins_only_digits_of_one_line_it_touches() -> None:
    digits, comma, decimals = (
        ("671", 100, 700, 115, 707),
        (",", 117, 696, 118, 699),
        (
            "15",
            120,
            700,
            130,
            707,
        ),
    )
    assert mend_numbers([digits, comma, decimals]) == [("671,15", 100, 696, 130, 707)]
    # the digits after it a line lower, or far to the right, or not digits: left as they are
    lower = ("15", 120, 688, 130, 695)
    far = ("15", 125, 700, 135, 707)
    letters = ("ab", 120, 700, 130, 707)
    for other in (lower, far, letters):
        assert mend_numbers([digits, comma, other]) == [digits, comma, other]
    # thousands and decimals: both separators join
    thousands = ("1", 90, 700, 95, 707), (",", 96, 696, 97, 699), ("671", 98, 700, 113, 707)
    assert mend_numbers([*thousands, (".", 114, 700, 115, 701), ("15", 116, 700, 126, 707)]) == [
        ("1,671.15", 90, 696, 126, 707)
    ]
