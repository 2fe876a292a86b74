"""invoice2data's field names and typed values as Turnout's raw `Fields` (strings by path).

invoice2data returns `datetime` dates, `float` amounts and lists of line dicts. Dates become ISO
dates, amounts Decimal-readable strings (rounded to cents for totals, so float artefacts such as
`29.990000000000002` never reach `normalize`), and fields with no canonical path are kept under
`extra.<name>` (lists and dicts as JSON text) so nothing the template read is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from turnout.domain.artifacts import ExtractedField, Fields
from turnout.modules.extract.invoice2data_adapter import TemplateMatch
from turnout.modules.extract.locate import Locator, field_boxes, line_boxes

CONFIDENCE = 0.95
EXTRA = "extra."

# invoice2data's name -> Turnout's canonical dotted path
CANONICAL: dict[str, str] = {
    "invoice_number": "invoice_number",
    "date": "issue_date",
    "date_due": "due_date",
    "amount": "totals.payable",
    "amount_untaxed": "totals.tax_exclusive",
    "amount_tax": "totals.tax",
    "currency": "currency",
    "issuer": "seller.name",
    "vat": "seller.vat_id",
    "country_code": "seller.country",
    "iban": "payment.iban",
    "bic": "payment.bic",
    "purchase_order_id": "order_reference",
}
MONEY = frozenset({"totals.payable", "totals.tax_exclusive", "totals.tax"})
LIST_FIELDS = ("lines", "line_items")

# invoice2data's line names -> the line names `normalize` reads (the originals are kept too)
LINE_ALIASES: dict[str, str] = {
    "qty": "quantity",
    "price_unit": "net_price",
    "price_subtotal": "net_amount",
    "line_tax_percent": "vat_rate",
    "uom": "unit",
    "description": "name",
}


def to_fields(match: TemplateMatch, module_id: str, locator: Locator | None = None) -> Fields:
    """The template's output as `Fields`: canonical paths, `extra.*` for the rest, and lines.

    With a `locator` (the text has words), every value printed on the page gets the boxes of
    the words that print it, and each line item that can be placed surely its line's boxes;
    values the template states itself (static fields, its name) are not looked for.
    """
    values: dict[str, ExtractedField] = {}
    lines: tuple[dict[str, str], ...] = ()
    for name, value in match.values.items():
        if value is None or value == "":
            continue
        if name in LIST_FIELDS and not lines and _is_rows(value):
            lines = tuple(_line(row) for row in value)
            continue
        path = CANONICAL.get(name, EXTRA + name)
        if path != EXTRA + name and isinstance(value, list):
            # a canonical field holds one value: the first found; all of them stay in extra
            values[EXTRA + name] = ExtractedField(_text(value), CONFIDENCE, module_id)
            value = value[0] if value else None
            if value is None:
                continue
        text = _text(value, money=path in MONEY)
        if text.strip():
            values[path] = ExtractedField(text, CONFIDENCE, module_id)
    values.setdefault("seller.name", ExtractedField(match.issuer, CONFIDENCE, module_id))
    if locator is None:
        return Fields(values=values, lines=lines)
    unprinted = {CANONICAL.get(name, EXTRA + name) for name in match.unprinted}
    return Fields(
        values={
            path: field if path in unprinted else _placed(locator, path, field)
            for path, field in values.items()
        },
        lines=lines,
        line_boxes=line_boxes(locator, lines),
    )


def _placed(locator: Locator, path: str, field: ExtractedField) -> ExtractedField:
    boxes = field_boxes(locator, path, field.value)
    if not boxes:
        return field
    return ExtractedField(field.value, field.confidence, field.module, boxes)


def _text(value: Any, money: bool = False) -> str:
    """One value as the string `normalize` (or a reader of `extra.*`) understands."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # repr is the shortest string that reads back as the same float
        return repr(round(value, 2)) if money else repr(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return str(value)


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    return str(value)


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(row, dict) for row in value)


def _line(row: dict[str, Any]) -> dict[str, str]:
    line = {str(k): _text(v) for k, v in row.items() if v is not None}
    for alias, name in LINE_ALIASES.items():
        if alias in line and name not in line:
            line[name] = line[alias]
    return line
