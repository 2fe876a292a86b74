"""Where a value read from the text is printed: the words that print it, for a field's boxes.

Extraction that reads the plain text (invoice2data's templates, the heuristics) knows a value but
not where it stands. `Locator` finds the words of the page that print it, by kind:

- `id` (invoice numbers, VAT ids, IBANs, BICs, references): the letters and digits of the value,
  case-insensitive, in consecutive words of one line (`DE12 3456 7890` is `DE1234567890`); a
  label glued to the value (`Nr.:4711`, `n°4711`) is cut off at its colon, `#` or `°`;
- `name` and `text`: the same token match; a name may go on in the line under it, starting
  where it starts (two more lines at most);
- `amount`: words read as an amount (either decimal separator, thousands separators, currency
  marks) equal to the value as a number; `1 234,56` written in two words counts;
- `percent`: a rate given with or without its `%`, found as the number printed apart from its
  sign (`19 %`); a `19%` written in one word is not found (it is not an amount);
- `date`: dates on the line read day-first and month-first, equal to the value as a date, so a
  date printed `14. März 2024` is found for `2024-03-14`;
- `currency`: the code, or a symbol that means it.

When a value is printed more than once, the caller's `near` (the page and visual line it was read
from) picks the closest; without it, `prefer="first"` takes the highest (numbers, dates, names)
and `prefer="last"` the lowest, on the last page (totals, and the currency they are in). A value
that is not printed gives no words: never a made-up box. Words are put in lines once per document
(sorted by height on the page, so 50 pages cost a sort); ids and names are found by one string
search over the document's letters and digits, and only the words whose digits could print an
amount, or the lines printing a date's day and year, are parsed (about 1 ms for the 15-40
values of a template on a one-page invoice).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import accumulate
from operator import attrgetter, itemgetter
from typing import Literal

from turnout.domain.artifacts import Text
from turnout.domain.page import Box, Word, boxes_of
from turnout.modules.normalize.dates import DateOrder, find_dates, parse_date
from turnout.modules.normalize.money import CURRENCY_SYMBOLS, parse_amount

Kind = Literal["id", "name", "text", "amount", "percent", "date", "currency"]
Prefer = Literal["first", "last"]

_NAME_LINES = 2  # lines a name may continue on, under its first line
_GLUE = re.compile(r"^.*[:#°º]")
_GLUED = re.compile(r"[:#°º].")  # a label glued in front of a value: `Nr.:`, `No#`, `n°`
_SPACED_HEAD = re.compile(r"^[-\u2212]?\d{1,3}$")  # `1` of `1 234,56`
_SPACED_TAIL = re.compile(r"^\d{3}(?:[.,]\d{1,2})?$")  # `234,56`
_TRAILING = ",;:"
_NOT_ALNUM = re.compile(r"[\W_]+")
_FIRST = itemgetter(0)
_LEFT, _TOP, _BOTTOM = attrgetter("left"), attrgetter("top"), attrgetter("bottom")
_NOT_DIGIT = re.compile(r"\D+")
_NOT_UPPER = re.compile(r"[^A-Z]+")
_TEXT = attrgetter("text")
_SEPARATOR = "\ue000"  # a private-use character: no text layer or OCR prints it
_NOT_ALNUM_KEEP = re.compile(r"[^\w\ue000]+|_+")
_DIGIT = re.compile(r"\d")
_TOKEN_KINDS = frozenset({"id", "name", "text"})
_SHORT = 3  # letters and digits of a value too short to be told from others printed alike
_SHORT_REACH = 2  # rows from where it was read that a short value may be


@dataclass(frozen=True)
class Near:
    """Where a value was read: page (from 1) and visual line of that page (from 0)."""

    page: int
    row: int


class TextLines:
    """Where a line of `Text.full` (numbered as `splitlines` numbers it, form feeds dropped, as
    readers of the plain text do) is: its page and its row on that page, as a `Near`."""

    def __init__(self, pages: tuple[str, ...]) -> None:
        self.starts: list[int] = []
        count = 0
        for page in pages:
            self.starts.append(count)
            count += len((page + "\n").replace("\f", "").splitlines())

    def near(self, line: int) -> Near:
        page = max(bisect_right(self.starts, line), 1)
        return Near(page, line - self.starts[page - 1])


@dataclass(frozen=True)
class _Line:
    """Words of one visual line, left to right, and the line's place on its page."""

    page: int
    row: int  # visual line of the page, from 0
    words: tuple[Word, ...]
    top: float
    bottom: float


