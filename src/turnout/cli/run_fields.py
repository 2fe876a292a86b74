"""`turnout runs show`: the invoice's fields, each with how sure the reading was and where on the page
it was read (`p1 (0.062,0.104)-(0.310,0.121)`: page, then left, top, right, bottom as fractions of
the page), or `no box` for a value that has no place on a page (an e-invoice's)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rich.table import Column, Table
from rich.text import Text

from turnout.domain.page import Box

NO_BOX = "no box"


def field_rows(invoice: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(path, value, confidence, module, where) for every value the invoice holds, in its order.

    `invoice` is the JSON form of the canonical invoice (`Invoice.to_dict()`), provenance included.
    """
    provenance: Mapping[str, Any] = invoice.get("provenance") or {}
    rows = []
    for path, value in _leaves({k: v for k, v in invoice.items() if k != "provenance"}):
        source = provenance.get(path) or {}
        confidence = source.get("confidence")
        rows.append(
            (
                path,
                str(value),
                f"{confidence:.2f}" if isinstance(confidence, int | float) else "-",
                str(source.get("module") or "-"),
                where(source.get("boxes")),
            )
        )
    return rows


def where(boxes: Any) -> str:
    """The boxes a value was read from, as `str(Box)`, or `no box`."""
    if not boxes:
        return NO_BOX
    return " ".join(str(Box.from_dict(b)) for b in boxes)


def fields_table(invoice: Mapping[str, Any]) -> Table:
    """The invoice's fields as a table: value, confidence, module and where it was read."""
    table = Table(
        Column("field", no_wrap=True),
        Column("value", overflow="fold"),
        Column("confidence", justify="right", no_wrap=True),
        Column("read by", no_wrap=True),
        Column("where", no_wrap=True),
        title="invoice",
    )
    for row in field_rows(invoice):
        table.add_row(*(Text(cell) for cell in row))  # values are data, never markup
    return table


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Each set value under `value` with its provenance path (`seller.name`, `lines[0].name`)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{prefix}[{index}]")
    elif value is not None and value != "":
        yield prefix, value
