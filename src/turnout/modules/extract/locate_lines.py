"""Line items' boxes: where each line a template read is printed, when it can be placed surely."""

from __future__ import annotations

from turnout.authoring import Box, Word, boxes_of
from turnout.modules.extract.locate_values import Kind, Locator

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
    line stays without boxes (an amount alone is printed too often to be sure). For a line
    without a description, its quantity or price must be on the amount's line. Returns () when
    no line is placed.
    """
    out: list[tuple[Box, ...]] = []
    cursor = -1
    for row in lines:
        placed = _place_line(locator, row, cursor)
        if placed is None:
            out.append(())
            continue
        cursor, words = placed
        out.append(boxes_of(words, locator.page_sizes))
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
