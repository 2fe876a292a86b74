"""The invoice currency as printed: a "Currency: EUR" label, or the code or symbol at the amounts.

A currency label wins; otherwise the code or symbol printed most often next to amounts (or alone
in a cell, as in a column header "Betrag €"). Nothing printed means no currency: it is not guessed.
The symbol the currency was read from (`$`, `€`, `US$`) is kept too, under
`extra.currency_symbol`: EN 16931 has no term for it, the template reader gives it that name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from turnout.authoring import Word
from turnout.modules.extract.layout.amount_cells import Cell
from turnout.modules.extract.layout.page import Found, Layout
from turnout.modules.normalize.money import parse_currency

_LABEL = re.compile(r"w[äa]hrung|currency|devise|valuta|moneda|divisa|munt", re.IGNORECASE)
CURRENCY_SYMBOL = "extra.currency_symbol"
_SIGN = re.compile(r"(?:[A-Z]{1,2})?\$|[€£¥₹₺]")
_TOKEN = re.compile(r"^[(\[/]?([A-Z]{3}|€|£|\$|CHF|Fr\.|Euro|EURO)[)\]:]?$")


def read_currency(layout: Layout, cells: Sequence[Cell]) -> Found | None:
    """The currency printed on the page, with the words it was read from, or None."""
    for line in layout.lines:
        for i, phrase in enumerate(line.phrases):
            if not _LABEL.search(phrase.text):
                continue
            rest = [*phrase.words[1:], *(w for p in line.phrases[i + 1 : i + 2] for w in p.words)]
            for w in rest:
                code = _code(w.text)
                if code:
                    return Found(code, 0.95, (w,))
    votes: Counter[str] = Counter()
    where: dict[str, list[Word]] = {}
    for cell in cells:
        if cell.currency:
            votes[cell.currency] += 2
            where.setdefault(cell.currency, []).extend(cell.words)
    for line in layout.lines:
        for w in line.words:
            code = _code(w.text)
            if code:
                votes[code] += 1
                where.setdefault(code, []).append(w)
    if not votes:
        return None
    code, count = votes.most_common(1)[0]
    confidence = 0.9 if count >= 3 else 0.75
    return Found(code, confidence, tuple(where[code][-3:]))


def _code(text: str) -> str | None:
    """The ISO code of a word that is only a currency code or symbol (`EUR`, `€`, `(EUR)`)."""
    for piece in text.strip().split("/"):
        m = _TOKEN.match(piece.strip())
        if m:
            code = parse_currency(m.group(1))
            if code:
                return code
    return None


def currency_symbol(currency: Found) -> Found | None:
    """The symbol among the words the currency was read from that stands for it (`$` for USD,
    `C$` for CAD, never `$` for CAD), or None when it was read from a code or a word."""
    for word in currency.words:
        for m in _SIGN.finditer(word.text):
            if parse_currency(m.group()) == currency.value:
                return Found(m.group(), currency.confidence, (word,))
    return None
