"""Turn a document into page images for OCR: PDF pages rendered with pypdfium2, image frames with Pillow.

Every page comes out as a greyscale image on a white background (a transparent PNG would
otherwise read as black; OCR reads grey), with its size in points, and damaged inputs are
rejected with the reason and what to send instead.

A page's size in points is what words' boxes are measured in: a PDF page's own size; for an image
frame, its pixels at the DPI it declares when that makes a page of paper size (2 to 17 inches on
its shorter side), else the frame is taken to be A4-wide (595 pt on its shorter side): scanners
declare their DPI, while screenshots and photos often declare 72 or none.

The pixel budget is checked from the headers before a single pixel is decoded or rendered: each
page's size (PDF page dimensions x DPI, image frame headers) against `max_page_pixels`, and their
sum against `max_total_pixels`. Pages are then produced one at a time, so that only the page
being read is held in memory, whatever the page count, and no larger than RapidOCR reads them
(`MAX_SIDE_PX` on the longer side: it would scale a larger page down itself, after copying it
twice at full size): a PDF page is rendered at that size, an image frame scaled down once decoded.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from PIL import Image, ImageSequence, UnidentifiedImageError

from turnout.authoring import InputRejected
from turnout.modules.text.ocr_engine import MAX_SIDE_PX
from turnout.modules.text.pdfium_reader import opened_pdf

_POINTS_PER_INCH = 72
_A4_SHORT_SIDE_PT = 595.28
_PAPER_SHORT_SIDE_IN = (2.0, 17.0)  # a receipt to A2: a declared DPI outside is not believed


class PageImage(NamedTuple):
    """A page to read: its picture (greyscale) and its size in points (width, height)."""

    image: Image.Image
    width_pt: float
    height_pt: float


@dataclass(frozen=True)
class PixelBudget:
    """How many pages, and pixels per page and per document, text.ocr decodes at most."""

    max_pages: int
    max_page_pixels: int
    max_total_pixels: int


def pdf_pages(data: bytes, dpi: int, budget: PixelBudget) -> Iterator[PageImage]:
    """The pages of a PDF rendered at `dpi`, one at a time, after the whole budget is checked.

    The budget is checked now (not when the first page is asked for). Each page is rendered
    under `PDFIUM_LOCK` in its own short opening of the document (PDFium is not thread-safe, and
    the lock is not held while a page is read), its bitmap copied into a Pillow image and closed.
    """
    with opened_pdf(data) as pdf:
        _check_pages(len(pdf), budget.max_pages, "PDF")
        sizes = [_page_pixels(pdf, index, dpi, budget) for index in range(len(pdf))]
    _check_total(sum(sizes), len(sizes), "PDF", budget)
    return _rendered(data, len(sizes), dpi)


def _rendered(data: bytes, count: int, dpi: int) -> Iterator[PageImage]:
    for index in range(count):
        with opened_pdf(data) as pdf:
            page = _render(pdf, index, dpi)
        yield page


def _page_pixels(pdf: Any, index: int, dpi: int, budget: PixelBudget) -> int:
    page = pdf[index]
    try:
        width, height = (points / _POINTS_PER_INCH for points in page.get_size())
    finally:
        page.close()
    pixels = int(round(width * dpi) * round(height * dpi))
    if pixels > budget.max_page_pixels:
        raise InputRejected(
            f"page {index + 1} is {width:.0f}x{height:.0f} inches, too large to render at {dpi} "
            f"DPI: {pixels:,} pixels, over the limit of {budget.max_page_pixels:,} (the text.ocr "
            "setting `max_page_pixels`); lower `dpi` in text.ocr's settings or send the invoice "
            "at its paper size"
        )
    return pixels


def _render(pdf: Any, index: int, dpi: int) -> PageImage:
    page = pdf[index]
    try:
        scale = min(dpi / _POINTS_PER_INCH, MAX_SIDE_PX / max(*page.get_size(), 1.0))
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            image: Image.Image = bitmap.to_pil().convert("L")  # a copy, not the bitmap's buffer
            # the page as rendered (turned by its /Rotate), in points
            return PageImage(image, image.width / scale, image.height / scale)
        finally:
            bitmap.close()
    finally:
        page.close()


def image_pages(data: bytes, budget: PixelBudget) -> Iterator[PageImage]:
    """Every frame of a PNG, JPEG or (multi-page) TIFF as grey on white, one at a time.

    Frame sizes are read from the headers and checked against the budget now; each frame is
    decoded when it is asked for.
    """
    image = _opened(data)
    frames = int(getattr(image, "n_frames", 1))
    _check_pages(frames, budget.max_pages, "image")
    if image.format == "TIFF":  # each frame has its size; seeking reads its directory only
        sizes = [_frame_pixels(frame, budget) for frame in _frames(image)]
    else:  # an animated PNG's frames are the image's size (and seeking one decodes the others)
        sizes = [_frame_pixels(image, budget)] * frames
    _check_total(sum(sizes), len(sizes), "image", budget)
    return _decoded(data)


def _decoded(data: bytes) -> Iterator[PageImage]:
    for frame in _frames(_opened(data)):
        width_pt, height_pt = frame_points(frame)
        yield PageImage(_decode(_on_white, frame), width_pt, height_pt)


def frame_points(frame: Image.Image) -> tuple[float, float]:
    """The frame's size in points, from the DPI it declares if believable, else A4-wide."""
    width, height = frame.size
    dpi = frame.info.get("dpi")
    try:
        x_dpi, y_dpi = (float(value) for value in dpi)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        x_dpi = y_dpi = 0.0
    low, high = _PAPER_SHORT_SIDE_IN
    if x_dpi > 0 and y_dpi > 0 and low <= min(width / x_dpi, height / y_dpi) <= high:
        return width * _POINTS_PER_INCH / x_dpi, height * _POINTS_PER_INCH / y_dpi
    points_per_pixel = _A4_SHORT_SIDE_PT / max(min(width, height), 1)
    return width * points_per_pixel, height * points_per_pixel


