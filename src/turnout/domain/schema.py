"""Checks of artifact values against their schema, each problem naming the path of the bad value.

An artifact's `problems()` calls these with a list to append to and the dotted path of the value
(`findings.items[2]`, `invoice.totals.payable`); a problem reads
`invoice.totals.payable: expected Decimal, got float 12.5`.

They run on every module return, on the hot path, so they are direct `isinstance` tests over
field names listed once, and the path string of a value is built only when it is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Any

Problems = list[str]

_SHORT = 40  # characters of a bad value's repr shown in a problem


def describe(value: object) -> str:
    """`float 12.5`, `str 'oops'`: the type of a bad value and the start of its repr."""
    text = repr(value)
    if len(text) > _SHORT:
        text = text[: _SHORT - 3] + "..."
    return f"{type(value).__name__} {text}"


def with_article(name: str) -> str:
    """`a Party`, `an Invoice`: the name with its article, for `expected ...`."""
    return f"an {name}" if name[:1] in "AEIOUaeiou" else f"a {name}"


def wrong(found: Problems, path: str, expected: str, value: object) -> None:
    """Append `path: expected <expected>, got <value described>`."""
    found.append(f"{path}: expected {expected}, got {describe(value)}")


def is_number(value: object) -> bool:
    """An int or float (not a bool, which is an int to Python but never a measure)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_instance(found: Problems, path: str, value: object, kind: type, expected: str) -> bool:
    """Whether `value` is a `kind`; if not, a problem saying `expected <expected>`."""
    if isinstance(value, kind):
        return True
    wrong(found, path, expected, value)
    return False


def check_optional(found: Problems, prefix: str, obj: object, names: Iterable[str]) -> None:
    """Each attribute `names` of `obj` is a str or None."""
    for name in names:
        value = getattr(obj, name)
        if value is not None and not isinstance(value, str):
            wrong(found, f"{prefix}.{name}", "str", value)


def check_strings(found: Problems, prefix: str, obj: object, names: Iterable[str]) -> None:
    """Each attribute `names` of `obj` is a str."""
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, str):
            wrong(found, f"{prefix}.{name}", "str", value)


def check_decimals(found: Problems, prefix: str, obj: object, names: Iterable[str]) -> None:
    """Each attribute `names` of `obj` is a finite Decimal or None (NaN breaks every comparison)."""
    for name in names:
        value = getattr(obj, name)
        if value is None:
            continue
        if not isinstance(value, Decimal):
            wrong(found, f"{prefix}.{name}", "Decimal", value)
        elif not value.is_finite():
            wrong(found, f"{prefix}.{name}", "a finite Decimal", value)


def check_date(found: Problems, path: str, value: object) -> None:
    """`value` is a date or None (a datetime is not a date here: it renders with a time)."""
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        wrong(found, path, "date", value)


def check_enum(found: Problems, path: str, value: object, kind: type[Enum]) -> None:
    """`value` is a member of `kind` (a plain string equal to one is not: `is` checks miss it)."""
    if not isinstance(value, kind):
        members = "/".join(str(m.value) for m in kind)
        wrong(found, path, f"{with_article(kind.__name__)} ({members})", value)


def check_confidence(found: Problems, path: str, value: object) -> None:
    """`value` is a number in 0..1."""
    if not is_number(value):
        wrong(found, path, "a number in 0..1", value)
    elif not 0.0 <= value <= 1.0:  # type: ignore[operator]
        found.append(f"{path}: expected a number in 0..1, got {value!r}")


def check_sequence(found: Problems, path: str, value: object) -> bool:
    """Whether `value` is a tuple or list; if not, a problem."""
    if isinstance(value, tuple | list):
        return True
    wrong(found, path, "a tuple", value)
    return False


def check_items(found: Problems, path: str, value: object, kind: type, expected: str) -> None:
    """`value` is a tuple or list of `kind`."""
    if not isinstance(value, tuple | list):
        wrong(found, path, "a tuple", value)
        return
    for i, item in enumerate(value):
        if not isinstance(item, kind):
            wrong(found, f"{path}[{i}]", expected, item)


def check_str_mapping(found: Problems, path: str, value: Any) -> None:
    """`value` is a dict of str to str."""
    if not check_instance(found, path, value, dict, "a dict of str"):
        return
    for key, item in value.items():
        if not isinstance(key, str):
            wrong(found, f"{path} key", "str", key)
        elif not isinstance(item, str):
            wrong(found, f"{path}[{key!r}]", "str", item)
