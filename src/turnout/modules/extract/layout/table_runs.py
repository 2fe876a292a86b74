"""Line items printed without a table header: a run of labelled amounts and the sum under it.

Letters and statements often list what is billed as "Privathaftpflicht ....... 50,00 €" lines
with no column labels, then a "Gesamtbeitrag 50,00 €" that adds them up. When no header is
found, the arithmetic decides: consecutive lines each with a label and one amount in the same
right-aligned column, directly followed by a line in that column whose amount is their sum, are
the items. A single line counts only when the sum line's label says it is a total.
"""

from __future__ import annotations

import re
from decimal import Decimal

from turnout.modules.extract.layout.amount_cells import Cell, has_cents, line_cells
from turnout.modules.extract.layout.page import Found, Layout, Line
from turnout.modules.extract.layout.totals_labels import (
    GROSS,
    LINE_NET,
    NET,
    SUBTOTAL_WORDS,
    classify,
)

RUN_CONFIDENCE = 0.7
_SUM_ROLES = frozenset({LINE_NET, NET, GROSS, SUBTOTAL_WORDS})
# how far apart (in points) the right edges of amounts in one column may be
_ALIGNED = 3.0
# text lines that may stand between two items of a run (a description's details)
_GAP_LINES = 6


def headerless_items(layout: Layout) -> list[tuple[Line, Cell]] | None:
    """The first run of labelled amounts followed by their sum, as (line, amount), or None."""
    lines = layout.lines
    for start, line in enumerate(lines):
        first = _item_cell(line)
        if first is None:
            continue
        run = [(line, first)]
        column = first.right
        idle = 0
        for later in lines[start + 1 :]:
            if later.page != line.page:
                break
            cell = _cell_at(later, column)
            if cell is None:
                idle += 1
                if idle > _GAP_LINES:
                    break
                continue
            idle = 0
            total = sum((c.value for _, c in run), Decimal(0))
            if cell.value == total and _is_sum(later, run):
                return run
            item = _item_cell(later)
            if item is None or item.words != cell.words:
                break
            run.append((later, cell))
    return None


def items_of(run: list[tuple[Line, Cell]]) -> list[dict[str, Found]]:
    """The values of a run's items: the label as the name, the amount as the net amount."""
    items: list[dict[str, Found]] = []
    for line, cell in run:
        label = [w for w in line.words if w not in cell.words and not _is_currency(w.text)]
        values = {"net_amount": Found(cell.raw, RUN_CONFIDENCE, cell.words)}
        if label:
            name = " ".join(w.text for w in label)
            values["name"] = Found(name, RUN_CONFIDENCE, tuple(label))
        items.append(values)
    return items


def _item_cell(line: Line) -> Cell | None:
    """The one amount with cents of a line that is a label and that amount, else None."""
    cells = [c for c in line_cells(line) if has_cents(c)]
    if len(cells) != 1:
        return None
    cell = cells[0]
    label = " ".join(w.text for w in line.words if w.right <= cell.left + 0.5)
    if sum(ch.isalpha() for ch in label) < 3:
        return None
    roles = classify(label)
    if roles and roles[0] != SUBTOTAL_WORDS and roles[0] in _SUM_ROLES | {"tax", "payable"}:
        return None
    return cell


def _cell_at(line: Line, right: float) -> Cell | None:
    """The amount with cents `line` prints right-aligned on `right`, if any."""
    for cell in line_cells(line):
        if has_cents(cell) and abs(cell.right - right) <= _ALIGNED:
            return cell
    return None


def _is_sum(line: Line, run: list[tuple[Line, Cell]]) -> bool:
    """A sum line: two items or more above it, or one under a label that says total."""
    label = " ".join(p.text for p in line.phrases if any(ch.isalpha() for ch in p.text))
    roles = classify(label)
    named = bool(roles) and roles[0] in _SUM_ROLES
    return named or (len(run) >= 2 and not roles)


def _is_currency(text: str) -> bool:
    return bool(re.fullmatch(r"\W*(?:€|\$|£|[A-Z]{3})\W*", text))
