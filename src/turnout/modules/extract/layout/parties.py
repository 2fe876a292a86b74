"""Seller and buyer: their names and the blocks that belong to each, as a clerk finds them.

In order of strength:
- a heading over (or before) an address block: "Rechnungsempfänger", "Bill to", "Fournisseur"...;
  the name is the block's first line that can be a name;
- without a buyer heading, the addresses (`addresses`): the sender line printed small over the
  buyer's window (`Firma GmbH · Straße 1 · 12345 Ort`), or address blocks high on page one;
- the letterhead (the largest name high on page 1, or a name with a legal form there) and the
  footer (a name with a legal form low on the last page) name the seller. A name under a
  deliver-to heading ("Ship to", "Lieferadresse", "Afleveradres") is not the seller's, nor is a
  name lower on the page than the letterhead (a column header): no seller is better than a wrong
  one, for review then asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median

from turnout.modules.extract.layout.addresses import sender_and_window
from turnout.modules.extract.layout.blocks import Blocks, PhraseId
from turnout.modules.extract.layout.labels import BUYER, SELLER, LabelHit
from turnout.modules.extract.layout.names import name_in
from turnout.modules.extract.layout.page import Layout
from turnout.modules.extract.layout.party import KEY_VALUE, Parties, add_name
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.parties import _LEGAL_FORM

HEADING_SAME = 0.88  # "Bill to: Acme Ltd"
HEADING_UNDER = 0.86  # "Rechnungsempfänger" over the address block
HEADING_RIGHT = 0.8  # "Kunde    Acme GmbH"
LETTERHEAD = 0.62
LETTERHEAD_WITH_FORM = 0.8  # a company with its legal form set large atop page one
LEGAL_FORM_TOP = 0.58
FOOTER = 0.5
LEGAL_FORM = 0.4
FIRST_NAME = 0.3

_NAME_KEY = re.compile(
    r"^(?:name|firma|firmenname|company(?:\s+name)?|nom|raison\s+sociale|ragione\s+sociale|"
    r"denominazione|nombre|raz[óo]n\s+social|naam|bedrijfsnaam|attn\.?|attention|z\.\s?hd\.?|"
    r"c/o|à\s+l'attention\s+de)\s*:?$",
    re.IGNORECASE,
)
# "Northwind Traders Invoice": a letterhead that ends with the document's title
_TRAILING_TITLE = re.compile(
    r"\s+(?:invoice|tax\s+invoice|rechnung|facture|fattura|factura|factuur)\s*$", re.IGNORECASE
)
# what a footer states about the company itself, in six languages
_REGISTER = re.compile(
    r"\b(?:capital|rcs|siret|siren|handelsregister|amtsgericht|registergericht|hrb|"
    r"geschäftsführ\w*|vorstand|sitz der gesellschaft|registered (?:office|in)|"
    r"company (?:no|number)|kvk|registro (?:delle imprese|mercantil)|r\.e\.a\.|cif)\b",
    re.IGNORECASE,
)
# headings of a deliver-to address (BG-15), per language: the name under one is where the goods
# went, never the seller's letterhead
_DELIVERY = re.compile(
    r"^(?:ship(?:ped)?\s*to|deliver(?:ed)?\s*to|delivery\s*address|shipping\s*address|"
    r"lieferadresse|lieferanschrift|liefern\s*an|warenempf[äa]nger|adresse\s*de\s*livraison|"
    r"livr[ée]\s*[àa]|indirizzo\s*di\s*(?:consegna|spedizione)|destinazione\s*merce|"
    r"direcci[óo]n\s*de\s*(?:entrega|env[íi]o)|enviar\s*a|afleveradres|leveradres|bezorgadres)"
    r"\s*:?$",
    re.IGNORECASE,
)
_UNDER_HEADING = 3.0  # line heights between a heading and the first line of its block, at most
_NAME_LINES = 4  # lines under a heading its party's name may be on
_LETTERHEAD_SHARE = 0.25  # the top quarter of page one holds the letterhead
_FOOTER_SHARE = 0.2  # the bottom fifth of the last page is its footer


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
        sender_and_window(layout, texts, blocks, labelled, parties)
    _letterhead_and_footer(layout, texts, blocks, labelled, parties)
    return parties


def _is_label(hit: LabelHit) -> bool:
    """Whether the hit is a label heading its phrase (a heading word inside a name, as in
    "Beispiel Handel GmbH", is not)."""
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
            return  # a sentence or a name that holds the word ("Beispiel Handel GmbH"), no heading
        name = name_in(rest)  # "Bill to: Acme Ltd"
        if name is not None:
            at = line.text.find(name, hit.end, end)
            add_name(parties, hit.path, name, line, at, HEADING_SAME, blocks, hit.phrase)
        return
    if hit.phrase + 1 < len(line.line.phrases) and (index, hit.phrase + 1) not in labelled:
        gap = line.phrase(hit.phrase + 1).left - line.phrase(hit.phrase).right
        if gap < 8 * line.line.height:
            s, e = line.phrase_span(hit.phrase + 1)
            name = name_in(line.text[s:e])
            if name is not None:
                at = line.text.find(name, s, e)
                add_name(parties, hit.path, name, line, at, HEADING_RIGHT, blocks, hit.phrase + 1)
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
            p += 1  # a form: "Name:   Beispiel Handel GmbH"
            s, e = below.phrase_span(p)
            value = below.text[s:e].lstrip(": ")
            s = e - len(value) if value else s
            if not value and p + 1 < len(below.line.phrases):
                p += 1  # "Name   :   Beispiel Handel GmbH"
                s, e = below.phrase_span(p)
        elif key.endswith(":") or colon:
            continue  # another key of the form ("Nummer:   549910")
        elif (pair := KEY_VALUE.match(key)) is not None:
            if not _NAME_KEY.match(pair.group(1)):
                continue  # "Globale Nummer: 4000000000017"
            s = e - len(pair.group(2))  # "Name: Beispiel Handel GmbH"
        name = name_in(below.text[s:e])
        if name is not None:
            at = below.text.find(name, s, e)
            add_name(parties, hit.path, name, below, at, HEADING_UNDER, blocks, p)
            return


def _delivery_blocks(layout: Layout, blocks: Blocks) -> set[int]:
    """The blocks headed "Ship to", "Lieferadresse", "Afleveradres"...: a deliver-to address,
    the heading's block and the block right under it in its column."""
    out: set[int] = set()
    lines = layout.lines
    for line in lines:
        for p, phrase in enumerate(line.phrases):
            if not _DELIVERY.match(phrase.text.strip()):
                continue
            out.add(blocks.of((line.index, p)).number)
            below = lines[line.index + 1] if line.index + 1 < len(lines) else None
            if below is None or below.page != line.page:
                continue
            if below.top - line.bottom > _UNDER_HEADING * line.height:
                continue
            for q, cell in enumerate(below.phrases):
                if (
                    cell.left < phrase.right + line.height
                    and cell.right > phrase.left - line.height
                ):
                    out.add(blocks.of((below.index, q)).number)
    return out


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
    elsewhere = parties.buyer_blocks | _delivery_blocks(layout, blocks)
    for line in layout.lines:
        text = texts[line.index]
        for p, phrase in enumerate(line.phrases):
            member = (line.index, p)
            if member in labelled or blocks.of(member).number in elsewhere:
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
                    if high and median(w.height for w in phrase.words) >= 1.2 * usual:
                        weight = LETTERHEAD_WITH_FORM  # two signs agree: large type, legal form
                    at = text.text.find(name, s, e)
                    add_name(parties, SELLER, name, text, at, weight, blocks, p)
                    continue
            name = name_in(_TRAILING_TITLE.sub("", raw))
            if name is None or line.page != 1:
                continue
            if first_name is None and high:  # a name lower down is no letterhead
                first_name = (name, text, p)
            height = median(w.height for w in phrase.words)
            if high and (biggest is None or height > biggest[0]):
                biggest = (height, name, text, p)
    _footer_name(layout, texts, blocks, labelled, parties, bottom_limit)
    if biggest is not None and biggest[0] >= 1.2 * usual:
        _, name, text, p = biggest
        add_name(parties, SELLER, name, text, text.text.find(name), LETTERHEAD, blocks, p)
    elif first_name is not None:
        name, text, p = first_name
        add_name(parties, SELLER, name, text, text.text.find(name), FIRST_NAME, blocks, p)


