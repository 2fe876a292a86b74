"""text.pdfium's words: each word of the text layer with its box on the page as shown."""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from pathlib import Path

import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

import turnout
from turnout.domain.artifacts import Document, DocumentKind, Text
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.text.layout import RunBuilder, join_words, lay_out
from turnout.modules.text.pdfium import PdfiumText

EXAMPLES = Path(turnout.__file__).parent / "examples"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora"


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


def one_word_pdf(rotation: int = 0, crop: tuple[float, float, float, float] | None = None) -> bytes:
    """An A4 page with a filler line (so that it has a text layer) and INVOICE in big letters."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(120, 200, "a filler line so that the page has a text layer to read")
    canvas.setFont("Helvetica-Bold", 30)
    canvas.drawString(100, 700, "INVOICE")
    canvas.showPage()
    canvas.save()
    if not rotation and crop is None:
        return buffer.getvalue()
    pdf = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        page = pdf[0]
        page.set_rotation(rotation)
        if crop is not None:
            page.set_cropbox(*crop)
            page.set_mediabox(*crop)
        out = io.BytesIO()
        pdf.save(out)
        page.close()
    finally:
        pdf.close()
    return out.getvalue()


def ink_box(data: bytes, word_box: tuple[float, float, float, float]) -> tuple[float, ...]:
    """The box of the dark pixels (at 72 dpi: one pixel a point) near `word_box`, rendered as
    pdfium shows the page (rotation applied)."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        page = pdf[0]
        bitmap = page.render(scale=1, grayscale=True)
        image = bitmap.to_pil()
        bitmap.close()
        page.close()
    finally:
        pdf.close()
    left, top, right, bottom = word_box
    margin = 20
    xs, ys = [], []
    pixels = image.load()
    for y in range(max(int(top) - margin, 0), min(int(bottom) + margin, image.height)):
        for x in range(max(int(left) - margin, 0), min(int(right) + margin, image.width)):
            if pixels[x, y] < 128:
                xs.append(x)
                ys.append(y)
    return (min(xs), min(ys), max(xs) + 1, max(ys) + 1)


def test_a_word_has_its_box_in_points_from_the_top_left_corner(tmp_path: Path) -> None:
    text = read(one_word_pdf(), tmp_path)
    assert text.page_sizes == ((pytest.approx(A4[0]), pytest.approx(A4[1])),)
    (word,) = [w for w in text.words if w.text == "INVOICE"]
    assert word.page == 1 and word.score == 1.0
    assert word.left == pytest.approx(100, abs=3)
    # the baseline sits at 700 points from the bottom; capitals rise about 21 points above it
    assert word.bottom == pytest.approx(A4[1] - 700, abs=2)
    assert word.top == pytest.approx(A4[1] - 721, abs=3)
    assert 100 < word.right - word.left < 150


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_word_box_covers_the_word_on_the_page_as_rendered(rotation: int, tmp_path: Path) -> None:
    data = one_word_pdf(rotation)
    text = read(data, tmp_path)
    width, height = text.page_sizes[0]
    assert (width, height) == (
        (pytest.approx(A4[1]), pytest.approx(A4[0]))
        if rotation in (90, 270)
        else (pytest.approx(A4[0]), pytest.approx(A4[1]))
    )
    (word,) = [w for w in text.words if w.text == "INVOICE"]
    box = (word.left, word.top, word.right, word.bottom)
    ink = ink_box(data, box)
    for edge, seen in zip(box, ink, strict=True):
        assert edge == pytest.approx(seen, abs=3), (box, ink)


def test_a_crop_box_away_from_the_origin_moves_the_words_with_it(tmp_path: Path) -> None:
    data = one_word_pdf(crop=(50, 100, 500, 800))
    text = read(data, tmp_path)
    assert text.page_sizes == ((pytest.approx(450), pytest.approx(700)),)
    (word,) = [w for w in text.words if w.text == "INVOICE"]
    assert word.left == pytest.approx(50, abs=3)
    box = (word.left, word.top, word.right, word.bottom)
    for edge, seen in zip(box, ink_box(data, box), strict=True):
        assert edge == pytest.approx(seen, abs=3)


@pytest.mark.parametrize("name", ["invoice-acme-en", "rechnung-mueller-de", "facture-dupont-fr"])
def test_the_words_are_the_page_text_split_on_spaces(name: str, tmp_path: Path) -> None:
    text = read((EXAMPLES / f"{name}.pdf").read_bytes(), tmp_path)
    assert text.words
    for number, page in enumerate(text.pages, start=1):
        on_page = Counter(w.text for w in text.words if w.page == number)
        assert on_page == Counter(page.split())


def test_runs_written_side_by_side_make_one_word() -> None:
    """Two pieces of text the layout writes without a space (an amount whose decimals pdfium
    puts in a run of their own) are one word, with the union of both boxes."""
    builder = RunBuilder()
    builder.add_word("530", (100, 700, 106, 710), (100, 700, 118, 710))
    builder.add("\n", (0, 0, 0, 0))
    builder.add_word(",75", (118.5, 699, 121, 702), (118.5, 699, 130, 710))
    runs = builder.finish()
    assert len(runs) == 2
    joins: list[tuple[int, int]] = []
    assert lay_out(runs, joins) == "530,75"
    assert join_words(builder.words, joins) == [("530,75", 100, 699, 130, 710)]


def test_a_space_or_a_column_gap_separates_words() -> None:
    builder = RunBuilder()
    builder.add_word("Total", (100, 700, 106, 710), (100, 700, 125, 710))
    builder.space()
    builder.add_word("due", (130, 700, 136, 710), (130, 700, 145, 710))
    builder.add_word("12.50", (300, 700, 306, 710), (300, 700, 325, 710))
    runs = builder.finish()
    joins: list[tuple[int, int]] = []
    lay_out(runs, joins)
    assert [w[0] for w in join_words(builder.words, joins)] == ["Total", "due", "12.50"]


@pytest.mark.corpus
def test_corpus_words_hold_the_characters_of_every_page(tmp_path: Path) -> None:
    """Every visible character of a word is on its page's text: words may split what the text
    writes together (two lines or columns run into one) and leave out a margin line written
    sideways, never add a character or lose more."""
    files = sorted((CORPUS / "zugferd").glob("**/*.pdf"))[:40]
    if not files:
        pytest.skip(f"the invoice corpora are not at {CORPUS}")
    for path in files:
        text = read(path.read_bytes(), tmp_path)
        for number, page in enumerate(text.pages, start=1):
            on_page = Counter("".join(w.text for w in text.words if w.page == number))
            printed = Counter("".join(page.split()))
            assert not on_page - printed, (path.name, number)
            assert (printed - on_page).total() <= 80, (path.name, number)