def _opened(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))  # reads the header only: the size is known cheaply
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _undecodable(exc) from exc
    except Image.DecompressionBombError as exc:
        raise _too_large(exc) from exc


def _frames(image: Image.Image) -> Iterator[Image.Image]:
    try:
        yield from ImageSequence.Iterator(image)
    except (OSError, SyntaxError, ValueError) as exc:
        raise _undecodable(exc) from exc
    except Image.DecompressionBombError as exc:
        raise _too_large(exc) from exc


def _decode(convert: Any, frame: Image.Image) -> Image.Image:
    try:
        result: Image.Image = convert(frame)
        return result
    except (OSError, SyntaxError, ValueError) as exc:
        raise _undecodable(exc) from exc
    except Image.DecompressionBombError as exc:
        raise _too_large(exc) from exc


def _undecodable(exc: Exception) -> InputRejected:
    return InputRejected(
        f"the image cannot be decoded ({exc}); it may be truncated or not an image at all:"
        " send a complete PNG, JPEG or TIFF"
    )


def _too_large(exc: Exception) -> InputRejected:
    return InputRejected(f"the image is too large to read ({exc}); scan it again at 200-300 DPI")


def _check_pages(pages: int, max_pages: int, what: str) -> None:
    if pages > max_pages:
        raise InputRejected(
            f"the {what} has {pages} pages, more than max_pages={max_pages}; "
            "split the file or raise `max_pages` in text.ocr's settings"
        )


def _frame_pixels(frame: Image.Image, budget: PixelBudget) -> int:
    pixels = frame.width * frame.height
    if pixels > budget.max_page_pixels:
        raise InputRejected(
            f"the image is {frame.width}x{frame.height} pixels, too large to read: over the "
            f"limit of {budget.max_page_pixels:,} pixels a page (the text.ocr setting "
            "`max_page_pixels`); scan it again at 200-300 DPI"
        )
    return pixels


def _check_total(pixels: int, pages: int, what: str, budget: PixelBudget) -> None:
    if pixels > budget.max_total_pixels:
        raise InputRejected(
            f"the {what}'s {pages} pages come to {pixels:,} pixels, over the limit of "
            f"{budget.max_total_pixels:,} for a document (the text.ocr setting "
            "`max_total_pixels`); send the invoice at 200-300 DPI, or raise that setting"
        )


def _on_white(frame: Image.Image) -> Image.Image:
    frame.load()  # decode now, so that a truncated file fails here with the reason
    if frame.mode in {"RGBA", "LA", "PA"} or (frame.mode == "P" and "transparency" in frame.info):
        rgba = _fit(frame.convert("RGBA"))
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return _fit(frame.convert("L"))


def _fit(image: Image.Image) -> Image.Image:
    """`image` scaled down to `MAX_SIDE_PX` on its longer side, if it is larger."""
    longer = max(image.size)
    if longer <= MAX_SIDE_PX:
        return image
    size = (
        max(1, round(image.width * MAX_SIDE_PX / longer)),
        max(1, round(image.height * MAX_SIDE_PX / longer)),
    )
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0)
