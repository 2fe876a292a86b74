"""Build the canonical invoice from raw extracted fields: Decimal money, ISO dates, strings.

Only the reading happens here (amounts, dates, currency symbols); identifiers are checked
afterwards by `canonical.canonicalise`, the same way for fields and for e-invoices.

Every value set carries its provenance, keyed by its dotted path as for e-invoices
(`einvoice.provenance`): the extract module, its confidence and the boxes on the page it was read
from. VAT breakdown rows come from `vat_breakdown[N].rate|taxable|tax|category` (rows in the order
of N, renumbered from 0 when some N are missing). A line's values share one source,
`lines[N].<name>`: the module that extracted the fields, the mean confidence of its fields (a
line has no confidence of its own) and the line's boxes (`Fields.line_boxes[N]`).

A credit note read with negative amounts (as credit notes are printed) gets them turned positive,
as EN 16931 keeps them, with a note saying so (`credit_note.turn_credit_note_signs`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from turnout.domain.artifacts import ExtractedField, Fields, Finding, Severity
from turnout.domain.invoice import TOTALS_NAMES, FieldSource, Invoice, InvoiceLine, VatBreakdown
from turnout.modules.normalize.credit_note import turn_credit_note_signs
from turnout.modules.normalize.dates import DateOrder, parse_date
from turnout.modules.normalize.money import currency_of, parse_amount, parse_currency
from turnout.modules.normalize.scale import plain

_TEXT_PATHS = (
    "invoice_number",
    "type_code",
    "buyer_reference",
    "order_reference",
    "seller.name",
    "seller.vat_id",
    "seller.country",
    "buyer.name",
    "buyer.vat_id",
    "buyer.country",
    "payment.iban",
    "payment.bic",
)
_DATE_PATHS = ("issue_date", "due_date")
_AMOUNT_PATHS = tuple(f"totals.{name}" for name in TOTALS_NAMES)
_LINE_DECIMALS = ("quantity", "net_price", "net_amount", "vat_rate")
_LINE_TEXTS = ("id", "name", "unit", "vat_category")
_VAT_PATH = re.compile(r"^vat_breakdown\[(\d+)\]\.(rate|taxable|tax|category)$")
_UNKNOWN_MODULE = "extract"  # the module of lines when the fields name none


def invoice_from_fields(fields: Fields, order: DateOrder) -> tuple[Invoice, list[Finding]]:
    """The invoice the raw `fields` describe, and notes on the values that could not be read."""
    invoice = Invoice()
    notes: list[Finding] = []
    values = fields.values
    for path in _TEXT_PATHS:
        if path in values and values[path].value.strip():
            _set(invoice, path, values[path].value.strip(), values[path])
    for path in _DATE_PATHS:
        if path in values:
            _read(invoice, notes, path, values[path], lambda v: parse_date(v, order), "DATE")
    for path in _AMOUNT_PATHS:
        if path in values:
            _read(invoice, notes, path, values[path], parse_amount, "AMOUNT")
    _currency(invoice, notes, values)
    _vat_breakdown(invoice, notes, values)
    line_source = _line_source(fields)
    for number, line in enumerate(fields.lines):
        boxes = fields.line_boxes[number] if number < len(fields.line_boxes) else ()
        source = FieldSource(line_source.module, line_source.confidence, tuple(boxes))
        invoice.lines.append(_line(invoice, line, number, notes, source))
    turned = turn_credit_note_signs(invoice)
    if turned is not None:
        notes.append(turned)
    return invoice, notes


def _line_source(fields: Fields) -> FieldSource:
    """Who read the lines and how sure it was: the fields' (most frequent) module and their mean
    confidence, a line carrying no confidence of its own."""
    modules = Counter(f.module for f in fields.values.values())
    module = modules.most_common(1)[0][0] if modules else _UNKNOWN_MODULE
    confidence = fields.confidence()
    return FieldSource(module, round(confidence, 3) if confidence is not None else 0.0)


def _vat_breakdown(
    invoice: Invoice, notes: list[Finding], values: dict[str, ExtractedField]
) -> None:
    """The VAT breakdown rows the `vat_breakdown[N].<name>` fields describe."""
    rows: dict[int, dict[str, tuple[str, ExtractedField]]] = {}
    for path, field in values.items():
        m = _VAT_PATH.match(path)
        if m is not None and field.value.strip():
            rows.setdefault(int(m[1]), {})[m[2]] = (path, field)
    for number in sorted(rows):
        row, index = VatBreakdown(), len(invoice.vat_breakdown)
        for name, (path, field) in sorted(rows[number].items()):
            value: str | Decimal | None
            if name == "category":
                value = field.value.strip()
            elif name == "rate":
                value = plain(parse_amount(field.value.strip().rstrip("%").strip()))
            else:
                value = parse_amount(field.value)
            if value is None:
                notes.append(_unreadable("AMOUNT", path, field.value))
                continue
            setattr(row, name, value)
            invoice.provenance[f"vat_breakdown[{index}].{name}"] = _source(field)
        if row != VatBreakdown():
            invoice.vat_breakdown.append(row)


def _read(
    invoice: Invoice,
    notes: list[Finding],
    path: str,
    field: ExtractedField,
    parse: Callable[[str], Any],
    kind: str,
) -> None:
    value = parse(field.value)
    if value is None:
        notes.append(_unreadable(kind, path, field.value))
    else:
        _set(invoice, path, value, field)


def _currency(invoice: Invoice, notes: list[Finding], values: dict[str, ExtractedField]) -> None:
    """The written currency; else the one written next to the amount payable (or another)."""
    field = values.get("currency")
    if field is not None:
        code = parse_currency(field.value)
        # an unknown code is kept for `canonical` to check and report
        _set(invoice, "currency", code or field.value.strip(), field)
        return
    for path in ("totals.payable", *_AMOUNT_PATHS):
        amount = values.get(path)
        code = currency_of(amount.value) if amount is not None else None
        if amount is not None and code:
            source = FieldSource(amount.module, round(amount.confidence * 0.9, 2), amount.boxes)
            invoice.currency = code
            invoice.provenance["currency"] = source
            return


def _line(
    invoice: Invoice, data: dict[str, str], number: int, notes: list[Finding], source: FieldSource
) -> InvoiceLine:
    line = InvoiceLine()
    for name in _LINE_TEXTS:
        if data.get(name) and data[name].strip():
            setattr(line, name, data[name].strip())
            invoice.provenance[f"lines[{number}].{name}"] = source
    for name in _LINE_DECIMALS:
        if data.get(name):
            value = parse_amount(data[name].rstrip("% "))
            if value is None:
                notes.append(_unreadable("AMOUNT", f"lines[{number}].{name}", data[name]))
            else:
                invoice.provenance[f"lines[{number}].{name}"] = source
            setattr(line, name, value)
    return line


def _set(invoice: Invoice, path: str, value: object, field: ExtractedField) -> None:
    target: Any = invoice
    *parents, name = path.split(".")
    for parent in parents:
        target = getattr(target, parent)
    setattr(target, name, value)
    invoice.provenance[path] = _source(field)


def _source(field: ExtractedField) -> FieldSource:
    return FieldSource(field.module, field.confidence, tuple(field.boxes))


def _unreadable(kind: str, path: str, raw: str) -> Finding:
    what = "an amount" if kind == "AMOUNT" else "a date"
    return Finding(
        rule=f"TURNOUT-{kind}-UNREADABLE",
        severity=Severity.WARNING,
        message=f"`{raw}` found for {path} is not {what} we can read; the field was left "
        "empty — check the extraction or set the value by hand",
        path=path,
    )
