"""/reviews and /runs/{id}/review: the runs waiting for a person, one run's review, its pages.

Reading (the queue, a run's review, its page images) needs any role; reviewing (corrections,
approve, reject, save and re-run) needs the reviewer or operator role, checked before the body is
read and audited when refused. The review service (`App.reviews`) does the rest: it refuses and
audits a run that is not waiting for a person (409), a review that lost to another reviewer's
(409) and a correction it cannot read (422), and answers the run as it ends after the re-run.

Page images are also served to the dashboard's signed-in users (its session cookie), so the
review screen can show them without handing the API token to the browser.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from turnout.api.auth import BearerCredentials, CurrentUser, Reviewer, TurnoutApp, current_user
from turnout.api.bodies import json_body, json_request_body
from turnout.api.dashboard.session import SESSION_COOKIE, dashboard_user
from turnout.api.params import MAX_SQL_INT
from turnout.api.responses import errors
from turnout.api.run_schema import RUN
from turnout.bootstrap import App
from turnout.domain.artifacts import Outcome
from turnout.domain.errors import NotFound, TurnoutError
from turnout.domain.review import PersonDecision, ReviewFilter, ReviewRequest
from turnout.domain.runs import RunStatus
from turnout.domain.users import User
from turnout.views import run_to_dict

router = APIRouter(tags=["reviews"])

MAX_AMOUNT = Decimal(10) ** 14
"""Amounts are stored with 14 digits before the point: no amount due lies outside ±10^14."""
LAST_DAY = dt.date(9999, 12, 30)
"""`date_to` covers its whole day, so the last day a search can end on is the one before the
calendar's last."""
MAX_CORRECTIONS = 500
DEFAULT_PAGE_WIDTH = 1200
MAX_PAGE_WIDTH = 2000

QUEUE_ITEM: dict[str, Any] = {
    "title": "ReviewItem",
    "type": "object",
    "description": "One run waiting for a person.",
    "required": ["run_id", "file", "status", "decision", "reasons", "created_at"],
    "properties": {
        "run_id": {"type": "string"},
        "file": {"type": "string", "description": "The source file's name."},
        "status": {"type": "string", "enum": [str(s) for s in RunStatus]},
        "decision": {
            "type": ["string", "null"],
            "enum": [*(str(o) for o in Outcome), None],
            "description": "The routing decision's outcome, when routing ran.",
        },
        "reasons": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Why it waits for a person (the decision's reasons, the run's reason).",
        },
        "invoice_number": {"type": ["string", "null"]},
        "seller": {"type": ["string", "null"], "description": "The seller's name as read."},
        "amount_due": {
            "type": ["string", "null"],
            "description": "The amount due for payment (BT-115), a decimal in a string.",
        },
        "currency": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
RECORD: dict[str, Any] = {
    "type": "object",
    "description": "One recorded review action (a correction of one field, approve, reject or "
    "re-run); the machine's value is kept beside the corrected one.",
    "required": ["run_id", "revision", "actor", "action", "created_at"],
    "properties": {
        "record_id": {"type": ["integer", "null"]},
        "run_id": {"type": "string"},
        "revision": {"type": "integer", "description": "The review revision it produced."},
        "actor": {"type": "string"},
        "action": {"type": "string", "enum": ["correct", "approve", "reject", "rerun"]},
        "created_at": {"type": "string", "format": "date-time"},
        "field": {"type": ["string", "null"], "description": "The corrected field's path."},
        "machine_value": {"type": ["string", "null"], "description": "What the machine read."},
        "previous_value": {"type": ["string", "null"], "description": "The value before it."},
        "corrected_value": {"type": ["string", "null"]},
        "comment": {"type": ["string", "null"]},
    },
}
REVIEW_VIEW: dict[str, Any] = {
    "title": "ReviewView",
    "type": "object",
    "required": ["run", "records", "reviewable", "why_not", "pages", "page_sizes"],
    "properties": {
        "run": {"$ref": "#/components/schemas/Run"},
        "records": {"type": "array", "items": RECORD, "description": "Oldest first."},
        "reviewable": {"type": "boolean", "description": "Whether it waits for a person now."},
        "why_not": {
            "type": ["string", "null"],
            "description": "When it is not reviewable, why (a final decision, still running ...).",
        },
        "pages": {
            "type": "integer",
            "minimum": 0,
            "description": "How many page images GET /runs/{run_id}/pages/{n} serves (0 for an "
            "e-invoice or a document that is not stored).",
        },
        "page_sizes": {
            "type": "array",
            "description": "Each page's (width, height) in points, the unit of the provenance "
            "boxes (from the page's top-left corner); empty when unknown.",
            "items": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 2,
                "maxItems": 2,
            },
        },
        "pages_problem": {
            "type": ["string", "null"],
            "description": "Why the stored document cannot be shown as images, if it cannot.",
        },
    },
}
IMAGE = {
    "description": "The page as an image: a PDF page rendered to PNG, an image source as it is",
    "content": {
        media: {"schema": {"type": "string", "contentMediaType": media}}
        for media in ("image/png", "image/jpeg")
    },
    "headers": {
        "X-Page-Width-Pt": {
            "description": "The page's width in points (the unit of the boxes).",
            "schema": {"type": "number"},
        },
        "X-Page-Height-Pt": {
            "description": "The page's height in points.",
            "schema": {"type": "number"},
        },
    },
}


