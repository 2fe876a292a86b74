"""Record where every field of an invoice came from: one `FieldSource` per value that is set.

Keys are the dotted JSON paths of the canonical invoice (`turnout.domain.invoice`, the
whole EN 16931 model); list items carry their index (`totals.payable`, `seller.address.city`,
`lines[0].allowances[1].amount`, `vat_breakdown[1].exemption_code`).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from turnout.authoring import FieldSource, Invoice


def stamp_provenance(invoice: Invoice, source: FieldSource) -> None:
    """Set `source` as the provenance of every field of `invoice` that holds a value."""
    for path in set_paths(invoice):
        invoice.provenance[path] = source


def set_paths(value: Any, prefix: str = "") -> list[str]:
    """The dotted paths of every non-empty leaf under a dataclass value (provenance excluded)."""
    paths: list[str] = []
    _collect(value, prefix, paths)
    return paths


def _collect(value: Any, prefix: str, paths: list[str]) -> None:
    if value is None:
        return
    names = _field_names(type(value))
    if names is not None:
        for name in names:
            _collect(getattr(value, name), f"{prefix}.{name}" if prefix else name, paths)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect(item, f"{prefix}[{index}]", paths)
    else:
        paths.append(prefix)


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names but `provenance` (looked up once a class); None for others."""
    try:
        return _FIELD_NAMES[kind]
    except KeyError:
        names = None
        if is_dataclass(kind):
            names = tuple(f.name for f in fields(kind) if f.name != "provenance")
        _FIELD_NAMES[kind] = names
        return names
