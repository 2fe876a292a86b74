"""text.render: a stored source file's pages as images, sized in the points the words' boxes use."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

import turnout
from support import hostile_files
from support.pdfs import make_pdf
from turnout.domain.artifacts import Document, DocumentKind, Text
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.page import Word
from turnout.domain.rendering import PageImage, PageNotFound, PageRenderer, PageUnrenderable
from turnout.modules.text.pdfium import PdfiumText
from turnout.modules.text.rasterize import PixelBudget, image_pages
from turnout.modules.text.render import (
    MAX_SIDE_PX,
    MAX_WIDTH_PX,
    MIN_WIDTH_PX,
    PdfiumPageRenderer,
)

EXAMPLES = Path(turnout.__file__).parent / "examples"
EXAMPLE_PDFS = sorted(EXAMPLES.glob("*.pdf"))
renderer: PageRenderer = PdfiumPageRenderer()  # the port the review screen uses


def read_text(data: bytes, tmp_path: Path) -> Text:
    """What text.pdfium reads of the PDF: its words and page sizes, in points."""
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


def picture(image: PageImage) -> Image.Image:
    decoded = Image.open(io.BytesIO(image.data))
    decoded.load()
    return decoded


def ink_in(image: PageImage, word: Word) -> int:
    """The darkest grey level inside the word's box scaled onto the image (0 black, 255 white)."""
    x = image.width_px / image.width_pt
    y = image.height_px / image.height_pt
    box = (round(word.left * x), round(word.top * y), round(word.right * x), round(word.bottom * y))
    low, _ = picture(image).convert("L").crop(box).getextrema()
    assert isinstance(low, int)
    return low


def words_named(text: Text, value: str) -> list[Word]:
    return [word for word in text.words if word.text == value]


def one_word_pdf(rotation: int = 0, crop: tuple[float, float, float, float] | None = None) -> bytes:
    """An A4 page with a filler line (a text layer) and INVOICE in big letters, maybe turned by
    `/Rotate` or cut by a crop box smaller than the media box."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(120, 200, "a filler line so that the page has a text layer to read")
    canvas.setFont("Helvetica-Bold", 30)
    canvas.drawString(100, 700, "INVOICE")
    canvas.showPage()
    canvas.save()
    pdf = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        page = pdf[0]
        page.set_rotation(rotation)
        if crop is not None:
            page.set_cropbox(*crop)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
    finally:
        pdf.close()


def png_of(image: Image.Image, dpi: int | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def scan_png() -> bytes:
    """The ACME example's page as a scanner delivers it: a greyscale picture declaring 150 DPI."""
    pdf = pypdfium2.PdfDocument(EXAMPLES / "invoice-acme-en.pdf")
    try:
        image = pdf[0].render(scale=150 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    return png_of(image, dpi=150)


@pytest.mark.parametrize("path", EXAMPLE_PDFS, ids=lambda p: p.name)
def test_a_pdf_page_is_a_png_sized_in_the_points_text_pdfium_reads_it_in(
    path: Path, tmp_path: Path
) -> None:
    data = path.read_bytes()
    text = read_text(data, tmp_path)

    assert renderer.page_count(path.name, data) == len(text.pages) == 1
    image = renderer.render(path.name, data, 1, 1200)

    assert image.media_type == "image/png"
    assert picture(image).size == (image.width_px, image.height_px)
    assert picture(image).mode == "RGB"  # the page in colour, as the reviewer knows it
    assert image.width_px == 1200
    assert (image.width_pt, image.height_pt) == pytest.approx(text.page_sizes[0], abs=0.01)


def test_the_invoice_numbers_box_lands_on_its_print_in_the_image(tmp_path: Path) -> None:
    data = (EXAMPLES / "invoice-acme-en.pdf").read_bytes()
    (number,) = words_named(read_text(data, tmp_path), "ACM-24-0173")

    image = renderer.render("invoice-acme-en.pdf", data, 1, 1000)

    assert ink_in(image, number) < 100
    shifted = Word(number.text, 1, number.left, 5.0, number.right, 5.0 + number.height)
    assert ink_in(image, shifted) > 200  # the page's top margin: the box is not everywhere dark


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_turned_page_is_shown_turned_and_its_words_boxes_still_land_on_them(
    rotation: int, tmp_path: Path
) -> None:
    data = one_word_pdf(rotation)
    text = read_text(data, tmp_path)
    (word,) = words_named(text, "INVOICE")

    image = renderer.render("turned.pdf", data, 1, 800)

    assert (image.width_pt, image.height_pt) == pytest.approx(text.page_sizes[0], abs=0.01)
    assert (image.width_px > image.height_px) == (rotation in (90, 270))
    assert ink_in(image, word) < 100


def test_a_page_cut_by_its_crop_box_is_shown_cut_and_boxes_follow(tmp_path: Path) -> None:
    data = one_word_pdf(crop=(50, 150, 500, 800))
    text = read_text(data, tmp_path)
    (word,) = words_named(text, "INVOICE")

    image = renderer.render("cropped.pdf", data, 1, 900)

    assert (image.width_pt, image.height_pt) == pytest.approx((450, 650), abs=0.01)
    assert ink_in(image, word) < 100


def test_the_width_asked_is_brought_within_bounds() -> None:
    data = (EXAMPLES / "invoice-acme-en.pdf").read_bytes()

    assert renderer.render("a.pdf", data, 1, 50_000).width_px == MAX_WIDTH_PX
    assert renderer.render("a.pdf", data, 1, 0).width_px == MIN_WIDTH_PX


def test_a_page_as_tall_as_a_strip_is_bounded_on_its_longer_side() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(100, 14_000), invariant=1)
    canvas.drawString(10, 13_900, "a receipt printed on an endless roll")
    canvas.showPage()
    canvas.save()

    image = renderer.render("roll.pdf", buffer.getvalue(), 1, MAX_WIDTH_PX)

    assert image.height_px <= MAX_SIDE_PX
    assert image.width_px == pytest.approx(
        image.height_px * image.width_pt / image.height_pt, abs=1
    )


