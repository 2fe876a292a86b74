"""Page images of a stored source file, for the review screen (`turnout.domain.rendering`).

What each kind of file gives, recognised from its bytes (`intake.sniff`; the name is only quoted
in messages):

- a PDF: each page rendered with pypdfium2 to a colour PNG about `width_px` wide, under
  `PDFIUM_LOCK` (PDFium is not thread-safe; the document is opened, the page rendered and copied
  out and everything closed inside the lock; the PNG is encoded after it is released). Its size in
  points is the page as shown (crop box, `/Rotate` applied), the frame `text.pdfium` places words
  in, so a word's box lands on the word in the image.
- a PNG or JPEG: one page, served as it is (its own bytes and media type; `width_px` is not
  applied). Its size in points is the one `text.ocr` gives the page (`rasterize.frame_points`:
  the DPI the image declares when believable, else A4-wide). A photo whose EXIF orientation asks
  to turn it is converted as a TIFF frame is: browsers would turn it, `text.ocr` does not.
- a TIFF: each frame converted to PNG (browsers do not show TIFF), scaled down to `width_px` if
  larger, on white; sized in points as for a PNG.
- an XML e-invoice: no pages (a count of 0; any page is `PageNotFound`).

Bounds (a failed run keeps its source, even one intake refused, so they are intake's and
text.ocr's default limits again): a PDF whose compressed streams inflate to more than intake's
limits is refused before PDFium reads it (`intake.pdf_streams`); at most `max_pages` pages are
shown; a PDF page is rendered at most `MAX_WIDTH_PX` wide and `MAX_SIDE_PX` on its longer side
(a width asked outside `MIN_WIDTH_PX`..`MAX_WIDTH_PX` is brought within); an image or a TIFF frame
over `MAX_FRAME_PIXELS` is refused from its header, before it is decoded or served.
A file that cannot be opened or decoded is `PageUnrenderable` with the reason, never a crash.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PIL import Image, ImageSequence, UnidentifiedImageError

from turnout.authoring import InputRejected, PageImage, PageNotFound, PageUnrenderable
from turnout.modules.intake.image_pages import count_image_pages
from turnout.modules.intake.pdf_streams import StreamLimit, check_inflated_size
from turnout.modules.intake.sniff import JPEG, PDF, PNG, TIFF, looks_like_xml, sniff_binary
from turnout.modules.intake.standard import (
    DEFAULT_MAX_CONTENT_BYTES,
    DEFAULT_MAX_INFLATED_BYTES,
    DEFAULT_MAX_PAGES,
)
from turnout.modules.text.pdfium_reader import load_pdfium, opened_pdf
from turnout.modules.text.rasterize import frame_points

MIN_WIDTH_PX = 100
MAX_WIDTH_PX = 2000
DEFAULT_WIDTH_PX = 1200
MAX_SIDE_PX = 4000  # a PDF page's longer side: a strip of a page cannot make a huge image
MAX_FRAME_PIXELS = 36_000_000  # text.ocr's default `max_page_pixels`: A4 at 600 DPI is 35 M
PNG_MEDIA_TYPE = "image/png"
_INFLATED = StreamLimit(DEFAULT_MAX_INFLATED_BYTES, "the page images' `max_inflated_bytes`")
_CONTENT = StreamLimit(DEFAULT_MAX_CONTENT_BYTES, "the page images' `max_content_bytes`")
_EXIF_ORIENTATION = 0x0112


class PdfiumPageRenderer:
    """Renders PDFs with pypdfium2 and serves images; see the module docstring."""

    def __init__(self, max_pages: int = DEFAULT_MAX_PAGES) -> None:
        self.max_pages = max_pages

    def page_count(self, file_name: str, data: bytes) -> int:
        """The pages that can be shown: the file's, at most `max_pages`; 0 for XML."""
        kind = sniff_binary(data)
        if kind is PDF:
            with _pdf(file_name, data) as pdf:
                count = len(pdf)
        elif kind is TIFF:
            try:
                count = count_image_pages(TIFF, data, self.max_pages)
            except InputRejected as exc:  # no readable image directory
                raise _undecodable(file_name, exc) from exc
        elif kind in (PNG, JPEG):
            count = 1
        elif looks_like_xml(data):
            count = 0
        else:
            raise _not_a_document(file_name)
        return min(count, self.max_pages)

    def render(
        self, file_name: str, data: bytes, page: int, width_px: int = DEFAULT_WIDTH_PX
    ) -> PageImage:
        """Page `page` (from 1) as an image; see the module docstring for each kind of file."""
        width_px = min(max(width_px, MIN_WIDTH_PX), MAX_WIDTH_PX)
        kind = sniff_binary(data)
        if kind is PDF:
            return self._pdf_page(file_name, data, page, width_px)
        if kind is TIFF:
            self._check_page(file_name, page, self.page_count(file_name, data))
            return _frame_as_png(file_name, data, page, width_px)
        if kind is not None:
            self._check_page(file_name, page, 1)
            return _image(file_name, data, kind.media_type, width_px)
        if looks_like_xml(data):
            raise PageNotFound(
                f"{file_name} is an XML e-invoice, which has no pages to show; its fields are "
                "the document"
            )
        raise _not_a_document(file_name)

    def _check_page(self, file_name: str, page: int, count: int) -> None:
        if not 1 <= page <= count:
            shown = "1" if count == 1 else f"1 to {count}"
            raise PageNotFound(
                f"{file_name} has no page {page}; its pages are numbered {shown}"
                + (f" (at most {self.max_pages} are shown)" if count == self.max_pages else "")
            )

    def _pdf_page(self, file_name: str, data: bytes, page: int, width_px: int) -> PageImage:
        pdfium = load_pdfium()
        with _pdf(file_name, data) as pdf:
            self._check_page(file_name, page, min(len(pdf), self.max_pages))
            try:
                image, width_pt, height_pt = _rendered(pdf[page - 1], width_px)
            except pdfium.PdfiumError as exc:
                raise PageUnrenderable(
                    f"page {page} of {file_name} cannot be rendered ({exc}); the PDF may be "
                    "damaged: ask the sender for a complete copy"
                ) from exc
        return PageImage(
            PNG_MEDIA_TYPE, _png(image), image.width, image.height, width_pt, height_pt
        )