class ReviewBody(BaseModel):
    """A person's review of one run: corrections, then a decision (none: save and re-run)."""

    model_config = ConfigDict(extra="forbid")

    corrections: dict[
        Annotated[str, Field(min_length=1, max_length=200)],
        Annotated[str, Field(max_length=2000)] | None,
    ] = Field(
        default_factory=dict,
        max_length=MAX_CORRECTIONS,
        description="Corrected values by the canonical invoice's field path (`invoice_number`, "
        "`issue_date`, `seller.vat_id`, `totals.payable`, `lines.0.net_amount`), as a person "
        "types them (`05.03.2024`, `1.234,56`); null clears a field.",
    )
    decision: Literal["approve", "reject"] | None = Field(
        default=None,
        description="`approve` or `reject` (final); null saves the corrections and re-runs.",
    )
    comment: str | None = Field(
        default=None, max_length=2000, description="Why; required to reject."
    )
    expected_revision: int | None = Field(
        default=None,
        ge=0,
        le=MAX_SQL_INT,
        description="The run's `review_revision` the reviewer saw: if someone reviewed it since, "
        "the answer is 409 and nothing changes.",
    )

    def request(self) -> ReviewRequest:
        return ReviewRequest(
            corrections=dict(self.corrections),
            decision=PersonDecision(self.decision) if self.decision else None,
            comment=self.comment,
            expected_revision=self.expected_revision,
        )