@dataclass(frozen=True)
class _Flat:
    """The document's words' letters and digits as one string, and where each word is in it."""

    text: str
    parts: list[str]  # each word's letters and digits
    starts: list[int]  # where each word's part begins in `text`
    ends: frozenset[int]  # where the parts end
    words: list[Word]
    line_starts: list[int]  # index of each line's first word


@dataclass(frozen=True)
class _Hit:
    line: int  # index of the first word's line in the document
    words: tuple[Word, ...]


class Locator:
    """The words of one document, in lines, indexed to find the words that print a value."""

    def __init__(self, words: Iterable[Word], page_sizes: tuple[tuple[float, float], ...]) -> None:
        self.page_sizes = page_sizes
        self.lines = _lines_of(words)
        self._starts: dict[str, list[tuple[int, int, str]]] | None = None
        self._compact: list[list[str]] | None = None
        self._numbers: dict[str, list[tuple[int, tuple[Word, ...], str]]] | None = None
        self._lines_text: list[str] | None = None
        self._flat_text: _Flat | None = None
        self._dates: dict[tuple[int, DateOrder], list[tuple[int, int, dt.date]]] = {}
        self._hits: dict[tuple[str, Kind], list[_Hit]] = {}

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
        if kind in _TOKEN_KINDS and len(_compact(value)) < _SHORT:
            # `4` is printed all over a page: only where it was read, or when printed once
            if near is not None:
                hits = [h for h in hits if self._distance(h, near)[:2] <= (0, _SHORT_REACH)]
            elif len(hits) > 1:
                return ()
        return self.choose(hits, prefer, near)

    def hits(self, value: str, kind: Kind) -> list[_Hit]:
        """Every place `value` is printed, in reading order (a value asked for again, as a
        template's extra field often repeats a canonical one, is answered from memory)."""
        key = (value, kind)
        if key not in self._hits:
            self._hits[key] = self._find(value, kind)
        return self._hits[key]

    def _find(self, value: str, kind: Kind) -> list[_Hit]:
        if kind == "amount" or kind == "percent":
            amount = _amount(value.rstrip().removesuffix("%") if kind == "percent" else value)
            return [] if amount is None else self._amount_hits(amount)
        if kind == "date":
            date = parse_date(value.strip())
            return [] if date is None else self._date_hits(date)
        if kind == "currency":
            return self._currency(value)
        return self._tokens(value, lines=_NAME_LINES if kind == "name" else 0)

    def choose(self, hits: list[_Hit], prefer: Prefer, near: Near | None) -> tuple[Word, ...]:
        """The hit nearest to `near`, else the first or last in reading order."""
        if not hits:
            return ()
        if near is not None:
            return min(hits, key=lambda h: self._distance(h, near)).words
        if prefer == "last":
            return max(hits, key=lambda h: (h.line, h.words[0].left)).words
        return hits[0].words

    def _distance(self, hit: _Hit, near: Near) -> tuple[int, int, int]:
        line = self.lines[hit.line]
        return abs(line.page - near.page), abs(line.row - near.row), hit.line

    # --- ids, names, text: the letters and digits of consecutive words ---

    def _tokens(self, value: str, lines: int) -> list[_Hit]:
        """Runs of words of one line whose letters and digits are the value's, found in the
        document's letters and digits (one string); a name may go on in the lines under it."""
        target = _compact(value)
        if not target:
            return []
        flat = self._flat()
        hits: list[_Hit] = []
        pos = flat.text.find(target)
        while pos >= 0:
            hit = self._run_at(flat, pos, pos + len(target))
            if hit is not None:
                hits.append(hit)
            pos = flat.text.find(target, pos + 1)
        if not hits and lines > 0:
            hits = self._across(target, lines)
        return hits

    def _run_at(self, flat: _Flat, start: int, end: int) -> _Hit | None:
        """The words from `start` to `end` of the flat text, when they begin and end with whole
        words (a label glued before the first one aside) and stand on one line."""
        if end not in flat.ends:
            return None
        first = bisect_right(flat.starts, start) - 1
        if flat.starts[first] != start:
            raw = flat.words[first].text
            tail = _compact(_GLUE.sub("", raw)) if _GLUED.search(raw) else ""
            if not tail or flat.text[start : flat.starts[first] + len(flat.parts[first])] != tail:
                return None
        last = bisect_right(flat.starts, end - 1) - 1
        line = bisect_right(flat.line_starts, first) - 1
        if bisect_right(flat.line_starts, last) - 1 != line:
            return None
        return _Hit(line, tuple(flat.words[first : last + 1]))

    def _flat(self) -> _Flat:
        if self._flat_text is None:
            parts = [p for row in _compact_lines(self.lines) for p in row]
            ends = list(accumulate(map(len, parts)))
            self._flat_text = _Flat(
                text="".join(parts),
                parts=parts,
                starts=[end - len(part) for end, part in zip(ends, parts, strict=True)],
                ends=frozenset(ends),
                words=[w for line in self.lines for w in line.words],
                line_starts=list(accumulate((len(line.words) for line in self.lines), initial=0)),
            )
        return self._flat_text

    def _across(self, target: str, lines: int) -> list[_Hit]:
        """A name over lines: its words go on in the line under, starting where it starts."""
        starts, compact = self._token_index()
        hits: list[_Hit] = []
        for number, i, first in starts.get(target[0], ()):
            if not target.startswith(first):
                continue
            words = self._extend(number, i, first, target, compact, lines)
            if words:
                hits.append(_Hit(number, words))
        hits.sort(key=lambda h: h.line)
        return hits

    def _extend(
        self, number: int, i: int, acc: str, target: str, compact: list[list[str]], lines: int
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
            piece = compact[number][j]
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

    def _token_index(self) -> tuple[dict[str, list[tuple[int, int, str]]], list[list[str]]]:
        if self._starts is None or self._compact is None:
            compact = _compact_lines(self.lines)
            starts: dict[str, list[tuple[int, int, str]]] = {}
            for number, (line, row) in enumerate(zip(self.lines, compact, strict=True)):
                for i, text in enumerate(row):
                    if text:
                        starts.setdefault(text[0], []).append((number, i, text))
                    raw = line.words[i].text
                    if ":" in raw or "#" in raw or "°" in raw or "º" in raw:
                        form = _compact(_GLUE.sub("", raw))
                        if form and form != text:
                            starts.setdefault(form[0], []).append((number, i, form))
            self._starts, self._compact = starts, compact
        return self._starts, self._compact

    # --- amounts ---

    def _amount_hits(self, amount: Decimal) -> list[_Hit]:
        """Words (or two words grouped by a space) that read as `amount`: only the words whose
        digits are the amount's (as it may be printed: `1234.5` as 1.234,50 or 1234,5) are
        parsed."""
        spans = self._number_spans()
        hits: list[_Hit] = []
        for key in _digit_keys(amount):
            for number, words, text in spans.get(key, ()):
                if _amount(text) == amount:
                    hits.append(_Hit(number, words))
        hits.sort(key=lambda h: (h.line, h.words[0].left))
        return hits

    def _number_spans(self) -> dict[str, list[tuple[int, tuple[Word, ...], str]]]:
        """Every word holding a digit (a label glued before it cut off), and the `1 234,56`
        pairs, by their digits without leading zeros: (line, words, text)."""
        if self._numbers is None:
            spans: dict[str, list[tuple[int, tuple[Word, ...], str]]] = {}
            for number, line in enumerate(self.lines):
                words = line.words
                for i, word in enumerate(words):
                    if not _DIGIT.search(word.text):
                        continue
                    if ":" in word.text:  # `Total:12,00`: the amount's share of the box
                        word = _tail(word, word.text.rindex(":") + 1)
                    digits = _digits(word.text)
                    spans.setdefault(digits, []).append((number, (word,), word.text))
                    if (
                        i + 1 < len(words)
                        and _SPACED_HEAD.match(word.text)
                        and _SPACED_TAIL.match(words[i + 1].text)
                    ):
                        pair = f"{word.text} {words[i + 1].text}"
                        spans.setdefault(_digits(pair), []).append((number, words[i : i + 2], pair))
            self._numbers = spans
        return self._numbers

    # --- dates ---

    def _date_hits(self, date: dt.date) -> list[_Hit]:
        """Dates on lines printing the day and the year (four or two digits), read day-first;
        month-first when day-first finds the date nowhere."""
        year, day = f"{date.year % 100:02d}", str(date.day)
        candidates = [
            (number, text, _offsets(self.lines[number].words))
            for number, text in enumerate(self._texts())
            if year in text and day in text
        ]
        hits: list[_Hit] = []
        for order in ("DMY", "MDY"):
            for number, text, offsets in candidates:
                for start, end, found in self._line_dates(number, text, order):
                    if found != date:
                        continue
                    words = tuple(
                        w
                        for w, (s, e) in zip(self.lines[number].words, offsets, strict=True)
                        if s < end and start < e
                    )
                    hits.append(_Hit(number, words))
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

    def _texts(self) -> list[str]:
        """Each line's words joined by single spaces."""
        if self._lines_text is None:
            self._lines_text = [" ".join(map(_TEXT, line.words)) for line in self.lines]
        return self._lines_text

    # --- currencies ---

    def _currency(self, value: str) -> list[_Hit]:
        code = value.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            return []
        names = {code} | {s.rstrip(".") for s, c in CURRENCY_SYMBOLS.items() if c == code}
        symbols = {s for s in names if not any(c.isalpha() for c in s)}
        hits: list[_Hit] = []
        for number, text in enumerate(self._texts()):
            upper = text.upper()
            if not any(n in upper for n in names):
                continue  # the cheap test first: most lines name no currency
            for word in self.lines[number].words:
                text = word.text.upper()
                if any(s in text for s in symbols) or _NOT_UPPER.sub("", text) in names:
                    hits.append(_Hit(number, (word,)))
        return hits


def _lines_of(words: Iterable[Word]) -> tuple[_Line, ...]:
    """Words grouped into visual lines, top to bottom, page by page: a word joins the line
    whose band (its first word's top to bottom) holds the word's middle."""
    pages: dict[int, list[tuple[float, Word]]] = {}
    for w in words:
        if w.text and not w.text.isspace():
            pages.setdefault(w.page, []).append((w.top + w.bottom, w))
    lines: list[_Line] = []
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


def _line(page: int, row: int, words: list[Word]) -> _Line:
    words.sort(key=_LEFT)
    return _Line(page, row, tuple(words), min(map(_TOP, words)), max(map(_BOTTOM, words)))


def _tail(word: Word, cut: int) -> Word:
    """The part of `word` from character `cut` on, with its share of the box."""
    share = word.width / max(len(word.text), 1)
    left = word.left + share * cut
    return Word(word.text[cut:], word.page, left, word.top, word.right, word.bottom, word.score)


def _compact(text: str) -> str:
    """Letters and digits only, case-folded: how ids and names are compared."""
    if text.isalnum():
        return text.casefold()
    return _NOT_ALNUM.sub("", text.casefold())


def _compact_lines(lines: tuple[_Line, ...]) -> list[list[str]]:
    """`_compact` of every word, line by line, in one pass of the pattern over all the text."""
    texts = [w.text for line in lines for w in line.words]
    parts = _NOT_ALNUM_KEEP.sub("", _SEPARATOR.join(texts).casefold()).split(_SEPARATOR)
    if len(parts) != len(texts):  # a word holding the separator: word by word
        parts = [_compact(t) for t in texts]
    out: list[list[str]] = []
    position = 0
    for line in lines:
        out.append(parts[position : position + len(line.words)])
        position += len(line.words)
    return out


def _digits(text: str) -> str:
    """The digits of `text`, without leading zeros (`0,50` and `.50` alike)."""
    return _NOT_DIGIT.sub("", text).lstrip("0")


def _digit_keys(amount: Decimal) -> list[str]:
    """The digits `amount` may be printed with: as it is, with two decimals, and whole."""
    keys = {_digits(f"{abs(amount):f}"), _digits(f"{abs(amount):.2f}")}
    if amount == amount.to_integral_value():
        keys.add(_digits(str(abs(int(amount)))))
    return sorted(keys)


def _amount(text: str) -> Decimal | None:
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


def _offsets(words: tuple[Word, ...]) -> list[tuple[int, int]]:
    """Each word's span in the words joined by single spaces."""
    offsets: list[tuple[int, int]] = []
    position = 0
    for word in words:
        offsets.append((position, position + len(word.text)))
        position += len(word.text) + 1
    return offsets


_KINDS: dict[str, Kind] = {
    "invoice_number": "id",
    "order_reference": "id",
    "buyer_reference": "id",
    "seller.vat_id": "id",
    "buyer.vat_id": "id",
    "payment.iban": "id",
    "payment.bic": "id",
    "seller.name": "name",
    "buyer.name": "name",
    "issue_date": "date",
    "due_date": "date",
    "currency": "currency",
}
# printed as codes of their own or not at all (`380`, `DE`): a word that looks alike is no proof
_UNLOCATED = frozenset({"type_code", "seller.country", "buyer.country"})
_JSON = re.compile(r"^\s*[\[{]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def kind_of(path: str, value: str) -> Kind | None:
    """How a field's value is looked for on the page, or None when it is not to be looked for.

    Canonical paths have their kind; `totals.*` and VAT breakdown amounts are amounts, rates are
    percentages; any other field (a template's `extra.*`) is a date when it reads as an ISO
    date, an amount when it reads as a number, else text; lists (JSON) are not looked for.
    """
    if path in _UNLOCATED or _JSON.match(value):
        return None
    if path in _KINDS:
        return _KINDS[path]
    if path.startswith("totals.") or path.endswith((".taxable", ".tax")):
        return "amount"
    if path.endswith(".rate"):
        return "percent"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return "date"
    if _NUMBER.fullmatch(value.strip()):
        return "amount"  # as templates output numbers: `2480.0`, `12`
    return "text"


def prefer_of(path: str) -> Prefer:
    """Totals (and the currency they are in) stand at the end of an invoice; everything else is
    read from the first place it is printed."""
    return "last" if path.startswith(("totals.", "vat_breakdown", "currency")) else "first"


def field_boxes(
    locator: Locator, path: str, value: str, near: Near | None = None
) -> tuple[Box, ...]:
    """The boxes of a field's value on the page, or () when it is not found (or not looked for)."""
    kind = kind_of(path, value)
    if kind is None:
        return ()
    boxes = locator.boxes(value, kind, prefer_of(path), near)
    if not boxes and kind == "amount" and not path.startswith(("totals.", "vat_breakdown")):
        # a number a template read may be an identifier printed as digits (`0612 345 678`)
        boxes = locator.boxes(value, "id", "first", near)
    return boxes


# a line's total, else its price: where the line is printed (names as templates give them)
_LINE_AMOUNTS = (
    "net_amount",
    "price_subtotal",
    "amount",
    "total",
    "net_price",
    "price_unit",
    "price",
)
_LINE_NAMES = ("name", "description", "desc")
_LINE_OTHERS: tuple[tuple[str, Kind], ...] = (("quantity", "amount"), ("net_price", "amount"))
_NAME_ABOVE = 2  # a description may stand this many lines above its amount (wrapped text)


def line_boxes(locator: Locator, lines: tuple[dict[str, str], ...]) -> tuple[tuple[Box, ...], ...]:
    """Where each line item is printed, or () for a line that cannot be placed surely.

    A line's amount is looked for below the previous line's (items run down the page); when the
    line has a description, it must be printed on the amount's line or just above it, else the
    line stays without boxes (an amount alone is printed too often to be sure). The quantity,
    price, for a line without a description, must be on the amount's line. Returns () when no line is placed.
    """
    out: list[tuple[Box, ...]] = []
    cursor = -1
    for row in lines:
        placed = _place_line(locator, row, cursor)
        if placed is None:
            out.append(())
            continue
        cursor, words = placed
        out.append(boxes_of(words, locator.page_sizes))
    return tuple(out) if any(out) else ()


def _place_line(
    locator: Locator, row: dict[str, str], cursor: int
) -> tuple[int, tuple[Word, ...]] | None:
    amount = next((row[k] for k in _LINE_AMOUNTS if row.get(k)), None)
    if amount is None:
        return None
    name = next((row[k] for k in _LINE_NAMES if row.get(k, "").strip()), None)
    if name:  # a description over several lines: its first line stands by the amount
        name = next(part for part in name.splitlines() if part.strip())
    names = locator.hits(name, "name") if name else []
    for hit in locator.hits(amount, "amount"):
        if hit.line <= cursor:
            continue
        if name:
            above = [n for n in names if hit.line - _NAME_ABOVE <= n.line <= hit.line]
            if above:
                return hit.line, hit.words + above[-1].words
            continue
        # no description: a quantity or price beside the amount says it is this line's
        taken = set(hit.words)
        for key, kind in _LINE_OTHERS:
            value = row.get(key)
            for other in locator.hits(value, kind) if value else []:
                if other.line == hit.line and not taken & set(other.words):
                    return hit.line, hit.words + other.words
    return None