@contextmanager
def _pdf(file_name: str, data: bytes) -> Iterator[Any]:
    """`opened_pdf` (the document open under `PDFIUM_LOCK`) once its streams are known to
    inflate within intake's limits; a refusal is a `PageUnrenderable`."""
    try:
        check_inflated_size(data, _INFLATED, _CONTENT)  # before PDFium inflates them whole
    except InputRejected as exc:
        raise PageUnrenderable(
            f"{file_name} is not shown: its compressed streams inflate to more than page images "
            f"allow ({DEFAULT_MAX_INFLATED_BYTES:,} bytes in all, {DEFAULT_MAX_CONTENT_BYTES:,} "
            "of page contents, intake.standard's defaults): a decompression bomb, or a very "
            "unusual file; what was read from it is on the run's page"
        ) from exc
    try:
        with opened_pdf(data) as pdf:
            yield pdf
    except InputRejected as exc:  # damaged or password-protected
        raise PageUnrenderable(f"{file_name}: {exc}") from exc


def _rendered(page: Any, width_px: int) -> tuple[Image.Image, float, float]:
    """The page as a colour image (a copy, owning its pixels) and its size in points as shown."""
    try:
        width_pt, height_pt = (max(float(side), 1.0) for side in page.get_size())
        scale = min(width_px / width_pt, MAX_SIDE_PX / max(width_pt, height_pt))
        bitmap = page.render(scale=scale)
        try:
            image: Image.Image = bitmap.to_pil().convert("RGB")  # a copy, not the bitmap's buffer
        finally:
            bitmap.close()
    finally:
        page.close()
    return image, width_pt, height_pt


def _image(file_name: str, data: bytes, media_type: str, width_px: int) -> PageImage:
    """A PNG or JPEG as it is; one whose EXIF says to turn it as PNG of its pixels as stored."""
    image = _opened(file_name, data)  # the header only: nothing is decoded
    _check_pixels(file_name, 1, image)
    if _exif_turned(image):
        return _frame_as_png(file_name, data, 1, width_px)
    width_pt, height_pt = frame_points(image)
    return PageImage(media_type, data, image.width, image.height, width_pt, height_pt)


def _exif_turned(image: Image.Image) -> bool:
    """Whether the image's EXIF orientation asks a viewer to turn or mirror it. Browsers obey it,
    while `text.ocr` reads (and boxes) the pixels as stored: served as they are, such a photo
    would show turned under boxes that are not."""
    try:
        return bool(image.getexif().get(_EXIF_ORIENTATION, 1) != 1)
    except (OSError, SyntaxError, ValueError):  # a damaged EXIF block: nothing to obey
        return False


def _frame_as_png(file_name: str, data: bytes, page: int, width_px: int) -> PageImage:
    """Frame `page` of an image decoded, on white, scaled down to `width_px` and encoded as PNG
    (without EXIF: its pixels as stored, as text.ocr reads them)."""
    image = _opened(file_name, data)
    try:
        frame = ImageSequence.Iterator(image)[page - 1]  # seeks: reads that frame's directory
        _check_pixels(file_name, page, frame)
        width_pt, height_pt = frame_points(frame)
        shown = _on_white(frame)
    except (OSError, SyntaxError, ValueError, IndexError, Image.DecompressionBombError) as exc:
        raise _undecodable(file_name, exc) from exc
    if shown.width > width_px:
        height = max(1, round(shown.height * width_px / shown.width))
        shown = shown.resize((width_px, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return PageImage(PNG_MEDIA_TYPE, _png(shown), shown.width, shown.height, width_pt, height_pt)


def _check_pixels(file_name: str, page: int, frame: Image.Image) -> None:
    """Refuse a frame larger than a page scanned at 600 DPI, from its header, undecoded."""
    if frame.width * frame.height > MAX_FRAME_PIXELS:
        raise PageUnrenderable(
            f"page {page} of {file_name} is {frame.width}x{frame.height} pixels, over the "
            f"{MAX_FRAME_PIXELS:,} a page image may have (text.ocr's default limit); scan it "
            "again at 200-300 DPI"
        )


def _opened(file_name: str, data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise _undecodable(file_name, exc) from exc


def _on_white(frame: Image.Image) -> Image.Image:
    """The frame decoded in RGB, transparency laid on white (it would otherwise show black)."""
    frame.load()
    if frame.mode in {"RGBA", "LA", "PA"} or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return frame.convert("RGB")


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=3)  # pages are mostly white: fast and still small
    return buffer.getvalue()


def _undecodable(file_name: str, exc: BaseException) -> PageUnrenderable:
    return PageUnrenderable(
        f"{file_name} cannot be decoded as an image ({exc}); it may be truncated or damaged: "
        "ask the sender for the file again"
    )


def _not_a_document(file_name: str) -> PageUnrenderable:
    return PageUnrenderable(
        f"{file_name} is neither a PDF, an image nor an XML e-invoice, so it has no pages to show"
    )
