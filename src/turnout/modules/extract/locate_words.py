"""The document's words as `locate` indexes them: visual lines, the flat text of their letters
and digits, and how a word is compared with a value (compacted, its digits, read as an amount).

Words are put in lines once per document by a sort on their height on the page (no layout
pass), so fifty pages cost a sort.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import accumulate
from operator import attrgetter, itemgetter
from typing import NamedTuple

from turnout.authoring import Word
from turnout.modules.normalize.money import CURRENCY_SYMBOLS, parse_amount

_TRAILING = ",;:"
_NOT_ALNUM = re.compile(r"[\W_]+")
_FIRST = itemgetter(0)
_LEFT, _TOP, _BOTTOM = attrgetter("left"), attrgetter("top"), attrgetter("bottom")
_NOT_DIGIT = re.compile(r"\D+")
_SEPARATOR = "\ue000"  # a private-use character: no text layer or OCR prints it
_NOT_ALNUM_KEEP = re.compile(r"[^\w\ue000]+|_+")
_DIGIT = re.compile(r"\d")
_SPACED_HEAD = re.compile(r"^[-\u2212]?\d{1,3}$")  # `1` of `1 234,56`
_SPACED_TAIL = re.compile(r"^\d{3}(?:[.,]\d{1,2})?$")  # `234,56`
_NOT_UPPER = re.compile(r"[^A-Z]+")


@dataclass(frozen=True)
class Near:
    """Where a value was read: page (from 1) and visual line of that page (from 0)."""

    page: int
    row: int


class Line(NamedTuple):
    """Words of one visual line, left to right, and the line's place on its page."""

    page: int
    row: int  # visual line of the page, from 0
    words: tuple[Word, ...]
    top: float
    bottom: float


@dataclass(frozen=True)
class Flat:
    """The document's words' letters and digits as one string, and where each word is in it."""

    text: str
    parts: list[str]  # each word's letters and digits
    starts: list[int]  # where each word's part begins in `text`
    ends: frozenset[int]  # where the parts end
    words: list[Word]
    line_starts: list[int]  # index of each line's first word


class Hit(NamedTuple):
    line: int  # index of the first word's line in the document
    words: tuple[Word, ...]


def lines_of(words: Iterable[Word]) -> tuple[Line, ...]:
    """Words grouped into visual lines, top to bottom, page by page: a word joins the line
    whose band (its first word's top to bottom) holds the word's middle."""
    pages: dict[int, list[tuple[float, Word]]] = {}
    for w in words:
        if w.text and not w.text.isspace():
            pages.setdefault(w.page, []).append((w.top + w.bottom, w))
    lines: list[Line] = []
    for page in sorted(pages):
        row: list[Word] = []
        top = bottom = 0.0  # the band, doubled as the middles are
        count = 0
        for middle, w in sorted(pages[page], key=_FIRST):
            if row and top <= middle <= bottom:
                row.append(w)
                continue
            if row:
                lines.append(_line(page, count, row))
                count += 1
            row, top, bottom = [w], 2 * w.top, 2 * w.bottom
        if row:
            lines.append(_line(page, count, row))
    return tuple(lines)


def _line(page: int, row: int, words: list[Word]) -> Line:
    words.sort(key=_LEFT)
    return Line(page, row, tuple(words), min(map(_TOP, words)), max(map(_BOTTOM, words)))


def number_spans(lines: tuple[Line, ...]) -> dict[str, list[tuple[int, tuple[Word, ...], str]]]:
    """Every word holding a digit (a label glued before it cut off), and the `1 234,56` pairs,
    by their digits without leading zeros: (line, words, text), the amounts' index."""
    spans: dict[str, list[tuple[int, tuple[Word, ...], str]]] = {}
    for number, line in enumerate(lines):
        words = line.words
        for i, word in enumerate(words):
            if not _DIGIT.search(word.text):
                continue
            if ":" in word.text:  # `Total:12,00`: the amount's share of the box
                word = tail(word, word.text.rindex(":") + 1)
            spans.setdefault(digits(word.text), []).append((number, (word,), word.text))
            if (
                i + 1 < len(words)
                and _SPACED_HEAD.match(word.text)
                and _SPACED_TAIL.match(words[i + 1].text)
            ):
                pair = f"{word.text} {words[i + 1].text}"
                spans.setdefault(digits(pair), []).append((number, words[i : i + 2], pair))
    return spans


