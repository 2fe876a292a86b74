"""Where a line-item table's rows are: from under its header to the totals area, across pages.

The walk stops at the first line that reads like the totals area (a totals label and no quantity
or price beside it), at the header of another table, or after a wide empty gap followed by a line
that prints nothing in the net column. A table continues on the next page, under its repeated
header when there is one. Page footers ("Seite 2 von 3") and carried-over lines ("Übertrag") are
not rows.
"""

from __future__ import annotations

import re

from turnout.modules.extract.layout.amount_cells import line_cells, phrase_cells
from turnout.modules.extract.layout.page import Layout, Line
from turnout.modules.extract.layout.table_columns import (
    AMOUNT,
    ID,
    NAME,
    POS,
    PRICE,
    QTY,
    Column,
    Header,
    header_of,
    kind_of,
)
from turnout.modules.extract.layout.totals_labels import (
    GROSS,
    LINE_NET,
    NET,
    PAYABLE,
    PREPAID,
    SUBTOTAL_WORDS,
    TAX,
    classify,
)
from turnout.modules.normalize.money import parse_currency

_STOP_ROLES = frozenset({NET, GROSS, PAYABLE, TAX, LINE_NET, PREPAID, SUBTOTAL_WORDS})
_FOOTER = re.compile(
    r"\b(?:seite|page|pagina|página|blatt|pag\.?)\s*\d+\s*(?:(?:von|of|/|de|di|sur|van)\s*\d+)?\b",
    re.IGNORECASE,
)
_CARRIED = re.compile(
    r"[üu]bertrag|uebertrag|carried\s*(?:forward|over)|brought\s*forward|report\s*[àa]|"
    r"[àa]\s*reporter|riporto|suma\s*y\s*sigue|transport\s*(?:van|naar)",
    re.IGNORECASE,
)
_TOTAL_WORD = re.compile(
    r"total|summe|gesamtbetrag|rechnungsbetrag|zahlbetrag|totale|totaal|montant\s*(?:ht|ttc)|"
    r"nettobetrag|netto(?!preis)|brutto(?!preis)|zwischensumme|imponibile|base\s*imponible",
    re.IGNORECASE,
)
_SUBTOTAL = re.compile(
    r"sub\s*-?\s*total|zwischensumme|sous\s*-?\s*total|subtotale|subtotaal", re.IGNORECASE
)
_CARRIED_ALONE = re.compile(
    r"^\W*(?:transport|report|vortrag|saldovortrag|a\s*riportare|suma\s*anterior)\W*$",
    re.IGNORECASE,
)
# a page's last lines, below this share of its height, are its footer
_FOOTER_ZONE = 0.94
# an empty gap this many line heights tall ends the table (unless a net amount follows soon)
_GAP = 5.0
# ... and how many lines below such a gap are searched for one
_AHEAD = 4


def table_lines(layout: Layout, header: Header, net: Column) -> list[Line]:
    """The lines of the table's rows, in reading order, up to the totals area."""
    region: list[Line] = []
    last = header.lines[-1]
    skip_to = last.index
    page = last.page
    previous = last
    at = next(i for i, x in enumerate(layout.lines) if x.index == last.index)
    following = layout.lines[at + 1 :]  # by position: a layout may hold some lines only
    unconfirmed = False  # on a new page without the header again, until an item row shows
    for n, line in enumerate(following):
        if line.page != page:
            page = line.page
            repeated = _repeated_header(layout, header, line.page)
            if repeated is not None:
                skip_to = repeated.lines[-1].index
            unconfirmed = repeated is None
            previous = line
        if line.index <= skip_to:
            continue
        if is_page_footer(line) or is_carried_over(line) or _in_footer_zone(layout, line):
            continue
        if _ends_table(layout, header, line):
            later = following[n + 1 : n + 1 + _AHEAD]
            if _SUBTOTAL.search(line.text) and any(
                _has_quantity(header, x) and _prints_in(header, net, x) for x in later
            ):
                continue  # a group's subtotal, with more items under it: not a row, not the end
            break
        if unconfirmed and _prints_in(header, net, line):
            if not _has_item_cells(header, line):
                break  # the next page goes on with something else (a VAT table, totals)
            unconfirmed = False
        gap = line.top - previous.bottom if line.page == previous.page else 0.0
        ahead = [x for x in following[n : n + _AHEAD] if x.page == line.page]
        if gap > _GAP * line.height and not any(_prints_in(header, net, x) for x in ahead):
            rest = [x for x in following[n:] if x.page == line.page]
            if any(_prints_in(header, net, x) for x in rest):
                break
            skip_to = rest[-1].index  # the page's foot; the table may go on over the page
            continue
        region.append(line)
        previous = line
    return region


