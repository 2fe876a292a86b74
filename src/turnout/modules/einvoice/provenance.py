"""Record where every field of an invoice came from: one `FieldSource` per value that is set.

Keys are the dotted JSON paths of PRODUCT.md section 3; list items carry their index
(`totals.payable`, `seller.vat_id`, `lines[0].net_amount`, `vat_breakdown[1].rate`).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from turnout.domain.invoice import FieldSource, Invoice


def stamp_provenance(invoice: Invoice, source: FieldSource) -> None:
    """Set `source` as the provenance of every field of `invoice` that holds a value."""
    for path in set_paths(invoice):
        invoice.provenance[path] = source


def set_paths(value: Any, prefix: str = "") -> list[str]:
    """The dotted paths of every non-empty leaf under a dataclass value (provenance excluded)."""
    paths: list[str] = []
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            if f.name == "provenance":
                continue
            child = getattr(value, f.name)
            paths.extend(set_paths(child, f"{prefix}.{f.name}" if prefix else f.name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths.extend(set_paths(item, f"{prefix}[{index}]"))
    elif value is not None:
        paths.append(prefix)
    return paths
