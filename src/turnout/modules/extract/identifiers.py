"""Identifiers found by their own shape: EU VAT numbers, IBANs and BICs, checked where possible.

A checksum that holds is strong evidence that a string is what it looks like, so a valid number
found without a label is still worth reporting; an invalid one is only kept next to a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat

_VAT_PREFIXES = (
    "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|GB|CHE"
)
_VAT = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_VAT_PREFIXES})[ .-]?(?=[0-9A-Z .-]*\d)[0-9A-Z](?:[ .-]?[0-9A-Z]){{1,13}}(?![A-Za-z0-9])"
)
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_BIC = re.compile(r"(?<![A-Za-z0-9])[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?(?![A-Za-z0-9])")


@dataclass(frozen=True)
class Identifier:
    """An identifier as written, where it starts in its line, and whether its checksum holds."""

    raw: str
    start: int
    valid: bool


def find_vat_ids(text: str) -> list[Identifier]:
    """EU VAT numbers (and GB, CH ones by shape) in `text`."""
    out = []
    for m in _VAT.finditer(text):
        raw = m.group().strip(" .-")
        out.append(Identifier(raw, m.start(), vat.is_valid(raw)))
    return out


def find_ibans(text: str) -> list[Identifier]:
    """IBANs in `text`, with or without the groups of four separated by spaces."""
    out = []
    for m in _IBAN.finditer(text):
        raw = m.group().strip()
        valid = _iban_valid(raw)
        if not valid:  # the greedy match may have swallowed a following word: try shorter
            for cut in range(len(raw) - 1, 14, -1):
                if raw[cut - 1] != " " and _iban_valid(raw[:cut]):
                    raw, valid = raw[:cut].strip(), True
                    break
        out.append(Identifier(raw, m.start(), valid))
    return out


def find_bics(text: str) -> list[Identifier]:
    """BICs (SWIFT codes) in `text`; only meaningful next to a BIC or SWIFT label."""
    return [Identifier(m.group(), m.start(), _bic_valid(m.group())) for m in _BIC.finditer(text)]


def _iban_valid(text: str) -> bool:
    try:
        IBAN(text)
    except (SchwiftyException, ValueError):
        return False
    return True


def _bic_valid(text: str) -> bool:
    try:
        BIC(text)
    except (SchwiftyException, ValueError):
        return False
    return True
