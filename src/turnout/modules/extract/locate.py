"""Where a value read from the text is printed: the words that print it, for a field's boxes.

Extraction that reads the plain text (invoice2data's templates, the heuristics) knows a value but
not where it stands. `Locator` finds the words of the page that print it, by kind:

- `id` (invoice numbers, VAT ids, IBANs, BICs, references): the letters and digits of the value,
  case-insensitive, in consecutive words of one line (`DE12 3456 7890` is `DE1234567890`); a
  label glued to the value (`Nr.:4711`, `n°4711`) is cut off at its colon, `#` or `°`;
- `name` and `text`: the same token match; a name may go on in the phrase under it (two lines);
- `amount`: words read as an amount (either decimal separator, thousands separators, currency
  marks) equal to the value as a number; `1 234,56` written in two words counts;
- `percent`: an amount with or without its `%` (a VAT rate);
- `date`: dates on the line read day-first and month-first, equal to the value as a date, so a
  date printed `14. März 2024` is found for `2024-03-14`;
- `currency`: the code, or a symbol that means it.

When a value is printed more than once, the caller's `near` (the page and visual line it was read
from) picks the closest; without it, `prefer="first"` takes the highest (numbers, dates, names)
and `prefer="last"` the lowest, on the last page (amounts due and other totals, the currency). A value that is
not printed gives no words: never a made-up box. Indexes are built once per document and only
for the kinds asked for, so locating a few dozen values costs a pass over the words.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from turnout.domain.artifacts import Text
from turnout.domain.page import Box, Word
from turnout.modules.extract.layout.page import Layout, Line, layout_of
from turnout.modules.normalize.dates import find_dates, parse_date
from turnout.modules.normalize.money import CURRENCY_SYMBOLS, parse_amount

Kind = Literal["id", "name", "text", "amount", "percent", "date", "currency"]
Prefer = Literal["first", "last"]

_NAME_LINES = 2  # lines a name may continue on, under its first line
_GLUE = re.compile(r"^.*[:#°º]")  # a label glued in front of a value: `Nr.:`, `No#`, `n°`
_GLUE_MARKS = frozenset(":#°º")
_SPACED_HEAD = re.compile(r"^[-\u2212]?\d{1,3}$")  # `1` of `1 234,56`
_SPACED_TAIL = re.compile(r"^\d{3}(?:[.,]\d{1,2})?$")  # `234,56`
_TRAILING = ",;:"
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
class _Hit:
    line: int  # index of the first word's line in the layout
    words: tuple[Word, ...]


class Locator:
    """The words of one document, indexed to find the words that print a value."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.lines = layout.lines
        self._rows = {
            line.index: row for lines in layout.by_page.values() for row, line in enumerate(lines)
        }
        self._starts: dict[str, list[tuple[int, int, str]]] | None = None
        self._compact: list[list[str]] | None = None
        self._amounts: dict[Decimal, list[_Hit]] | None = None
        self._dates: dict[dt.date, list[_Hit]] | None = None

    @classmethod
    def of(cls, text: Text) -> Locator | None:
        """A locator over the text's words, or None when the text module gave none (plain text
        has no geometry: its fields get no boxes)."""
        if not text.words or not text.page_sizes:
            return None
        return cls(layout_of(text))

    def boxes(
        self, value: str, kind: Kind, prefer: Prefer = "first", near: Near | None = None
    ) -> tuple[Box, ...]:
        """The boxes of the words printing `value` (one a page), or () when it is not found."""
        return self.layout.boxes(self.locate(value, kind, prefer, near))

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
        """Every place `value` is printed, in reading order."""
        if kind == "amount" or kind == "percent":
            amount = _amount(value.rstrip().removesuffix("%") if kind == "percent" else value)
            return [] if amount is None else self._amount_index().get(amount, [])
        if kind == "date":
            date = parse_date(value.strip())
            return [] if date is None else self._date_index().get(date, [])
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
        page = hit.words[0].page
        row = self._rows.get(hit.line, 0)
        return abs(page - near.page), abs(row - near.row), hit.line

    # --- ids, names, text: the letters and digits of consecutive words ---

    def _tokens(self, value: str, lines: int) -> list[_Hit]:
        target = _compact(value)
        if not target:
            return []
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
                nxt = self._below(line, words[0], number) if lines > 0 else None
                if nxt is None:
                    return ()
                lines -= 1
                number, j, line = nxt[0], nxt[1], self.lines[nxt[0]]
            piece = compact[number][j]
            if not target.startswith(acc + piece):
                return ()
            acc += piece
            words.append(line.words[j])
            j += 1
        return tuple(words)

    def _below(self, line: Line, start: Word, number: int) -> tuple[int, int] | None:
        """The next line's phrase under `start` (a name's second line): (line, first word)."""
        if number + 1 >= len(self.lines):
            return None
        below = self.lines[number + 1]
        if below.page != line.page or below.top - line.bottom > 2 * line.height:
            return None
        for phrase in below.phrases:
            if phrase.left <= start.right and phrase.right >= start.left:
                return number + 1, below.words.index(phrase.words[0])
        return None

    def _token_index(self) -> tuple[dict[str, list[tuple[int, int, str]]], list[list[str]]]:
        if self._starts is None or self._compact is None:
            starts: dict[str, list[tuple[int, int, str]]] = {}
            compact: list[list[str]] = []
            for number, line in enumerate(self.lines):
                row = [_compact(w.text) for w in line.words]
                compact.append(row)
                for i, (word, text) in enumerate(zip(line.words, row, strict=True)):
                    forms = {text}
                    if _GLUE_MARKS.intersection(word.text):
                        forms.add(_compact(_GLUE.sub("", word.text)))
                    for form in forms:
                        if form:
                            starts.setdefault(form[0], []).append((number, i, form))
            self._starts, self._compact = starts, compact
        return self._starts, self._compact

    # --- amounts ---

    def _amount_index(self) -> dict[Decimal, list[_Hit]]:
        if self._amounts is None:
            index: dict[Decimal, list[_Hit]] = {}
            for number, line in enumerate(self.lines):
                words = line.words
                for i, word in enumerate(words):
                    if not any(c.isdigit() for c in word.text):
                        continue
                    value = _amount(word.text)
                    if value is not None:
                        index.setdefault(value, []).append(_Hit(number, (word,)))
                    # `1 234,56`: thousands grouped by a space make two words
                    if (
                        i + 1 < len(words)
                        and _SPACED_HEAD.match(word.text)
                        and _SPACED_TAIL.match(words[i + 1].text)
                    ):
                        joined = _amount(f"{word.text} {words[i + 1].text}")
                        if joined is not None:
                            index.setdefault(joined, []).append(_Hit(number, words[i : i + 2]))
            self._amounts = index
        return self._amounts

    # --- dates ---

    def _date_index(self) -> dict[dt.date, list[_Hit]]:
        if self._dates is None:
            index: dict[dt.date, list[_Hit]] = {}
            for number, line in enumerate(self.lines):
                if sum(c.isdigit() for w in line.words for c in w.text) < 3:
                    continue  # every date has a year (and a day)
                text, offsets = _joined(line.words)
                seen: set[tuple[int, int, dt.date]] = set()
                for order in ("DMY", "MDY"):
                    for start, end, date in find_dates(text, order):
                        if (start, end, date) in seen:
                            continue
                        seen.add((start, end, date))
                        words = tuple(
                            w
                            for w, (s, e) in zip(line.words, offsets, strict=True)
                            if s < end and start < e
                        )
                        index.setdefault(date, []).append(_Hit(number, words))
            self._dates = index
        return self._dates

    # --- currencies ---

    def _currency(self, value: str) -> list[_Hit]:
        code = value.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            return []
        names = {code} | {s.rstrip(".") for s, c in CURRENCY_SYMBOLS.items() if c == code}
        symbols = {s for s in names if not any(c.isalpha() for c in s)}
        hits: list[_Hit] = []
        for number, line in enumerate(self.lines):
            for word in line.words:
                text = word.text.upper()
                letters = re.sub(r"[^A-Z]", "", text)
                if letters in names or any(s in text for s in symbols):
                    hits.append(_Hit(number, (word,)))
        return hits


def _compact(text: str) -> str:
    """Letters and digits only, case-folded: how ids and names are compared."""
    return "".join(c for c in text.casefold() if c.isalnum())


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


def _joined(words: tuple[Word, ...]) -> tuple[str, list[tuple[int, int]]]:
    """The words joined by single spaces, and each word's span in that text."""
    offsets: list[tuple[int, int]] = []
    position = 0
    for word in words:
        offsets.append((position, position + len(word.text)))
        position += len(word.text) + 1
    return " ".join(w.text for w in words), offsets


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
        out.append(locator.layout.boxes(words))
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
