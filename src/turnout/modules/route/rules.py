"""`route.rules`: approve, review or reject an invoice, with a human sentence for every reason.

The default module of the `route` stage. It reads the canonical invoice, the validation findings
and, when those optional stages ran, the duplicate check and the vendor match. Deterministic: the
same artifacts and settings always give the same decision with the same reasons in the same order.

Rules, in the order they are checked:

| rule                                    | outcome                          | setting                    |
|-----------------------------------------|----------------------------------|----------------------------|
| read from a page: a required field not read, or read below the confidence | review (never approve, never reject for it alone) | `required_fields` (number, issue date, seller name, amount due), `required_confidence` (0.6) |
| a fatal finding                         | reject (review when false)       | `reject_on_fatal` (true)   |
| the invoice is a duplicate              | review (reject when true)        | `reject_duplicates` (false)|
| a warning finding                       | review when true                 | `review_on_warnings` (false)|
| amount due above a threshold            | review (also when amount missing)| `review_above` (unset)     |
| seller not in the vendor master         | review, when a match ran         | `review_unmatched_vendor` (true)|
| currency not accepted                   | review                           | `currencies` (unset)       |
| an extracted field's confidence is low  | review                           | `min_confidence` (0.5)     |

Any reject reason rejects; otherwise any review reason sends to review; otherwise approve. A
rejection lists its reject reasons first, then the review reasons, so nothing is hidden.
`review_above` compares the amount due (BT-115) in the invoice's own currency; combine it with
`currencies` when invoices arrive in currencies of very different value.

**Never approve what was not read.** An invoice read from a page (a PDF's text layer or a scan)
is reviewed when a field of `required_fields` has no value — one reason a field: "the invoice
number was not read from the document" — or when its provenance confidence is below
`required_confidence` ("the seller name was read with confidence 0.42, below required_confidence
0.6"). A fatal finding that only says such a field is missing (its path is the field's, or it is
the EN 16931 rule requiring it: BR-02, BR-03, BR-06, BR-15 ...) is that same reason and does not
reject; any other fatal finding still rejects. A required field reported here is not listed again
by `min_confidence`.

Whether an invoice was read from a page is told by its provenance, which normalisation writes
for every value: some value comes from a module of the `extract` stage and none from the
`einvoice` stage. (An optional `fields/v1` input would say the same, but route's inputs mirror its
stage contract; the provenance is the invoice's own record of where it came from, and it survives
a run resumed from stored stage results.) An e-invoice keeps the rules above unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from turnout.authoring import (
    ROUTE,
    Artifact,
    Artifacts,
    Decision,
    Duplicate,
    Finding,
    Findings,
    Invoice,
    InvoiceArtifact,
    Match,
    ModuleSpec,
    Outcome,
    RunContext,
    Severity,
    StageModule,
    is_blank,
    settings_with_defaults,
    value_at,
)

DEFAULT_MIN_CONFIDENCE = 0.5
DEFAULT_REQUIRED_CONFIDENCE = 0.6
DEFAULT_REQUIRED_FIELDS: tuple[str, ...] = (
    "invoice_number",
    "issue_date",
    "seller.name",
    "totals.payable",
)
APPROVED = "no routing rule asked for review or rejection"

# what a person calls each field `required_fields` may name, and the EN 16931 rule (if any) whose
# fatal finding only says that the field is missing
REQUIRABLE: dict[str, tuple[str, str | None]] = {
    "invoice_number": ("the invoice number", "BR-02"),
    "issue_date": ("the issue date", "BR-03"),
    "type_code": ("the invoice type code", "BR-04"),
    "currency": ("the currency", "BR-05"),
    "due_date": ("the due date", None),
    "buyer_reference": ("the buyer reference", None),
    "order_reference": ("the order reference", None),
    "seller.name": ("the seller name", "BR-06"),
    "seller.vat_id": ("the seller VAT id", None),
    "seller.country": ("the seller country", None),
    "buyer.name": ("the buyer name", "BR-07"),
    "buyer.vat_id": ("the buyer VAT id", None),
    "buyer.country": ("the buyer country", None),
    "payment.iban": ("the IBAN", None),
    "payment.bic": ("the BIC", None),
    "totals.line_net": ("the sum of the line net amounts", "BR-12"),
    "totals.tax_exclusive": ("the total without VAT", "BR-13"),
    "totals.tax": ("the total VAT", None),
    "totals.tax_inclusive": ("the total with VAT", "BR-14"),
    "totals.payable": ("the amount due", "BR-15"),
}
_PAGE_STAGE, _EINVOICE_STAGE = "extract", "einvoice"

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
            "description": "Review when the amount due is above this: a decimal amount such as "
            "100.00 (digits, an optional dot and up to 6 decimals), in quotes; unset: no limit.",
            "examples": ["100.00"],
        },
        "review_unmatched_vendor": {
            "type": "boolean",
            "default": True,
            "description": "Review when vendor matching ran and found no vendor.",
        },
        "currencies": {
            "type": "array",
            "items": {
                "type": "string",
                "pattern": "^[A-Z]{3}$",
                "description": "a three-letter currency code in capitals, such as EUR",
            },
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
        "required_fields": {
            "type": "array",
            "items": {"enum": list(REQUIRABLE)},
            "uniqueItems": True,
            "default": list(DEFAULT_REQUIRED_FIELDS),
            "description": "Fields an invoice read from a page (not an e-invoice) must have, "
            "read with at least required_confidence; otherwise it goes to review, never "
            "approved.",
        },
        "required_confidence": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": DEFAULT_REQUIRED_CONFIDENCE,
            "description": "Review an invoice read from a page when a required field was read "
            "with a lower confidence.",
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

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        ROUTE,
        module_id="route.rules",
        name="Routing rules",
        version="1.1.0",
        description="Approve, review or reject with reasons: required fields of a page-read "
        "invoice, fatal findings, duplicates, warnings, amount threshold, unmatched vendor, "
        "currencies, extraction confidence.",
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.reject_on_fatal = bool(with_defaults["reject_on_fatal"])
        self.reject_duplicates = bool(with_defaults["reject_duplicates"])
        self.review_on_warnings = bool(with_defaults["review_on_warnings"])
        above = with_defaults.get("review_above")
        self.review_above = Decimal(str(above)) if above is not None else None
        currencies = with_defaults.get("currencies")
        self.currencies = tuple(currencies) if currencies is not None else None
        self.review_unmatched_vendor = bool(with_defaults["review_unmatched_vendor"])
        self.min_confidence = float(with_defaults["min_confidence"])
        required = with_defaults["required_fields"]
        unknown = [path for path in required if path not in REQUIRABLE]
        if unknown:
            raise ValueError(
                f"route.rules: {', '.join(map(repr, unknown))} in setting `required_fields` "
                f"cannot be required; use some of: {', '.join(REQUIRABLE)}"
            )
        self.required_fields = tuple(dict.fromkeys(required))
        self.required_confidence = float(with_defaults["required_confidence"])

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return one `Decision` with every reason that applies."""
        invoice = inputs.require(InvoiceArtifact).invoice
        findings = inputs.require(Findings)
        duplicate, match = inputs.get(Duplicate), inputs.get(Match)
        reasons = _Reasons()
        unread: dict[str, str] = {}  # required fields not read well enough: path -> reason
        if read_from_page(invoice):
            unread = self._required_reasons(invoice)
            for why in unread.values():
                reasons.add(why, reject=False)
        missing = [path for path in unread if _unread(value_at(invoice, path))]
        for f in findings.items:
            if f.severity is Severity.FATAL and not _only_missing(f, missing):
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
            self._confidence_reason(invoice, unread),
        ):
            if reason:
                reasons.add(reason, reject=False)
        return [reasons.decision()]

    def _required_reasons(self, invoice: Invoice) -> dict[str, str]:
        """One reason a required field that has no value, or a value read below
        `required_confidence`; in the order of `required_fields`."""
        out: dict[str, str] = {}
        for path in self.required_fields:
            label = REQUIRABLE[path][0]
            if _unread(value_at(invoice, path)):
                out[path] = (
                    f"{label} was not read from the document; check the page and enter it "
                    "(setting required_fields)"
                )
                continue
            source = invoice.provenance.get(path)
            # `not >=` also catches a NaN confidence
            if source is not None and not source.confidence >= self.required_confidence:
                out[path] = (
                    f"{label} was read with confidence {source.confidence:.2f}, below "
                    f"required_confidence {self.required_confidence:g}; check it on the page"
                )
        return out

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

    def _confidence_reason(self, invoice: Invoice, unread: Mapping[str, str]) -> str | None:
        # `not >=` also catches a NaN confidence, which no threshold should let through
        # the values of one line share one source: the line is named once (`lines[3]`)
        weak = list(
            dict.fromkeys(
                f"{_row(path)} {src.confidence:.2f} ({src.module})"
                for path, src in sorted(invoice.provenance.items())
                if not src.confidence >= self.min_confidence and path not in unread
            )
        )
        if not weak:
            return None
        return (
            f"fields extracted with confidence below {self.min_confidence:.2f}: "
            f"{', '.join(weak)}; a person should check them (setting min_confidence)"
        )


