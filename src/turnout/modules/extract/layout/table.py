"""The line-item table: its header, its columns, and one item per amount in the net column.

The reader finds the header by its column labels (`table_columns`), then walks down the lines
below it, page after page, until the totals area (a line with a totals label and no quantity), a
header of another table, or a wide gap. Every amount printed in the net-amount column starts an
item; lines holding other cells of the table (a position, a quantity, a price) join the item whose
amount is nearest, and lines of text only (a wrapped description) join the item above them. Each
item's quantity x unit price is checked against its net amount (allowing prices per 10, 100 or
1000 units); an item where it does not hold is kept, less sure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from turnout.authoring import Word
from turnout.modules.extract.layout.amount_cells import (
    CENT,
    Cell,
    has_cents,
    percents,
    phrase_cells,
    written_like,
)
from turnout.modules.extract.layout.amount_glue import glued
from turnout.modules.extract.layout.page import Found, Layout, Line, Phrase
from turnout.modules.extract.layout.table_columns import (
    AMOUNT,
    DISCOUNT,
    NAME,
    POS,
    PRICE,
    QTY,
    UNIT,
    VAT,
    Column,
    Header,
    find_header,
)
from turnout.modules.extract.layout.table_rows import (
    is_carried_over,
    is_page_footer,
    table_lines,
)
from turnout.modules.extract.layout.table_runs import headerless_items, items_of

CHECKED, UNCHECKED, MISMATCH = 0.9, 0.75, 0.6
PLACE = 0.7  # a line's identifier when the table prints none: its place in the table
_DISCOUNT = re.compile(
    r"abzgl|abzüglich|rabatt|nachlass|discount|remise|sconto|descuento|korting|\bless\b",
    re.IGNORECASE,
)
_ONE_DECIMAL = re.compile(r"\d[.,]\d(?!\d)")
_CURRENCY = re.compile(r"\W*(?:[A-Z]{3}|euro?s?)\W*", re.IGNORECASE)
_BASES = (Decimal(1), Decimal(10), Decimal(100), Decimal(1000))


@dataclass(frozen=True)
class LineItem:
    """One invoice line: its cells as written (keys among id, name, quantity, unit, net_price,
    net_amount, vat_rate) and every word of the row, wrapped description lines included."""

    values: dict[str, Found]
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Table:
    """The line items of a document, the header they were read under, and the lines they span."""

    items: tuple[LineItem, ...]
    header: Line | None
    first_line: int  # Line.index of the header (or of the first row)
    last_line: int  # Line.index of the table's last row


def read_line_items(layout: Layout) -> Table | None:
    """The line-item table of the document, or None when no table header is printed."""
    layout = glued(layout)
    header = find_header(layout, layout.lines)
    if header is None:
        run = headerless_items(layout)
        if run is None:
            return None
        found = tuple(
            LineItem(values, line.words)
            for values, (line, _) in zip(items_of(run), run, strict=True)
        )
        return Table(_numbered(found), None, run[0][0].index, run[-1][0].index)
    header = _with_quantity(header)
    net = _net_column(header)
    region = table_lines(layout, header, net)
    anchors: list[tuple[Line, Cell]] = []
    discounts: dict[int, list[Cell]] = {}
    for line in region:
        cell = _net_cell(header, net, line)
        if cell is None:
            continue
        if anchors and anchors[-1][0].page == line.page and _item_discount(header, line):
            discounts.setdefault(len(anchors) - 1, []).append(cell)
        else:
            anchors.append((line, cell))
    if not anchors:
        return Table((), header.lines[0], header.lines[0].index, header.lines[-1].index)
    rows = _rows(header, region, anchors)
    items = tuple(
        _item(header, net, lines, cell, discounts.get(i, ()))
        for i, ((_, cell), lines) in enumerate(zip(anchors, rows, strict=True))
    )
    last = max(line.index for lines in rows for line in lines)
    return Table(_numbered(items), header.lines[0], header.lines[0].index, last)


def _numbered(items: tuple[LineItem, ...]) -> tuple[LineItem, ...]:
    """Lines of a table that prints no position identified by their place in it (1, 2, ...):
    EN 16931 wants an identifier on every line (BT-126, BR-21), and the place is what a clerk
    calls a line by. A table that prints positions keeps them, and its lines without one (a
    position not read) stay without: a place could repeat a printed number."""
    if any("id" in item.values for item in items):
        return items
    return tuple(
        LineItem({**item.values, "id": Found(str(n), PLACE, item.words[:1])}, item.words)
        for n, item in enumerate(items, start=1)
    )


def _with_quantity(header: Header) -> Header:
    """A table with no quantity column but an "Amount" column before the description: that
    column counts (English "Amount" is a quantity there), the last amount column is the net."""
    if QTY in header.kinds or NAME not in header.kinds:
        return header
    name = next(c for c in header.columns if c.kind == NAME)
    columns = tuple(
        Column(QTY, c.label, c.left, c.right) if c.kind == AMOUNT and c.right <= name.left else c
        for c in header.columns
    )
    return Header(header.lines, columns)


def _net_column(header: Header) -> Column:
    """The column of the line net amounts: an amount column, the one saying "net" first, else
    the rightmost; a table without one takes its rightmost column."""
    amounts = [c for c in header.columns if c.kind == AMOUNT]
    if not amounts:
        return header.columns[-1]
    netted = [c for c in amounts if _says_net(c.label)]
    return (netted or amounts)[-1]


def _says_net(label: str) -> bool:
    lowered = label.lower()
    return any(w in lowered for w in ("netto", "net", " ht", "w/o", "excl", "imponibile"))


def _net_cell(header: Header, net: Column, line: Line) -> Cell | None:
    """The amount `line` prints in the net column, if any."""
    if is_carried_over(line) or is_page_footer(line):
        return None
    found: Cell | None = None
    for phrase in line.phrases:
        if header.band(phrase.left, phrase.right) is net:
            # money has 0, 2 or 3 decimals: "7,0" is a rate standing over to the net column
            cells = [c for c in phrase_cells(phrase, line) if not _ONE_DECIMAL.search(c.raw)]
            if cells and not _worded(phrase, cells):
                # "12,00 19" (a rate run into the amount): the last amount with cents
                cents = [c for c in cells if has_cents(c)]
                found = (cents or cells)[-1]
    return found


def _worded(phrase: Phrase, cells: Sequence[Cell]) -> bool:
    """A cell that says more than an amount ("-1,500 € Rabatt:"): a remark, not a net amount."""
    amount_words = {id(w) for c in cells for w in c.words}
    rest = [w.text for w in phrase.words if id(w) not in amount_words]
    return any(sum(ch.isalpha() for ch in t) >= 3 and not _CURRENCY.fullmatch(t) for t in rest)


def _rows(
    header: Header, region: Sequence[Line], anchors: Sequence[tuple[Line, Cell]]
) -> list[list[Line]]:
    """The lines of each item: its amount's line, the table lines nearest to it, and the text
    lines that wrap under them."""
    rows: list[list[Line]] = [[line] for line, _ in anchors]
    owner: dict[int, int] = {line.index: i for i, (line, _) in enumerate(anchors)}
    for line in region:
        if line.index in owner or not _has_cells(header, line):
            continue
        same_page = [i for i, (a, _) in enumerate(anchors) if a.page == line.page]
        if not same_page:
            continue
        nearest = min(same_page, key=lambda i: (abs(anchors[i][0].top - line.top), -i))
        owner[line.index] = nearest
    previous: Line | None = None
    for line in region:
        if (
            line.index not in owner
            and previous is not None
            and previous.index in owner
            and line.page == previous.page
            and line.top - previous.bottom <= 1.5 * line.height
        ):
            owner[line.index] = owner[previous.index]
        previous = line
    for line in region:
        i = owner.get(line.index)
        if i is not None and line is not anchors[i][0]:
            rows[i].append(line)
    for lines in rows:
        lines.sort(key=lambda x: x.index)
    return rows


def _has_cells(header: Header, line: Line) -> bool:
    """Whether `line` prints a cell of a numeric column (a position, quantity, price, rate)."""
    for phrase in line.phrases:
        kind = header.band(phrase.left, phrase.right).kind
        if kind in (POS, QTY, PRICE, VAT) and phrase_cells(phrase, line):
            return True
    return False


def _item_discount(header: Header, line: Line) -> bool:
    """A line taking a discount off the item above it ("abzgl. 16,7% Rabatt   -2,00")."""
    return bool(_DISCOUNT.search(line.text)) and not _has_cells(header, line)


def _item(
    header: Header,
    net: Column,
    lines: Sequence[Line],
    amount: Cell,
    discounts: Sequence[Cell] = (),
) -> LineItem:
    """One item from its lines: the cells under each column, checked quantity x price = net;
    the discounts printed under it are taken off its net amount."""
    by_kind: dict[str, list[tuple[Phrase, Line]]] = {}
    # under a stacked header, the line after the row's first prints the kinds below
    stacked = next((line for line in lines if line.index > amount.line.index), None)
    for line in lines:
        for phrase in line.phrases:
            column = header.band(phrase.left, phrase.right)
            if column is not net:  # text outside any known column is the description
                kind = NAME if column.kind is None else column.kind
                if column.below is not None and line is stacked:
                    kind = column.below
                by_kind.setdefault(kind, []).append((phrase, line))
    values: dict[str, Found] = {}
    quantity = _nearest_cell(by_kind.get(QTY, []), amount.line)
    price = _nearest_cell(by_kind.get(PRICE, []), amount.line, plain=True)
    confidence = _checked(quantity, price, amount, _percent(by_kind.get(DISCOUNT, [])))
    if discounts:
        value = amount.value - sum((abs(d.value) for d in discounts), Decimal(0))
        words = amount.words + tuple(w for d in discounts for w in d.words)
        values["net_amount"] = Found(written_like(value, amount.raw), UNCHECKED, words)
    else:
        values["net_amount"] = Found(amount.raw, confidence, amount.words)
    if quantity is not None:
        values["quantity"] = Found(quantity.raw, confidence, quantity.words)
        unit = _unit_words(by_kind.get(QTY, []), quantity) or _text_words(by_kind.get(UNIT, []))
        if unit:
            values["unit"] = Found(" ".join(w.text for w in unit), 0.7, unit)
    if price is not None:
        values["net_price"] = Found(price.raw, confidence, price.words)
    position = _first_cell(by_kind.get(POS, []))
    if position is not None and position.value == position.value.to_integral_value():
        values["id"] = Found(position.raw, 0.8, position.words)
    name = _text_words(by_kind.get(NAME, []))
    if name:
        values["name"] = Found(" ".join(w.text for w in name), 0.7, name)
    rate = _rate(by_kind.get(VAT, []))
    if rate is not None:
        values["vat_rate"] = rate
    words = tuple(w for line in lines for w in line.words)
    return LineItem(values, words)


def _nearest_cell(
    cells: Sequence[tuple[Phrase, Line]], anchor: Line, *, plain: bool = False
) -> Cell | None:
    """The first amount of the column on the line nearest to the item's amount (its own line
    first); `plain`: only from cells that are nothing but an amount ("Rabatt: -0,02 €" is not)."""
    ordered = sorted(cells, key=lambda pl: (abs(pl[1].top - anchor.top), pl[1].index))
    for phrase, line in ordered:
        found = phrase_cells(phrase, line)
        if found and not (plain and _worded(phrase, found)):
            return found[0]
    return None


def _percent(cells: Sequence[tuple[Phrase, Line]]) -> Decimal | None:
    """A discount printed as a percentage in the item's discount column ("10%")."""
    for phrase, line in cells:
        for value, _ in percents(Line(line.page, line.index, phrase.words, (phrase,))):
            return value
    return None


