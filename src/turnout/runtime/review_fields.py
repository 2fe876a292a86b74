"""The corrected invoice as the artifact a reviewed run continues from, so that `normalize` reads
it as it reads a page or an e-invoice.

A run whose reading gave raw fields (a PDF, a scan) continues from `Fields` built from the
corrected canonical invoice: every value at its path (`seller.vat_id`, `vat_breakdown[0].rate`),
written so that normalize reads it back unchanged (decimals plain, dates ISO), with its
provenance (module, confidence, boxes on the page) as the invoice had it; the lines as dicts of
the values a line of raw fields carries, with their boxes. An uncorrected round trip gives the
same invoice (`tests/unit/test_review_fields.py`).

A run read from an e-invoice continues from the e-invoice with the corrected invoice in it:
raw fields cannot carry what only e-invoice lines have (their periods, allowances and charges,
item attributes and classifications) nor the extensions, and normalize reads an e-invoice's
invoice as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from turnout.domain.artifacts import EInvoice, ExtractedField, Fields
from turnout.domain.invoice import FieldSource, Invoice
from turnout.domain.invoice_shape import shape_of
from turnout.domain.page import Box

# what a line of raw fields carries (normalize reads these names from `Fields.lines`)
LINE_VALUES = (
    "id",
    "name",
    "unit",
    "vat_category",
    "quantity",
    "net_price",
    "net_amount",
    "vat_rate",
)
_UNKNOWN = FieldSource("review", 1.0)


def fields_of(invoice: Invoice) -> Fields:
    """The raw fields that normalize reads back as `invoice` (see the module's docstring)."""
    values: dict[str, ExtractedField] = {}
    for key, value in _values(invoice, "", shape_of(Invoice)):
        src = invoice.provenance.get(key, _UNKNOWN)
        values[key] = ExtractedField(_text(value), float(src.confidence), src.module, src.boxes)
    lines: list[dict[str, str]] = []
    line_boxes: list[tuple[Box, ...]] = []
    for number, line in enumerate(invoice.lines):
        row = {n: _text(v) for n in LINE_VALUES if (v := getattr(line, n)) is not None}
        lines.append(row)
        sources = (invoice.provenance.get(f"lines[{number}].{n}") for n in LINE_VALUES)
        line_boxes.append(next((s.boxes for s in sources if s is not None and s.boxes), ()))
    if not any(line_boxes):
        line_boxes = []
    return Fields(values, tuple(lines), tuple(line_boxes))


def einvoice_with(einvoice: EInvoice, invoice: Invoice) -> EInvoice:
    """The same e-invoice holding the corrected invoice."""
    return EInvoice(einvoice.syntax, einvoice.document_type, einvoice.profile, invoice)


def _values(group: Any, prefix: str, shape: Any) -> Iterator[tuple[str, object]]:
    """(provenance key, value) of every value set in `group`, the lines left out."""
    for name in shape.texts + shape.decimals + shape.dates + shape.counts:
        value = getattr(group, name)
        if value is not None and value != "":
            yield f"{prefix}{name}", value
    for name, kind in shape.groups + shape.optional:
        part = getattr(group, name)
        if part is not None:
            yield from _values(part, f"{prefix}{name}.", shape_of(kind))
    for name, kind in shape.lists:
        if not prefix and name == "lines":
            continue
        for i, item in enumerate(getattr(group, name)):
            yield from _values(item, f"{prefix}{name}[{i}].", shape_of(kind))


def _text(value: object) -> str:
    """A value written so that normalize reads it back as it is: a decimal with three decimals
    gets a fourth zero (`1.125` alone reads as a thousand one hundred and twenty-five, and
    normalize writes every number in its own form again); dates ISO."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        fraction = text.partition(".")[2]
        return text + "0" if len(fraction) == 3 else text
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
