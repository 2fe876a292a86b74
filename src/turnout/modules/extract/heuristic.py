"""`extract.heuristic`: template-free extraction of invoice fields (the extract stage's fallback).

It reads labels in English, German, French, Dutch, Spanish and Italian, the values next to or
under them, amounts with either decimal separator, dates in many formats, and VAT numbers and
IBANs by their shape and checksum. Values stay as written; `normalize` understands them. When
the text stage gave words, each value carries the boxes of its printing nearest to the line it
was read from (see `locate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    EXTRACT,
    Artifact,
    Artifacts,
    Box,
    ExtractedField,
    Fields,
    InputRejected,
    ModuleSpec,
    RunContext,
    StageModule,
    Text,
    settings_with_defaults,
)
from turnout.modules.extract.candidates import Candidate
from turnout.modules.extract.finder import find_fields
from turnout.modules.extract.locate import Locator, TextLines, field_boxes
from turnout.modules.extract.patterns import labels_for, settings_schema

MODULE_ID = "extract.heuristic"
# 50 dense pages (the intake limit) hold far less; past this, reading would outlast the stage timeout
MAX_TEXT_CHARS = 1_000_000


class HeuristicExtract(StageModule):
    """Find invoice fields in text by labels, patterns and layout, without templates."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        EXTRACT,
        module_id=MODULE_ID,
        name="Template-free extraction",
        version="1.0.0",
        description="Labels in six languages, amounts, dates, VAT numbers and IBANs by their "
        "shape and checksum, values under column headers; totals that add up win.",
        extra_guarantees={"deterministic"},
        settings_schema=settings_schema(
            languages_said="languages whose labels are looked for (default: all)",
            min_confidence_said="fields found with a lower confidence are left out",
        ),
        is_fallback=True,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.languages = tuple(with_defaults["languages"])  # at least one: the schema says so
        self.min_confidence = float(with_defaults["min_confidence"])
        self._labels = labels_for(self.languages)

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return the `Fields` found in the text; reject a text with no invoice field at all."""
        text = inputs.require(Text)
        if len(text.full) > MAX_TEXT_CHARS:
            raise InputRejected(
                f"the text has {len(text.full):,} characters, more than the {MAX_TEXT_CHARS:,} "
                "extract.heuristic reads; split the document, or check that the text stage did "
                "not read binary data as text"
            )
        found = find_fields(text.full, self._labels)
        where = _Where(text)
        values = {
            path: ExtractedField(c.value, round(c.confidence, 2), MODULE_ID, where.boxes(c))
            for path, c in sorted(found.items())
            if c.confidence >= self.min_confidence
        }
        if not values:
            chars = len("".join(text.full.split()))
            raise InputRejected(
                f"no invoice fields found in {chars} characters of text "
                f"(languages {', '.join(self.languages)}, min_confidence {self.min_confidence}); "
                "check that the text stage read the document (a scan needs text.ocr) or "
                "extract it with a template (extract.templates)"
            )
        return [Fields(values=values)]


class _Where:
    """The boxes of a candidate's value: the printing nearest the text line it was read from
    (the currency, often inferred from a symbol, is the one by the totals); none without words."""

    def __init__(self, text: Text) -> None:
        self.locator = Locator.of(text)
        self.lines = TextLines(text.pages)

    def boxes(self, candidate: Candidate) -> tuple[Box, ...]:
        if self.locator is None:
            return ()
        near = None if candidate.path == "currency" else self.lines.near(candidate.line)
        return field_boxes(self.locator, candidate.path, candidate.value, near)