def _footer_name(
    layout: Layout,
    texts: dict[int, LineText],
    blocks: Blocks,
    labelled: set[PhraseId],
    parties: Parties,
    bottom_limit: float,
) -> None:
    """A footer that states the register details (share capital, register court, managing
    director) opens with the company's name."""
    footer = [line for line in layout.by_page[max(layout.by_page)] if line.top > bottom_limit]
    if not any(_REGISTER.search(texts[line.index].text) for line in footer):
        return
    for line in footer:
        text = texts[line.index]
        for p in range(len(line.phrases)):
            if (line.index, p) in labelled:
                continue
            s, e = text.phrase_span(p)
            name = name_in(text.text[s:e])
            if name is not None and not _REGISTER.search(name):
                at = text.text.find(name, s, e)
                add_name(parties, SELLER, name, text, at, FOOTER, blocks, p)
                return


def _company(text: str, form_end: int) -> str | None:
    """The company name ending with the legal form at `form_end`, cut from what precedes it."""
    head = text[:form_end]
    for separator in (" - ", " \u2013 ", " | ", ": ", " · ", " • ", ", "):
        _, cut, after = head.rpartition(separator)
        # "Acme Robotics, Inc.": a legal form after the comma is part of the name, not all of it
        if cut and not (separator == ", " and _only_legal_form(after)):
            head = after
    name = head.strip(" ,;")
    return name if sum(ch.isalpha() for ch in name) >= 3 else None


def _only_legal_form(text: str) -> bool:
    """Whether `text` is a legal form and nothing more ("Inc.", "GmbH & Co. KG")."""
    form = _LEGAL_FORM.search(text)
    rest = text[: form.start()] + text[form.end() :] if form else text
    return form is not None and sum(ch.isalpha() for ch in rest) < 2
