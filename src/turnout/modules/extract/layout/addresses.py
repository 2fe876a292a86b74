"""Parties found by their addresses when no heading names them.

A one-line sender address (`Firma GmbH · Straße 1 · 12345 Ort`) names the seller; printed small
over an address block it is the return address over the buyer's window envelope, and that block
is the buyer's. Otherwise the address blocks high on page one (a name over a street or a
postcode line) are the parties': the first of two the seller's, the other the buyer's.
"""

from __future__ import annotations

import re
from statistics import median

from turnout.modules.extract.layout.blocks import Blocks, PhraseId
from turnout.modules.extract.layout.labels import BUYER, SELLER
from turnout.modules.extract.layout.names import is_address, is_salutation, name_in
from turnout.modules.extract.layout.page import Layout, Line, Phrase
from turnout.modules.extract.layout.party import KEY_VALUE, Parties, add_name
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.parties import _LEGAL_FORM

SENDER_LINE = 0.78
WINDOW = 0.74
ONE_LINE_ADDRESS = 0.64  # "Dupont SARL - 7 chemin des Pins - 84000 Avignon" atop the page
ADDRESS_SELLER = 0.6  # the first of two address blocks without headings
ADDRESS_BUYER = 0.5
ADDRESSED = 0.66  # an address block under a salutation line ("Herrn", "Firma", "Mr")

_SEPARATORS = re.compile(
    r"\s*[|\u2022\u00b7\u25cf\u25aa\u25a0]\s*|\s+\u2013\s+|\s+-\s+|,\s+|\s{3,}"
)
_SENDER_POSTCODE = re.compile(r"(?:^|[\s\u00b7\u2022\u25cf|])(?:[A-Z]{1,2}-)?\d{4,5}\s*[A-Za-zÀ-ÿ]")


def sender_and_window(
    layout: Layout,
    texts: dict[int, LineText],
    blocks: Blocks,
    labelled: set[PhraseId],
    parties: Parties,
) -> None:
    """A one-line sender address (`Firma GmbH · Straße 1 · 12345 Ort`) names the seller; the
    address block under it, when it is printed small over one, is the buyer's window.
    Otherwise the address blocks high on page one without a heading are the parties'."""
    lines = layout.by_page.get(1, ())
    if not lines:
        return
    usual = median(line.height for line in lines)
    limit = 0.5 * layout.page_height(1)
    sender: Line | None = None
    for line in lines:
        if line.top > limit:
            break
        text = texts[line.index]
        parts = [p for p in _SEPARATORS.split(text.text) if p.strip()]
        if len(parts) < 2 or not _SENDER_POSTCODE.search(text.text):
            continue
        seller = name_in(parts[0])
        if seller is None or not any(is_address(p) for p in parts[1:]):
            continue
        at = text.text.find(seller)
        p = text.phrase_at(max(at, 0))
        small = line.height <= usual * 1.05
        window = None
        if small:
            height = line.height
            window = _address_name(
                texts, line.index + 1, line.left - 3 * height, line.right, labelled
            )
        confidence = SENDER_LINE if window is not None else ONE_LINE_ADDRESS
        add_name(parties, SELLER, seller, text, at, confidence, blocks, p)
        sender = line
        if window is not None:
            name, below, q = window
            at = below.text.find(name, *below.phrase_span(q))
            add_name(parties, BUYER, name, below, at, WINDOW, blocks, q)
            return
        break
    _address_blocks(layout, texts, blocks, labelled, parties, sender)


