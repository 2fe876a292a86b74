"""Money as written on invoices: amounts with either decimal separator, and currencies.

`parse_amount` reads `1.234,56`, `1,234.56`, `1 234,56`, `1'234.56`, `1234.56`, `12,-`, `(12.00)`
and `-12.00` with any currency symbol or code before or after, and returns a `Decimal` (never a
float), or None when the text is not one amount.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pycountry

# symbols and local abbreviations; `$` alone is the US dollar unless the text says otherwise
CURRENCY_SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "US$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "$": "USD",
    "¥": "JPY",
    "₹": "INR",
    "RS.": "INR",
    "RS": "INR",
    "ZŁ": "PLN",
    "KČ": "CZK",
    "FT": "HUF",
    "FR.": "CHF",
    "₺": "TRY",
    "EURO": "EUR",
    "EUROS": "EUR",
}

_SYMBOL = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
_MARKER = re.compile(rf"(?<![A-Za-z])(?:[A-Z]{{3}}|{_SYMBOL})(?![A-Za-z])", re.IGNORECASE)
_NUMBER = re.compile(
    r"^(?P<open>[-\u2212\u2013(])?\s*(?P<num>\d(?:[\d.,'\u2019\s]*\d)?)(?:[.,]-{1,2})?\s*"
    r"(?P<close>[-\u2212)])?$"
)
_MINUS = "\u2212"
_QUOTE = "\u2019"  # typographic apostrophe, a Swiss thousands mark
_THIN_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def parse_amount(text: str) -> Decimal | None:
    """The amount written in `text`, or None when it is not exactly one amount."""
    cleaned = _MARKER.sub(" ", text.translate(_THIN_SPACES)).strip()
    m = _NUMBER.match(cleaned)
    if not m or (m["open"] == "(") != (m["close"] == ")"):
        return None
    number = _digits(m["num"])
    if number is None:
        return None
    negative = m["open"] is not None or m["close"] in ("-", _MINUS)
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - _digits only returns digits and one dot
        return None
    return -value if negative else value


def _digits(num: str) -> str | None:
    """Plain `1234.56` from a number with grouping and decimal marks, None when inconsistent."""
    if re.search(r"\s", num):
        parts = re.split(r"\s+", num)
        # spaces group thousands only: every group after the first has three digits
        if not all(re.fullmatch(r"\d{3}([.,]\d+)?", p) for p in parts[1:]):
            return None
        num = "".join(parts)
    num = num.replace("'", "").replace(_QUOTE, "")
    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        decimal_mark = "." if num.rfind(".") > num.rfind(",") else ","
        grouping = "," if decimal_mark == "." else "."
        whole, _, fraction = num.rpartition(decimal_mark)
        if grouping in fraction or not _grouped(whole, grouping):
            return None
        return whole.replace(grouping, "") + "." + fraction
    mark = "." if dots else "," if commas else ""
    if not mark:
        return num
    whole, _, fraction = num.rpartition(mark)
    if num.count(mark) > 1:
        return num.replace(mark, "") if _grouped(num, mark) else None
    if len(fraction) == 3 and whole != "0" and len(whole) <= 3:
        return whole + fraction  # `1.234` and `1,234`: a thousands mark
    return whole + "." + fraction


def _grouped(whole: str, mark: str) -> bool:
    groups = whole.split(mark)
    return (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])) or len(groups) == 1


def currency_of(text: str) -> str | None:
    """The ISO 4217 code written in `text` as a code or symbol, or None."""
    for m in _MARKER.finditer(text):
        code = parse_currency(m.group())
        if code:
            return code
    return None


def parse_currency(text: str) -> str | None:
    """An ISO 4217 code from a code (`eur`), a symbol (`€`) or a name (`Euro`), or None."""
    key = text.strip().upper()
    if key in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[key]
    if re.fullmatch(r"[A-Z]{3}", key) and pycountry.currencies.get(alpha_3=key) is not None:
        return key
    return None
