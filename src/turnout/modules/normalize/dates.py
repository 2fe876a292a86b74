"""Dates as written on invoices, in English, German, French, Dutch, Spanish and Italian.

`parse_date` reads ISO dates, `dd.mm.yyyy`, `dd/mm/yyyy`, `mm/dd/yyyy` (when the day is above 12
or the order says so), two-digit years, `12 March 2024`, `March 12, 2024`, `12-Mar-2024`,
`12. März 2024`, `1er mars 2024`, `12 de marzo de 2024`. `find_dates` finds them inside a line;
`evident_order` tells the order a document's numeric dates show ("11/17/2017" can only be MDY).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Literal

DateOrder = Literal["DMY", "MDY"]

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar jänner janvier janv januari enero ene gennaio gen",
        "february feb februar février fevrier févr fevr februari febrero febbraio",
        "march mar märz maerz mär mars maart mrt marzo",
        "april apr avril avr abril aprile",
        "may mai mei mayo maggio mag",
        "june jun juni juin junio giugno giu",
        "july jul juli juillet juil julio luglio lug",
        "august aug août aout augustus agosto ago",
        "september sep sept septembre septiembre setiembre settembre set",
        "october oct oktober okt octobre octubre ottobre ott",
        "november nov novembre noviembre",
        "december dec dezember dez décembre decembre déc diciembre dic dicembre",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_SEP = r"[./-]"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(r"(?<!\d)(?P<y>\d{4})([-/.])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?!\d)")),
    (
        "numeric",
        re.compile(
            rf"(?<![\d.,])(?P<a>\d{{1,2}})({_SEP})(?P<b>\d{{1,2}})\2(?P<y>\d{{4}}|\d{{2}})(?![\d,]|\.\d)"
        ),
    ),
    (
        "d_month_y",
        re.compile(
            rf"(?<![\d.,])(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º|°)?\.?[\s-]*(?:de\s+)?"
            rf"(?P<month>{_MONTH})\.?[\s,-]*(?:de\s+)?(?P<y>\d{{4}})(?!\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "month_d_y",
        re.compile(
            rf"(?<![A-Za-zÀ-ÿ])(?P<month>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"\s*,?\s*(?P<y>\d{{4}})(?!\d)",
            re.IGNORECASE,
        ),
    ),
)

_NUMERIC = dict(_PATTERNS)["numeric"]


def find_dates(text: str, order: DateOrder = "DMY") -> Iterator[tuple[int, int, dt.date]]:
    """Every date in `text` as (start, end, date), left to right, without overlaps."""
    found: list[tuple[int, int, dt.date]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if kind in ("d_month_y", "month_d_y") and not _word_bounded(text, m, "month"):
                continue
            date = _build(kind, m, order)
            if date and not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), date))
    yield from sorted(found, key=lambda f: f[0])


def evident_order(texts: Iterable[str]) -> DateOrder | None:
    """The order the numeric dates of `texts` are written in, when one of them shows it (a day
    above 12: "17/11/2017" is DMY, "11/17/2017" MDY) and none shows the other; else None."""
    shown: set[DateOrder] = set()
    for text in texts:
        for m in _NUMERIC.finditer(text):
            a, b = int(m["a"]), int(m["b"])
            if a > 12 >= b >= 1:
                shown.add("DMY")
            elif b > 12 >= a >= 1 and b <= 31:
                shown.add("MDY")
    return shown.pop() if len(shown) == 1 else None


def is_ambiguous(text: str) -> bool:
    """Whether `text` is one numeric date that reads as two ("03/04/2024")."""
    return parse_date(text, "DMY") != parse_date(text, "MDY")


def parse_date(text: str, order: DateOrder = "DMY") -> dt.date | None:
    """The date `text` holds (nothing else but punctuation around it), or None."""
    stripped = text.strip().strip(",;:()").rstrip(".").strip()
    for start, end, date in find_dates(stripped, order):
        if start == 0 and end == len(stripped):
            return date
    return None


def _word_bounded(text: str, m: re.Match[str], group: str) -> bool:
    end = m.end(group)
    return end >= len(text) or not text[end].isalpha()


def _build(kind: str, m: re.Match[str], order: DateOrder) -> dt.date | None:
    if kind == "ymd":
        return _date(int(m["y"]), int(m["m"]), int(m["d"]))
    year = _year(m["y"])
    if kind == "numeric":
        a, b = int(m["a"]), int(m["b"])
        if a > 12 >= b:
            return _date(year, b, a)
        if b > 12 >= a:
            return _date(year, a, b)
        return _date(year, b, a) if order == "DMY" else _date(year, a, b)
    return _date(year, MONTHS[m["month"].lower()], int(m["d"]))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year if year < 70 else 1900 + year
    return year


def _date(year: int, month: int, day: int) -> dt.date | None:
    if not 1900 <= year <= 2199:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
