"""The header of a line-item table and the columns it sets up, in six languages.

A header is a line (with its neighbours, for headers printed on two lines such as "Prix" over
"unitaire") whose cells are column labels of at least three kinds, or a description and an amount.
Each label becomes a column: its kind and its x-extent; a cell below belongs to the column whose
band (the space up to halfway to the next column) holds its centre.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from turnout.authoring import Word
from turnout.modules.extract.layout.amount_cells import line_cells
from turnout.modules.extract.layout.page import Layout, Line

POS, ID, NAME, QTY, UNIT, PRICE, AMOUNT, VAT = (
    "pos",
    "id",
    "name",
    "quantity",
    "unit",
    "net_price",
    "net_amount",
    "vat_rate",
)
DISCOUNT = "discount"
NUMERIC = frozenset({POS, QTY, PRICE, AMOUNT, VAT})

# one or two words of a header cell -> the column kind; tried in this order
_KINDS: tuple[tuple[str, str], ...] = (
    (
        AMOUNT,
        r"(?:gesamt|netto|brutto|zeilen|positions)?(?:betrag|wert|summe)?\s*"
        r"(?:gesamt|netto|net|total)(?:betrag|wert)?|nettobetrag|nettowert|gesamtpreis|"
        r"(?!steuer|mwst|ust|vat)[\w-]*betrag|[\w-]*summe|entgelt|amount|line\s*total|total|montant(?:\s*ht)?|prix\s*ht|total\s*ht|"
        r"price\s*w/o(?:\s*tax)?|importo|importe|bedrag|totaal|totale|subtotal|ext(?:ended)?\.?\s*price",
    ),
    (
        UNIT,
        r"mengeneinheit|einheit|unit|unité|unite|unità|unita|unidad|eenheid|me|vke(?:/geb)?|uom",
    ),
    (
        PRICE,
        r"einzelpreis|e-preis|ep|stückpreis|nettopreis|[\w-]*preis|unit\s*price|price|prix"
        r"(?:\s*unit(?:aire)?)?|p\.?\s*u\.?|prezzo(?:\s*unitario)?|precio(?:\s*unitario)?|prijs|"
        r"rate|einzel(?:/.*)?",
    ),
    (
        QTY,
        r"menge|anzahl|anz\.?|qty|quantity|quantité|quantite|qté|qte|quantità|quantita|"
        r"cantidad|aantal|stück|stk\.?|hours|stunden",
    ),
    (DISCOUNT, r"rem\.?|remise|rabatt|disc\.?|discount|sconto|descuento|korting"),
    (VAT, r"mwst|ust|vat|tax|tva|iva|btw|steuer(?:satz)?|%|(?:mwst|ust)\.?\s*-?\s*%|tax\s*%"),
    (
        ID,
        r"art(?:ikel)?[-.\s]*nr.*|artikelnummer|art\.?|item\s*(?:code|no|#)|code|réf\.?|ref\.?|"
        r"référence|reference|codice|sku|gtin|ean|product\s*code|part\s*(?:no|number)",
    ),
    (
        NAME,
        r"(?:artikel|leistungs|produkt|waren)?(?:bezeichnung|beschreibung)|leistung|description|désignation|"
        r"designation|descrizione|descripción|descripcion|omschrijving|artikel|product|produkt|"
        r"item|libellé|libelle|text|dienstleistung|servizio|concepto",
    ),
    (POS, r"pos\.?|position|nr\.?|no\.?|n°|#|lfd\.?\s*nr\.?|line"),
)
_SUFFIX = r"(?:\s*[/(\[]?\s*(?:in\s*)?(?:€|eur|chf|usd|gbp|%|\$|£)\s*[)\]]?)?"
_COMPILED = tuple(
    (kind, re.compile(rf"(?:{p})[:.]?{_SUFFIX}", re.IGNORECASE)) for kind, p in _KINDS
)


@dataclass(frozen=True)
class Column:
    """A column of the table: its kind (None when its label is none we know) and x-extent.

    `below` is the kind a second header line names under it, in a header stacked as its rows
    are ("Art-Nr-Lieferant" over "Artikelbezeichnung"): a row's first line prints the column's
    kind there, its next lines the kind below (so far only a description is stacked so)."""

    kind: str | None
    label: str
    left: float
    right: float
    below: str | None = None


@dataclass(frozen=True)
class Header:
    """The header lines of a table and its columns, left to right."""

    lines: tuple[Line, ...]
    columns: tuple[Column, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(c.kind for c in self.columns if c.kind)

    def band(self, left: float, right: float) -> Column:
        """The column whose band holds the centre of a cell from `left` to `right`."""
        centre = (left + right) / 2
        columns = self.columns
        for i, col in enumerate(columns):
            edge = (col.right + columns[i + 1].left) / 2 if i + 1 < len(columns) else 1e9
            if centre < edge:
                return col
        return columns[-1]


def kind_of(text: str) -> str | None:
    """The column kind a header cell's text names, or None."""
    cleaned = text.strip().strip(":()[]/-")
    for kind, pattern in _COMPILED:
        if pattern.fullmatch(cleaned):
            return kind
    return None


def find_header(layout: Layout, lines: Sequence[Line]) -> Header | None:
    """The first table header among `lines`, with the label lines printed just above or below."""
    for line in lines:
        header = header_of(layout, line)
        if header is not None:
            return header
    return None