def read_from_page(invoice: Invoice) -> bool:
    """Whether the invoice was read from a page: some value comes from the `extract` stage and
    none from the `einvoice` stage (module ids are `<stage>.<name>`)."""
    stages = {
        src.module.split(".", 1)[0]
        for src in invoice.provenance.values()
        if isinstance(src.module, str)
    }
    return _PAGE_STAGE in stages and _EINVOICE_STAGE not in stages


def _only_missing(finding: Finding, missing: Iterable[str]) -> bool:
    """Whether a finding only says that one of the `missing` required fields (already a review
    reason) is missing: its path is the field's, or it is the EN 16931 rule requiring the field."""
    return any(finding.path == path or finding.rule == REQUIRABLE[path][1] for path in missing)


def _row(path: str) -> str:
    """`lines[3]` for a value of a line, else the path itself."""
    if path.startswith("lines[") and "." in path:
        return path.split(".", 1)[0]
    return path


def _duplicate_reason(duplicate: Duplicate) -> str:
    earlier = f"run {duplicate.of_run}" if duplicate.of_run else "an earlier invoice"
    why = f" ({duplicate.reason})" if duplicate.reason else ""
    return f"duplicate of {earlier}{why} (setting reject_duplicates)"


def _unread(value: object) -> bool:
    """No value, or an amount that is not a number (NaN): nothing a person could check."""
    return is_blank(value) or (isinstance(value, Decimal) and not value.is_finite())
