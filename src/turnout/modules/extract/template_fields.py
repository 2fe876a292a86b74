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

from turnout.authoring import ExtractedField, Fields
from turnout.modules.extract.invoice2data_adapter import TemplateMatch
from turnout.modules.extract.locate import Locator, field_boxes, line_boxes

CONFIDENCE = 0.95
EXTRA = "extra."

# invoice2data's name -> Turnout's canonical dotted path, one name a path. invoice2data names the
# parties as Odoo does on a vendor bill: the "partner" is the vendor, that is the seller (BG-4).
# A name with no EN 16931 term (partner_website, incoterm, currency_symbol, line_number,
# booking_id, ...) stays under `extra.<name>`, and so do the notes (narration, note: a template
# gives a list of them as one field, which one note's text cannot hold).
CANONICAL: dict[str, str] = {
    "invoice_number": "invoice_number",
    "date": "issue_date",
    "date_due": "due_date",
    "amount": "totals.payable",
    "amount_untaxed": "totals.tax_exclusive",
    "amount_tax": "totals.tax",
    "currency": "currency",
    "issuer": "seller.name",
    "vat": "seller.vat_id",  # BT-31
    "country_code": "seller.country",  # BT-40
    "partner_street": "seller.address.line1",  # BT-35
    "partner_street2": "seller.address.line2",  # BT-36
    "partner_street3": "seller.address.line3",  # BT-162
    "partner_city": "seller.address.city",  # BT-37
    "partner_zip": "seller.address.post_code",  # BT-38
    "state_code": "seller.address.subdivision",  # BT-39
    "partner_email": "seller.contact.email",  # BT-43
    "telephone": "seller.contact.phone",  # BT-42
    # BT-30, the seller's legal registration: the number a register of companies gave it (the
    # Dutch KvK, "chamber of commerce", number; see ALSO for the French and Indian ones)
    "partner_coc": "seller.legal_registration.id",
    # BT-32, the seller's tax registration: the Indian GSTIN is a state-level GST registration
    # without the country prefix a VAT identifier (BT-31) carries
    "gstin": "seller.tax_registration_id",
    "iban": "payment.iban",  # BT-84
    "bic": "payment.bic",  # BT-86
    "payment_unece_code": "payment.means_code",  # BT-81, a UNCL 4461 code
    "payment_method": "payment.means_text",  # BT-82
    "payment_reference": "payment.remittance",  # BT-83
    "mandate_id": "payment.direct_debit.mandate",  # BT-89
    "purchase_order_id": "order_reference",  # BT-13, the buyer's purchase order
    "order_id": "sales_order_reference",  # BT-14, the seller's own order number
    "customer_order_free_ref": "buyer_reference",  # BT-10, the buyer's own reference
    "client_id": "buyer.identifiers[0].id",  # BT-46, the buyer's number at the seller
    "date_start": "invoicing_period.start",  # BT-73
    "date_end": "invoicing_period.end",  # BT-74
}
# invoice2data's other names of a term CANONICAL maps: a template's value of one sets the term
# when no name of CANONICAL set it first; otherwise it stays under `extra.<name>`
ALSO: dict[str, str] = {
    "static_vat": "seller.vat_id",  # a template's constant seller VAT id
    "mobile": "seller.contact.phone",
    "siren": "seller.legal_registration.id",  # the French SIREN
    "cin": "seller.legal_registration.id",  # the Indian corporate identity number
    "customer_order_number": "order_reference",
}
_NAME_OF = {path: name for name, path in CANONICAL.items()}  # one name a path: invertible
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
    landed: dict[str, str] = {}  # template name -> the path its value went to
    lines: tuple[dict[str, str], ...] = ()
    for name, value in match.values.items():
        if value is None or value == "":
            continue
        if name in LIST_FIELDS and not lines and _is_rows(value):
            lines = tuple(_line(row) for row in value)
            continue
        path = _path_of(name)
        if path in values or (name in ALSO and match.values.get(_NAME_OF[path]) not in (None, "")):
            path = EXTRA + name  # CANONICAL's name of the term gives it: this value stays apart
        if path != EXTRA + name and isinstance(value, list):
            # a canonical field holds one value: the first found; all of them stay in extra
            values[EXTRA + name] = ExtractedField(_text(value), CONFIDENCE, module_id)
            value = value[0] if value else None
            if value is None:
                continue
        text = _text(value, money=path in MONEY)
        if text.strip():
            values[path] = ExtractedField(text, CONFIDENCE, module_id)
            landed[name] = path
    values.setdefault("seller.name", ExtractedField(match.issuer, CONFIDENCE, module_id))
    if locator is None:
        return Fields(values=values, lines=lines)
    # where each value the template states itself went (a static value set apart as `extra.*`
    # leaves the printed value at the canonical path to be looked for)
    unprinted = {landed.get(name) or _path_of(name) for name in match.unprinted}
    return Fields(
        values={
            path: field if path in unprinted else _placed(locator, path, field)
            for path, field in values.items()
        },
        lines=lines,
        line_boxes=line_boxes(locator, lines),
    )


def _path_of(name: str) -> str:
    """The path a template's value named `name` goes to: CANONICAL's, else ALSO's, else extra."""
    return CANONICAL.get(name) or ALSO.get(name) or EXTRA + name


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
