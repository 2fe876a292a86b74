"""Turn a document into page images for OCR: PDF pages rendered with pypdfium2, image frames with Pillow.

Every page comes out as an RGB image on a white background (a transparent PNG would otherwise
read as black), and damaged inputs are rejected with the reason and what to send instead.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageSequence, UnidentifiedImageError

from turnout.domain.errors import InputRejected
from turnout.modules.text.pdfium_reader import opened_pdf

_POINTS_PER_INCH = 72
# an A4 page at 600 DPI is 35 Mpx; anything far larger is a mistake or a decompression bomb
# (Pillow itself only warns from 89 Mpx and refuses from 179 Mpx)
_MAX_PIXELS = 60_000_000


def pdf_pages(data: bytes, dpi: int, max_pages: int) -> list[Image.Image]:
    """The first `max_pages` pages of a PDF, rendered at `dpi`.

    Rendering runs under `PDFIUM_LOCK` (PDFium is not thread-safe); each page's bitmap is copied
    into a Pillow image and closed there, so no PDFium object is left for a finalizer to free
    on another thread.
    """
    with opened_pdf(data) as pdf:  # closed with its pages; bitmaps are closed by `_render`
        _check_pages(len(pdf), max_pages, "PDF")
        return [_render(pdf, index, dpi) for index in range(len(pdf))]


def _render(pdf: Any, index: int, dpi: int) -> Image.Image:
    page = pdf[index]
    try:
        _check_page_size(page.get_size(), dpi, index + 1)
        bitmap = page.render(scale=dpi / _POINTS_PER_INCH)
        try:
            image: Image.Image = bitmap.to_pil().convert("RGB")  # a copy, not the bitmap's buffer
            return image
        finally:
            bitmap.close()
    finally:
        page.close()


def image_pages(data: bytes, max_pages: int) -> list[Image.Image]:
    """Every frame of a PNG, JPEG or (multi-page) TIFF, as RGB on white."""
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only: the size is known cheaply
        _check_pages(getattr(image, "n_frames", 1), max_pages, "image")
        return [_on_white(frame) for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputRejected(
            f"the image cannot be decoded ({exc}); it may be truncated or not an image at all:"
            " send a complete PNG, JPEG or TIFF"
        ) from exc
    except Image.DecompressionBombError as exc:
        raise InputRejected(
            f"the image is too large to read ({exc}); scan it again at 200-300 DPI"
        ) from exc


def _check_pages(pages: int, max_pages: int, what: str) -> None:
    if pages > max_pages:
        raise InputRejected(
            f"the {what} has {pages} pages, more than max_pages={max_pages}; "
            "split the file or raise `max_pages` in text.ocr's settings"
        )


def _check_page_size(size: tuple[float, float], dpi: int, number: int) -> None:
    width, height = (points / _POINTS_PER_INCH for points in size)
    if width * dpi * height * dpi > _MAX_PIXELS:
        raise InputRejected(
            f"page {number} is {width:.0f}x{height:.0f} inches, too large to render at {dpi} DPI; "
            "lower `dpi` in text.ocr's settings or send the invoice at its paper size"
        )


def _on_white(frame: Image.Image) -> Image.Image:
    if frame.width * frame.height > _MAX_PIXELS:  # checked before the pixels are decoded
        raise InputRejected(
            f"the image is {frame.width}x{frame.height} pixels, too large to read; "
            "scan it again at 200-300 DPI"
        )
    frame.load()  # decode now, so that a truncated file fails here with the reason
    if frame.mode in {"RGBA", "LA", "PA"} or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return frame.convert("RGB")
