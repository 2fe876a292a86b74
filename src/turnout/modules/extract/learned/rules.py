"""What a profile holds: one rule per field, the issuer's keys, and the value shapes rules check.

A profile's `data` (format 1) is JSON:

    {"format": 1,
     "fields": {"invoice_number": {"kind": "id", "where": "right", "label": "vorgang",
                                   "dx": 110.0, "dy": 0.0, "page": 1,
                                   "box": [0.57, 0.17, 0.66, 0.18], "shapes": ["9999-9999"],
                                   "format": null, "count": 2},
                "totals.payable": {"kind": "amount", "where": "regex",
                                   "regex": "Total due\\s+([\\d.,]+)", "count": 1}, ...},
     "options": {"currency": "EUR", "date_formats": ["%d.%m.%Y"], "decimal_separator": ",",
                 "keywords": ["DE123456789"], "issuer": "Acme GmbH"}}

`where` says how the value is found from its label: `right` (on the label's line, after it),
`below` (on a line under the label, at the same offset from its left edge), `none` (no label:
at the same place on the page), `regex` (an imported invoice2data expression over the page's
text, its first group or the whole match), `value` (an issuer's constant a person typed that the
page does not print as read, an OCR misreading of the seller's name: the value itself). The
rules of an issuer's constants (its name, VAT id, IBAN, BIC, and the buyer's name) keep the
confirmed `value` too: what a rule reads for them counts only when it is that value. A label is kept as its words in lower case with a
trailing colon dropped and every word holding a digit written `{n}` (`zzgl. 19 % USt. auf
1.234,56` -> `zzgl. {n} % ust. auf {n}`), so that it matches on the next invoice whatever amounts
it prints. A shape writes each letter `A` and each digit `9` (`INV-12345` -> `AAA-99999`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from turnout.authoring import Word, normalised_name
from turnout.authoring import compact_id as compact
from turnout.modules.extract.learned.issuer import issuer_keys

__all__ = [
    "CONFIRMATION",
    "CONSTANT",
    "CORRECTION",
    "LEARNED",
    "NUMBER",
    "ProfileData",
    "Rule",
    "compact",
    "fits",
    "issuer_keys",
    "label_of",
    "label_tokens",
    "normalised_name",
    "shape_of",
    "shape_pattern",
]

FORMAT = 1
# the fields a profile learns: the header fields the layout reader reads (line items are the
# table reader's; addresses and contacts stay the layout reader's)
LEARNED: tuple[str, ...] = (
    "invoice_number",
    "issue_date",
    "due_date",
    "order_reference",
    "buyer_reference",
    "seller.name",
    "seller.vat_id",
    "buyer.name",
    "buyer.vat_id",
    "totals.line_net",
    "totals.tax_exclusive",
    "totals.tax",
    "totals.tax_inclusive",
    "totals.prepaid",
    "totals.payable",
    "payment.iban",
    "payment.bic",
    "payment.remittance",
)
CORRECTION, CONFIRMATION = "correction", "confirmation"
# what every invoice of one issuer prints the same: a rule keeps the value itself
# (the buyer is the company the invoices are sent to: the same on all of them)
CONSTANT = frozenset({"seller.name", "seller.vat_id", "payment.iban", "payment.bic", "buyer.name"})
MAX_SHAPES = 4  # shapes kept per field: an issuer numbering a few ways
NUMBER = "{n}"  # a label's word holding a digit, as labels are kept
_DIGIT = re.compile(r"\d")
_TRIM = ":;,"


@dataclass
class Rule:
    """How one field of one issuer is found on its page."""

    kind: str  # the Locator kind: id, name, text, exact, amount, percent, date, currency
    where: str  # right | below | none | regex
    label: str | None = None
    dx: float = 0.0  # value's left minus the label's left, in points
    dy: float = 0.0  # value's top minus the label's top, in points
    page: int = 1
    box: tuple[float, float, float, float] | None = None  # the value's box, fractions of page
    shapes: list[str] = field(default_factory=list)
    format: str | None = None  # a date's strftime form, an amount's decimal separator
    regex: str | None = None
    count: int = 1
    nth: int = 0  # which printing of the label in reading order (0: the first)
    value: str | None = None  # an issuer's constant (its name, VAT id, IBAN, BIC) as confirmed
    inline: bool = False  # the label is in the value's own phrase ("Rechnung Nr. 4711")
    # `correction`: a person corrected the field (the reader read it wrong): the rule reads it
    # from then on; `confirmation`: the machine read it right, the rule backs the reader up
    taught: str = "confirmation"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "where": self.where,
            "count": self.count,
            "taught": self.taught,
        }
        if self.where == "regex":
            out["regex"] = self.regex
            return out
        out.update(
            label=self.label,
            dx=round(self.dx, 1),
            dy=round(self.dy, 1),
            page=self.page,
            box=[round(v, 4) for v in self.box] if self.box else None,
            shapes=list(self.shapes),
            format=self.format,
            nth=self.nth,
            inline=self.inline,
            value=self.value,
        )
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        box = data.get("box")
        return cls(
            kind=str(data.get("kind") or "text"),
            where=str(data.get("where") or "none"),
            label=data.get("label"),
            dx=float(data.get("dx") or 0.0),
            dy=float(data.get("dy") or 0.0),
            page=int(data.get("page") or 1),
            box=(float(box[0]), float(box[1]), float(box[2]), float(box[3])) if box else None,
            shapes=[str(s) for s in data.get("shapes") or ()],
            format=data.get("format"),
            regex=data.get("regex"),
            count=int(data.get("count") or 1),
            taught=str(data.get("taught") or "confirmation"),
            nth=int(data.get("nth") or 0),
            inline=bool(data.get("inline")),
            value=data.get("value"),
        )

    def same_place(self, other: Rule) -> bool:
        """Whether two rules find the value the same way (one confirms the other)."""
        if self.where != other.where:
            return False
        if self.where == "regex":
            return self.regex == other.regex
        if self.where == "value":
            return self.value == other.value
        if self.where == "none":
            return self.page == other.page and _near_box(self.box, other.box)
        return self.label == other.label and abs(self.dx - other.dx) < 40


@dataclass
class ProfileData:
    """A profile's rules and options, as `IssuerProfile.data` holds them."""

    fields: dict[str, Rule] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> ProfileData:
        if not data or data.get("format") != FORMAT:
            return cls()
        fields: dict[str, Rule] = {}
        rules = data.get("fields")
        for path, rule in (rules if isinstance(rules, Mapping) else {}).items():
            if not isinstance(rule, Mapping):
                continue
            try:
                fields[str(path)] = Rule.from_dict(rule)
            except (TypeError, ValueError, IndexError, KeyError):
                continue  # a rule edited into something unreadable reads nothing
        options = data.get("options")
        return cls(fields, dict(options) if isinstance(options, Mapping) else {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "fields": {path: rule.to_dict() for path, rule in sorted(self.fields.items())},
            "options": dict(self.options),
        }


def label_of(words: Sequence[Word]) -> str:
    """A label as rules keep it: lower case, digits' words as `{n}`, a trailing colon dropped."""
    return " ".join(label_tokens(words))


def label_tokens(words: Sequence[Word]) -> list[str]:
    tokens = []
    for w in words:
        token = w.text.strip().lower().rstrip(_TRIM)
        if not token:
            continue
        tokens.append(NUMBER if _DIGIT.search(token) else token)
    return tokens


def shape_of(text: str) -> str:
    """`INV-12345` -> `AAA-99999`: each letter `A`, each digit `9`, the rest as printed."""
    return "".join("A" if ch.isalpha() else "9" if ch.isdigit() else ch for ch in text.strip())


def shape_pattern(shape: str) -> str:
    """A regular expression for values of a shape: runs of letters and of digits of any length
    (numbers grow), the other characters as printed, spaces optional."""
    out: list[str] = []
    previous = ""
    for ch in shape:
        kind = "A" if ch == "A" else "9" if ch == "9" else ch
        if kind == previous and kind in ("A", "9"):
            continue
        previous = kind
        if kind == "A":
            out.append("[^\\W\\d_]+")
        elif kind == "9":
            out.append("\\d+")
        elif ch.isspace():
            out.append("\\s?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def fits(shapes: Sequence[str], text: str) -> bool:
    """Whether `text` has one of `shapes` (no shapes: anything fits)."""
    if not shapes:
        return True
    return any(re.fullmatch(shape_pattern(s), text.strip()) for s in shapes)


def _near_box(
    a: tuple[float, float, float, float] | None, b: tuple[float, float, float, float] | None
) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a[0] - b[0]) < 0.05 and abs(a[1] - b[1]) < 0.02
