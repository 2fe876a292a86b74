"""What each canonical-invoice group holds, read once from its dataclass, and the generic walks over
it: render to JSON, build from JSON, copy, and check against the schema.

The canonical invoice has some forty groups and two hundred fields; writing each walk by hand for
each group is how fields get forgotten. A `Shape` sorts a dataclass's fields by kind — texts,
decimals, dates, counts, one group, an optional group, a list of groups — from the type
annotations, and every walk below follows the shapes.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any

from turnout.domain import schema

_TEXT_TYPES = frozenset({str, NoneType})
_AMOUNT_TYPES = frozenset({Decimal, NoneType})
_DATE_TYPES = frozenset({dt.date, NoneType})  # exact types: a datetime is not a date here
_COUNT_TYPES = frozenset({int, NoneType})


@dataclass(frozen=True)
class Shape:
    """A group's fields by kind, in declaration order."""

    kind: type
    texts: tuple[str, ...]
    decimals: tuple[str, ...]
    dates: tuple[str, ...]
    counts: tuple[str, ...]
    groups: tuple[tuple[str, type], ...]  # always present
    optional: tuple[tuple[str, type], ...]  # a group or None
    lists: tuple[tuple[str, type], ...]  # a list of groups
    names: tuple[str, ...]  # every field, in order


_SHAPES: dict[type, Shape] = {}


def shape_of(kind: type) -> Shape:
    """The shape of dataclass `kind` and of the groups under it (computed once)."""
    found = _SHAPES.get(kind)
    if found is None:
        found = _SHAPES[kind] = _read_shape(kind)
        for _, sub in found.groups + found.optional + found.lists:
            shape_of(sub)
    return found


def _read_shape(kind: type) -> Shape:
    hints = typing.get_type_hints(kind)
    texts: list[str] = []
    decimals: list[str] = []
    dates: list[str] = []
    counts: list[str] = []
    groups: list[tuple[str, type]] = []
    optional: list[tuple[str, type]] = []
    lists: list[tuple[str, type]] = []
    names: list[str] = []
    for f in fields(kind):
        if f.name == "provenance":
            continue
        names.append(f.name)
        hint = hints[f.name]
        args = typing.get_args(hint)
        if typing.get_origin(hint) is list:
            lists.append((f.name, args[0]))
            continue
        inner = hint
        if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
            rest = [a for a in args if a is not NoneType]
            if len(rest) != 1:
                raise TypeError(f"{kind.__name__}.{f.name}: unsupported type {hint}")
            inner = rest[0]
            if inner not in (str, Decimal, dt.date, int):
                optional.append((f.name, inner))
                continue
        if inner is str:
            texts.append(f.name)
        elif inner is Decimal:
            decimals.append(f.name)
        elif inner is dt.date:
            dates.append(f.name)
        elif inner is int:
            counts.append(f.name)
        else:
            groups.append((f.name, inner))
    return Shape(
        kind,
        tuple(texts),
        tuple(decimals),
        tuple(dates),
        tuple(counts),
        tuple(groups),
        tuple(optional),
        tuple(lists),
        tuple(names),
    )


# ---- rendering and building ----------------------------------------------------------------


def plain(value: Any) -> Any:
    """The JSON form of a group: decimals as strings, dates as ISO, groups as objects."""
    kind = type(value)
    render = _RENDERERS.get(kind)
    if render is None and is_dataclass(kind):
        render = _renderer(kind)
    if render is not None:
        return render(value)
    if kind is list:
        return [plain(v) for v in value]
    if kind is Decimal:
        return format(value, "f")
    if kind is dt.date:
        return value.isoformat()
    return value


_RENDERERS: dict[type, Any] = {}


def _renderer(kind: type) -> Any:
    """A function rendering a `kind` to its JSON form, written out for `kind`'s fields.

    An invoice has some two hundred values, most of them empty, rendered several times a run
    (stored, exported, answered): a walk that looks each value's type up costs more than the rest
    of the rendering, so each group gets a function that reads its fields by name — the way
    `dataclasses` writes `__init__` — built once from its shape.
    """
    shape = shape_of(kind)
    kinds = dict.fromkeys(shape.texts + shape.counts, "text")
    kinds |= dict.fromkeys(shape.decimals, "decimal") | dict.fromkeys(shape.dates, "date")
    subs = dict(shape.groups + shape.optional + shape.lists)
    optional = {name for name, _ in shape.optional}
    repeated = {name for name, _ in shape.lists}
    env: dict[str, Any] = {"format": format}
    items = []
    for name in shape.names:
        get = f"value.{name}"
        if name in subs:
            sub = f"_render_{subs[name].__name__}"
            env[sub] = _RENDERERS.get(subs[name]) or _renderer(subs[name])
            if name in repeated:
                code = f"[{sub}(item) for item in {get}]"
            elif name in optional:
                code = f"(None if (part := {get}) is None else {sub}(part))"
            else:
                code = f"{sub}({get})"
        elif kinds[name] == "decimal":
            code = f'(None if (number := {get}) is None else format(number, "f"))'
        elif kinds[name] == "date":
            code = f"(None if (day := {get}) is None else day.isoformat())"
        else:
            code = get
        items.append(f"        {name!r}: {code},")
    source = "def render(value):\n    return {\n" + "\n".join(items) + "\n    }\n"
    exec(source, env)  # source built above from the dataclass's own field names
    render = env["render"]
    _RENDERERS[kind] = render
    return render


