"""The canonical invoice: EN 16931 semantics with the JSON names Turnout has used from the start
(`invoice_number`, `seller.name`, `totals.payable`, `lines[].net_amount` ...).

Amounts are `Decimal`, dates are `datetime.date`; `to_dict` renders them as decimal strings and
`YYYY-MM-DD`. Every field set by a module can carry its provenance (module and confidence) in
`provenance`, keyed by the field's dotted JSON path (`totals.payable`, `seller.vat_id`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from turnout.domain import schema
from turnout.domain.invoice_groups import (
    BUYER_TERMS,
    DOCUMENT_ALLOWANCE_TERMS,
    DOCUMENT_CHARGE_TERMS,
    SELLER_TERMS,
    Address,
    AllowanceCharge,
    Attachment,
    Card,
    Classification,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    Extension,
    Identifier,
    InvoiceLine,
    ItemAttribute,
    Note,
    Party,
    Payee,
    Payment,
    Period,
    PrecedingInvoice,
    SupportingDocument,
    TaxRepresentative,
    Totals,
    VatBreakdown,
    group,
    many,
    term,
)
from turnout.domain.invoice_shape import build, clone, plain, problems, shape_of, sound
from turnout.domain.page import Box, box_problems

__all__ = [
    "CREDIT_NOTE_CODES",
    "TOTALS_NAMES",
    "Address",
    "AllowanceCharge",
    "Attachment",
    "Card",
    "Classification",
    "Contact",
    "CreditTransfer",
    "Delivery",
    "DirectDebit",
    "Extension",
    "FieldSource",
    "Identifier",
    "Invoice",
    "InvoiceLine",
    "ItemAttribute",
    "Note",
    "Party",
    "Payee",
    "Payment",
    "Period",
    "PrecedingInvoice",
    "SupportingDocument",
    "TaxRepresentative",
    "Totals",
    "VatBreakdown",
    "invoice_problems",
    "is_blank",
    "value_at",
]


CREDIT_NOTE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)
"""The UNTDID 1001 document type codes (BT-3) of credit notes that EN 16931 allows."""

TOTALS_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Totals))
"""The names of the document totals (BG-22), in the order of `Totals`."""


@dataclass(frozen=True)
class FieldSource:
    """Where a field's value came from: the module, how sure it was, and where on the page it was
    read (`boxes`, empty for a value with no place on a page, such as an e-invoice's)."""

    module: str
    confidence: float
    boxes: tuple[Box, ...] = ()


@dataclass
class Invoice:
    """The canonical invoice every stage after `normalize` works on: the EN 16931 semantic model,
    each field named with its business term in `turnout.domain.invoice_groups` and listed in
    `turnout.domain.terms`. The first fields are the JSON names Turnout has used from the start."""

    invoice_number: str | None = term("BT-1")
    issue_date: dt.date | None = term("BT-2")
    type_code: str | None = term("BT-3")
    currency: str | None = term("BT-5")
    due_date: dt.date | None = term("BT-9")
    buyer_reference: str | None = term("BT-10")
    order_reference: str | None = term("BT-13")
    seller: Party = group(Party, "BG-4", **SELLER_TERMS)
    buyer: Party = group(Party, "BG-7", **BUYER_TERMS)
    payment: Payment = group(Payment, "BG-16")
    totals: Totals = group(Totals, "BG-22")
    vat_breakdown: list[VatBreakdown] = many("BG-23")
    lines: list[InvoiceLine] = many("BG-25")
    vat_currency: str | None = term("BT-6")
    tax_point_date: dt.date | None = term("BT-7")
    tax_point_code: str | None = term("BT-8")
    project_reference: str | None = term("BT-11")
    contract_reference: str | None = term("BT-12")
    sales_order_reference: str | None = term("BT-14")
    receiving_advice_reference: str | None = term("BT-15")
    despatch_advice_reference: str | None = term("BT-16")
    tender_reference: str | None = term("BT-17")
    invoiced_object: Identifier | None = term("BT-18", id="BT-18", scheme="BT-18-1")
    buyer_accounting_reference: str | None = term("BT-19")
    payment_terms: str | None = term("BT-20")
    notes: list[Note] = many("BG-1")
    business_process: str | None = term("BT-23")
    specification_id: str | None = term("BT-24")
    preceding_invoices: list[PrecedingInvoice] = many("BG-3")
    payee: Payee | None = term("BG-10")
    tax_representative: TaxRepresentative | None = term("BG-11")
    delivery: Delivery | None = term("BG-13")
    invoicing_period: Period = group(Period, "BG-14", start="BT-73", end="BT-74")
    allowances: list[AllowanceCharge] = many("BG-20", **DOCUMENT_ALLOWANCE_TERMS)
    charges: list[AllowanceCharge] = many("BG-21", **DOCUMENT_CHARGE_TERMS)
    documents: list[SupportingDocument] = many("BG-24")
    extensions: list[Extension] = field(default_factory=list)
    provenance: dict[str, FieldSource] = field(default_factory=dict)

    def copy(self) -> Invoice:
        """A copy that can be changed without changing this invoice (what `copy.deepcopy` gives,
        several times faster: the values themselves — strings, decimals, dates, field sources —
        are immutable and shared)."""
        copied: Invoice = clone(self)
        copied.provenance = dict(self.provenance)
        return copied

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (decimals as strings, ISO dates), every group of
        the model included, empty ones as null or []."""
        out: dict[str, Any] = plain(self)
        out["provenance"] = {path: _source(src) for path, src in sorted(self.provenance.items())}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Invoice:
        """Inverse of `to_dict`; unknown keys are ignored, missing ones stay empty."""
        inv: Invoice = build(cls, data)
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


def invoice_problems(invoice: object, path: str = "invoice") -> list[str]:
    """How `invoice` breaks the canonical invoice's schema, each problem with the path of the bad
    value (`invoice.totals.payable: expected Decimal, got float 12.5`); empty when it is sound."""
    if _sound(invoice):  # the common case, checked without building any path
        return []
    found: list[str] = []
    problems(found, path, invoice, Invoice)
    if isinstance(invoice, Invoice):
        _check_provenance(found, f"{path}.provenance", invoice.provenance)
    return found


_KEY_TYPES = frozenset({str})


def _sound(inv: object) -> bool:
    """Whether `inv` is a sound canonical invoice, with its provenance: the fast, silent twin of
    `invoice_problems`."""
    if not sound(inv, Invoice):
        return False
    assert isinstance(inv, Invoice)
    provenance = inv.provenance
    if type(provenance) is not dict or not _KEY_TYPES.issuperset(map(type, provenance)):
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


shape_of(Invoice)  # read every group's shape once, at import
