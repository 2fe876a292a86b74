"""The canonical invoice: EN 16931 semantics with the JSON names of PRODUCT.md section 3.

Amounts are `Decimal`, dates are `datetime.date`; `to_dict` renders them as decimal strings and
`YYYY-MM-DD`. Every field set by a module can carry its provenance (module and confidence) in
`provenance`, keyed by the field's dotted JSON path (`totals.payable`, `seller.vat_id`).
"""

from __future__ import annotations

import copy as _copy
import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any

from turnout.domain import schema
from turnout.domain.page import Box, box_problems


@dataclass
class Party:
    name: str | None = None  # BT-27 / BT-44
    vat_id: str | None = None  # BT-31 / BT-48
    country: str | None = None  # BT-40 / BT-55


@dataclass
class Payment:
    iban: str | None = None  # BT-84
    bic: str | None = None  # BT-86


@dataclass
class Totals:
    line_net: Decimal | None = None  # BT-106
    allowances: Decimal | None = None  # BT-107
    charges: Decimal | None = None  # BT-108
    tax_exclusive: Decimal | None = None  # BT-109
    tax: Decimal | None = None  # BT-110
    tax_inclusive: Decimal | None = None  # BT-112
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114
    payable: Decimal | None = None  # BT-115


TOTALS_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Totals))
"""The names of the document totals (BG-22), in the order above."""


@dataclass
class VatBreakdown:
    category: str | None = None  # BT-118
    rate: Decimal | None = None  # BT-119
    taxable: Decimal | None = None  # BT-116
    tax: Decimal | None = None  # BT-117


@dataclass
class InvoiceLine:
    id: str | None = None  # BT-126
    name: str | None = None  # BT-153
    quantity: Decimal | None = None  # BT-129
    unit: str | None = None  # BT-130
    net_price: Decimal | None = None  # BT-146
    net_amount: Decimal | None = None  # BT-131
    vat_category: str | None = None  # BT-151
    vat_rate: Decimal | None = None  # BT-152


@dataclass(frozen=True)
class FieldSource:
    """Where a field's value came from: the module, how sure it was, and where on the page it was
    read (`boxes`, empty for a value with no place on a page, such as an e-invoice's)."""

    module: str
    confidence: float
    boxes: tuple[Box, ...] = ()


@dataclass
class Invoice:
    """The canonical invoice every stage after `normalize` works on."""

    invoice_number: str | None = None  # BT-1
    issue_date: dt.date | None = None  # BT-2
    type_code: str | None = None  # BT-3
    currency: str | None = None  # BT-5
    due_date: dt.date | None = None  # BT-9
    buyer_reference: str | None = None  # BT-10
    order_reference: str | None = None  # BT-13
    seller: Party = field(default_factory=Party)
    buyer: Party = field(default_factory=Party)
    payment: Payment = field(default_factory=Payment)
    totals: Totals = field(default_factory=Totals)
    vat_breakdown: list[VatBreakdown] = field(default_factory=list)
    lines: list[InvoiceLine] = field(default_factory=list)
    provenance: dict[str, FieldSource] = field(default_factory=dict)

    def copy(self) -> Invoice:
        """A copy that can be changed without changing this invoice (what `copy.deepcopy` gives,
        several times faster: the values themselves — strings, decimals, dates, field sources —
        are immutable and shared)."""
        clone = _copy.copy(self)
        clone.seller = _copy.copy(self.seller)
        clone.buyer = _copy.copy(self.buyer)
        clone.payment = _copy.copy(self.payment)
        clone.totals = _copy.copy(self.totals)
        clone.vat_breakdown = [_copy.copy(v) for v in self.vat_breakdown]
        clone.lines = [_copy.copy(line) for line in self.lines]
        clone.provenance = dict(self.provenance)
        return clone

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of PRODUCT.md section 3 (decimals as strings, ISO dates)."""
        out: dict[str, Any] = _plain(self)
        out["provenance"] = {path: _source(src) for path, src in sorted(self.provenance.items())}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Invoice:
        """Inverse of `to_dict`; unknown keys are ignored, missing ones stay empty."""
        inv = cls(
            invoice_number=data.get("invoice_number"),
            issue_date=_date(data.get("issue_date")),
            type_code=data.get("type_code"),
            currency=data.get("currency"),
            due_date=_date(data.get("due_date")),
            buyer_reference=data.get("buyer_reference"),
            order_reference=data.get("order_reference"),
            seller=Party(**_pick(Party, data.get("seller"))),
            buyer=Party(**_pick(Party, data.get("buyer"))),
            payment=Payment(**_pick(Payment, data.get("payment"))),
            totals=Totals(**_decimals(_pick(Totals, data.get("totals")))),
            vat_breakdown=[
                VatBreakdown(**_decimals(_pick(VatBreakdown, v), keep={"category"}))
                for v in data.get("vat_breakdown") or []
            ],
            lines=[
                InvoiceLine(
                    **_decimals(_pick(InvoiceLine, v), keep={"id", "name", "unit", "vat_category"})
                )
                for v in data.get("lines") or []
            ],
        )
        for path, src in (data.get("provenance") or {}).items():
            boxes = tuple(Box.from_dict(b) for b in src.get("boxes") or ())
            inv.provenance[path] = FieldSource(src["module"], float(src["confidence"]), boxes)
        return inv


def _source(src: FieldSource) -> dict[str, Any]:
    out: dict[str, Any] = {"module": src.module, "confidence": src.confidence}
    if src.boxes:  # only a value read from a page has a place on it
        out["boxes"] = [b.to_dict() for b in src.boxes]
    return out


def value_at(invoice: Invoice, path: str) -> object:
    """The value at a dotted path of the invoice (`seller.name`, `totals.payable`), or None."""
    value: object = invoice
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def is_blank(value: object) -> bool:
    """Whether a field's value says nothing: None, blank text, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return False