def build(kind: type, data: Any) -> Any:
    """A `kind` from its JSON form; unknown keys are ignored, missing ones stay empty."""
    if not isinstance(data, dict):
        data = {}
    shape = shape_of(kind)
    values: dict[str, Any] = {}
    for name in shape.texts:
        if (text := data.get(name)) is not None:
            values[name] = text
    for name in shape.decimals:
        if (number := data.get(name)) is not None:
            values[name] = Decimal(str(number))
    for name in shape.dates:
        if isinstance(day := data.get(name), str) and day:
            values[name] = dt.date.fromisoformat(day)
    for name in shape.counts:
        if (count := data.get(name)) is not None:
            values[name] = int(count)
    for name, sub in shape.groups:
        values[name] = build(sub, data.get(name))
    for name, sub in shape.optional:
        if isinstance(part := data.get(name), dict):
            values[name] = build(sub, part)
    for name, sub in shape.lists:
        values[name] = [build(sub, item) for item in data.get(name) or []]
    return kind(**values)


def clone(value: Any) -> Any:
    """A copy of a group that can be changed without changing the original. The values themselves
    (texts, decimals, dates) are immutable and shared."""
    copy = object.__new__(type(value))
    copy.__dict__.update(value.__dict__)
    shape = _SHAPES[type(value)]
    for name, _ in shape.groups:
        setattr(copy, name, clone(getattr(value, name)))
    for name, _ in shape.optional:
        if (part := getattr(value, name)) is not None:
            setattr(copy, name, clone(part))
    for name, _ in shape.lists:
        setattr(copy, name, [clone(item) for item in getattr(value, name)])
    return copy


# ---- checking ------------------------------------------------------------------------------


def sound(value: Any, kind: type) -> bool:
    """Whether `value` is exactly a sound `kind`, all the way down: the fast, silent twin of
    `problems`. Exact types and C-level set tests keep it to microseconds an invoice; a value of a
    subclass (a StrEnum for a string) takes the slow path, which gives the exact verdict."""
    check = _CHECKERS.get(kind) or _checker(kind)
    return bool(check(value))


_CHECKERS: dict[type, Any] = {}


def _checker(kind: type) -> Any:
    """A function telling whether a value is exactly a sound `kind`, written out for its fields
    like `_renderer` (this runs on every module's return, several times a run)."""
    shape = shape_of(kind)
    env: dict[str, Any] = {
        "Kind": kind,
        "TEXT": _TEXT_TYPES,
        "AMOUNT": _AMOUNT_TYPES,
        "DATE": _DATE_TYPES,
        "COUNT": _COUNT_TYPES,
        "finite": Decimal.is_finite,
    }

    def values(names: tuple[str, ...]) -> str:
        return "(" + "".join(f"value.{name}, " for name in names) + ")"

    tests = ["type(value) is Kind"]
    if shape.texts:
        tests.append(f"TEXT.issuperset(map(type, {values(shape.texts)}))")
    if shape.decimals:
        tests.append(f"AMOUNT.issuperset(map(type, (numbers := {values(shape.decimals)})))")
        tests.append("all(map(finite, filter(None, numbers)))")  # NaN is truthy, zero finite
    if shape.dates:
        tests.append(f"DATE.issuperset(map(type, {values(shape.dates)}))")
    if shape.counts:
        tests.append(f"COUNT.issuperset(map(type, {values(shape.counts)}))")
    for name, sub in shape.groups + shape.optional + shape.lists:
        check = f"_check_{sub.__name__}"
        env[check] = _CHECKERS.get(sub) or _checker(sub)
        if (name, sub) in shape.lists:
            tests.append(f"type(items := value.{name}) is list and all(map({check}, items))")
        elif (name, sub) in shape.optional:
            tests.append(f"((part := value.{name}) is None or {check}(part))")
        else:
            tests.append(f"{check}(value.{name})")
    source = (
        "def check(value):\n    return (\n        " + "\n        and ".join(tests) + "\n    )\n"
    )
    exec(source, env)  # source built above from the dataclass's own field names
    checker = env["check"]
    _CHECKERS[kind] = checker
    return checker


def problems(found: schema.Problems, path: str, value: object, kind: type) -> None:
    """Append how `value` breaks `kind`'s schema, each problem with the path of the bad value."""
    if not schema.check_instance(found, path, value, kind, schema.with_article(kind.__name__)):
        return
    shape = shape_of(kind)
    schema.check_optional(found, path, value, shape.texts)
    schema.check_decimals(found, path, value, shape.decimals)
    for name in shape.dates:
        schema.check_date(found, f"{path}.{name}", getattr(value, name))
    for name in shape.counts:
        count = getattr(value, name)
        if count is not None and (type(count) is not int or count < 0):
            schema.wrong(found, f"{path}.{name}", "a count (int >= 0)", count)
    for name, sub in shape.groups:
        problems(found, f"{path}.{name}", getattr(value, name), sub)
    for name, sub in shape.optional:
        if (part := getattr(value, name)) is not None:
            problems(found, f"{path}.{name}", part, sub)
    for name, sub in shape.lists:
        items = getattr(value, name)
        # a list, not a tuple: `to_dict` renders lists, and modules append to them
        if schema.check_instance(found, f"{path}.{name}", items, list, "a list"):
            for i, item in enumerate(items):
                problems(found, f"{path}.{name}[{i}]", item, sub)
