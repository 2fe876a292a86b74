"""`extract.layout`: invoice fields read from where words sit on the page (the extract fallback).

It reads a printed invoice (a text layer or OCR words) the way an accounts-payable clerk does:
party blocks under their headings, the sender line over the address window, letterhead and
footer; values right of their label or under it; VAT numbers and IBANs by their checksum; the
line-item table and the totals under it. Beside those it reads what else of EN 16931 a page
states plainly — the parties' postal addresses, the seller's phone, e-mail and register numbers,
the invoicing period, the payment reference, payment means text and a direct debit's mandate —
and leaves the rest empty, never guessed. The seller's website and the currency's symbol, which
EN 16931 has no term for, are kept as `extra.partner_website` and `extra.currency_symbol`. Every value carries a confidence and the boxes of the
words it was read from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    EXTRACT,
    Artifact,
    Artifacts,
    ExtractedField,
    Fields,
    InputRejected,
    ModuleSpec,
    RunContext,
    StageModule,
    Text,
    settings_with_defaults,
)
from turnout.modules.extract.layout.labels import labels_of
from turnout.modules.extract.layout.page import Found, Layout, layout_of
from turnout.modules.extract.layout.reader import read_layout
from turnout.modules.extract.layout.term_labels import term_labels
from turnout.modules.extract.patterns import settings_schema

MODULE_ID = "extract.layout"
# 50 dense pages (the intake limit) hold some 40,000 words; past this, reading would outlast
# the stage timeout
MAX_WORDS = 100_000


class LayoutExtract(StageModule):
    """Read invoice fields from the page layout: blocks, headings, labels and their values."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        EXTRACT,
        module_id=MODULE_ID,
        name="Layout reader",
        version="1.0.0",
        description="Reads printed invoices and scans like a clerk: party blocks under their "
        "headings in six languages, letterhead and footer, values right of or under their "
        "labels, identifiers by checksum, line items and totals; every value with a "
        "confidence and the boxes of its words.",
        extra_guarantees={"deterministic"},
        settings_schema=settings_schema(
            languages_said="languages whose labels and headings are looked for (default: all)",
            min_confidence_said="fields found with a lower confidence are left out (the "
            "invoice number, issue date, seller name and payable amount are always kept, so "
            "that review sees how unsure they are)",
        ),
        is_fallback=True,
    )

    REQUIRED: ClassVar[frozenset[str]] = frozenset(
        {"invoice_number", "issue_date", "seller.name", "totals.payable"}
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.languages = tuple(with_defaults["languages"])  # at least one: the schema says so
        self.min_confidence = float(with_defaults["min_confidence"])
        self._labels = labels_of(self.languages)
        self._terms = term_labels(self.languages)

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return the `Fields` read from the page; reject a text with no invoice field at all."""
        text = inputs.require(Text)
        words = len(text.words) if text.words else len(text.full.split())
        if words > MAX_WORDS:
            raise InputRejected(
                f"the text has {words:,} words, more than the {MAX_WORDS:,} extract.layout "
                "reads; split the document, or check that the text stage did not read binary "
                "data as text"
            )
        layout = layout_of(text)
        reading = read_layout(layout, self._labels, self._terms)
        values = {
            path: self._field(layout, found)
            for path, found in sorted(reading.values.items())
            if found.confidence >= self.min_confidence or path in self.REQUIRED
        }
        if not values or all(path.endswith(".name") for path in values):
            raise InputRejected(
                f"no invoice fields found in {words} words "
                f"(languages {', '.join(self.languages)}); check that the text stage read the "
                "document (a scan needs text.ocr) or extract it with a template "
                "(extract.templates)"
            )
        lines = tuple({key: f.value for key, f in item.items()} for item in reading.lines)
        line_boxes = tuple(layout.boxes(words) for words in reading.line_words)
        return [Fields(values=values, lines=lines, line_boxes=line_boxes)]

    def _field(self, layout: Layout, found: Found) -> ExtractedField:
        return ExtractedField(
            found.value, round(found.confidence, 2), MODULE_ID, layout.boxes(found.words)
        )