def currency_hits(lines: tuple[Line, ...], texts: list[str], value: str) -> list[Hit]:
    """Words naming the currency: a symbol meaning it, or letters that are its code or a
    name of it (`EUR`, `Euro`), found by one search over the lines' `texts` (each line's words
    joined by single spaces), every candidate then checked as the word it falls in."""
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        return []
    names = {code} | {s.rstrip(".") for s, c in CURRENCY_SYMBOLS.items() if c == code}
    symbols = sorted(s for s in names if not any(c.isalpha() for c in s))
    spellings = sorted({n.upper() for n in names}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, spellings)))
    symbol = re.compile("|".join(map(re.escape, symbols))) if symbols else None
    starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
    joined = "\n".join(texts)
    upper = joined.upper()
    if len(upper) != len(joined):  # a letter that uppercases to two (`ß`): as it is
        pattern, upper = re.compile(pattern.pattern, re.IGNORECASE), joined
    hits: list[Hit] = []
    lefts: dict[int, list[int]] = {}  # where each word of a line naming it starts in its text
    for found in pattern.finditer(upper):
        number = bisect_right(starts, found.start()) - 1
        words = lines[number].words
        if number not in lefts:
            lefts[number] = [start for start, _ in offsets_of(words)]
        word = words[bisect_right(lefts[number], found.start() - starts[number]) - 1]
        if hits and hits[-1] == (number, (word,)):
            continue  # one word naming it twice
        text = word.text.upper()
        if (symbol is not None and symbol.search(text)) or _NOT_UPPER.sub("", text) in names:
            hits.append(Hit(number, (word,)))
    return hits


def tail(word: Word, cut: int) -> Word:
    """The part of `word` from character `cut` on, with its share of the box."""
    share = word.width / max(len(word.text), 1)
    left = word.left + share * cut
    return Word(word.text[cut:], word.page, left, word.top, word.right, word.bottom, word.score)


def compact(text: str) -> str:
    """Letters and digits only, case-folded: how ids and names are compared."""
    if text.isalnum():
        return text.casefold()
    return _NOT_ALNUM.sub("", text.casefold())


def compact_words(texts: list[str]) -> list[str]:
    """`compact` of every text, in one pass of the pattern over all of them."""
    parts = _NOT_ALNUM_KEEP.sub("", _SEPARATOR.join(texts).casefold()).split(_SEPARATOR)
    if len(parts) != len(texts):  # a word holding the separator: word by word
        parts = [compact(t) for t in texts]
    return parts


def digits(text: str) -> str:
    """The digits of `text`, without leading zeros (`0,50` and `.50` alike)."""
    return _NOT_DIGIT.sub("", text).lstrip("0")


def digit_keys(amount: Decimal) -> list[str]:
    """The digits `amount` may be printed with: as it is, with two decimals, and whole."""
    keys = {digits(f"{abs(amount):f}"), digits(f"{abs(amount):.2f}")}
    if amount == amount.to_integral_value():
        keys.add(digits(str(abs(int(amount)))))
    return sorted(keys)


def amount_of(text: str) -> Decimal | None:
    """`text` read as one amount, allowing trailing punctuation of a sentence or a list."""
    cleaned = text.strip().rstrip(_TRAILING)
    if len(cleaned) > 1 and cleaned.endswith(".") and cleaned[-2].isdigit():
        cleaned = cleaned[:-1]
    value = parse_amount(cleaned)
    if value is not None:
        return value  # Decimals equal in value hash alike: 12.00 finds 12.0
    try:  # a plain number, as templates output them (`2480.0`)
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def offsets_of(words: tuple[Word, ...]) -> list[tuple[int, int]]:
    """Each word's span in the words joined by single spaces."""
    spans: list[tuple[int, int]] = []
    position = 0
    for word in words:
        spans.append((position, position + len(word.text)))
        position += len(word.text) + 1
    return spans
