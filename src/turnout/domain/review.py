"""Review: a person looks at a run waiting for one, corrects fields, approves or rejects it.

Which runs wait for a person (the review queue): a run `needs_review`; a finished run whose
decision is `review`; a `failed` run whose document can be read (its source bytes are stored and
its text was read). A person's approve or reject is the run's final decision: a run with a final
decision is no longer in the queue and is not reviewed again.

Every correction is a recorded action (`ReviewRecord`): who, which run, which field, the machine's
value, the value before this correction, the corrected value, when. The machine's original invoice
is kept on the run (`Run.machine_invoice`) and never overwritten. The run then continues on its
pinned configuration version from the stage after `extract` with the corrected invoice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from turnout.domain.errors import RequestError


class ReviewAction(StrEnum):
    CORRECT = "correct"  # one field corrected (one record per field)
    APPROVE = "approve"  # the person's final decision
    REJECT = "reject"  # the person's final decision (a reason is required)
    RERUN = "rerun"  # saved and re-run without a decision


class PersonDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class ReviewRequest:
    """What a reviewer sends: corrections keyed by the canonical invoice's field path
    (`invoice_number`, `issue_date`, `seller.vat_id`, `totals.payable`, `lines.0.net_amount`),
    a decision (None: save and re-run), a comment (required to reject). `expected_revision`, when
    given, is the `review_revision` the reviewer saw: a run reviewed since is a conflict."""

    corrections: Mapping[str, str | None] = field(default_factory=dict)
    decision: PersonDecision | None = None
    comment: str | None = None
    expected_revision: int | None = None


@dataclass(frozen=True)
class ReviewRecord:
    """One recorded review action on one run (insert-only)."""

    record_id: int | None
    run_id: str
    revision: int  # the run's review_revision this action produced
    actor: str
    action: ReviewAction
    created_at: dt.datetime
    field: str | None = None  # CORRECT only
    machine_value: str | None = None  # what the machine read (from Run.machine_invoice)
    previous_value: str | None = None  # the value just before this correction
    corrected_value: str | None = None
    comment: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "record_id": self.record_id,
            "run_id": self.run_id,
            "revision": self.revision,
            "actor": self.actor,
            "action": str(self.action),
            "created_at": self.created_at.isoformat(),
            "field": self.field,
            "machine_value": self.machine_value,
            "previous_value": self.previous_value,
            "corrected_value": self.corrected_value,
            "comment": self.comment,
        }


@dataclass(frozen=True)
class ReviewFilter:
    """Search of the review queue; every criterion is optional and they combine with AND.
    `seller` and `invoice_number` match case-insensitively anywhere in the value; amounts compare
    the amount due (BT-115), dates the run's creation day (UTC)."""

    seller: str | None = None
    invoice_number: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str | None = None
    decision: str | None = None
    limit: int = 100


@dataclass(frozen=True)
class ReviewItem:
    """One run in the review queue: the JSON shape of `GET /api/v1/reviews`."""

    run_id: str
    file: str
    status: str
    decision: str | None
    reasons: tuple[str, ...]
    invoice_number: str | None
    seller: str | None
    amount_due: str | None
    currency: str | None
    created_at: dt.datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "file": self.file,
            "status": self.status,
            "decision": self.decision,
            "reasons": list(self.reasons),
            "invoice_number": self.invoice_number,
            "seller": self.seller,
            "amount_due": self.amount_due,
            "currency": self.currency,
            "created_at": self.created_at.isoformat(),
        }


class ReviewConflict(RequestError):
    """The run was reviewed (or is being reviewed) by someone else since it was read, or already
    has a person's final decision: nothing was changed (HTTP 409)."""


class NotReviewable(RequestError):
    """The run is not waiting for a person (completed and approved by the rules, still running,
    or failed before its document could be read)."""


class InvalidCorrection(RequestError):
    """A correction names a field the invoice has not, or a value that field cannot hold; the
    message names the field and the expected form (nothing was changed)."""
