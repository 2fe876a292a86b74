"""`normalize.standard`: the canonical invoice from raw fields or from a parsed e-invoice.

Money becomes `Decimal` (either decimal separator, never a float), dates ISO 8601, currencies
ISO 4217, VAT numbers are checked with python-stdnum, IBAN and BIC with schwifty. A value that
fails a check is kept as written and reported in the output's `notes` — never an exception.
Every number gets one written form whatever the syntax wrote (`100` and `100.00`; see scale.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, get_args

from turnout.authoring import (
    NORMALIZE,
    Artifact,
    Artifacts,
    EInvoice,
    Fields,
    FieldSource,
    Finding,
    InputRejected,
    Invoice,
    InvoiceArtifact,
    ModuleSpec,
    RunContext,
    StageModule,
    settings_with_defaults,
)
from turnout.modules.normalize.canonical import MODULE_ID, canonicalise
from turnout.modules.normalize.dates import DateOrder
from turnout.modules.normalize.from_fields import invoice_from_fields
from turnout.modules.normalize.identifiers import check_currency
from turnout.modules.normalize.scale import canonical_scales

DEFAULT_CURRENCY_CONFIDENCE = 0.2


class StandardNormalize(StageModule):
    """Turn raw fields or an e-invoice into the canonical, checked invoice."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        NORMALIZE,
        module_id=MODULE_ID,
        name="Standard normalisation",
        version="1.0.0",
        description="Decimal money, ISO 8601 dates, ISO 4217 currencies, VAT numbers "
        "(python-stdnum), IBAN and BIC (schwifty); failed checks become notes.",
        settings_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "default_currency": {
                    "type": "string",
                    "pattern": "^[A-Z]{3}$",
                    "description": "A three-letter ISO 4217 code in capitals, such as EUR, used "
                    "only when no currency is found; recorded with confidence "
                    f"{DEFAULT_CURRENCY_CONFIDENCE} (default: none)",
                    "examples": ["EUR"],
                },
                "date_order": {
                    "enum": ["DMY", "MDY"],
                    "default": "DMY",
                    "description": "how to read ambiguous numeric dates such as 03/04/2024 "
                    "(extract.layout reads them in the order the page's other dates show, "
                    "when one does)",
                },
            },
        },
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.default_currency: str | None = self.settings.get("default_currency")
        order = settings_with_defaults(self.spec.settings_schema, self.settings)["date_order"]
        if order not in get_args(DateOrder):
            raise ValueError(
                f"{MODULE_ID}: date_order is {order!r}; choose one of {', '.join(get_args(DateOrder))}"
            )
        self.date_order: DateOrder = order

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return the canonical invoice with its notes; reject one with no number and no total."""
        einvoice = inputs.get(EInvoice)
        notes: list[Finding] = []
        if einvoice is not None:
            invoice = einvoice.invoice.copy()
        else:
            invoice, notes = invoice_from_fields(inputs.require(Fields), self.date_order)
        self._default_currency(invoice, notes)
        notes += canonicalise(invoice)
        _tax_total_from_breakdown(invoice)
        canonical_scales(invoice)
        if (
            not invoice.invoice_number
            and invoice.totals.payable is None
            and (invoice.totals.tax_inclusive is None)
        ):
            source = "e-invoice" if einvoice is not None else "extracted fields"
            raise InputRejected(
                f"the {source} hold neither an invoice number nor a total; nothing to "
                "normalise — check the extraction (or its template) for this supplier"
            )
        return [InvoiceArtifact(invoice=invoice, notes=tuple(notes))]

    def _default_currency(self, invoice: Invoice, notes: list[Finding]) -> None:
        if invoice.currency or not self.default_currency:
            return
        code, note = check_currency(self.default_currency)
        if note is not None:
            notes.append(note)
            return
        invoice.currency = code
        invoice.provenance["currency"] = FieldSource(MODULE_ID, DEFAULT_CURRENCY_CONFIDENCE)


def _tax_total_from_breakdown(invoice: Invoice) -> None:
    """An invoice with a VAT breakdown but no VAT total (BT-110, which CII may leave out) gets the
    sum of the breakdown's VAT amounts, which BR-CO-14 makes it equal to: UBL cannot write a
    breakdown without its total, and the same invoice must read the same from either syntax.
    Nothing is derived when any breakdown amount is missing."""
    breakdown = invoice.vat_breakdown
    if invoice.totals.tax is not None or not breakdown:
        return
    amounts = [vat.tax for vat in breakdown]
    if any(amount is None for amount in amounts):
        return
    invoice.totals.tax = sum((a for a in amounts if a is not None), Decimal(0))
    sources = [invoice.provenance.get(f"vat_breakdown[{i}].tax") for i in range(len(breakdown))]
    confidence = min((src.confidence for src in sources if src is not None), default=1.0)
    invoice.provenance["totals.tax"] = FieldSource(MODULE_ID, confidence)
