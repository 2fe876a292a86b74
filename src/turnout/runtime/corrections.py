"""A person's corrections to a run's invoice: each field path checked against the canonical
invoice's shape, each value read as its field's type, then applied to a copy of the invoice.

Paths are the canonical invoice's dotted paths, list items by number: `invoice_number`,
`seller.vat_id`, `totals.payable`, `lines.0.net_amount` (`lines[0].net_amount` is read the same).
An item of a list must exist (`lines.N` with N below the number of lines); an optional group
(`payee`, `delivery`) is created when a value is set in it. Values are what a person types:

- dates `2024-03-05`, or day first `05.03.2024`, `05/03/2024`, `05-03-2024`;
- amounts `1234.56` or `1234,56`, grouped `1.234,56`, `1,234.56`, `1 234,56`, `1'234.56`, a
  sign in front, ASCII digits only; one mark alone is the decimal mark (`1.5`, `1234,56`,
  `0.125`), except before exactly three digits after one to three others not starting with 0
  (`1.500`, `1,500`): one reader takes that for 1500, another for 1.5, so it is refused ("write
  1500 or 1.50"); at most 6 decimals and below 10^14 in size (what the database stores); rates
  and percentages may end in `%`;
- counts as digits; texts as they are (stripped).

An empty value or None clears the field. Nothing here raises anything but `InvalidCorrection`,
whose message names the field and the form it accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from turnout.domain.invoice import FieldSource, Invoice
from turnout.domain.invoice_shape import Shape, shape_of
from turnout.domain.review import InvalidCorrection

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$")
_AMOUNT = re.compile(r"^[+-]?[0-9][0-9.,]*$")
_AMBIGUOUS = re.compile(r"^([1-9][0-9]{0,2})[.,]([0-9]{3})$")  # 1.500: 1500 or 1.5?
AMOUNT_BOUND = Decimal(10) ** 14  # Numeric(20, 6): 14 digits before the decimal mark
AMOUNT_PLACES = 6
_GROUPING = str.maketrans({" ": "", "'": "", "\u2019": "", "\u00a0": "", "\u202f": ""})
_RATES = ("rate", "percent")
DATE_FORM = "2024-03-05 or 05.03.2024"
AMOUNT_FORM = "1234.56 or 1234,56 (grouped: 1.234,56 or 1,234.56)"


@dataclass(frozen=True)
class Correction:
    """One checked correction: where (`path` dotted, `key` as provenance keys write it), the typed
    value (None: cleared) and its written form (`text`, as the invoice's JSON writes it)."""

    path: str  # `lines.0.net_amount`
    key: str  # `lines[0].net_amount`
    value: object
    text: str | None


def parse_corrections(corrections: Mapping[str, str | None], invoice: Invoice) -> list[Correction]:
    """Check every correction against `invoice` and read its value; InvalidCorrection names the
    first that does not fit (nothing is applied then)."""
    found: list[Correction] = []
    for raw_path, raw in corrections.items():
        steps = _steps(str(raw_path))
        shape, name = _resolve(str(raw_path), steps, invoice)
        path = ".".join(str(s) for s in steps)
        value = _read(path, shape, name, raw)
        found.append(Correction(path, _key(steps), value, written(value)))
    return found


def changing(corrections: list[Correction], invoice: Invoice) -> list[Correction]:
    """The corrections that change `invoice`: one giving a field the value it has (an amount
    equal in value, `118.0` to `118.00`; clearing an empty field) is no correction."""
    return [c for c in corrections if c.value != current_value(invoice, c.path)]


def current_value(invoice: Invoice, path: str) -> object:
    """The typed value at a dotted path of `invoice` (None when it, or its group, is absent)."""
    value: Any = invoice
    for step in _steps(path):
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = getattr(value, step, None)
        if value is None:
            return None
    return value


def apply_corrections(invoice: Invoice, corrections: list[Correction], module: str) -> Invoice:
    """A copy of `invoice` with the corrections set; each corrected value's provenance is
    `module` (`review:alice`) with confidence 1.0 and no box; a cleared one has none."""
    corrected = invoice.copy()
    for c in corrections:
        target = _parent(corrected, _steps(c.path), create=c.value is not None)
        if target is None:
            continue  # clearing a field of a group the invoice has not: nothing to clear
        setattr(target, str(_steps(c.path)[-1]), c.value)
        if c.value is None:
            corrected.provenance.pop(c.key, None)
        else:
            corrected.provenance[c.key] = FieldSource(module, 1.0)
    return corrected


def _parent(invoice: Invoice, steps: list[str | int], *, create: bool) -> Any:
    """The group holding the path's last field; an optional group missing on the way is made
    when `create`, else None is returned."""
    target: Any = invoice
    for step in steps[:-1]:
        if isinstance(step, int):
            target = target[step]
            continue
        child = getattr(target, step)
        if child is None:
            if not create:
                return None
            child = dict(shape_of(type(target)).optional)[step]()
            setattr(target, step, child)
        target = child
    return target


def written(value: object) -> str | None:
    """A value as the invoice's JSON writes it (decimals plain, dates ISO)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_value(data: Mapping[str, Any] | None, path: str) -> str | None:
    """The value at a dotted path of an invoice's JSON form (`lines.0.net_amount`), or None."""
    value: Any = data
    for step in _steps(path):
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
    return None if isinstance(value, dict | list) else str(value)


def _steps(path: str) -> list[str | int]:
    """`lines.0.net_amount` (or `lines[0].net_amount`) as ["lines", 0, "net_amount"]."""
    flat = re.sub(r"\[(\d+)\]", r".\1", path.strip())
    return [int(p) if p.isdigit() else p for p in flat.split(".")]


def _key(steps: list[str | int]) -> str:
    """The provenance key of a path: `lines[0].net_amount`."""
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _resolve(raw: str, steps: list[str | int], invoice: Invoice) -> tuple[Shape, str]:
    """The shape holding the path's last field, and that field's name; InvalidCorrection when
    the path leaves the invoice's model or names a list item it does not have."""
    shape = shape_of(Invoice)
    value: Any = invoice
    walked: list[str] = []
    i = 0
    while i < len(steps) - 1:
        step = steps[i]
        if isinstance(step, int):
            raise _unknown(raw, shape, walked)
        lists = dict(shape.lists)
        groups = dict(shape.groups + shape.optional)
        if step in lists:
            index = steps[i + 1] if i + 1 < len(steps) - 1 else None
            items = getattr(value, step) if value is not None else []
            if not isinstance(index, int):
                raise InvalidCorrection(
                    f"`{raw}`: `{step}` is a list; name one item by its number, as in "
                    f"`{'.'.join([*walked, step])}.0.<field>`"
                )
            if index >= len(items):
                have = f"items {step}.0 to {step}.{len(items) - 1}" if items else "no item"
                raise InvalidCorrection(
                    f"`{raw}`: the invoice has {len(items)} {step} ({have}); a correction can "
                    "change an item it has, not add one"
                )
            value = items[index]
            shape = shape_of(lists[step])
            walked += [step, str(index)]
            i += 2
            continue
        if step not in groups:
            raise _unknown(raw, shape, walked)
        value = getattr(value, step) if value is not None else None
        shape = shape_of(groups[step])
        walked.append(step)
        i += 1
    name = steps[-1]
    if not isinstance(name, str) or name not in shape.texts + shape.decimals + shape.dates + (
        shape.counts
    ):
        raise _unknown(raw, shape, walked)
    return shape, name


def _unknown(raw: str, shape: Shape, walked: list[str]) -> InvalidCorrection:
    prefix = ".".join(walked) + "." if walked else ""
    values = shape.texts + shape.decimals + shape.dates + shape.counts
    known = ", ".join(f"`{prefix}{n}`" for n in values[:8])
    more = ", …" if len(values) > 8 else ""
    return InvalidCorrection(
        f"`{raw}` is not a field of the canonical invoice; fields there are {known}{more} "
        "(paths as in the invoice's JSON, list items by number: `lines.0.net_amount`)"
    )


def _read(path: str, shape: Shape, name: str, raw: str | None) -> object:
    """`raw` as the type of field `name`; None for an empty value (the field is cleared)."""
    if raw is None or not str(raw).strip():
        return None
    text = str(raw).strip()
    if name in shape.texts:
        return text
    if name in shape.dates:
        day = parse_day(text)
        if day is None:
            raise InvalidCorrection(f"{path}: `{text}` is not a date; write it as {DATE_FORM}")
        return day
    if name in shape.decimals:
        try:
            return read_decimal(text.rstrip("%").strip() if name.endswith(_RATES) else text)
        except AmountError as exc:
            raise InvalidCorrection(f"{path}: `{text}` {exc}") from exc
    if not text.isdigit():
        raise InvalidCorrection(f"{path}: `{text}` is not a count; write it in digits, as 3")
    return int(text)


def parse_day(text: str) -> dt.date | None:
    """A date typed as `2024-03-05` or day first (`05.03.2024`, `05/03/2024`), or None."""
    iso = _ISO.match(text)
    if iso is not None:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    else:
        first = _DAY_FIRST.match(text)
        if first is None:
            return None
        day, month, year = int(first[1]), int(first[3]), int(first[4])
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class AmountError(ValueError):
    """Why a typed text is not an amount (a phrase following the text: "is not an amount; …")."""


def parse_decimal(text: str) -> Decimal | None:
    """An amount typed with either decimal mark (see the module's docstring), or None."""
    try:
        return read_decimal(text)
    except AmountError:
        return None


def read_decimal(text: str) -> Decimal:
    """An amount typed with either decimal mark (see the module's docstring); AmountError says
    why `text` is not one."""
    amount = _decimal(text)
    if amount is None:
        raise AmountError(f"is not an amount; write it as {AMOUNT_FORM}")
    if abs(amount) >= AMOUNT_BOUND:
        raise AmountError(
            f"is too large: amounts stay below 10^14 ({AMOUNT_BOUND:,.0f}), the most the "
            "database stores; check the digits"
        )
    places = -int(amount.as_tuple().exponent)
    if places > AMOUNT_PLACES:
        raise AmountError(
            f"has {places} decimals; at most {AMOUNT_PLACES} are kept: round it to "
            f"{AMOUNT_PLACES} or fewer"
        )
    return amount


def _decimal(text: str) -> Decimal | None:
    compact = text.translate(_GROUPING)
    if not _AMOUNT.match(compact):
        return None
    sign = "-" if compact.startswith("-") else ""
    digits = compact.lstrip("+-")
    ambiguous = _AMBIGUOUS.match(digits)
    if ambiguous is not None:
        whole, fraction = ambiguous[1], ambiguous[2]
        kept = fraction.rstrip("0")
        decimal = f"{whole}.{kept.ljust(2, '0')}" if len(kept) <= 2 else f"{whole}.{fraction}0"
        raise AmountError(
            f"is ambiguous: read as thousands it is {sign}{whole}{fraction}, with a decimal mark "
            f"{sign}{whole}.{kept or '0'}; write {sign}{whole}{fraction} or {sign}{decimal}"
        )
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        whole, _, fraction = digits.rpartition(mark)
        if not _grouped(whole, "," if mark == "." else "."):
            return None
    elif dots + commas == 1:
        whole, _, fraction = digits.replace(",", ".").partition(".")
    elif dots + commas > 1:  # one mark, several times: grouping only
        mark = "." if dots else ","
        if not _grouped(digits, mark):
            return None
        whole, fraction = digits, ""
    else:
        whole, fraction = digits, ""
    number = whole.replace(".", "").replace(",", "")
    if not number or (fraction and not fraction.isdigit()):
        return None
    try:
        return Decimal(f"{sign}{number}.{fraction}" if fraction else f"{sign}{number}")
    except InvalidOperation:
        return None


def _grouped(whole: str, mark: str) -> bool:
    groups = whole.split(mark)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 and g.isdigit() for g in groups[1:])
