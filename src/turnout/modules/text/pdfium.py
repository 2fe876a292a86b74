"""`text.pdfium`: the text layer of a PDF, page by page, with pypdfium2 (the default text module).

Besides each page laid out as text, the `Text` carries every word of the text layer with its box
(points from the top-left corner of the page as shown, rotation applied; score 1.0) and each
page's size: what the layout reader places fields by, and what a field's provenance points at.
The words are the page text's pieces between spaces, except where the text writes pieces of two
lines or two columns side by side (`layout.lay_out` joins only runs that touch on one baseline),
where a decimal comma drawn apart from its digits is mended into their word
(`layout.mend_numbers`), and for text written sideways (margin print at 90 degrees), which
stays in the page text but not in the words unless most of the page is sideways
(`layout.sideways_dropped`).

A scan has no text layer: when the whole document carries fewer than `min_chars` visible
characters the module rejects it, so that the stage's fallback (`text.ocr`) takes over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

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
from turnout.modules.text.layout import (
    Joins,
    join_words,
    lay_out,
    mend_numbers,
    sideways_dropped,
)
from turnout.modules.text.pdfium_reader import load_pdfium, read_pages

DEFAULT_MIN_CHARS = 40
DEFAULT_MAX_PAGES = 50

# An image is a document this stage *should* read, so it is a failure (OCR can take over through a
# fallback policy); an e-invoice is simply not this stage's business.
_IMAGE = "an image has no text layer; it needs OCR: select text.ocr, or add it as the text fallback"
_NOT_PDF = {
    DocumentKind.UBL: "a UBL e-invoice has no text layer; the einvoice stage reads it",
    DocumentKind.CII: "a CII e-invoice has no text layer; the einvoice stage reads it",
}


class PdfiumText(StageModule):
    """Read the text layer of a PDF with pdfium, keeping lines and columns roughly in place."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        TEXT,
        module_id="text.pdfium",
        name="PDF text layer (pdfium)",
        version="1.1.0",
        description="Text of a PDF's text layer through pypdfium2, laid out line by line, with "
        "every word's box; "
        "rejects PDFs without a text layer so that OCR can take over.",
        extra_guarantees={"deterministic"},
        settings_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "min_chars": {
                    "type": "integer",
                    "minimum": 0,
                    "default": DEFAULT_MIN_CHARS,
                    "description": "fewer visible characters in the whole PDF than this means "
                    "no text layer (a scan): the input is rejected so OCR can take over",
                },
                "max_pages": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_PAGES,
                    "description": "PDFs with more pages are rejected",
                },
            },
        },
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.min_chars = int(with_defaults["min_chars"])
        self.max_pages = int(with_defaults["max_pages"])

    @classmethod
    def health_check(cls) -> None:
        """Fail with `ModuleUnavailable` when pypdfium2 cannot be imported."""
        load_pdfium()

    def warm_up(self) -> None:
        """Import pypdfium2 now, so that a worker process's first attempt does not pay for it
        inside its `timeout_s`."""
        load_pdfium()

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return the document's `Text`; reject a PDF whose text layer is (nearly) empty."""
        document = inputs.require(Document)
        if document.kind is DocumentKind.IMAGE:
            raise InputRejected(_IMAGE)
        if document.kind is not DocumentKind.PDF:
            raise NotApplicable(_NOT_PDF.get(document.kind, f"`{document.kind}` is not a PDF"))
        pages, read = read_pages(document.data, self.max_pages)
        if pages > self.max_pages:
            raise InputRejected(
                f"the PDF has {pages} pages, more than max_pages={self.max_pages}; "
                "split the file or raise `max_pages` in the text module's settings"
            )
        texts: list[str] = []
        words: list[Word] = []
        for page in read:
            joins: Joins = []
            texts.append(lay_out(page.runs, joins))
            drop = sideways_dropped(page.words, page.sideways)
            words += page.placed(mend_numbers(join_words(page.words, joins, drop)))
        visible = sum(len("".join(t.split())) for t in texts)
        if visible < self.min_chars:
            raise InputRejected(
                f"no text layer ({visible} chars < min_chars={self.min_chars}); "
                "a scan needs OCR: select text.ocr"
            )
        confidence = tuple(1.0 if t.strip() else 0.0 for t in texts)
        return [
            Text(
                pages=tuple(texts),
                method="pdfium",
                page_confidence=confidence,
                words=tuple(words),
                page_sizes=tuple((page.width, page.height) for page in read),
            )
        ]
