"""`text.ocr`: the text of scans and images, read with RapidOCR on ONNX Runtime (the text fallback).

PDF pages are rendered at `dpi`; PNG, JPEG and TIFF frames are read as they are. The boxes
RapidOCR finds are laid out like pdfium's text runs (`text.layout`): boxes that overlap
vertically share a line, ordered left to right, with columns kept roughly in place. A page's
confidence is the mean score of the boxes kept (0 when none is found).

Every box is also split into words (`Text.words`): the box's width is shared among its words by
their character counts, each word keeps the box's score and the middle of its height (the
detector pads its boxes: `ocr_words.TEXT_HEIGHT`), and its edges are in points from the page's
top-left corner (`turnout.modules.text.ocr_words`). `Text.page_sizes` are the pages' sizes in
points (`turnout.modules.text.rasterize` says how an image's is found); a page read turned
upright (a sideways or upside-down scan) has its words and size as turned.

A document's budget is checked before any page is decoded (pages, pixels per page and in all,
from the headers: `turnout.modules.text.rasterize`) and while it is read: OCR stops once the
document has taken `max_seconds`, between pages. Pages are decoded one at a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from statistics import fmean
from typing import Any, ClassVar, NamedTuple

from turnout.authoring import (
    TEXT,
    Artifact,
    Artifacts,
    Document,
    DocumentKind,
    InputRejected,
    ModuleSpec,
    NotApplicable,
    RunContext,
    StageModule,
    Text,
    Word,
    settings_with_defaults,
)
from turnout.modules.text.layout import TextRun, lay_out
from turnout.modules.text.ocr_engine import OcrBox, load_rapidocr, shared_engine
from turnout.modules.text.ocr_words import words_of
from turnout.modules.text.rasterize import PageImage, PixelBudget, image_pages, pdf_pages

DEFAULT_DPI = 200
DEFAULT_MAX_PAGES = 20
DEFAULT_MIN_CONFIDENCE = 0.5
# an A4 or Letter page scanned at 600 DPI is 35 Mpx; RapidOCR reads any page scaled down to 2000 px
# on its longer side, so more pixels cost memory and time and read no better
DEFAULT_MAX_PAGE_PIXELS = 36_000_000
# 20 A4 pages at 200 DPI are 77 Mpx
DEFAULT_MAX_TOTAL_PIXELS = 100_000_000
# a dense page takes 1-3 s on two busy cores
DEFAULT_MAX_SECONDS = 60

# RapidOCR's recognition alphabet has no euro sign: it reads "€" as "∈", which no invoice prints
_MISREAD = str.maketrans({"∈": "€"})

_NOT_READABLE = {
    DocumentKind.UBL: "a UBL e-invoice is structured data, not a picture; the einvoice stage reads it",
    DocumentKind.CII: "a CII e-invoice is structured data, not a picture; the einvoice stage reads it",
}


class OcrText(StageModule):
    """Read scans and images with RapidOCR, page by page, with a confidence per page."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        TEXT,
        module_id="text.ocr",
        name="OCR (RapidOCR on ONNX Runtime)",
        version="1.1.0",
        description="Text of scanned PDFs and PNG/JPEG/TIFF images through RapidOCR (models "
        "ship in the wheel), laid out line by line, with every word's box in points and the "
        "mean box score per page; sideways and upside-down scans are read turned upright.",
        extra_guarantees={"deterministic"},
        settings_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "dpi": {
                    "type": "integer",
                    "minimum": 72,
                    "maximum": 400,
                    "default": DEFAULT_DPI,
                    "description": "resolution PDF pages are rendered at before OCR (RapidOCR "
                    "scales a page down to 2000 px on its longer side, ~170 DPI for A4)",
                },
                "max_pages": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_PAGES,
                    "description": "documents with more pages are rejected",
                },
                "max_page_pixels": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_PAGE_PIXELS,
                    "description": "a page (an image frame, or a PDF page at `dpi`) with more "
                    "pixels is rejected, from its header, before it is decoded",
                },
                "max_total_pixels": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_TOTAL_PIXELS,
                    "description": "a document whose pages come to more pixels in all is "
                    "rejected, from the headers, before any page is decoded",
                },
                "max_seconds": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "default": DEFAULT_MAX_SECONDS,
                    "description": "OCR stops and rejects the document once it has read for "
                    "this many seconds (checked between pages)",
                },
                "min_confidence": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1,
                    "default": DEFAULT_MIN_CONFIDENCE,
                    "description": "text boxes RapidOCR scores below this are dropped",
                },
            },
        },
        is_fallback=True,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.dpi = int(with_defaults["dpi"])
        self.max_pages = int(with_defaults["max_pages"])
        self.min_confidence = float(with_defaults["min_confidence"])
        self.budget = PixelBudget(
            max_pages=self.max_pages,
            max_page_pixels=int(with_defaults["max_page_pixels"]),
            max_total_pixels=int(with_defaults["max_total_pixels"]),
        )
        self.max_seconds = float(with_defaults["max_seconds"])

    @classmethod
    def health_check(cls) -> None:
        """Fail with `ModuleUnavailable` when rapidocr_onnxruntime or onnxruntime is missing."""
        load_rapidocr()

    def warm_up(self) -> None:
        """Load the OCR models once per process (every instance shares the engine)."""
        shared_engine()

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return the document's `Text`, read by OCR from each page image."""
        document = inputs.require(Document)
        if document.kind is DocumentKind.PDF:
            images = pdf_pages(document.data, self.dpi, self.budget)
        elif document.kind is DocumentKind.IMAGE:
            images = image_pages(document.data, self.budget)
        else:
            raise NotApplicable(
                _NOT_READABLE.get(document.kind, f"`{document.kind}` is not a PDF or an image")
            )
        pages = self._read_all(images)
        return [
            Text(
                pages=tuple(page.text for page in pages),
                method="ocr",
                page_confidence=tuple(page.confidence for page in pages),
                words=tuple(word for page in pages for word in page.words),
                page_sizes=tuple(page.size for page in pages),
            )
        ]

    def _read_all(self, images: Iterator[PageImage]) -> list[_Page]:
        started = time.monotonic()
        pages: list[_Page] = []
        for page in images:
            elapsed = time.monotonic() - started
            if pages and elapsed > self.max_seconds:
                raise InputRejected(
                    f"OCR read {len(pages)} pages in {elapsed:.0f} s and stopped: over the limit "
                    f"of {self.max_seconds:g} s a document (the text.ocr setting `max_seconds`); "
                    "split the file, or raise that setting"
                )
            pages.append(self._read(page, len(pages) + 1))
            page.image.close()  # only the page being read is held
        return pages

    def _read(self, page: PageImage, number: int) -> _Page:
        read = shared_engine().read(page.image)
        boxes = [
            _corrected(box)
            for box in read.boxes
            if box.score >= self.min_confidence and box.text.strip()
        ]
        width_pt, height_pt = page.width_pt, page.height_pt
        if read.turned in (90, 270):
            width_pt, height_pt = height_pt, width_pt
        # the page may have been scaled down to be read: its pixels back to its points
        scale = (width_pt / max(read.width, 1), height_pt / max(read.height, 1))
        size = (round(width_pt, 2), round(height_pt, 2))
        if not boxes:
            return _Page("", 0.0, (), size)
        confidence = min(max(fmean(box.score for box in boxes), 0.0), 1.0)
        text = lay_out([_run(box) for box in boxes])
        return _Page(text, confidence, words_of(boxes, number, scale), size)


class _Page(NamedTuple):
    text: str
    confidence: float
    words: tuple[Word, ...]
    size: tuple[float, float]


def _corrected(box: OcrBox) -> OcrBox:
    text = box.text.translate(_MISREAD)
    return box if text == box.text else replace(box, text=text)


def _run(box: OcrBox) -> TextRun:
    # image rows grow downwards, PDF units upwards: flip y so the layout reads top to bottom
    return TextRun(box.left, -box.bottom, box.right, -box.top, box.text)