def _address_blocks(
    layout: Layout,
    texts: dict[int, LineText],
    blocks: Blocks,
    labelled: set[PhraseId],
    parties: Parties,
    sender: Line | None,
) -> None:
    """Names over address lines in the top half of page one, under no heading."""
    limit = 0.5 * layout.page_height(1)
    found: list[tuple[str, LineText, int]] = []
    taken: set[int] = set()
    spans: list[tuple[int, int, float, float]] = []  # lines and columns of the blocks found
    addressed: list[tuple[str, LineText, int]] = []  # blocks under a salutation line
    for line in layout.by_page.get(1, ()):
        if line.top > limit:
            break
        if sender is not None and line.index == sender.index:
            continue
        if len(line.phrases) > 2:
            continue  # a row of a table or a header, not an address line
        text = texts[line.index]
        for p, phrase in enumerate(line.phrases):
            if (line.index, p) in labelled or blocks.of((line.index, p)).number in taken:
                continue
            if any(
                a <= line.index <= b and x < phrase.right and phrase.left < y
                for a, b, x, y in spans
            ):
                continue  # a line of an address block already read
            if _under_label(texts, line, phrase, labelled):
                continue
            s, e = text.phrase_span(p)
            name = name_in(text.text[s:e])
            if name is None or KEY_VALUE.match(text.text[s:e]):
                continue
            height = line.height
            left = phrase.left - height
            confirmed = _address_name(texts, line.index, left, phrase.right, labelled, 2.0)
            if confirmed is not None and confirmed[1].line.index == line.index:
                found.append(confirmed)
                taken.add(blocks.of((line.index, p)).number)
                spans.append((line.index, line.index + 4, left, phrase.right))
                if _salutation_above(texts, line, phrase):
                    addressed.append(confirmed)
    if not found:
        return
    if addressed:  # "Herrn / Erika Beispiel": the letter's recipient is the buyer
        buyer = addressed[0]
        found.remove(buyer)
        _add(parties, BUYER, buyer, ADDRESSED, blocks)
        if sender is None and found:
            _add_seller(parties, found[0], blocks)
        return
    if sender is None and (len(found) > 1 or found[0][1].line.top < 0.12 * limit * 2):
        _add_seller(parties, found.pop(0), blocks)
    if found:
        _add(parties, BUYER, found[0], ADDRESS_BUYER, blocks)


def _add_seller(parties: Parties, found: tuple[str, LineText, int], blocks: Blocks) -> None:
    """The seller's name from an address block without heading, surer with its legal form."""
    confidence = ADDRESS_SELLER + (0.05 if _LEGAL_FORM.search(found[0]) else 0.0)
    _add(parties, SELLER, found, confidence, blocks)


def _add(
    parties: Parties,
    path: str,
    found: tuple[str, LineText, int],
    confidence: float,
    blocks: Blocks,
) -> None:
    name, text, p = found
    add_name(parties, path, name, text, text.text.find(name), confidence, blocks, p)


def _salutation_above(texts: dict[int, LineText], line: Line, phrase: Phrase) -> bool:
    """Whether a salutation ("Herrn", "Firma", "Mr") stands right above `phrase`."""
    above = texts.get(line.index - 1)
    if above is None or above.line.page != line.page:
        return False
    if line.top - above.line.bottom > 1.5 * line.height:
        return False
    return any(
        is_salutation(above.text[slice(*above.phrase_span(q))])
        for q, over in enumerate(above.line.phrases)
        if abs(over.left - phrase.left) < 2 * line.height
    )


def _under_label(
    texts: dict[int, LineText], line: Line, phrase: Phrase, labelled: set[PhraseId]
) -> bool:
    """Whether a labelled phrase sits right above `phrase` ("Adresse de livraison")."""
    above = texts.get(line.index - 1)
    if above is None or above.line.page != line.page:
        return False
    if line.top - above.line.bottom > 2.5 * line.height:
        return False
    return any(
        (above.line.index, q) in labelled
        for q, over in enumerate(above.line.phrases)
        if over.left < phrase.right and over.right > phrase.left
    )


def _address_name(
    texts: dict[int, LineText],
    first: int,
    left: float,
    right: float,
    labelled: set[PhraseId],
    max_gap: float = 4.0,
) -> tuple[str, LineText, int] | None:
    """The first name in the column [left, right] from line `first` down, with an address line
    under it (what makes the lines an address block); a name set much larger than the lines
    under it (a slogan, a title) gives way to the next."""
    found: tuple[str, LineText, int] | None = None
    start = texts.get(first)
    if start is None:
        return None
    page, bottom = start.line.page, start.line.top
    for index in range(first, first + 7):
        below = texts.get(index)
        if below is None or below.line.page != page:
            return None
        if below.line.top - bottom > max_gap * below.line.height:
            return None
        near = [p for p, ph in enumerate(below.line.phrases) if ph.left < right and ph.right > left]
        if not near:
            continue
        bottom = below.line.bottom
        p = min(near, key=lambda q: abs(below.phrase(q).left - left))
        if (below.line.index, p) in labelled:
            return None
        s, e = below.phrase_span(p)
        raw = below.text[s:e]
        if is_address(raw):
            return found
        if is_salutation(raw) and found is not None:
            return None  # a salutation opens the next block (the recipient's)
        name = name_in(raw)
        if found is None or (name is not None and found[1].line.height > 1.4 * below.line.height):
            found = (name, below, p) if name is not None else None
    return None
