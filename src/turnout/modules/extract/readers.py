"""Readers that take the value of one field out of the text next to (or under) its label.

Each reader returns the value as written (normalisation is the next stage's job), or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from turnout.modules.extract.amounts import find_amounts
from turnout.modules.extract.identifiers import find_bics, find_ibans, find_vat_ids
from turnout.modules.normalize.dates import find_dates
from turnout.modules.normalize.money import parse_currency

_LEADING = re.compile(
    r"^[\s:#=|.\-\u2013]*(?:(?:n\s*[°º]|no|nr|number|num)\.?(?![A-Za-z])[\s:#.]*)?"
)
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.#-]*[A-Za-z0-9]|\d")
_CODE = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")
_TITLE_WORDS = re.compile(r"^(?:page|seite|pagina|página|blad)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """A value as written, with its checksum verdict when it has one."""

    value: str
    valid: bool | None = None
    amount: Decimal | None = None
    currency: str | None = None


def read_reference(text: str) -> Reading | None:
    """An invoice or order number: the first token with a digit that is not a date."""
    text = _LEADING.sub("", text)
    for start, end, _ in find_dates(text):
        text = text[:start] + " " * (end - start) + text[end:]
    if _TITLE_WORDS.match(text):
        return None
    for m in _REFERENCE.finditer(text[:40]):
        token = m.group()
        if any(ch.isdigit() for ch in token) and len(token) <= 40:
            return Reading(token)
        if m.start() > 0 and token.lower() not in ("no", "nr", "n", "number"):
            break  # a word before any number: the label announced something else
    return None


def read_date(text: str) -> Reading | None:
    """The first date written in `text`, as written."""
    for start, end, _ in find_dates(text):
        return Reading(text[start:end])
    return None


def read_last_amount(text: str) -> Reading | None:
    """The last amount in `text` (a label's row ends with the amount it announces)."""
    amounts = find_amounts(text)
    if not amounts:
        return None
    last = amounts[-1]
    return Reading(last.raw, amount=last.value, currency=last.currency)


def read_first_amount(text: str) -> Reading | None:
    """The first amount in `text` (a cell under a column header) that looks like money.

    Under a header only an amount with decimals or a currency counts: a bare `1` under
    "VAT" is a quantity or a rate, not a tax amount.
    """
    amounts = [a for a in find_amounts(text) if a.currency or re.search(r"[.,]\d\d$", a.raw)]
    if not amounts:
        return None
    first = amounts[0]
    return Reading(first.raw, amount=first.value, currency=first.currency)


def read_vat_id(text: str) -> Reading | None:
    found = find_vat_ids(text)
    return Reading(found[0].raw, valid=found[0].valid) if found else None


def read_iban(text: str) -> Reading | None:
    found = find_ibans(text)
    return Reading(found[0].raw, valid=found[0].valid) if found else None


def read_bic(text: str) -> Reading | None:
    found = find_bics(_LEADING.sub("", text)[:20])
    return Reading(found[0].raw, valid=found[0].valid) if found and found[0].valid else None


def read_currency(text: str) -> Reading | None:
    for m in _CODE.finditer(_LEADING.sub("", text)[:20]):
        if parse_currency(m.group()):
            return Reading(m.group())
    return None


def read_name(text: str) -> Reading | None:
    """A party name: the first cell of text with letters in it, right after its label."""
    if re.match(r"\s{2,}", text):  # the next cell on the line is another column's business
        return None
    text = _LEADING.sub("", text).strip()
    first = re.split(r"\s{2,}", text)[0].strip(" ,;:")
    letters = sum(ch.isalpha() for ch in first)
    if letters < 2 or letters < len(first.replace(" ", "")) / 2 or "@" in first:
        return None
    return Reading(first)


SAME_LINE: dict[str, Callable[[str], Reading | None]] = {
    "invoice_number": read_reference,
    "order_reference": read_reference,
    "issue_date": read_date,
    "due_date": read_date,
    "totals.payable": read_last_amount,
    "totals.tax": read_last_amount,
    "totals.tax_exclusive": read_last_amount,
    "seller.vat_id": read_vat_id,
    "buyer.vat_id": read_vat_id,
    "payment.iban": read_iban,
    "payment.bic": read_bic,
    "currency": read_currency,
    "seller.name": read_name,
    "buyer.name": read_name,
}
"""The reader of each field, for the text after its label."""

BELOW = {
    **SAME_LINE,
    "totals.payable": read_first_amount,
    "totals.tax": read_first_amount,
    "totals.tax_exclusive": read_first_amount,
}
"""The reader of each field, for a cell under its label."""
