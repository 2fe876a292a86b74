"""A party's postal address: the lines under its name, in its column, read by their shape.

A clerk reads an address block top down: the name, street lines, the post code and city, the
country. Starting from the line the party's name was read on, the lines below it in the same
column (left-aligned, or right-aligned in a letterhead set flush right) are taken until a gap, a
heading or a label; a line of several parts (`Straße 1 · 12345 Ort`) is cut at its separators. A
name with more on its own phrase (a sender line, `Firma GmbH · Straße 1 · 12345 Ort`) has its
address there, never in the block under it (the buyer's window). Only a block that has a post
code and city line is an address: the lines between the name and that line are the street lines
(at most three: BT-35, BT-36, BT-162), a country named after it is the party's country. Contacts
and identifiers in the block are skipped here (`contacts`, `registers` read them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from turnout.authoring import Word
from turnout.modules.extract.layout.blocks import PhraseId
from turnout.modules.extract.layout.names import is_salutation
from turnout.modules.extract.layout.page import Found
from turnout.modules.extract.layout.postal import PostalLine, country_of, postal_line
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.values import Candidate

ADDRESS = 0.9  # an address line's confidence, times its party name's
_LINES = 8  # lines under the name that may hold its address
_MAX_STREET_LINES = 3
_PARTS = re.compile(r"\s*[|\u2022\u00b7\u25cf\u25aa\u25a0]\s*|\s+[\u2013\u2014]\s+|\s{3,}")
_OTHER = re.compile(
    r"@|www\.|https?:|^\+?\(?\d[\d\s()./-]{6,}\d$|\b(?:tel|fax|phone|mobil|mobile|e-?mail|"
    r"web|iban|bic|swift|ust|vat|btw|tva|iva|kvk|hrb|hra|siret|siren|rcs)\b|:",
    re.IGNORECASE,
)
_STREETISH = re.compile(r"\d")


@dataclass
class _Block:
    """What the lines under a name held so far."""

    streets: list[tuple[str, tuple[Word, ...]]] = field(default_factory=list)
    postal: tuple[PostalLine, tuple[Word, ...]] | None = None
    country: tuple[str, tuple[Word, ...]] | None = None


def read_address(
    party: str, name: Candidate, texts: dict[int, LineText], labelled: set[PhraseId]
) -> list[Candidate]:
    """The address lines, post code, city, subdivision and country under `party`'s name."""
    if not name.found.words:
        return []
    block = _Block()
    for part, words in _parts_under(name, texts, labelled):
        if block.postal is None:
            postal = postal_line(part)
            if postal is not None:
                block.postal = (postal, words)
            elif _is_street_line(part, block):
                block.streets.append((part.strip(" ,;"), words))
        elif block.country is None and (code := country_of(part)) is not None:
            block.country = (code, words)
            break
        elif not _OTHER.search(part):
            break  # after the post code, only a country belongs to the address
    if block.postal is None:
        return []
    confidence = round(ADDRESS * name.found.confidence, 3)
    out: list[Candidate] = []

    def add(path: str, value: str, words: tuple[Word, ...]) -> None:
        out.append(Candidate(f"{party}.{path}", Found(value, confidence, words), name.line))

    for number, (street, words) in enumerate(block.streets[:_MAX_STREET_LINES]):
        add(("address.line1", "address.line2", "address.line3")[number], street, words)
    postal, words = block.postal
    add("address.post_code", postal.post_code, words)
    add("address.city", postal.city, words)
    if postal.subdivision:
        add("address.subdivision", postal.subdivision, words)
    if block.country is not None:
        add("country", *block.country)
    return out


def _is_street_line(part: str, block: _Block) -> bool:
    """A line between the name and the post code that is part of the address: a street with its
    number, or a line under one (a building, a floor); not a contact, key or salutation."""
    text = part.strip(" ,;")
    if not text or _OTHER.search(text) or is_salutation(text) or country_of(text):
        return False
    return bool(_STREETISH.search(text)) or bool(block.streets)


def _parts_under(
    name: Candidate, texts: dict[int, LineText], labelled: set[PhraseId]
) -> Iterator[tuple[str, tuple[Word, ...]]]:
    """The parts of the name's own phrase after the name, then of the phrases in its column on
    the lines below, with their words; down to a gap, a heading or a label."""
    first = texts.get(name.line)
    if first is None:
        return
    words = name.found.words
    left, right = min(w.left for w in words), max(w.right for w in words)
    p = first.phrase_at(max(first.text.find(name.found.value), 0))
    start, end = first.phrase_span(p)
    at = first.text.find(name.found.value, start, end)
    rest = first.text[at + len(name.found.value) : end] if at >= 0 else first.text[start:end]
    if re.search(r"\w", rest):
        # a name with more on its phrase is a one-line address (a sender line over the
        # window): its parts are the address, the block under it is another's
        if at >= 0:
            yield from _split(first, at + len(name.found.value), end)
        return
    phrase = first.phrase(p)
    left, right = min(left, phrase.left), max(right, phrase.right)
    previous = first.line
    for index in range(name.line + 1, name.line + 1 + _LINES):
        below = texts.get(index)
        if below is None or below.line.page != previous.page:
            return
        if below.line.top - previous.bottom > 2.5 * previous.height:
            return
        height = below.line.height
        column = [
            q
            for q, ph in enumerate(below.line.phrases)
            if ph.left < right
            and ph.right > left
            and (abs(ph.left - left) < 2 * height or abs(ph.right - right) < 2 * height)
        ]
        if not column:
            continue
        q = column[0]
        if (index, q) in labelled or below.text[slice(*below.phrase_span(q))].endswith(":"):
            return  # the next section's heading or a label
        previous = below.line
        yield from _split(below, *below.phrase_span(q))


def _split(text: LineText, start: int, end: int) -> Iterator[tuple[str, tuple[Word, ...]]]:
    """The parts of text[start:end] (the whole, when it is a post code line; else cut at its
    separators), with their words."""
    raw = text.text[start:end]
    if not raw.strip(" ,;·|-\u2013"):
        return
    if postal_line(raw) is not None:
        yield raw.strip(), text.locate(raw.strip(), start, end)
        return
    offset = start
    for piece in _PARTS.split(raw):
        at = text.text.find(piece, offset, end) if piece else -1
        if at < 0 or not piece.strip(" ,;"):
            continue
        offset = at + len(piece)
        yield piece.strip(), text.words(at, at + len(piece))
