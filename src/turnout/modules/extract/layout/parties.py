"""Seller and buyer: their names and the blocks that belong to each, as a clerk finds them.

In order of strength:
- a heading over (or before) an address block: "Rechnungsempfänger", "Bill to", "Fournisseur"...;
  the name is the block's first line that can be a name;
- the German sender line printed small over the buyer's address window
  (`Firma GmbH · Straße 1 · 12345 Ort`): the window under it is the buyer, the line's first part
  names the seller;
- the letterhead (the largest name high on page 1, or a name with a legal form there) and the
  footer (a name with a legal form low on the last page) name the seller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from turnout.modules.extract.layout.blocks import Blocks, PhraseId
from turnout.modules.extract.layout.labels import BUYER, SELLER, LabelHit
from turnout.modules.extract.layout.names import is_address, name_in
from turnout.modules.extract.layout.page import Found, Layout, Line, Phrase
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.values import Candidate
from turnout.modules.extract.parties import _LEGAL_FORM

HEADING_SAME = 0.88  # "Bill to: Acme Ltd"
HEADING_UNDER = 0.86  # "Rechnungsempfänger" over the address block
HEADING_RIGHT = 0.8  # "Kunde    Acme GmbH"
SENDER_LINE = 0.78
WINDOW = 0.74
ONE_LINE_ADDRESS = 0.64  # "Au bon moulin SARL - 1242 chemin de l'olive - 84340 Malaucène"
ADDRESS_SELLER = 0.6  # the first of two address blocks without headings
ADDRESS_BUYER = 0.5
LETTERHEAD = 0.62
LEGAL_FORM_TOP = 0.58
FOOTER = 0.5
LEGAL_FORM = 0.4
FIRST_NAME = 0.3

_SEPARATORS = re.compile(
    r"\s*[|\u2022\u00b7\u25cf\u25aa\u25a0]\s*|\s+\u2013\s+|\s+-\s+|,\s+|\s{3,}"
)
_NAME_KEY = re.compile(
    r"^(?:name|firma|firmenname|company(?:\s+name)?|nom|raison\s+sociale|ragione\s+sociale|"
    r"denominazione|nombre|raz[óo]n\s+social|naam|bedrijfsnaam|attn\.?|attention|z\.\s?hd\.?|"
    r"c/o|à\s+l'attention\s+de)\s*:?$",
    re.IGNORECASE,
)
# "Amazon Web Services Invoice": a letterhead that ends with the document's title
_TRAILING_TITLE = re.compile(
    r"\s+(?:invoice|tax\s+invoice|rechnung|facture|fattura|factura|factuur)\s*$", re.IGNORECASE
)
_KEY_VALUE = re.compile(r"^([^:]{1,40}?)\s*:\s*(\S.*)$")
_SENDER_POSTCODE = re.compile(r"(?:^|[\s\u00b7\u2022\u25cf|])(?:[A-Z]{1,2}-)?\d{4,5}\s*[A-Za-zÀ-ÿ]")
_NAME_LINES = 4  # lines under a heading its party's name may be on
_LETTERHEAD_SHARE = 0.25  # the top quarter of page one holds the letterhead
_FOOTER_SHARE = 0.2  # the bottom fifth of the last page is its footer


@dataclass
class Parties:
    """Name candidates of both parties, and the blocks that are the buyer's and the seller's."""

    candidates: list[Candidate] = field(default_factory=list)
    buyer_blocks: set[int] = field(default_factory=set)
    seller_blocks: set[int] = field(default_factory=set)


def read_parties(
    layout: Layout,
    texts: dict[int, LineText],
    hits: Sequence[LabelHit],
    blocks: Blocks,
) -> Parties:
    """The parties found by headings, by the sender line over a window, and by letterhead."""
    parties = Parties()
    labelled = {(h.line.line.index, h.phrase) for h in hits if _is_label(h)}
    for hit in hits:
        if hit.path in (SELLER, BUYER) and _starts_phrase(hit):
            _under_heading(hit, texts, blocks, labelled, parties)
    if not any(c.path == BUYER for c in parties.candidates):
        _sender_and_window(layout, texts, blocks, labelled, parties)
    _letterhead_and_footer(layout, texts, blocks, labelled, parties)
    return parties


def _is_label(hit: LabelHit) -> bool:
    """Whether the hit is a label heading its phrase (a heading word inside a name, as in
    "Lieferant GmbH", is not)."""
    if not _starts_phrase(hit):
        return False
    if hit.path not in (SELLER, BUYER):
        return True
    end = hit.line.phrase_span(hit.phrase)[1]
    return hit.line.text[hit.end : end].lstrip()[:1] in ("", ":", "/")


def _starts_phrase(hit: LabelHit) -> bool:
    start = hit.line.phrase_span(hit.phrase)[0]
    return hit.line.text[start : hit.start].strip(" :.-#") == ""


def _under_heading(
    hit: LabelHit,
    texts: dict[int, LineText],
    blocks: Blocks,
    labelled: set[PhraseId],
    parties: Parties,
) -> None:
    line = hit.line
    index = line.line.index
    end = line.phrase_span(hit.phrase)[1]
    after = line.text[hit.end : end].lstrip()
    rest = after.strip(" :.-")
    if rest and not after.startswith("/"):
        if not after.startswith(":"):
            return  # a sentence or a name that holds the word ("Lieferant GmbH"), no heading
        name = name_in(rest)  # "Bill to: Acme Ltd"
        if name is not None:
            at = line.text.find(name, hit.end, end)
            _add(parties, hit.path, name, line, at, HEADING_SAME, blocks, hit.phrase)
        return
    if hit.phrase + 1 < len(line.line.phrases) and (index, hit.phrase + 1) not in labelled:
        gap = line.phrase(hit.phrase + 1).left - line.phrase(hit.phrase).right
        if gap < 8 * line.line.height:
            s, e = line.phrase_span(hit.phrase + 1)
            name = name_in(line.text[s:e])
            if name is not None:
                at = line.text.find(name, s, e)
                _add(parties, hit.path, name, line, at, HEADING_RIGHT, blocks, hit.phrase + 1)
                return
    phrase = line.phrase(hit.phrase)
    height = line.line.height
    left, right = phrase.left - height, max(phrase.right, phrase.left + 12 * height)
    last_bottom = line.line.bottom
    for step in range(1, _NAME_LINES + 1):
        below = texts.get(index + step)
        if below is None or below.line.page != line.line.page:
            return
        if below.line.top - last_bottom > 3 * height:
            return
        near = [
            p
            for p, ph in enumerate(below.line.phrases)
            if ph.left < right and ph.right > left and abs(ph.left - phrase.left) < 6 * height
        ]
        if not near:
            continue
        last_bottom = below.line.bottom
        p = min(near, key=lambda q: abs(below.phrase(q).left - phrase.left))
        if (below.line.index, p) in labelled:
            return  # another label: the heading announced nothing we read
        s, e = below.phrase_span(p)
        key = below.text[s:e]
        colon = p + 1 < len(below.line.phrases) and below.text[
            below.phrase_span(p + 1)[0] :
        ].startswith(":")
        if _NAME_KEY.match(key) and p + 1 < len(below.line.phrases):
            p += 1  # a form: "Name:   Lieferant GmbH"
            s, e = below.phrase_span(p)
            value = below.text[s:e].lstrip(": ")
            s = e - len(value) if value else s
            if not value and p + 1 < len(below.line.phrases):
                p += 1  # "Name   :   Lieferant GmbH"
                s, e = below.phrase_span(p)
        elif key.endswith(":") or colon:
            continue  # another key of the form ("Nummer:   549910")
        elif (pair := _KEY_VALUE.match(key)) is not None:
            if not _NAME_KEY.match(pair.group(1)):
                continue  # "Globale Nummer: 4000001123452"
            s = e - len(pair.group(2))  # "Name: Lieferant GmbH"
        name = name_in(below.text[s:e])
        if name is not None:
            at = below.text.find(name, s, e)
            _add(parties, hit.path, name, below, at, HEADING_UNDER, blocks, p)
            return


def _add(
    parties: Parties,
    path: str,
    name: str,
    line: LineText,
    at: int,
    confidence: float,
    blocks: Blocks,
    phrase: int,
) -> None:
    words = line.words(at, at + len(name)) if at >= 0 else line.phrase(phrase).words
    score = min((w.score for w in words), default=1.0)
    found = Found(name, round(confidence * (0.6 + 0.4 * score), 3), words)
    parties.candidates.append(Candidate(path, found, line.line.index))
    block = blocks.of((line.line.index, phrase)).number
    (parties.buyer_blocks if path == BUYER else parties.seller_blocks).add(block)


def _sender_and_window(
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
        _add(parties, SELLER, seller, text, at, confidence, blocks, p)
        sender = line
        if window is not None:
            name, below, q = window
            at = below.text.find(name, *below.phrase_span(q))
            _add(parties, BUYER, name, below, at, WINDOW, blocks, q)
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
    for line in layout.by_page.get(1, ()):
        if line.top > limit:
            break
        if sender is not None and line.index == sender.index:
            continue
        text = texts[line.index]
        for p, phrase in enumerate(line.phrases):
            if (line.index, p) in labelled or blocks.of((line.index, p)).number in taken:
                continue
            if _under_label(texts, line, phrase, labelled):
                continue
            s, e = text.phrase_span(p)
            name = name_in(text.text[s:e])
            if name is None or _KEY_VALUE.match(text.text[s:e]):
                continue
            height = line.height
            left = phrase.left - height
            confirmed = _address_name(texts, line.index, left, phrase.right, labelled)
            if confirmed is not None and confirmed[1].line.index == line.index:
                found.append(confirmed)
                taken.add(blocks.of((line.index, p)).number)
    if not found:
        return
    if sender is None and (len(found) > 1 or found[0][1].line.top < 0.12 * limit * 2):
        name, text, p = found.pop(0)
        confidence = ADDRESS_SELLER + (0.05 if _LEGAL_FORM.search(name) else 0.0)
        _add(parties, SELLER, name, text, text.text.find(name), confidence, blocks, p)
    if found:
        name, text, p = found[0]
        _add(parties, BUYER, name, text, text.text.find(name), ADDRESS_BUYER, blocks, p)


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
        if below.line.top - bottom > 4 * below.line.height:
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
        name = name_in(raw)
        if found is None or (name is not None and found[1].line.height > 1.4 * below.line.height):
            found = (name, below, p) if name is not None else None
    return None


def _letterhead_and_footer(
    layout: Layout,
    texts: dict[int, LineText],
    blocks: Blocks,
    labelled: set[PhraseId],
    parties: Parties,
) -> None:
    """Seller guesses from the top of page one and the bottom of the last page."""
    first = layout.by_page.get(1, ())
    if not first:
        return
    usual = median(w.height for line in first for w in line.words)
    top_limit = _LETTERHEAD_SHARE * layout.page_height(1)
    last_page = max(layout.by_page)
    bottom_limit = (1 - _FOOTER_SHARE) * layout.page_height(last_page)
    biggest: tuple[float, str, LineText, int] | None = None
    first_name: tuple[str, LineText, int] | None = None
    for line in layout.lines:
        text = texts[line.index]
        for p, phrase in enumerate(line.phrases):
            member = (line.index, p)
            if member in labelled or blocks.of(member).number in parties.buyer_blocks:
                continue
            s, e = text.phrase_span(p)
            raw = text.text[s:e]
            legal = _LEGAL_FORM.search(raw)
            high = line.page == 1 and line.top < top_limit
            low = line.page == last_page and line.top > bottom_limit
            if legal:
                name = _company(raw, legal.end())
                if name is not None and name_in(name) is not None:
                    weight = LEGAL_FORM_TOP if high else FOOTER if low else LEGAL_FORM
                    at = text.text.find(name, s, e)
                    _add(parties, SELLER, name, text, at, weight, blocks, p)
                    continue
            name = name_in(_TRAILING_TITLE.sub("", raw))
            if name is None or line.page != 1:
                continue
            if first_name is None:
                first_name = (name, text, p)
            height = median(w.height for w in phrase.words)
            if high and (biggest is None or height > biggest[0]):
                biggest = (height, name, text, p)
    if biggest is not None and biggest[0] >= 1.2 * usual:
        _, name, text, p = biggest
        _add(parties, SELLER, name, text, text.text.find(name), LETTERHEAD, blocks, p)
    elif first_name is not None:
        name, text, p = first_name
        _add(parties, SELLER, name, text, text.text.find(name), FIRST_NAME, blocks, p)


def _company(text: str, form_end: int) -> str | None:
    """The company name ending with the legal form at `form_end`, cut from what precedes it."""
    head = text[:form_end]
    for separator in (" - ", " \u2013 ", " | ", ": ", " · ", " • ", ", "):
        head = head.rsplit(separator, 1)[-1]
    name = head.strip(" ,;")
    return name if sum(ch.isalpha() for ch in name) >= 3 else None