def header_of(layout: Layout, line: Line) -> Header | None:
    """The header `line` starts, or None when it is no table header."""
    if _prints_amounts(line):
        return None
    columns = _columns(line)
    if len({c.kind for c in columns if c.kind}) < 2:
        return None
    lines = [line]
    page = layout.by_page.get(line.page, ())
    near = [x for x in page if 0 < abs(x.index - line.index) <= 2]
    for other in near:
        gap = other.top - line.bottom if other.index > line.index else line.top - other.bottom
        if gap > 0.8 * line.height or _prints_amounts(other) or _too_wordy(other):
            continue
        if other.index > line.index + 1 and line.index + 1 not in {x.index for x in lines}:
            continue
        lines.append(other)
        columns = _merge(columns, other, above=other.index < line.index)
    kinds = {c.kind for c in columns if c.kind}
    # labels of three kinds, or a description and an amount; a price or an amount among them
    if not (len(kinds) >= 3 or (NAME in kinds and AMOUNT in kinds)):
        return None
    if not kinds & {AMOUNT, PRICE}:
        return None
    lines.sort(key=lambda x: x.index)
    return Header(tuple(lines), tuple(sorted(columns, key=lambda c: c.left)))


def _columns(line: Line) -> list[Column]:
    """A header line's cells as columns; a cell naming two labels ("MwSt-% Nettowert") splits."""
    columns: list[Column] = []
    for phrase in line.phrases:
        words = _unglued(phrase.words)
        whole = kind_of(phrase.text)
        if whole is not None or len(words) == 1:
            columns.append(Column(whole, phrase.text, phrase.left, phrase.right))
            continue
        i = 0
        start = 0
        pieces: list[Column] = []
        while i < len(words):
            matched = 0
            for size in (3, 2, 1):
                text = " ".join(w.text for w in words[i : i + size])
                if i + size <= len(words) and kind_of(text):
                    matched = size
                    break
            if matched:
                chunk = words[i : i + matched]
                pieces.append(
                    Column(
                        kind_of(" ".join(w.text for w in chunk)),
                        " ".join(w.text for w in chunk),
                        chunk[0].left,
                        max(w.right for w in chunk),
                    )
                )
                i += matched
            else:
                if pieces and i > start:
                    last = pieces[-1]
                    label = f"{last.label} {words[i].text}"
                    pieces[-1] = Column(
                        last.kind, label, last.left, max(last.right, words[i].right)
                    )
                else:
                    pieces.append(Column(None, words[i].text, words[i].left, words[i].right))
                i += 1
        if len([p for p in pieces if p.kind]) >= 2:
            columns.extend(pieces)
        else:
            columns.append(Column(None, phrase.text, phrase.left, phrase.right))
    return columns


def _unglued(words: Sequence[Word]) -> tuple[Word, ...]:
    """Words with labels OCR wrote without their space ("EntgeltUSt.") cut where a lower-case
    letter meets an upper-case one, each piece given its share of the word's width."""
    out: list[Word] = []
    for w in words:
        pieces = re.split(r"(?<=[a-zäöüß]{3})(?=[A-ZÄÖÜ])", w.text)
        if len(pieces) == 1:
            out.append(w)
            continue
        step = w.width / max(len(w.text), 1)
        x = w.left
        for piece in pieces:
            right = x + step * len(piece)
            out.append(Word(piece, w.page, x, w.top, right, w.bottom, w.score))
            x = right
    return tuple(out)


def _merge(columns: list[Column], other: Line, *, above: bool) -> list[Column]:
    """Header words of a neighbouring line: joined to the column they stand over ("Prix" over
    "unitaire", "Meng.-" over "einheit"), or new columns where they stand over none."""
    merged = list(columns)
    for phrase in other.phrases:
        spans = [c for c in merged if c.left <= phrase.right and c.right >= phrase.left]
        pieces = (
            [(w.text, w.left, w.right) for w in phrase.words]
            if len(spans) > 1
            else [(phrase.text, phrase.left, phrase.right)]
        )
        for text, left, right in pieces:
            over = [i for i, c in enumerate(merged) if c.left <= right and c.right >= left]
            if not over:
                merged.append(Column(kind_of(text), text, left, right))
                continue
            i = over[0]
            c = merged[i]
            upper, lower = (text, c.label) if above else (c.label, text)
            label = f"{upper} {lower}"
            kind = kind_of(label) or _specific(kind_of(upper)) or c.kind or kind_of(lower)
            below = c.below
            if not above and kind != NAME and kind_of(text) == NAME:
                below = NAME  # a description stacked under another column's label
            merged[i] = Column(kind, label, min(c.left, left), max(c.right, right), below)
    return [
        c if c.kind else Column(kind_of(c.label), c.label, c.left, c.right, c.below) for c in merged
    ]


def _specific(kind: str | None) -> str | None:
    """A kind that, printed above another label, names the column (Preis / Einheit is a price)."""
    return kind if kind in (QTY, PRICE, AMOUNT) else None


def _prints_amounts(line: Line) -> bool:
    """Whether `line` prints an amount; a stray digit (vertical margin text) is none."""
    return any(
        len([ch for ch in c.raw if ch.isdigit()]) > 2 or not c.raw.isdigit()
        for c in line_cells(line)
    )


def _too_wordy(line: Line) -> bool:
    """A line of running text (a sentence), not header cells."""
    return any(len(p.words) > 4 for p in line.phrases)