def _first_cell(cells: Sequence[tuple[Phrase, Line]]) -> Cell | None:
    for phrase, line in cells:
        found = phrase_cells(phrase, line)
        if found:
            return found[0]
    return None


def _checked(
    quantity: Cell | None, price: Cell | None, amount: Cell, discount: Decimal | None = None
) -> float:
    """How sure the net amount is: quantity x price (per 1, 10, 100 or 1000, less the row's
    discount percentage) = net, to the cent."""
    if quantity is None or price is None:
        return UNCHECKED
    kept = 1 - (discount or 0) / Decimal(100)
    for base in _BASES:
        product = quantity.value * price.value / base
        for share in {Decimal(1), kept}:
            if abs(abs(product * share) - abs(amount.value)) <= CENT:
                return CHECKED
    return MISMATCH


def _unit_words(cells: Sequence[tuple[Phrase, Line]], quantity: Cell) -> tuple[Word, ...]:
    """The words printed with the quantity that are not the number: `Stück` in `1 Stück`."""
    for phrase, _ in cells:
        if quantity.words[0] in phrase.words:
            return tuple(w for w in phrase.words if w not in quantity.words)
    return ()


def _text_words(cells: Sequence[tuple[Phrase, Line]]) -> tuple[Word, ...]:
    words: list[Word] = []
    for phrase, _ in cells:
        if any(ch.isalpha() for ch in phrase.text):
            words.extend(phrase.words)
    return tuple(words)


def _rate(cells: Sequence[tuple[Phrase, Line]]) -> Found | None:
    for phrase, _ in cells:
        text = phrase.text.split("%")[0].strip()
        number = text.split()[-1] if text.split() else ""
        if number and number.replace(",", "").replace(".", "").isdigit():
            return Found(number, 0.8, phrase.words)
    return None