def is_page_footer(line: Line) -> bool:
    """A page number line: "Seite 2 von 3", "Page 1/2"."""
    return bool(_FOOTER.search(line.text)) and len(line.text) < 60


def is_carried_over(line: Line) -> bool:
    """A line carrying the sum over to the next page: "Übertrag", "Carried forward"."""
    if _CARRIED.search(line.text):
        return True
    # words that also name goods or services ("Transport") only when they stand alone by a sum
    texts = [p.text for p in line.phrases if _wordy(p.text)]
    return len(line.phrases) <= 2 and len(texts) == 1 and bool(_CARRIED_ALONE.match(texts[0]))


def _in_footer_zone(layout: Layout, line: Line) -> bool:
    return line.top > _FOOTER_ZONE * layout.page_height(line.page)


def _repeated_header(layout: Layout, header: Header, page: int) -> Header | None:
    """The table's header printed again in the top half of `page`, if it is."""
    lines = layout.by_page.get(page, ())
    half = layout.page_height(page) / 2
    for line in lines:
        if line.top > half:
            break
        again = header_of(layout, line)
        if again is not None and same_table(header, again):
            return again
    return None


def same_table(header: Header, other: Header) -> bool:
    """Whether `other` repeats `header` (on a new page): nearly the same kinds of columns."""
    shared = len(header.kinds & other.kinds)
    return shared >= max(2, len(header.kinds) - 2) and shared >= len(other.kinds) - 2


def _ends_table(layout: Layout, header: Header, line: Line) -> bool:
    """A line of the totals area, or the header of another table."""
    cells = line_cells(line)
    if not cells:
        other = header_of(layout, line)
        if other is not None:
            return not same_table(header, other)
        return _header_like(line)
    first_text = next((p.text for p in line.phrases if _wordy(p.text)), "")
    roles = classify(first_text) if first_text else ()
    if not roles or roles[0] not in _STOP_ROLES or _has_item_cells(header, line):
        return False
    # the amount stands in a column of its own ("Summe netto   1.420,00"), or the label is a
    # total's ("Net total: 496.00"), not a remark inside a row ("Bruttopreis : 4,00")
    in_column = any(
        header.band(p.left, p.right).kind not in (None, NAME, ID) and phrase_cells(p, line)
        for p in line.phrases
        if not _wordy(p.text)
    )
    return in_column or bool(_TOTAL_WORD.search(first_text))


def _has_item_cells(header: Header, line: Line) -> bool:
    """Whether the line prints a quantity or price (or two amounts in columns): an item row."""
    kinds = set()
    for phrase in line.phrases:
        if phrase_cells(phrase, line) and not _wordy(phrase.text):
            kinds.add(header.band(phrase.left, phrase.right).kind)
    return bool(kinds & {QTY, PRICE}) or (POS in kinds and AMOUNT in kinds)


def _header_like(line: Line) -> bool:
    """Three or more short text cells and no number, two of them labels of columns or of
    totals: the header of another table (a VAT breakdown), not a footer's three columns."""
    phrases = line.phrases
    short = len(phrases) >= 3 and all(
        len(p.words) <= 5 and _wordy(p.text) and not any(ch.isdigit() for ch in p.text)
        for p in phrases
    )
    return short and sum(bool(kind_of(p.text) or classify(p.text)) for p in phrases) >= 2


def _has_quantity(header: Header, line: Line) -> bool:
    return any(
        header.band(p.left, p.right).kind == QTY and phrase_cells(p, line) for p in line.phrases
    )


def _prints_in(header: Header, column: Column, line: Line) -> bool:
    return any(
        header.band(p.left, p.right) is column and phrase_cells(p, line) for p in line.phrases
    )


def _wordy(text: str) -> bool:
    """Text with a word in it (three letters or more), not stray letters or numbers."""
    return any(
        sum(ch.isalpha() for ch in word) >= 3 and parse_currency(re.sub(r"\W", "", word)) is None
        for word in text.split()
    )
