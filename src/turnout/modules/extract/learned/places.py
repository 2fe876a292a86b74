"""Where a value stands on a laid-out page: its line, the label beside or above it, and how a
value of a kind is cut out of the words that follow a label."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from turnout.authoring import Word
from turnout.modules.extract.amounts import find_amounts
from turnout.modules.extract.layout.page import Layout, Line, Phrase
from turnout.modules.extract.learned.rules import fits, label_tokens
from turnout.modules.normalize.dates import find_dates
from turnout.modules.normalize.money import parse_currency

MAX_LABEL_WORDS = 6  # a label phrase's last words kept
MAX_INLINE_LABEL = 4  # words before a value in its own phrase ("Rechnung Nr.")
ABOVE_LINES = 3.0  # a label above its value: at most this many line heights higher
VERTICAL_WEIGHT = 4.0  # a point of height between label and value counts as this much width
MAX_ID_WORDS = 8  # words an identifier may be printed in (`DE12 3704 0044 0532 0130 00`)


@dataclass(frozen=True)
class Place:
    """A value's words on one line and the label it was found from."""

    line: Line
    words: tuple[Word, ...]
    where: str  # right | below | none
    label: tuple[Word, ...] = ()
    inline: bool = False  # the label is in the value's own phrase


def line_of(layout: Layout, words: Sequence[Word]) -> tuple[Line, tuple[Word, ...]] | None:
    """The layout line holding the first of `words` (original text-stage words) and the layout
    words of that line that print them (a label glued to the value cut off)."""
    if not words:
        return None
    page = words[0].page
    left = min(w.left for w in words) - 0.5
    right = max(w.right for w in words) + 0.5
    top = min(w.top for w in words) - 0.5
    bottom = max(w.bottom for w in words) + 0.5
    for line in layout.by_page.get(page, ()):
        inside = tuple(
            w
            for w in line.words
            if left <= (w.left + w.right) / 2 <= right and top <= (w.top + w.bottom) / 2 <= bottom
        )
        if inside:
            if len(inside) > 1 and inside[0].text.endswith((":", "#", "°")):
                inside = inside[1:]
            return line, inside
    return None


def place_of(layout: Layout, line: Line, words: tuple[Word, ...]) -> Place:
    """How a value on `line` is announced: by the words left of it on its line, else by the
    phrase over it, else by nothing (it stands at its place on the page)."""
    first = line.words.index(words[0])
    before = line.words[:first]
    if before:
        phrase = _phrase_of(line, words[0])
        own = [w for w in before if w in phrase.words]
        while own and not any(ch.isalnum() for ch in own[-1].text):  # "€ 1.234,56"
            own.pop()
        if len(own) == 1 and len(own[0].text) <= 3 and own[0].text.isupper():
            own.pop()  # a currency code before its amount: "EUR 1.234,56"
        label: list[Word] = []
        if own:  # "Rechnung Nr. 4711": the words of its own phrase before it, up to a value
            for w in reversed(own):
                if any(ch.isdigit() for ch in w.text) or len(label) >= MAX_INLINE_LABEL:
                    break
                label.insert(0, w)
        else:  # "Zahlbetrag ......... 1.234,56 €": the phrase left of it
            left_of = [w for w in before if w not in phrase.words]
            if left_of:
                label = list(_phrase_of(line, left_of[-1]).words[-MAX_LABEL_WORDS:])
        if _is_label(label):
            if own:
                return Place(line, words, "right", tuple(label), inline=True)
            above = _label_above(layout, line, words)
            # a name in a block beside another block: its heading above is nearer than the
            # other block's name on its line
            gap_left = words[0].left - max(w.right for w in label)
            if not above or gap_left <= VERTICAL_WEIGHT * (words[0].top - above[0].bottom):
                return Place(line, words, "right", tuple(label))
            return Place(line, words, "below", above)
    above = _label_above(layout, line, words)
    if above:
        return Place(line, words, "below", above)
    return Place(line, words, "none")