_INVOICE_STRINGS = (
    "invoice_number",
    "type_code",
    "currency",
    "buyer_reference",
    "order_reference",
)
_PARTY_STRINGS = ("name", "vat_id", "country")
_PAYMENT_STRINGS = ("iban", "bic")
_VAT_DECIMALS = ("rate", "taxable", "tax")
_LINE_STRINGS = ("id", "name", "unit", "vat_category")
_LINE_DECIMALS = ("quantity", "net_price", "net_amount", "vat_rate")


def invoice_problems(invoice: object, path: str = "invoice") -> list[str]:
    """How `invoice` breaks the canonical invoice's schema, each problem with the path of the bad
    value (`invoice.totals.payable: expected Decimal, got float 12.5`); empty when it is sound."""
    if _sound(invoice):  # the common case, checked without building any path
        return []
    found: list[str] = []
    if not schema.check_instance(found, path, invoice, Invoice, "an Invoice"):
        return found
    assert isinstance(invoice, Invoice)
    schema.check_optional(found, path, invoice, _INVOICE_STRINGS)
    schema.check_date(found, f"{path}.issue_date", invoice.issue_date)
    schema.check_date(found, f"{path}.due_date", invoice.due_date)
    for role in ("seller", "buyer"):
        party = getattr(invoice, role)
        if schema.check_instance(found, f"{path}.{role}", party, Party, "a Party"):
            schema.check_optional(found, f"{path}.{role}", party, _PARTY_STRINGS)
    if schema.check_instance(found, f"{path}.payment", invoice.payment, Payment, "a Payment"):
        schema.check_optional(found, f"{path}.payment", invoice.payment, _PAYMENT_STRINGS)
    if schema.check_instance(found, f"{path}.totals", invoice.totals, Totals, "a Totals"):
        schema.check_decimals(found, f"{path}.totals", invoice.totals, TOTALS_NAMES)
    _check_rows(found, f"{path}.vat_breakdown", invoice.vat_breakdown, VatBreakdown)
    _check_rows(found, f"{path}.lines", invoice.lines, InvoiceLine)
    _check_provenance(found, f"{path}.provenance", invoice.provenance)
    return found


_TEXT_TYPES = frozenset({str, type(None)})
_AMOUNT_TYPES = frozenset({Decimal, type(None)})
_DATE_TYPES = frozenset({dt.date, type(None)})  # exact types: a datetime is not a date here
_KEY_TYPES = frozenset({str})


