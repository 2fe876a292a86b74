"""Amounts inside a line of invoice text: where they are, as written, and their value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from turnout.modules.normalize.dates import find_dates
from turnout.modules.normalize.money import currency_of, parse_amount

_MARK = r"(?:[A-Z]{3}|US\$|C\$|A\$|€|£|\$|¥|₹|Rs\.?|zł|Kč|Fr\.)"
_GROUPED = r"\d{1,3}(?:[.,'\u2019]\d{3})+(?:[.,]\d{1,2})?"
_SPACE_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d{1,2})?"  # `2 450,00`, never with a dot
_PLAIN = r"\d{1,9}(?:[.,]\d{1,2})?(?:[.,]-{1,2})?"
_AMOUNT = re.compile(
    rf"(?<![\w.,/:-])(?:(?P<pre>{_MARK})[ ]{{0,6}})?(?P<sign>[-\u2212]\s?)?"
    rf"(?P<num>{_SPACE_GROUPED}|{_GROUPED}|{_PLAIN})"
    rf"(?:\s?(?P<post>{_MARK}))?(?![\w%/]|[.,]\d|\s?%)"
)


# a bare number these follow counts time: days, weeks, months, years, hours in six languages ...
_SPAN_OF_TIME = re.compile(
    r"\s?(?:(?:werk|arbeits|kalender)?tage?n?|days?|jours?|giorni|d[íi]as|dagen|"
    r"(?:werk)?dag|wochen?|weeks?|semaines?|settimane|semanas|weken|monate?n?|months?|mois|"
    r"mesi|meses|maanden|jahre?n?|years?|ans|anni|años|jaar|stunden?|hours?|heures?|ore|"
    r"horas|uur)(?![\w-])",
    re.IGNORECASE,
)


# ... and a word that makes it a term comes before it (a table's "3 Tage" is a quantity)
_TERM_BEFORE = re.compile(
    r"(?<![\w-])(?:innerhalb(?:\s+von)?|binnen|nach|within|in|net|netto|after|sous|dans|"
    r"entro|dentro\s+de|en|a|à|al)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    """An amount found in a line: its span, the text as written, its value and currency."""

    start: int
    end: int
    raw: str
    value: Decimal
    currency: str | None


def find_amounts(text: str) -> list[Amount]:
    """The amounts in `text`, left to right; dates, percentages and long numbers are not."""
    blanked = text
    for start, end, _ in find_dates(text):
        blanked = blanked[:start] + " " * (end - start) + blanked[end:]
    found: list[Amount] = []
    for m in _AMOUNT.finditer(blanked):
        num = m["num"]
        marked = bool(m["pre"] or m["post"])
        has_decimals = bool(re.search(r"[.,](\d{1,2}|-{1,2})$", num))
        if not (marked or has_decimals or re.search(r"[.,' ]\d{3}", num)):
            if len(num) > 7:
                continue  # a long bare integer is an identifier, not money
            if _SPAN_OF_TIME.match(blanked, m.end()) and _TERM_BEFORE.search(blanked, 0, m.start()):
                continue  # "innerhalb 10 Tagen", "net 30 days": a term, not money
        raw = m.group().strip()
        value = parse_amount(raw)
        if value is None:
            continue
        found.append(Amount(m.start(), m.end(), raw, value, currency_of(raw) if marked else None))
    return found
