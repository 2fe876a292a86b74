"""`route.rules`: approve, review or reject an invoice, with a human sentence for every reason.

The default module of the `route` stage. It reads the canonical invoice, the validation findings
and, when those optional stages ran, the duplicate check and the vendor match. Deterministic: the
same artifacts and settings always give the same decision with the same reasons in the same order.

Rules, in the order they are checked:

| rule                                   | outcome                           | setting                    |
|----------------------------------------|-----------------------------------|----------------------------|
| a fatal finding                        | reject (review when false)        | `reject_on_fatal` (true)   |
| the invoice is a duplicate             | review (reject when true)         | `reject_duplicates` (false)|
| a warning finding                      | review when true                  | `review_on_warnings` (false)|
| amount due above a threshold           | review (also when amount missing) | `review_above` (unset)     |
| seller not in the vendor master        | review, when a match ran          | `review_unmatched_vendor` (true)|
| currency not accepted                  | review                            | `currencies` (unset)       |
| an extracted field's confidence is low | review                            | `min_confidence` (0.5)     |

Any reject reason rejects; otherwise any review reason sends to review; otherwise approve. A
rejection lists its reject reasons first, then the review reasons, so nothing is hidden.
`review_above` compares the amount due (BT-115) in the invoice's own currency; combine it with
`currencies` when invoices arrive in currencies of very different value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from turnout.domain.artifacts import (
    Artifact,
    ArtifactRef,
    Decision,
    Duplicate,
    Findings,
    InvoiceArtifact,
    Match,
    Outcome,
    Severity,
)
from turnout.domain.contracts import needs
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule

DEFAULT_MIN_CONFIDENCE = 0.5
APPROVED = "no routing rule asked for review or rejection"

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "reject_on_fatal": {
            "type": "boolean",
            "default": True,
            "description": "Reject an invoice with a fatal finding; when false, review it.",
        },
        "reject_duplicates": {
            "type": "boolean",
            "default": False,
            "description": "Reject a duplicate invoice; when false, review it.",
        },
        "review_on_warnings": {
            "type": "boolean",
            "default": False,
            "description": "Review an invoice with a warning finding.",
        },
        "review_above": {
            "type": "string",
            "pattern": r"^[0-9]{1,15}(\.[0-9]{1,6})?$",
            "description": "Review when the amount due is above this decimal (unset: no limit).",
        },
        "review_unmatched_vendor": {
            "type": "boolean",
            "default": True,
            "description": "Review when vendor matching ran and found no vendor.",
        },
        "currencies": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "uniqueItems": True,
            "description": "Accepted ISO 4217 currencies; others go to review (unset: any).",
        },
        "min_confidence": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": DEFAULT_MIN_CONFIDENCE,
            "description": "Review when any extracted field has a lower confidence.",
        },
    },
}


@dataclass
class _Reasons:
    reject: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)

    def add(self, reason: str, *, reject: bool) -> None:
        (self.reject if reject else self.review).append(reason)

    def decision(self) -> Decision:
        if self.reject:
            return Decision(Outcome.REJECT, (*self.reject, *self.review))
        if self.review:
            return Decision(Outcome.REVIEW, tuple(self.review))
        return Decision(Outcome.APPROVE, (APPROVED,))


class RulesRoute(StageModule):
    """Decide approve, review or reject from findings, duplicates, vendor match and thresholds."""

    spec: ClassVar[ModuleSpec] = ModuleSpec(
        module_id="route.rules",
        name="Routing rules",
        stage_id="route",
        contract_id="route-v1",
        version="1.0.0",
        description="Approve, review or reject with reasons: fatal findings, duplicates, "
        "warnings, amount threshold, unmatched vendor, currencies, extraction confidence.",
        inputs=(
            needs("invoice/v1"),
            needs("findings/v1"),
            needs("duplicate/v1", required=False),
            needs("match/v1", required=False),
        ),
        outputs=(ArtifactRef("decision", 1),),
        guarantees=frozenset({"deterministic", "offline"}),
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        s = self.settings
        self.reject_on_fatal = bool(s.get("reject_on_fatal", True))
        self.reject_duplicates = bool(s.get("reject_duplicates", False))
        self.review_on_warnings = bool(s.get("review_on_warnings", False))
        above = s.get("review_above")
        self.review_above = Decimal(str(above)) if above is not None else None
        currencies = s.get("currencies")
        self.currencies = tuple(currencies) if currencies is not None else None
        self.review_unmatched_vendor = bool(s.get("review_unmatched_vendor", True))
        self.min_confidence = float(s.get("min_confidence", DEFAULT_MIN_CONFIDENCE))

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return one `Decision` with every reason that applies."""
        invoice = inputs.require(InvoiceArtifact).invoice
        findings = inputs.require(Findings)
        duplicate, match = inputs.get(Duplicate), inputs.get(Match)
        reasons = _Reasons()
        for f in findings.items:
            if f.severity is Severity.FATAL:
                reasons.add(f"{f.rule}: {f.message}", reject=self.reject_on_fatal)
        if duplicate is not None and duplicate.is_duplicate:
            reasons.add(_duplicate_reason(duplicate), reject=self.reject_duplicates)
        if self.review_on_warnings:
            for f in findings.items:
                if f.severity is Severity.WARNING:
                    reasons.add(
                        f"warning {f.rule}: {f.message} (setting review_on_warnings)", reject=False
                    )
        for reason in (
            self._amount_reason(invoice),
            self._vendor_reason(invoice, match),
            self._currency_reason(invoice),
            self._confidence_reason(invoice),
        ):
            if reason:
                reasons.add(reason, reject=False)
        return [reasons.decision()]

    def _amount_reason(self, invoice: Invoice) -> str | None:
        if self.review_above is None:
            return None
        payable = invoice.totals.payable
        limit = f"{self.review_above:,.2f}"
        if not isinstance(payable, Decimal) or not payable.is_finite():
            return (
                f"the amount due (BT-115) is missing, so the review threshold {limit} "
                "cannot be checked (setting review_above)"
            )
        if payable <= self.review_above:
            return None
        currency = f" {invoice.currency}" if invoice.currency else ""
        return (
            f"total {payable:,.2f}{currency} is above the review threshold {limit} "
            "(setting review_above)"
        )

    def _vendor_reason(self, invoice: Invoice, match: Match | None) -> str | None:
        if not self.review_unmatched_vendor or match is None or match.vendor_id is not None:
            return None
        seller = f"seller {invoice.seller.name!r}" if invoice.seller.name else "the seller"
        return (
            f"{seller} was not found in the vendor master; check the vendor or add it "
            "(setting review_unmatched_vendor)"
        )

    def _currency_reason(self, invoice: Invoice) -> str | None:
        if self.currencies is None or invoice.currency in self.currencies:
            return None
        accepted = ", ".join(self.currencies) or "none"
        if not invoice.currency:
            return f"the currency is missing; accepted currencies: {accepted} (setting currencies)"
        return (
            f"currency {invoice.currency} is not one of the accepted currencies {accepted} "
            "(setting currencies)"
        )

    def _confidence_reason(self, invoice: Invoice) -> str | None:
        # `not >=` also catches a NaN confidence, which no threshold should let through
        weak = [
            f"{path} {src.confidence:.2f} ({src.module})"
            for path, src in sorted(invoice.provenance.items())
            if not src.confidence >= self.min_confidence
        ]
        if not weak:
            return None
        return (
            f"fields extracted with confidence below {self.min_confidence:.2f}: "
            f"{', '.join(weak)}; a person should check them (setting min_confidence)"
        )


def _duplicate_reason(duplicate: Duplicate) -> str:
    earlier = f"run {duplicate.of_run}" if duplicate.of_run else "an earlier invoice"
    why = f" ({duplicate.reason})" if duplicate.reason else ""
    return f"duplicate of {earlier}{why} (setting reject_duplicates)"
