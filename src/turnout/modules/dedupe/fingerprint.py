"""`dedupe.fingerprint`: recognise an invoice Turnout has seen before.

The default module of the optional `dedupe` stage (`turnout.runtime.defaults`). It asks the run's
invoice history (`RunContext.history`, the runs that finished without failing) three questions,
strongest first, and reports the first that finds an earlier run:

| check                | an earlier run with ...                                          | setting              |
|----------------------|------------------------------------------------------------------|----------------------|
| `file_hash`          | the same file bytes (sha256 of intake's document)                | `file_hash` (true)   |
| `seller_number`      | the same seller and invoice number (case-folded, no whitespace)  | `seller_number` (true)|
| `seller_date_amount` | the same seller, issue date and amount due                       | `seller_date_amount` (true)|

The seller is recognised by its VAT id, else by its case-folded name
(`turnout.domain.history.seller_key`). When several earlier runs match, the oldest is named.
Without a history (a run outside a database) the stage does not apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    DEDUPE,
    Artifact,
    Artifacts,
    Document,
    Duplicate,
    InvoiceArtifact,
    MatchedOn,
    ModuleSpec,
    NotApplicable,
    PriorInvoice,
    RunContext,
    StageModule,
    invoice_number_key,
    seller_key,
    settings_with_defaults,
)

CHECKS: tuple[MatchedOn, ...] = ("file_hash", "seller_number", "seller_date_amount")

_DESCRIBED: dict[MatchedOn, str] = {
    "file_hash": "the same file",
    "seller_number": "the same seller and invoice number",
    "seller_date_amount": "the same seller, issue date and amount due",
}

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        check: {
            "type": "boolean",
            "default": True,
            "description": f"Report a duplicate when an earlier run had {_DESCRIBED[check]}.",
        }
        for check in CHECKS
    },
}


class FingerprintDedupe(StageModule):
    """Same file hash, same seller and number, or same seller, date and amount as an earlier run."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        DEDUPE,
        module_id="dedupe.fingerprint",
        name="Fingerprint duplicate check",
        version="1.0.0",
        description="Finds an earlier run with the same file hash, the same seller and invoice "
        "number, or the same seller, issue date and amount due.",
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.checks = tuple(c for c in CHECKS if bool(with_defaults[c]))

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return one `Duplicate` naming the oldest earlier run of the strongest check that fired."""
        if context.history is None:
            raise NotApplicable(
                "no invoice history is available to this run (it runs outside a database); "
                "process the file through `turnout process` to check for duplicates"
            )
        invoice = inputs.require(InvoiceArtifact).invoice
        document = inputs.get(Document)
        seller = seller_key(invoice.seller.vat_id, invoice.seller.name)
        number = invoice_number_key(invoice.invoice_number)
        dated = "seller_date_amount" in self.checks
        prior = context.history.find(
            sha256=document.sha256 if document and "file_hash" in self.checks else None,
            seller_key=seller if "seller_number" in self.checks or dated else None,
            invoice_number_key=number if "seller_number" in self.checks else None,
            issue_date=invoice.issue_date if dated else None,
            payable=invoice.totals.payable if dated else None,
            exclude_run=context.run_id,
        )
        for check in self.checks:
            earlier = [p for p in prior if p.matched_on == check and p.run_id != context.run_id]
            if earlier:
                first = min(earlier, key=lambda p: (p.created_at, p.run_id))
                return [Duplicate(True, of_run=first.run_id, reason=_reason(first, len(earlier)))]
        return [Duplicate(False)]


def _reason(first: PriorInvoice, count: int) -> str:
    when = first.created_at.strftime("%Y-%m-%d %H:%M UTC")
    others = f"; {count - 1} later run(s) match as well" if count > 1 else ""
    return (
        f"{first.matched_on}: {_DESCRIBED[first.matched_on]} as `{first.file_name}`, "
        f"processed {when}{others}"
    )
