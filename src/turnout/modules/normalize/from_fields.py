"""Build the canonical invoice from raw extracted fields: Decimal money, ISO dates, strings.

Only the reading happens here (amounts, dates, currency symbols); identifiers are checked
afterwards by `canonical.canonicalise`, the same way for fields and for e-invoices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from turnout.domain.artifacts import ExtractedField, Fields, Finding, Severity
from turnout.domain.invoice import TOTALS_NAMES, FieldSource, Invoice, InvoiceLine
from turnout.modules.normalize.dates import DateOrder, parse_date
from turnout.modules.normalize.money import currency_of, parse_amount, parse_currency

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
    for number, line in enumerate(fields.lines):
        invoice.lines.append(_line(line, number, notes))
    return invoice, notes


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
            source = FieldSource(amount.module, round(amount.confidence * 0.9, 2))
            invoice.currency = code
            invoice.provenance["currency"] = source
            return


def _line(data: dict[str, str], number: int, notes: list[Finding]) -> InvoiceLine:
    line = InvoiceLine()
    for name in _LINE_TEXTS:
        if data.get(name):
            setattr(line, name, data[name].strip())
    for name in _LINE_DECIMALS:
        if data.get(name):
            value = parse_amount(data[name].rstrip("% "))
            if value is None:
                notes.append(_unreadable("AMOUNT", f"lines[{number}].{name}", data[name]))
            setattr(line, name, value)
    return line


def _set(invoice: Invoice, path: str, value: object, field: ExtractedField) -> None:
    target: Any = invoice
    *parents, name = path.split(".")
    for parent in parents:
        target = getattr(target, parent)
    setattr(target, name, value)
    invoice.provenance[path] = FieldSource(field.module, field.confidence)


def _unreadable(kind: str, path: str, raw: str) -> Finding:
    what = "an amount" if kind == "AMOUNT" else "a date"
    return Finding(
        rule=f"TURNOUT-{kind}-UNREADABLE",
        severity=Severity.WARNING,
        message=f"`{raw}` found for {path} is not {what} we can read; the field was left "
        "empty — check the extraction or set the value by hand",
        path=path,
    )
