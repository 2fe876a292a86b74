"""Build the canonical invoice from raw extracted fields: Decimal money, ISO dates, strings.

Only the reading happens here (amounts, dates, currency symbols); identifiers are checked
afterwards by `canonical.canonicalise`, the same way for fields and for e-invoices.

Any canonical path of the model can be set (`seller.address.city`, `seller.contact.email`,
`seller.legal_registration.id`, `invoicing_period.start`, `notes[0].text`): the path is walked
along the dataclass shapes (`turnout.domain.invoice_shape`), an optional group (an `Identifier`,
`payment.direct_debit`) is created only when a value is set in it, and the value takes the
field's type — a text stripped, a date read in the configured order, an amount or rate read as
a Decimal (a rate or percentage without its `%`). A path the model does not have (`extra.*`, a
template's own field) is left out. Items of a list are renumbered from 0 in the order of their
written index, so `notes[3].text` alone is the first note.

Every value set carries its provenance, keyed by its dotted path as for e-invoices
(`einvoice.provenance`): the extract module, its confidence and the boxes on the page it was read
from. VAT breakdown rows come from `vat_breakdown[N].rate|taxable|tax|category` like any list. A
line's values share one source, `lines[N].<name>`: the module that extracted the fields, the mean
confidence of its fields (a line has no confidence of its own) and the line's boxes
(`Fields.line_boxes[N]`).

A credit note read with negative amounts (as credit notes are printed) gets them turned positive,
as EN 16931 keeps them, with a note saying so (`credit_note.turn_credit_note_signs`).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from turnout.authoring import (
    TOTALS_NAMES,
    ExtractedField,
    Fields,
    FieldSource,
    Finding,
    Invoice,
    InvoiceLine,
    Severity,
    Shape,
    shape_of,
)
from turnout.modules.normalize.credit_note import turn_credit_note_signs
from turnout.modules.normalize.dates import DateOrder, parse_date
from turnout.modules.normalize.money import currency_of, parse_amount, parse_currency
from turnout.modules.normalize.scale import plain

_LINE_DECIMALS = ("quantity", "net_price", "net_amount", "vat_rate")
_LINE_TEXTS = ("id", "name", "unit", "vat_category")
_STEP = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(\d+)\])?$")
_RATES = ("rate", "percent")  # names of percentages, read without their "%"
_UNKNOWN_MODULE = "extract"  # the module of lines when the fields name none
# read on their own: the currency (from a symbol, or the amounts) and the lines (Fields.lines)
_OWN = ("currency", "lines[")

Step = tuple[str, int | None]  # a field name and, for an item of a list, its index
# a path's groups as (field name, index in its list or None, the dataclass there), then the shape
# holding its last field and that field's name
Route = tuple[tuple[tuple[str, int | None, type], ...], Shape, str]


def invoice_from_fields(fields: Fields, order: DateOrder) -> tuple[Invoice, list[Finding]]:
    """The invoice the raw `fields` describe, and notes on the values that could not be read."""
    invoice = Invoice()
    notes: list[Finding] = []
    values = fields.values
    items: dict[tuple[str, int], int] = {}  # (list path, written index) -> index in the list
    for path in sorted(values, key=_written_order):
        field = values[path]
        route = _route(path)
        if route is None or path.startswith(_OWN) or not field.value.strip():
            continue  # a path the model does not have, or one read on its own
        _, shape, name = route
        value = _value(shape, name, field.value, order)
        if value is _UNREADABLE:
            notes.append(
                _unreadable("DATE" if name in shape.dates else "AMOUNT", path, field.value)
            )
            continue
        _place(invoice, route, value, field, items)
    _currency(invoice, notes, values)
    line_source = _line_source(fields)
    for number, line in enumerate(fields.lines):
        boxes = fields.line_boxes[number] if number < len(fields.line_boxes) else ()
        source = FieldSource(line_source.module, line_source.confidence, tuple(boxes))
        invoice.lines.append(_line(invoice, line, number, notes, source))
    turned = turn_credit_note_signs(invoice)
    if turned is not None:
        notes.append(turned)
    return invoice, notes


_UNREADABLE: Any = object()  # a value of the right path that does not read as its type


@lru_cache(maxsize=4096)
def _written_order(path: str) -> tuple[Any, ...]:
    """Paths with list items in the order of their written index (`notes[10]` after
    `notes[2]`), so items are numbered as written."""
    return tuple(
        (part, int(number)) if number else (part, -1)
        for part, number in re.findall(r"([^.\[\]]+)(?:\[(\d+)\])?", path)
    )


def _steps(path: str) -> list[Step] | None:
    """`seller.identifiers[0].id` as [("seller", None), ("identifiers", 0), ("id", None)];
    None for a path that is not written like one."""
    steps: list[Step] = []
    for part in path.split("."):
        m = _STEP.match(part)
        if m is None:
            return None
        steps.append((m[1], int(m[2]) if m[2] is not None else None))
    return steps


@lru_cache(maxsize=4096)
def _route(path: str) -> Route | None:
    """Where `path` leads in the model, walked once per path (the same paths come with every
    invoice of a template); None when it is not written like a path or leaves the model (an
    unknown name, an index on a single group or none on a list)."""
    steps = _steps(path)
    if steps is None:
        return None
    shape = shape_of(Invoice)
    groups: list[tuple[str, int | None, type]] = []
    for name, index in steps[:-1]:
        kind = dict(shape.lists if index is not None else shape.groups + shape.optional).get(name)
        if kind is None:
            return None
        groups.append((name, index, kind))
        shape = shape_of(kind)
    name, index = steps[-1]
    if index is not None or name not in shape.texts + shape.decimals + shape.dates + shape.counts:
        return None
    return tuple(groups), shape, name


def _value(shape: Shape, name: str, raw: str, order: DateOrder) -> object:
    """`raw` as the type of field `name` of `shape`; `_UNREADABLE` for a value that does not
    read as that type."""
    text = raw.strip()
    parsed: object
    if name in shape.texts:
        return text
    if name in shape.dates:
        parsed = parse_date(text, order)
    elif name in shape.decimals:
        if name.endswith(_RATES):
            parsed = plain(parse_amount(text.rstrip("%").strip()))
        else:
            parsed = parse_amount(text)
    else:
        parsed = int(text) if text.isdigit() else None
    return _UNREADABLE if parsed is None else parsed


def _place(
    invoice: Invoice,
    route: Route,
    value: object,
    field: ExtractedField,
    items: dict[tuple[str, int], int],
) -> None:
    """Set `value` at the end of `route`, creating the groups and list items on the way."""
    target: Any = invoice
    written: list[str] = []
    groups, _, name = route
    for group, index, kind in groups:
        if index is None:
            child = getattr(target, group)
            if child is None:  # an optional group, made when a value is set in it
                child = kind()
                setattr(target, group, child)
            written.append(group)
        else:
            entries = getattr(target, group)
            key = (".".join([*written, group]), index)
            if key not in items:
                items[key] = len(entries)
                entries.append(kind())
            child = entries[items[key]]
            written.append(f"{group}[{items[key]}]")
        target = child
    setattr(target, name, value)
    invoice.provenance[".".join([*written, name])] = _source(field)


def _line_source(fields: Fields) -> FieldSource:
    """Who read the lines and how sure it was: the (most frequent) module and mean confidence of
    the fields the invoice keeps, a line carrying no confidence of its own. Values the model has no
    term for (`extra.*`) do not count: the invoice drops them, and a reviewed run read back from
    the invoice must come out the same."""
    kept = [field for path, field in fields.values.items() if _route(path) is not None]
    modules = Counter(field.module for field in kept)
    module = modules.most_common(1)[0][0] if modules else _UNKNOWN_MODULE
    confidence = sum(field.confidence for field in kept) / len(kept) if kept else None
    return FieldSource(module, round(confidence, 3) if confidence is not None else 0.0)


def _currency(invoice: Invoice, notes: list[Finding], values: dict[str, ExtractedField]) -> None:
    """The written currency; else the one written next to the amount payable (or another)."""
    field = values.get("currency")
    if field is not None:
        code = parse_currency(field.value)
        # an unknown code is kept for `canonical` to check and report
        invoice.currency = code or field.value.strip()
        invoice.provenance["currency"] = _source(field)
        return
    for path in ("totals.payable", *(f"totals.{name}" for name in TOTALS_NAMES)):
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
