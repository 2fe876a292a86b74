"""`Locator`: the words printing a value, found by kind over one document's words.

Each kind has its own index, built the first time a value of that kind is asked for and kept
for the document: ids, names, text and exact values search one string of the document's
letters and digits (word boundaries by bisection; an exact value's words are then compared
character for character); amounts look up the words whose digits could print them and
parse only those; dates parse only the lines printing their day and year; the currency is
one search over the document's text. A value asked for twice is answered from memory. The
indexes themselves are built in `locate_words`.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property
from itertools import accumulate, chain, pairwise
from operator import attrgetter
from typing import Literal

from turnout.authoring import Box, Text, Word, boxes_of
from turnout.modules.extract.locate_words import (
    Flat,
    Hit,
    Line,
    Near,
    amount_of,
    compact,
    compact_words,
    currency_hits,
    digit_keys,
    lines_of,
    number_spans,
    offsets_of,
)
from turnout.modules.normalize.dates import DateOrder, find_dates, parse_date

Kind = Literal["id", "name", "text", "exact", "amount", "percent", "date", "currency"]
Prefer = Literal["first", "last"]

_NAME_LINES = 2  # lines a name may continue on, under its first line
_GLUE = re.compile(r"^.*[:#°º]")
_GLUED = re.compile(r"[:#°º].")  # a label glued in front of a value: `Nr.:`, `No#`, `n°`
_TEXT = attrgetter("text")
_WORDS = attrgetter("words")
_TOKEN_KINDS = frozenset({"id", "name", "text", "exact"})
_SHORT = 3  # letters and digits of a value too short to be told from others printed alike
_SHORT_REACH = 2  # rows from where it was read that a short value may be


class Locator:
    """The words of one document, in lines, indexed to find the words that print a value."""

    def __init__(self, words: Iterable[Word], page_sizes: tuple[tuple[float, float], ...]) -> None:
        self.page_sizes = page_sizes
        self._words = tuple(words)
        self._dates: dict[tuple[int, DateOrder], list[tuple[int, int, dt.date]]] = {}
        self._hits: dict[tuple[str, Kind], list[Hit]] = {}

    @cached_property
    def lines(self) -> tuple[Line, ...]:
        """The document's visual lines, put together when a first value is looked for."""
        return lines_of(self._words)

    @classmethod
    def of(cls, text: Text) -> Locator | None:
        """A locator over the text's words, or None when the text module gave none (plain text
        has no geometry: its fields get no boxes)."""
        if not text.words or not text.page_sizes:
            return None
        return cls(text.words, tuple(text.page_sizes))

    def boxes(
        self, value: str, kind: Kind, prefer: Prefer = "first", near: Near | None = None
    ) -> tuple[Box, ...]:
        """The boxes of the words printing `value` (one a page), or () when it is not found."""
        return boxes_of(self.locate(value, kind, prefer, near), self.page_sizes)

    def locate(
        self, value: str, kind: Kind, prefer: Prefer = "first", near: Near | None = None
    ) -> tuple[Word, ...]:
        """The words printing `value` read as `kind`, or () when it is not on the page."""
        hits = self.hits(value, kind)
        if kind in _TOKEN_KINDS and len(compact(value)) < _SHORT:
            # `4` is printed all over a page: only where it was read, or when printed once
            if near is not None:
                hits = [h for h in hits if self._distance(h, near)[:2] <= (0, _SHORT_REACH)]
            elif len(hits) > 1:
                return ()
        return self.choose(hits, prefer, near)

    def hits(self, value: str, kind: Kind) -> list[Hit]:
        """Every place `value` is printed, in reading order (a value asked for again, as a line
        item's amount may be a total too, is answered from memory)."""
        key = (value, kind)
        if key not in self._hits:
            self._hits[key] = self._find(value, kind)
        return self._hits[key]

    def _find(self, value: str, kind: Kind) -> list[Hit]:
        if kind == "amount" or kind == "percent":
            amount = amount_of(value.rstrip().removesuffix("%") if kind == "percent" else value)
            return [] if amount is None else self._amount_hits(amount)
        if kind == "date":
            date = parse_date(value.strip())
            return [] if date is None else self._date_hits(date)
        if kind == "currency":
            return currency_hits(self.lines, self._texts, value)
        hits = self._tokens(value, lines=_NAME_LINES if kind == "name" else 0)
        if kind == "exact":
            printed = _bare(value)
            hits = [h for h in hits if _as_printed(h.words) == printed]
        return hits

    def choose(self, hits: list[Hit], prefer: Prefer, near: Near | None) -> tuple[Word, ...]:
        """The hit nearest to `near`, else the first or last in reading order."""
        if not hits:
            return ()
        if near is not None:
            return min(hits, key=lambda h: self._distance(h, near)).words
        if prefer == "last":
            return max(hits, key=lambda h: (h.line, h.words[0].left)).words
        return hits[0].words

    def _distance(self, hit: Hit, near: Near) -> tuple[int, int, int]:
        line = self.lines[hit.line]
        return abs(line.page - near.page), abs(line.row - near.row), hit.line

    # --- ids, names, text: the letters and digits of consecutive words ---

    def _tokens(self, value: str, lines: int) -> list[Hit]:
        """Runs of words of one line whose letters and digits are the value's, found in the
        document's letters and digits (one string); a name may go on in the lines under it."""
        target = compact(value)
        if not target:
            return []
        flat = self._flat
        hits: list[Hit] = []
        pos = flat.text.find(target)
        while pos >= 0:
            hit = self._run_at(flat, pos, pos + len(target))
            if hit is not None:
                hits.append(hit)
            pos = flat.text.find(target, pos + 1)
        if not hits and lines > 0:
            hits = self._across(target, lines)
        return hits

    def _run_at(self, flat: Flat, start: int, end: int) -> Hit | None:
        """The words from `start` to `end` of the flat text, when they begin and end with whole
        words (a label glued before the first one aside) and stand on one line."""
        if end not in flat.ends:
            return None
        first = bisect_right(flat.starts, start) - 1
        if flat.starts[first] != start:
            raw = flat.words[first].text
            glued = compact(_GLUE.sub("", raw)) if _GLUED.search(raw) else ""
            if not glued or flat.text[start : flat.starts[first] + len(flat.parts[first])] != glued:
                return None
        last = bisect_right(flat.starts, end - 1) - 1
        line = bisect_right(flat.line_starts, first) - 1
        if bisect_right(flat.line_starts, last) - 1 != line:
            return None
        return Hit(line, tuple(flat.words[first : last + 1]))

    @cached_property
    def _flat(self) -> Flat:
        """The document's letters and digits as one string, put together for a first id or name."""
        words = list(chain.from_iterable(map(_WORDS, self.lines)))
        parts = compact_words(list(map(_TEXT, words)))
        ends = list(accumulate(map(len, parts)))
        return Flat(
            text="".join(parts),
            parts=parts,
            starts=[0, *ends[:-1]],
            ends=frozenset(ends),
            words=words,
            line_starts=list(accumulate(map(len, map(_WORDS, self.lines)), initial=0)),
        )

    def _across(self, target: str, lines: int) -> list[Hit]:
        """A name over lines: its words go on in the line under, starting where it starts."""
        starts, parts = self._token_index
        hits: list[Hit] = []
        for number, i, first in starts.get(target[0], ()):
            if not target.startswith(first):
                continue
            words = self._extend(number, i, first, target, parts, lines)
            if words:
                hits.append(Hit(number, words))
        hits.sort(key=lambda h: h.line)
        return hits

    def _extend(
        self, number: int, i: int, acc: str, target: str, parts: list[list[str]], lines: int
    ) -> tuple[Word, ...]:
        line = self.lines[number]
        words = [line.words[i]]
        j = i + 1
        while acc != target:
            if j >= len(line.words):
                nxt = self._below(number, words[0]) if lines > 0 else None
                if nxt is None:
                    return ()
                lines -= 1
                number, j = nxt
                line = self.lines[number]
            piece = parts[number][j]
            if not target.startswith(acc + piece):
                return ()
            acc += piece
            words.append(line.words[j])
            j += 1
        return tuple(words)

    def _below(self, number: int, start: Word) -> tuple[int, int] | None:
        """The word of the next line under `start`, starting as it does (a name's second line,
        left-aligned in its block): (line, word)."""
        if number + 1 >= len(self.lines):
            return None
        line, below = self.lines[number], self.lines[number + 1]
        height = line.bottom - line.top
        if below.page != line.page or below.top - line.bottom > 2 * height:
            return None
        for j, word in enumerate(below.words):
            if abs(word.left - start.left) <= height:
                return number + 1, j
        return None

    @cached_property
    def _token_index(self) -> tuple[dict[str, list[tuple[int, int, str]]], list[list[str]]]:
        flat = self._flat
        parts = [flat.parts[a:b] for a, b in pairwise(flat.line_starts)]
        starts: dict[str, list[tuple[int, int, str]]] = {}
        for number, (line, row) in enumerate(zip(self.lines, parts, strict=True)):
            for i, text in enumerate(row):
                if text:
                    starts.setdefault(text[0], []).append((number, i, text))
                raw = line.words[i].text
                if ":" in raw or "#" in raw or "°" in raw or "º" in raw:
                    form = compact(_GLUE.sub("", raw))
                    if form and form != text:
                        starts.setdefault(form[0], []).append((number, i, form))
        return starts, parts

    # --- amounts ---

    def _amount_hits(self, amount: Decimal) -> list[Hit]:
        """Words (or two words grouped by a space) that read as `amount`: only the words whose
        digits are the amount's (as it may be printed: `1234.5` as 1.234,50 or 1234,5) are
        parsed."""
        spans = self._number_spans
        hits: list[Hit] = []
        for key in digit_keys(amount):
            for number, words, text in spans.get(key, ()):
                if amount_of(text) == amount:
                    hits.append(Hit(number, words))
        hits.sort(key=lambda h: (h.line, h.words[0].left))
        return hits

    @cached_property
    def _number_spans(self) -> dict[str, list[tuple[int, tuple[Word, ...], str]]]:
        return number_spans(self.lines)

    # --- dates ---

    def _date_hits(self, date: dt.date) -> list[Hit]:
        """Dates on lines printing the day and the year (four or two digits), read day-first;
        month-first when day-first finds the date nowhere."""
        year, day = f"{date.year % 100:02d}", str(date.day)
        candidates = [
            (number, text, offsets_of(self.lines[number].words))
            for number, text in enumerate(self._texts)
            if year in text and day in text
        ]
        hits: list[Hit] = []
        for order in ("DMY", "MDY"):
            for number, text, spans in candidates:
                for start, end, found in self._line_dates(number, text, order):
                    if found != date:
                        continue
                    words = tuple(
                        w
                        for w, (s, e) in zip(self.lines[number].words, spans, strict=True)
                        if s < end and start < e
                    )
                    hits.append(Hit(number, words))
            if hits:
                break
        return hits

    def _line_dates(
        self, number: int, text: str, order: DateOrder
    ) -> list[tuple[int, int, dt.date]]:
        key = (number, order)
        if key not in self._dates:
            self._dates[key] = list(find_dates(text, order))
        return self._dates[key]

    @cached_property
    def _texts(self) -> list[str]:
        """Each line's words joined by single spaces."""
        return [" ".join(map(_TEXT, line.words)) for line in self.lines]


def _as_printed(words: tuple[Word, ...]) -> str:
    """The characters of `words` without spaces, a label glued before them (`Tel.:`, `E-mail:`)
    and a closing mark of a sentence or a list cut off, case-folded: how an `exact` value is
    compared with its print."""
    first = words[0].text
    if _GLUED.search(first):
        first = _GLUE.sub("", first)
    return _bare(first + "".join(map(_TEXT, words[1:])))


def _bare(text: str) -> str:
    """`text` without spaces and a closing `.`, `,` or `;`, case-folded."""
    return "".join(text.split()).rstrip(".,;").casefold()
