"""Amounts and percentages inside a phrase, tied to the words they were printed with.

`find_amounts` reads amounts in a string; the layout reader needs them on the page: which words
hold each amount (its provenance, its column), and what the phrase says before it (its label).
A minus printed after the amount (`5,00-`, the way many German systems print a credit) makes it
negative here, which `find_amounts` alone does not see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from turnout.authoring import Word
from turnout.modules.extract.amounts import find_amounts
from turnout.modules.extract.layout.page import Line, Phrase
from turnout.modules.normalize.money import currency_of, parse_amount

# a unit price with four decimals ("3,3333", "0.0250"), which `find_amounts` leaves out
_FINE_PRICE = re.compile(r"(?<![\w.,'])(?:[-\u2212])?\d{1,6}[.,]\d{3,4}(?![\w%]|[.,]\d)")
_PERCENT = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,3})?)\s?%")
CENT = Decimal("0.011")  # two amounts equal to the cent differ by no more than this
_CENTS = re.compile(r"[.,]\d{2}-?$")
_CURRENCY_MARK = re.compile(r"(?:[A-Z]{3}|US\$|C\$|A\$|€|£|\$|¥|₹|Fr\.|Rs\.?)", re.IGNORECASE)


@dataclass(frozen=True)
class Cell:
    """An amount printed on a line: its value, the text as written, and where it is."""

    value: Decimal
    raw: str  # the number as written, sign included, currency marks left out
    words: tuple[Word, ...]
    line: Line
    before: str  # what its phrase says before it (a label printed in the same cell)
    currency: str | None

    @property
    def left(self) -> float:
        return min(w.left for w in self.words)

    @property
    def right(self) -> float:
        return max(w.right for w in self.words)


def phrase_cells(phrase: Phrase, line: Line) -> list[Cell]:
    """The amounts in one phrase, left to right, with their words."""
    text, starts = _joined(phrase)
    cells: list[Cell] = []
    for start, end, raw, value, currency in _amounts(text):
        tail = text[end:]
        if value > 0 and re.match(r"-(?:\s|$)", tail):  # `5,00-`: a credit
            value, raw, end = -value, raw + "-", end + 1
        words = tuple(
            w
            for w, s in zip(phrase.words, starts, strict=True)
            if s < end and s + len(w.text) > start
        )
        if not words:
            continue
        cells.append(
            Cell(
                value=value,
                raw=_number_only(raw),
                words=words,
                line=line,
                before=text[:start].strip(),
                currency=currency,
            )
        )
    return cells


def _amounts(text: str) -> list[tuple[int, int, str, Decimal, str | None]]:
    """(start, end, raw, value, currency) of the amounts in `text`, fine prices included."""
    found = [
        (a.start, a.end, a.raw, a.value, a.currency or currency_of(a.raw))
        for a in find_amounts(text)
    ]
    for m in _FINE_PRICE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e, *_ in found):
            continue
        raw = m.group()
        if re.search(r"[.,]\d{3}$", raw) and not re.search(r"[.,]0\d{2}$|[.,]\d{2}[1-9]$", raw):
            continue  # "1.250" is a thousand and more, not a price with three decimals
        value = parse_amount(raw.replace("\u2212", "-"))
        if value is not None:
            found.append((m.start(), m.end(), raw, value, None))
    return sorted(found)


def has_cents(cell: Cell) -> bool:
    """Whether the amount is written with two decimals (`12,00`, `5,00-`), as money is."""
    return _CENTS.search(cell.raw) is not None


def written_like(value: Decimal, example: str) -> str:
    """`value` with two decimals and the decimal mark of `example` (`1234,50` or `1234.50`)."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if example.rfind(",") > example.rfind(".") else text


def line_cells(line: Line) -> list[Cell]:
    """Every amount printed on `line`, left to right."""
    return [cell for phrase in line.phrases for cell in phrase_cells(phrase, line)]


def percents(line: Line) -> list[tuple[Decimal, tuple[Word, ...]]]:
    """The percentages printed on `line` (`19 %`, `7,0%`), with their words."""
    found: list[tuple[Decimal, tuple[Word, ...]]] = []
    for phrase in line.phrases:
        text, starts = _joined(phrase)
        for m in _PERCENT.finditer(text):
            try:
                value = Decimal(m.group(1).replace(",", "."))
            except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
                continue
            words = tuple(
                w
                for w, s in zip(phrase.words, starts, strict=True)
                if s < m.end() and s + len(w.text) > m.start()
            )
            found.append((value, words))
    return found


def percent_text(words: tuple[Word, ...]) -> str:
    """A percentage's words as its number is written (`19 %` -> `19`, `(6.25%)` -> `6.25`: a rate
    in brackets is not an accountant's negative amount)."""
    return " ".join(w.text for w in words).replace("%", "").strip().strip("()[]").strip()


def _joined(phrase: Phrase) -> tuple[str, list[int]]:
    """The phrase's text (words joined by one space) and where each word starts in it."""
    starts: list[int] = []
    position = 0
    for w in phrase.words:
        starts.append(position)
        position += len(w.text) + 1
    return phrase.text, starts


def _number_only(raw: str) -> str:
    """`€ 1.234,50` -> `1.234,50`; `-12,00 EUR` -> `-12,00`."""
    stripped = _CURRENCY_MARK.sub("", raw).strip()
    return re.sub(r"^([-\u2212])\s+", r"\1", stripped)