def _bad_query(name: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", name), "msg": message, "type": "value_error"}])


Amount = Annotated[
    Decimal | None,
    Query(
        ge=-MAX_AMOUNT,
        le=MAX_AMOUNT,
        decimal_places=6,
        description="An amount due, with a point for decimals (`1234.56`).",
    ),
]
Day = Annotated[dt.date | None, Query(description="A day, `YYYY-MM-DD` (the run's creation, UTC).")]


def review_filter(
    seller: Annotated[
        str | None, Query(max_length=200, description="Part of the seller's name.")
    ] = None,
    invoice_number: Annotated[
        str | None, Query(max_length=200, description="Part of the invoice number.")
    ] = None,
    amount_min: Amount = None,
    amount_max: Amount = None,
    date_from: Day = None,
    date_to: Day = None,
    status: Annotated[RunStatus | None, Query(description="Only runs with this status.")] = None,
    decision: Annotated[
        Outcome | None, Query(description="Only runs with this routing decision.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ReviewFilter:
    """The queue's search criteria from the query string; ranges the wrong way round are a 422."""
    if amount_min is not None and amount_max is not None and amount_min > amount_max:
        raise _bad_query(
            "amount_min", f"amount_min {amount_min} is above amount_max {amount_max}; swap them"
        )
    if date_to is not None and date_to > LAST_DAY:
        raise _bad_query("date_to", f"date_to must be {LAST_DAY.isoformat()} or earlier")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise _bad_query(
            "date_from", f"date_from {date_from} is after date_to {date_to}; swap them"
        )
    return ReviewFilter(
        seller=seller or None,
        invoice_number=invoice_number or None,
        amount_min=amount_min,
        amount_max=amount_max,
        date_from=date_from,
        date_to=date_to,
        status=str(status) if status else None,
        decision=str(decision) if decision else None,
        limit=limit,
    )


@router.get(
    "/reviews",
    responses={
        200: {
            "description": "Runs waiting for a person, newest first",
            "content": {"application/json": {"schema": {"type": "array", "items": QUEUE_ITEM}}},
        },
        **errors(401, 403, 422),
    },
)
def review_queue(
    app: TurnoutApp,
    user: CurrentUser,
    criteria: Annotated[ReviewFilter, Depends(review_filter)],
) -> list[dict[str, Any]]:
    """The review queue: `needs_review` runs, runs with a `review` decision, and failed runs whose
    document can be read, each with its reasons; searched by seller, invoice number, amount due,
    creation day, status and decision (criteria combine)."""
    return [item.to_dict() for item in app.reviews.queue(criteria)]


@router.get(
    "/reviews/count",
    responses={
        200: {
            "description": "How many runs wait for a person",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["count"],
                        "properties": {"count": {"type": "integer", "minimum": 0}},
                    }
                }
            },
        },
        **errors(401, 403),
    },
)
def review_count(app: TurnoutApp, user: CurrentUser) -> dict[str, int]:
    """How many runs wait for a person (the dashboard's badge)."""
    return {"count": app.reviews.count()}


RunId = Annotated[str, Path(max_length=200, description="The run's id.")]


@router.get(
    "/runs/{run_id}/review",
    responses={
        200: {
            "description": "The run's review",
            "content": {"application/json": {"schema": REVIEW_VIEW}},
        },
        **errors(401, 403, 404),
    },
)
def get_review(app: TurnoutApp, user: CurrentUser, run_id: RunId) -> dict[str, Any]:
    """What a reviewer needs to review one run: the run (as `GET /runs/{run_id}`), its review
    records, whether it waits for a person (and why not), how many page images there are and
    each page's size in points."""
    view = app.reviews.show(run_id)
    pages, problem = _page_count(app, run_id)
    return {
        "run": run_to_dict(view.run),
        "records": [r.to_dict() for r in view.records],
        "reviewable": view.reviewable,
        "why_not": view.why_not,
        "pages": pages,
        "page_sizes": [list(size) for size in view.page_sizes],
        "pages_problem": problem,
    }


def _page_count(app: App, run_id: str) -> tuple[int, str | None]:
    source = app.reviews.source(run_id)
    if source is None:
        return 0, "the run's document is not stored, so its pages cannot be shown"
    try:
        return app.pages.page_count(*source), None
    except TurnoutError as exc:
        return 0, str(exc)


@router.post(
    "/runs/{run_id}/review",
    responses={**RUN, **errors(400, 401, 403, 404, 409, 422)},
    openapi_extra=json_request_body(
        ReviewBody.model_json_schema(),
        "Corrections by field path, a decision (`approve`, `reject`, or null to save and "
        "re-run), a comment (required to reject), and optionally the revision you saw.",
    ),
)
def review_run(
    app: TurnoutApp,
    user: Reviewer,
    run_id: RunId,
    body: Annotated[ReviewBody, Depends(json_body(ReviewBody))],
) -> dict[str, Any]:
    """Correct, approve or reject a run waiting for a person (reviewer or operator). Each
    correction is recorded (the machine's value is kept); the run continues on its pinned
    configuration version from the stage after extraction with the corrected invoice; a person's
    approve or reject is its final decision. Answers the run as it ends. 409 when the run is not
    waiting for a person, already has a final decision, or another reviewer got there first (or
    reviewed it since `expected_revision`)."""
    return run_to_dict(app.reviews.review(run_id, user.name, body.request()))


def page_reader(request: Request, app: TurnoutApp, credentials: BearerCredentials) -> User:
    """The caller by bearer token (the API) or, without one, by the dashboard's session cookie
    (the review screen's images); 401 with neither."""
    if credentials is None and SESSION_COOKIE in request.cookies:
        return dashboard_user(request)
    return current_user(app, credentials)


@router.get(
    "/runs/{run_id}/pages/{n}",
    response_class=Response,
    responses={200: IMAGE, **errors(400, 401, 403, 404, 422)},
)
def page_image(
    app: TurnoutApp,
    user: Annotated[User, Depends(page_reader)],
    run_id: RunId,
    n: Annotated[int, Path(ge=1, le=100_000, description="The page, from 1.")],
    width: Annotated[
        int,
        Query(ge=100, le=MAX_PAGE_WIDTH, description="The width in pixels a PDF page is drawn at."),
    ] = DEFAULT_PAGE_WIDTH,
) -> Response:
    """Page `n` of the run's document as an image: a PDF page rendered to PNG `width` pixels
    wide, an image source as it is (a TIFF as PNG). Its size in points (the provenance boxes'
    unit) is in `X-Page-Width-Pt` and `X-Page-Height-Pt`. Signed-in users only (a bearer token
    or the dashboard's session), never cached by shared caches."""
    source = app.reviews.source(run_id)
    if source is None:
        raise NotFound(
            f"run {run_id}'s document is not stored (it ran before Turnout kept every run's "
            "source file, or it was deleted after the installation's source_retention_days), so "
            f"no page can be shown; GET /api/v1/runs/{run_id} shows what was read from it"
        )
    image = app.pages.render(source[0], source[1], n, width)
    return Response(
        content=image.data,
        media_type=image.media_type,
        headers={
            "Cache-Control": "private, max-age=300",
            "X-Page-Width-Pt": str(round(image.width_pt, 3)),
            "X-Page-Height-Pt": str(round(image.height_pt, 3)),
        },
    )