def test_pages_are_numbered_from_one_and_a_page_out_of_range_is_not_found() -> None:
    data = make_pdf(3)

    assert renderer.page_count("three.pdf", data) == 3
    assert renderer.render("three.pdf", data, 3, 400).width_px == 400
    for page in (0, 4, -1):
        with pytest.raises(PageNotFound, match=r"three\.pdf has no page .*numbered 1 to 3"):
            renderer.render("three.pdf", data, page, 400)


def test_no_more_pages_than_intake_allows_are_shown() -> None:
    data = make_pdf(3)
    bounded = PdfiumPageRenderer(max_pages=2)

    assert bounded.page_count("three.pdf", data) == 2
    with pytest.raises(PageNotFound, match="at most 2 are shown"):
        bounded.render("three.pdf", data, 3, 400)


def test_a_scanned_png_is_served_as_it_is_sized_as_text_ocr_sizes_it(scan_png: bytes) -> None:
    budget = PixelBudget(max_pages=20, max_page_pixels=36_000_000, max_total_pixels=100_000_000)
    (ocr_page,) = image_pages(scan_png, budget)  # what text.ocr reads the page as

    assert renderer.page_count("scan.png", scan_png) == 1
    image = renderer.render("scan.png", scan_png, 1, 800)

    assert image.media_type == "image/png"
    assert image.data == scan_png
    assert (image.width_px, image.height_px) == Image.open(io.BytesIO(scan_png)).size
    assert (image.width_pt, image.height_pt) == pytest.approx(
        (ocr_page.width_pt, ocr_page.height_pt)
    )
    assert (image.width_pt, image.height_pt) == pytest.approx((612, 792), abs=0.5)  # US letter


def test_a_jpeg_without_a_believable_dpi_is_served_as_it_is_and_taken_as_a4_wide() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 1414), "white").save(buffer, "JPEG")
    data = buffer.getvalue()

    image = renderer.render("photo.jpg", data, 1, 800)

    assert (image.media_type, image.data) == ("image/jpeg", data)
    assert image.width_pt == pytest.approx(595.28)
    with pytest.raises(PageNotFound, match=r"photo\.jpg has no page 2; its pages are numbered 1"):
        renderer.render("photo.jpg", data, 2, 800)


def test_each_frame_of_a_tiff_is_a_png_on_white_sized_as_text_ocr_sizes_it() -> None:
    first = Image.new("L", (1240, 1754), 255)
    second = Image.new("RGBA", (1754, 1240), (0, 0, 0, 0))  # landscape, transparent
    buffer = io.BytesIO()
    first.save(buffer, "TIFF", save_all=True, append_images=[second], dpi=(150, 150))
    data = buffer.getvalue()
    budget = PixelBudget(max_pages=20, max_page_pixels=36_000_000, max_total_pixels=100_000_000)
    ocr_sizes = [size for page in image_pages(data, budget) for size in page[1:]]

    assert renderer.page_count("scan.tiff", data) == 2
    pages = [renderer.render("scan.tiff", data, n, 1000) for n in (1, 2)]

    assert [p.media_type for p in pages] == ["image/png", "image/png"]
    assert [(p.width_px, p.height_px) for p in pages] == [(1000, 1415), (1000, 707)]
    assert [size for p in pages for size in (p.width_pt, p.height_pt)] == pytest.approx(ocr_sizes)
    assert picture(pages[1]).convert("L").getextrema() == (255, 255)  # transparent shows white
    with pytest.raises(PageNotFound):
        renderer.render("scan.tiff", data, 3, 1000)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.xml")), ids=lambda p: p.name)