def _label_above(layout: Layout, line: Line, words: tuple[Word, ...]) -> tuple[Word, ...]:
    left, right = words[0].left, max(w.right for w in words)
    lines = layout.by_page.get(line.page, ())
    for other in reversed([x for x in lines if x.index < line.index]):
        if line.top - other.bottom > ABOVE_LINES * line.height:
            break
        overlapping = [p for p in other.phrases if min(p.right, right) - max(p.left, left) > -2.0]
        if overlapping:
            best = min(overlapping, key=lambda p: abs(p.left - left))
            label = best.words[:MAX_LABEL_WORDS]
            return tuple(label) if _is_label(label) else ()
    return ()


def _is_label(words: Sequence[Word]) -> bool:
    """Words with at least one word of two letters or more that is not a currency mark."""
    return any(
        sum(ch.isalpha() for ch in w.text) >= 2
        and not any(ch.isdigit() for ch in w.text)
        and parse_currency(w.text.strip(":")) is None
        for w in words
    )


def _phrase_of(line: Line, word: Word) -> Phrase:
    for phrase in line.phrases:
        if word in phrase.words:
            return phrase
    return Phrase((word,))


def find_label(layout: Layout, label: str, page: int) -> list[tuple[Line, int, int]]:
    """Where `label` (as rules keep it) is printed: (line, first word, end word), the rule's
    page first, then the document in reading order."""
    wanted = label.split()
    if not wanted:
        return []
    found: list[tuple[Line, int, int]] = []
    for line in layout.lines:
        tokens = [_token(w) for w in line.words]
        for i in range(len(tokens) - len(wanted) + 1):
            if tokens[i : i + len(wanted)] == wanted:
                found.append((line, i, i + len(wanted)))
    if page <= 0:  # reading order
        return found
    return sorted(found, key=lambda f: (f[0].page != page, f[0].index))


def _token(word: Word) -> str:
    tokens = label_tokens([word])
    return tokens[0] if tokens else ""


def phrase_from(line: Line, word: Word) -> tuple[Word, ...]:
    """The words of `word`'s phrase from `word` on."""
    phrase = _phrase_of(line, word)
    return phrase.words[phrase.words.index(word) :]


def cut(kind: str, shapes: Sequence[str], words: Sequence[Word]) -> tuple[str, tuple[Word, ...]]:
    """The value of `kind` the words start with (a date, an amount, an identifier of one of
    `shapes`, a name), and its words; ("", ()) when they hold none."""
    if not words:
        return "", ()
    text, starts = _joined(words)
    if kind == "date":
        for start, end, _ in find_dates(text):
            return _span(text, starts, words, start, end)
        return "", ()
    if kind in ("amount", "percent"):
        for amount in find_amounts(text):
            return _span(text, starts, words, amount.start, amount.end)
        return "", ()
    if kind == "currency":
        code = parse_currency(words[0].text)
        return (code, (words[0],)) if code else ("", ())
    if kind in ("name", "text"):
        value = text.strip(" :;,")
        return (value, tuple(words)) if value else ("", ())
    for count in range(min(MAX_ID_WORDS, len(words)), 0, -1):
        value = " ".join(w.text for w in words[:count]).strip(" :;,.")
        value = re.sub(r"^[^\w]+", "", value)
        if value and fits(shapes, value):
            return value, tuple(words[:count])
    return "", ()


def _joined(words: Sequence[Word]) -> tuple[str, list[int]]:
    starts, parts, at = [], [], 0
    for w in words:
        starts.append(at)
        parts.append(w.text)
        at += len(w.text) + 1
    return " ".join(parts), starts


def _span(
    text: str, starts: list[int], words: Sequence[Word], start: int, end: int
) -> tuple[str, tuple[Word, ...]]:
    used = tuple(
        w for w, s in zip(words, starts, strict=True) if s < end and s + len(w.text) > start
    )
    return text[start:end].strip(), used


DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%m/%d/%Y", "%d.%m.%y", "%B %d, %Y")


def date_format(printed: str, value: dt.date) -> str | None:
    """The strftime form `printed` writes `value` in, when it is one of the common ones."""
    for form in DATE_FORMATS:
        if value.strftime(form) == printed.strip():
            return form
    return None


def decimal_separator(printed: str) -> str | None:
    m = re.search(r"([.,])\d{2}(?!\d)", printed)
    return m.group(1) if m else None
