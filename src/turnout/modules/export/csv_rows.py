"""One CSV row per invoice: the fixed columns of `export.csv` and how a cell is made safe.

Cells are made safe for spreadsheets (CSV injection, OWASP): a cell starting with `=`, `+`, `-`,
`@`, a tab or a carriage return is prefixed with a single quote so that Excel or LibreOffice show
it as text instead of evaluating it as a formula. Plain numbers (`-12.50`) are left as they are:
they cannot carry a formula and accountants need them as numbers. Line breaks inside a value are
replaced by spaces, so every row is exactly one line of the file (which lets the writer recognise
and drop a row torn by a crash).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from turnout.authoring import Decision, Invoice

HEADER: tuple[str, ...] = (
    "run_id",
    "config_version",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "seller_name",
    "seller_vat_id",
    "buyer_name",
    "buyer_vat_id",
    "iban",
    "net",
    "tax",
    "payable",
    "decision",
    "reasons",
    "source_file",
    "vendor_id",
    "idempotency_key",
)
"""The columns, in order. `reasons` are the decision's, joined with "; "; `source_file` is the
name of the file the invoice came in, as received; `vendor_id` the vendor the `match` stage found
(empty when none); `idempotency_key` the delivery's key (`<run_id>:export` for the run's first
row, `<run_id>:export:rN` for the row after its Nth review). Columns are only ever added at the end, so that a file begun by an earlier
version keeps its own (`export.csv` writes such a file's columns only)."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_LINE_BREAK = re.compile(r"[\r\n]+")


def invoice_row(
    run_id: str,
    config_version: int,
    invoice: Invoice,
    decision: Decision,
    *,
    source_file: str | None = None,
    vendor_id: str | None = None,
    key: str | None = None,
    escape_formulas: bool = True,
) -> list[str]:
    """The cells of one invoice's row, in `HEADER` order; absent values are empty cells."""
    values: list[object] = [
        run_id,
        config_version,
        invoice.invoice_number,
        invoice.issue_date,
        invoice.due_date,
        invoice.currency,
        invoice.seller.name,
        invoice.seller.vat_id,
        invoice.buyer.name,
        invoice.buyer.vat_id,
        invoice.payment.iban,
        invoice.totals.tax_exclusive,  # BT-109, the total without VAT
        invoice.totals.tax,
        invoice.totals.payable,
        str(decision.outcome),
        "; ".join(decision.reasons),
        source_file,
        vendor_id,
        key,
    ]
    return [cell(value, escape_formulas=escape_formulas) for value in values]


def cell(value: object, *, escape_formulas: bool = True) -> str:
    """One value as a single-line CSV cell, quoted against formula evaluation when asked."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = _LINE_BREAK.sub(" ", str(value))
    if escape_formulas and text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