def test_an_xml_e_invoice_has_no_pages(path: Path) -> None:
    data = path.read_bytes()

    assert renderer.page_count(path.name, data) == 0
    with pytest.raises(PageNotFound, match="XML e-invoice, which has no pages"):
        renderer.render(path.name, data, 1, 800)


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("damaged.pdf", b"%PDF-1.7\n garbage", "pdfium cannot open this PDF"),
        ("locked.pdf", make_pdf(user_password="secret"), "password-protected"),
        ("notes.txt", b"just some notes, not an invoice", "neither a PDF, an image nor an XML"),
        ("empty.pdf", b"", "neither a PDF"),
    ],
)
def test_a_file_that_cannot_be_shown_is_refused_with_the_reason(
    name: str, data: bytes, says: str
) -> None:
    for attempt in (
        lambda: renderer.page_count(name, data),
        lambda: renderer.render(name, data, 1, 800),
    ):
        with pytest.raises(PageUnrenderable, match=says):
            attempt()


def test_a_damaged_tiff_is_refused_with_the_reason() -> None:
    buffer = io.BytesIO()
    Image.new("L", (800, 1000), 128).save(buffer, "TIFF", compression="tiff_lzw")
    cut = buffer.getvalue()[:200]

    with pytest.raises(PageUnrenderable, match="cannot be decoded as an image"):
        renderer.render("cut.tiff", cut, 1, 800)


def test_a_photo_whose_exif_turns_it_is_shown_as_its_pixels_are_stored() -> None:
    """Browsers turn a JPEG by its EXIF orientation; text.ocr reads the pixels as stored, so the
    image is converted for the boxes to land where text.ocr read them."""
    stored = Image.new("RGB", (1400, 1000), "white")  # landscape as stored, "turn me" in EXIF
    stored.paste((0, 0, 0), (0, 0, 100, 100))  # a black corner at the top left, as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue()

    image = renderer.render("photo.jpg", data, 1, 700)

    assert image.media_type == "image/png"
    assert (image.width_px, image.height_px) == (700, 500)  # as stored, scaled down
    shown = picture(image).convert("L")
    assert shown.getpixel((10, 10)) < 50 and shown.getpixel((690, 10)) > 200
    budget = PixelBudget(max_pages=20, max_page_pixels=36_000_000, max_total_pixels=100_000_000)
    (ocr_page,) = image_pages(data, budget)  # what text.ocr reads: the pixels as stored
    assert (image.width_pt, image.height_pt) == pytest.approx(
        (ocr_page.width_pt, ocr_page.height_pt)
    )
    assert image.width_pt > image.height_pt


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("content.pdf", hostile_files.inflating_content_pdf, "decompression bomb"),
        ("attached.pdf", hostile_files.inflating_attachment_pdf, "decompression bomb"),
        ("operators.pdf", hostile_files.operator_content_pdf, "decompression bomb"),
        ("bomb.png", hostile_files.pixel_bomb_png, "7700x7700 pixels"),
        ("bomb.tiff", hostile_files.pixel_bomb_tiff, "7700x7700 pixels"),
    ],
)
def test_a_hostile_file_is_refused_before_it_is_inflated_or_decoded(
    name: str, make: Callable[[], bytes], says: str
) -> None:
    """A failed run keeps its source for review, even one intake refused: page images hold the
    limits intake and text.ocr hold by default."""
    data = make()
    with pytest.raises(PageUnrenderable, match=says):
        renderer.render(name, data, 1, 800)


def test_a_huge_blank_page_is_drawn_no_larger_than_the_bounds() -> None:
    data = hostile_files.blank_pages_pdf(pages=2)

    image = renderer.render("blank.pdf", data, 2, MAX_WIDTH_PX)

    assert (image.width_px, image.height_px) == (MAX_WIDTH_PX, MAX_WIDTH_PX)
    assert (image.width_pt, image.height_pt) == (2780, 2780)
