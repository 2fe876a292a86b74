"""Tables that fit the terminal: at 80 columns no column is squeezed to a letter a line.

Wide terminals get Rich's boxed tables. Below `NARROW` columns a table loses its vertical borders
(one space between columns, as `turnout runs` prints), identifiers and dates stay on one line, and
each table drops the columns it can spare (`narrow()` tells it when).
"""

from __future__ import annotations

from rich import box
from rich.table import Column, Table

from turnout.cli.common import console

NARROW = 100  # columns


def narrow(below: int = NARROW) -> bool:
    """The terminal (or COLUMNS) is narrower than `below` (NARROW unless a table needs more)."""
    return console.width < below


def fitted(*columns: str | Column, title: str | None = None, below: int = NARROW) -> Table:
    """A table for this terminal's width: boxed when wide, borderless below `below` columns (a
    table whose boxed form needs more than NARROW says so, with its own narrow layout)."""
    if not narrow(below):
        return Table(*columns, title=title)
    return Table(
        *columns,
        title=title,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=0,
    )


def folded(header: str) -> Column:
    """A column of text that wraps at spaces and folds a word longer than the column (a token,
    a path) rather than cutting it."""
    return Column(header, overflow="fold")


def one_line(header: str, **options: object) -> Column:
    """A column whose values are never wrapped (ids, versions, dates, module ids)."""
    return Column(header, no_wrap=True, **options)  # type: ignore[arg-type]
