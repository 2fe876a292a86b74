"""JSON-schema errors in words: "did you mean", and the expected form of a value, never a regex.

A setting's expected form comes from the schema's own words first (the failing subschema's
`description`, then its `examples`); the keywords (`type`, `enum`, `minimum`, `pattern`, ...) are
translated to words only when the schema has none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named here: importing jsonschema costs a command's start 0.1 s
    import jsonschema

_TYPES = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of names to values",
    "null": "nothing (null)",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean `x`?` for the closest of `choices`, or "" when none is close."""
    near = get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean `{near[0]}`?" if near else ""


def shown(value: Any) -> str:
    """A value as the user wrote it, short."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return f"`{text if len(text) <= 60 else text[:57] + '...'}`"


def expected(schema: Any) -> str:
    """The form a value of `schema` must have, in words."""
    if not isinstance(schema, Mapping):
        return "any value"
    if "const" in schema:
        return f"exactly {shown(schema['const'])}"
    if "enum" in schema:
        return "one of: " + ", ".join(str(v) for v in schema["enum"])
    for combinator, joiner in (("anyOf", " or "), ("oneOf", " or ")):
        if combinator in schema:
            return joiner.join(expected(s) for s in schema[combinator])
    kinds = schema.get("type")
    kind = kinds if isinstance(kinds, str) else None
    if isinstance(kinds, list):
        return " or ".join(_TYPES.get(str(k), str(k)) for k in kinds)
    if kind in ("integer", "number"):
        return _TYPES[kind] + _range(schema)
    if kind == "array":
        items = schema.get("items")
        text = "a list" + (f", each item {expected(items)}" if isinstance(items, Mapping) else "")
        return text + (", each at most once" if schema.get("uniqueItems") else "")
    if kind == "string" or "pattern" in schema:
        return _text(schema)
    if kind is not None:
        return _TYPES.get(kind, kind)
    return "any value"


def _own_words(schema: Mapping[str, Any]) -> str:
    """A text setting's form in the schema's own words: its description, with its examples."""
    description = str(schema.get("description") or "").strip().rstrip(".")
    examples = [shown(e) for e in schema.get("examples") or []]
    if examples and not all(e.strip("`") in description for e in examples):
        description += (" " if description else "") + f"(for example {', '.join(examples)})"
    return description


def _range(schema: Mapping[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and high is not None:
        return f" from {low} to {high}"
    parts = []
    if low is not None:
        parts.append(f"of at least {low}")
    if above is not None:
        parts.append(f"above {above}")
    if high is not None:
        parts.append(f"of at most {high}")
    if below is not None:
        parts.append(f"below {below}")
    return (" " + " and ".join(parts)) if parts else ""


def _text(schema: Mapping[str, Any]) -> str:
    # a pattern translated to words reads poorly: the schema's own words say it better
    own = _own_words(schema) if "pattern" in schema or "format" in schema else ""
    if own:
        return own
    words = "a text"
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        form = pattern_in_words(pattern)
        words = f"a text of {form}" if form else "a text of the form the module documents"
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low and high:
        words += f", {low} to {high} characters long"
    elif low:
        words += f", at least {low} character{'s' if low != 1 else ''} long"
    elif high:
        words += f", at most {high} characters long"
    return words


def problem_words(error: jsonschema.ValidationError, kind: str) -> tuple[str, str]:
    """(message, fix) for one schema error on a `kind` ("setting", "policy action")."""
    keyword, schema = error.validator, error.schema
    value: Any = error.instance
    limit: Any = error.validator_value
    where = ".".join(str(p) for p in error.absolute_path)
    what = f"{kind} `{where}`" if where else f"the {kind}s"
    if keyword == "additionalProperties" and isinstance(value, Mapping):
        known = list((schema.get("properties") or {}) if isinstance(schema, Mapping) else [])
        extra = sorted(str(k) for k in value if k not in known)
        prefix = f"{where}." if where else ""
        message = ", ".join(f"unknown {kind} `{prefix}{k}`{did_you_mean(k, known)}" for k in extra)
        return message, f"remove it, or use one of: {', '.join(known) or 'none'}"
    if keyword == "required" and isinstance(limit, Sequence):
        props = (schema.get("properties") or {}) if isinstance(schema, Mapping) else {}
        missing = [str(k) for k in limit if k not in value]
        names = ", ".join(f"`{m}`" for m in missing)
        forms = "; ".join(f"`{m}`: {expected(props.get(m))}" for m in missing)
        return f"{what} lacks {names}", f"add {names} ({forms})"
    if keyword == "uniqueItems":
        return f"{what} lists the same value twice", "name each value once"
    if keyword in ("minItems", "maxItems"):
        bound = "at least" if keyword == "minItems" else "at most"
        return (
            f"{what} has {len(value)} item(s)",
            f"give {bound} {limit} item(s)",
        )
    form = expected(schema)
    # a form in the schema's own words is a sentence of its description
    fix = f"expected: {form}" if form[:1].isupper() else f"write {form}"
    if keyword == "type":
        return f"{what} is {shown(value)}, {_kind_of(value)}", fix
    if keyword == "enum" and isinstance(value, str):
        choices = [str(c) for c in limit]
        return f"{what} is {shown(value)}{did_you_mean(value, choices)}", fix
    return f"{what} is {shown(value)}", fix


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


# -- a regular expression in words (the fallback when a schema gives no words of its own) --------

_CATEGORIES = {
    "CATEGORY_DIGIT": ("digit", "digits"),
    "CATEGORY_NOT_SPACE": ("character other than a space", "characters other than a space"),
    "CATEGORY_SPACE": ("space", "spaces"),
    "CATEGORY_WORD": ("letter, digit or underscore", "letters, digits or underscores"),
}
_RANGES = {
    (48, 57): ("digit", "digits"),
    (65, 90): ("capital letter", "capital letters"),
    (97, 122): ("small letter", "small letters"),
}


def pattern_in_words(pattern: str) -> str | None:
    """`^[A-Z]{3}$` → "3 capital letters"; None when the pattern is beyond these words."""
    try:
        from re import _parser  # the stdlib's own regex parser

        parsed = _parser.parse(pattern)
        words = _sequence(list(parsed))
    except (re.error, ValueError, KeyError, TypeError):
        return None
    return words or None


def _sequence(items: list[Any]) -> str:
    parts = [_item(op, arg) for op, arg in items if str(op) != "AT"]
    return ", then ".join(p for p in parts if p)


def _item(op: Any, arg: Any) -> str:
    name = str(op)
    if name in ("LITERAL", "IN", "ANY"):
        return "one " + _unit(op, arg)[0]
    if name == "SUBPATTERN":
        return _sequence(list(arg[-1]))
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, high, body = arg[0], arg[1], list(arg[2])
        unbounded = high > 10_000
        if len(body) == 1 and str(body[0][0]) in ("LITERAL", "IN", "ANY"):
            one, many = _unit(*body[0])
            if (low, high) == (0, 1):
                return f"optionally one {one}"
            if unbounded:
                return f"one or more {many}" if low == 1 else f"any number of {many}"
            return (
                f"{low} {many if low != 1 else one}" if low == high else f"{low} to {high} {many}"
            )
        inner = _sequence(body)
        if (low, high) == (0, 1):
            return f"optionally ({inner})"
        return (
            f"({inner}) repeated {'any number of times' if unbounded else f'{low} to {high} times'}"
        )
    raise ValueError(name)


def _unit(op: Any, arg: Any) -> tuple[str, str]:
    name = str(op)
    if name == "ANY":
        return "character", "characters"
    if name == "LITERAL":
        return f"`{chr(arg)}`", f"`{chr(arg)}`s"
    if name == "IN":
        words = [_class_member(o, a) for o, a in arg]
        if len(words) == 1:
            return words[0]
        return " or ".join(w[0] for w in words), " or ".join(w[1] for w in words)
    raise ValueError(name)


def _class_member(op: Any, arg: Any) -> tuple[str, str]:
    name = str(op)
    if name == "RANGE":
        return _RANGES[tuple(arg)]
    if name == "CATEGORY":
        return _CATEGORIES[str(arg)]
    if name == "LITERAL":
        return f"`{chr(arg)}`", f"`{chr(arg)}`s"
    raise ValueError(name)