def _sound(inv: object) -> bool:
    """Whether `inv` is a sound canonical invoice: the fast, silent twin of `invoice_problems`.

    Exact types and C-level `map`/`set` tests keep it to a few microseconds an invoice; a value of
    a subclass (a StrEnum for a string) takes the slow path, which gives the exact verdict.
    """
    if type(inv) is not Invoice:
        return False
    seller, buyer, payment, totals = inv.seller, inv.buyer, inv.payment, inv.totals
    if not (
        type(seller) is Party
        and type(buyer) is Party
        and type(payment) is Payment
        and type(totals) is Totals
        and type(inv.vat_breakdown) is list
        and type(inv.lines) is list
        and type(inv.provenance) is dict
        and _DATE_TYPES.issuperset((type(inv.issue_date), type(inv.due_date)))
    ):
        return False
    texts = [
        inv.invoice_number,
        inv.type_code,
        inv.currency,
        inv.buyer_reference,
        inv.order_reference,
        seller.name,
        seller.vat_id,
        seller.country,
        buyer.name,
        buyer.vat_id,
        buyer.country,
        payment.iban,
        payment.bic,
    ]
    amounts = [getattr(totals, name) for name in TOTALS_NAMES]
    for vat in inv.vat_breakdown:
        if type(vat) is not VatBreakdown:
            return False
        texts.append(vat.category)
        amounts += (vat.rate, vat.taxable, vat.tax)
    for line in inv.lines:
        if type(line) is not InvoiceLine:
            return False
        texts += (line.id, line.name, line.unit, line.vat_category)
        amounts += (line.quantity, line.net_price, line.net_amount, line.vat_rate)
    if not (
        _TEXT_TYPES.issuperset(map(type, texts))
        and _AMOUNT_TYPES.issuperset(map(type, amounts))
        and all(map(Decimal.is_finite, filter(None, amounts)))  # NaN is truthy, zero finite
    ):
        return False
    provenance = inv.provenance
    if not _KEY_TYPES.issuperset(map(type, provenance)):
        return False
    # modules often stamp one FieldSource on every field: check each distinct one once
    sources = dict(zip(map(id, provenance.values()), provenance.values(), strict=True)).values()
    return all(
        type(src) is FieldSource
        and type(src.module) is str
        and type(src.confidence) in (float, int)
        and 0.0 <= src.confidence <= 1.0
        and (not src.boxes or not _box_problems(src.boxes))
        for src in sources
    )


def _box_problems(boxes: object) -> list[str]:
    found: list[str] = []
    box_problems(found, "boxes", boxes)
    return found


def _check_rows(found: list[str], path: str, rows: object, kind: type) -> None:
    # a list, not a tuple: `to_dict` renders lists, and modules append to them
    if not schema.check_instance(found, path, rows, list, "a list"):
        return
    assert isinstance(rows, list)
    for i, row in enumerate(rows):
        if not isinstance(row, kind):
            schema.wrong(found, f"{path}[{i}]", schema.with_article(kind.__name__), row)
        elif kind is VatBreakdown:
            schema.check_optional(found, f"{path}[{i}]", row, ("category",))
            schema.check_decimals(found, f"{path}[{i}]", row, _VAT_DECIMALS)
        else:
            schema.check_optional(found, f"{path}[{i}]", row, _LINE_STRINGS)
            schema.check_decimals(found, f"{path}[{i}]", row, _LINE_DECIMALS)


def _check_provenance(found: list[str], path: str, provenance: object) -> None:
    if not schema.check_instance(found, path, provenance, dict, "a dict of FieldSource"):
        return
    assert isinstance(provenance, dict)
    for key, source in provenance.items():
        if not isinstance(key, str):
            schema.wrong(found, f"{path} key", "str", key)
        elif not isinstance(source, FieldSource):
            schema.wrong(found, f"{path}[{key!r}]", "a FieldSource", source)
        else:
            if not isinstance(source.module, str):
                schema.wrong(found, f"{path}[{key!r}].module", "str", source.module)
            schema.check_confidence(found, f"{path}[{key!r}].confidence", source.confidence)
            if source.boxes:
                box_problems(found, f"{path}[{key!r}].boxes", source.boxes)


def _plain(value: Any) -> Any:
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(kind):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind) if f.name != "provenance")
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# each dataclass's field names, looked up once: an invoice has ~60 values to render per run
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _pick(kind: type, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in data.items() if k in names}


def _decimals(
    data: dict[str, Any], keep: frozenset[str] | set[str] = frozenset()
) -> dict[str, Any]:
    return {k: (v if k in keep or v is None else Decimal(str(v))) for k, v in data.items()}


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
