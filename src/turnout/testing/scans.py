"""A PDF as a scanner would hand it back: every page an image, no text layer, no attachment.

`as_scan` renders each page with PDFium in greyscale and writes the images into a new PDF with
Pillow, so that the only way to read the result is OCR (what a scanned paper invoice needs);
`as_png` renders one page as a PNG image. Both are for benchmarks and tests: real invoices
printed and scanned, without a scanner.
"""

from __future__ import annotations

import io

from PIL import Image

from turnout.modules.text.pdfium_reader import opened_pdf

_POINTS_PER_INCH = 72


def as_scan(pdf: bytes, dpi: int = 200) -> bytes:
    """An image-only PDF of `pdf`: each page rendered at `dpi` in greyscale, nothing else kept."""
    pages = _rendered(pdf, dpi, None)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])
    return out.getvalue()


def as_png(pdf: bytes, page: int = 0, dpi: int = 200) -> bytes:
    """Page `page` (from 0) of `pdf` rendered at `dpi` in greyscale, as PNG bytes."""
    (image,) = _rendered(pdf, dpi, page)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _rendered(pdf: bytes, dpi: int, only: int | None) -> list[Image.Image]:
    """The pages (or page `only`) as greyscale Pillow images, PDFium used under its lock
    (`opened_pdf`)."""
    if dpi <= 0:
        raise ValueError(f"dpi must be a positive number of dots per inch, not {dpi}")
    images: list[Image.Image] = []
    with opened_pdf(pdf) as document:
        count = len(document)
        if count == 0:
            raise ValueError("the PDF has no pages: there is nothing to render")
        if only is not None and not 0 <= only < count:
            raise ValueError(f"page {only} does not exist: the PDF has pages 0 to {count - 1}")
        for index in range(count) if only is None else (only,):
            page = document[index]
            bitmap = page.render(scale=dpi / _POINTS_PER_INCH, grayscale=True)
            try:
                # a copy, so that no PDFium memory outlives the lock
                images.append(bitmap.to_pil().convert("L"))
            finally:
                bitmap.close()
                page.close()
    return images


__all__ = ["as_png", "as_scan"]
