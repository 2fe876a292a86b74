"""The dashboard's review pages: the queue of runs waiting for a person, and the review screen
where a person sees the document's pages beside the invoice's fields, corrects, approves or
rejects.

Everything goes through the services (`App.reviews`, `App.pages`) with the signed-in user as the
actor, so the role checks, conflicts and the audit trail are the service's own. Page images are
served only to signed-in users (`Cache-Control: private`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from turnout.api.auth import TurnoutApp
from turnout.api.dashboard.render import DashboardRoute, redirect, render
from turnout.api.dashboard.session import DashboardUser, check_csrf
from turnout.api.dashboard.views import ReviewForm, corrections, kind_of, review_form, run_line
from turnout.bootstrap import App
from turnout.domain.errors import NotFound, RequestError
from turnout.domain.review import (
    InvalidCorrection,
    NotReviewable,
    PersonDecision,
    ReviewConflict,
    ReviewFilter,
    ReviewRequest,
)
from turnout.domain.runs import RunStatus
from turnout.domain.users import User
from turnout.modules.normalize.identifiers import check_iban, check_vat_id
from turnout.modules.normalize.money import parse_amount, parse_currency
from turnout.runtime.corrections import DATE_FORM, AmountError, parse_day, read_decimal

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PAGE_WIDTH_PX = 1400  # wide enough to stay sharp on a 1920 px screen's document pane
MAX_PAGE_WIDTH_PX = 2000
DECISIONS = ("approve", "review", "reject")
REVIEW_STATUSES = (str(RunStatus.NEEDS_REVIEW), str(RunStatus.COMPLETED), str(RunStatus.FAILED))
FILTER_NAMES = (
    "seller",
    "invoice_number",
    "amount_min",
    "amount_max",
    "date_from",
    "date_to",
    "status",
    "decision",
)


def _amount(value: str, what: str) -> Decimal | None:
    if not value.strip():
        return None
    found = parse_amount(value)
    if found is None:
        raise RequestError(f"{what} `{value}` is not an amount; write it like 1234.56 or 1.234,56")
    return found


def _day(value: str, what: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise RequestError(f"{what} `{value}` is not a date; write it as YYYY-MM-DD") from exc


def review_filter(filters: dict[str, str]) -> ReviewFilter:
    """The queue search of the form's values; a value that cannot be read is a RequestError
    naming it and the form expected."""
    status = filters["status"].strip()
    if status and status not in {str(s) for s in RunStatus}:
        raise RequestError(
            f"run status `{status}` is unknown; choose one of {', '.join(REVIEW_STATUSES)}"
        )
    decision = filters["decision"].strip()
    if decision and decision not in DECISIONS:
        raise RequestError(
            f"decision `{decision}` is unknown; choose one of {', '.join(DECISIONS)}"
        )
    return ReviewFilter(
        seller=filters["seller"].strip() or None,
        invoice_number=filters["invoice_number"].strip() or None,
        amount_min=_amount(filters["amount_min"], "the smallest amount"),
        amount_max=_amount(filters["amount_max"], "the largest amount"),
        date_from=_day(filters["date_from"], "the first day"),
        date_to=_day(filters["date_to"], "the last day"),
        status=status or None,
        decision=decision or None,
    )


@router.get("/review")
def review_queue(
    request: Request,
    app: TurnoutApp,
    user: DashboardUser,
    seller: str = "",
    invoice_number: str = "",
    amount_min: str = "",
    amount_max: str = "",
    date_from: str = "",
    date_to: str = "",
    status: str = "",
    decision: str = "",
) -> Response:
    filters = {
        "seller": seller,
        "invoice_number": invoice_number,
        "amount_min": amount_min,
        "amount_max": amount_max,
        "date_from": date_from,
        "date_to": date_to,
        "status": status,
        "decision": decision,
    }
    items = app.reviews.queue(review_filter(filters))
    return render(
        request,
        "review_queue.html",
        user,
        items=items,
        filters=filters,
        filtered=any(v.strip() for v in filters.values()),
        statuses=REVIEW_STATUSES,
        decisions=DECISIONS,
    )


@router.get("/review/next")
def next_waiting(app: TurnoutApp, user: DashboardUser, after: str = "") -> Response:
    """The newest run waiting for a person (other than `after`), else the queue."""
    for item in app.reviews.queue(ReviewFilter(limit=2)):
        if item.run_id != after:
            return redirect(f"/review/{item.run_id}")
    return redirect("/review", "ok", "nothing else waits for a person")


def _page_count(app: App, run_id: str) -> tuple[int, bool]:
    """How many pages of the run's document can be shown (0: an XML), and whether the document
    is an XML e-invoice (its values come from the XML, not a page); NotFound when the document
    is not stored."""
    source = app.reviews.source(run_id)
    if source is None:
        raise NotFound(_NOT_STORED)
    count = app.pages.page_count(*source)
    return count, count == 0  # a stored document with no page is an XML (others are refused)


_NOT_STORED = (
    "This run's document is not stored (it ran before Turnout kept every run's source file, or "
    "it was deleted after the installation's source_retention_days), so its pages cannot be "
    "shown; the values read from it are in the form"
)


def _screen(
    request: Request,
    app: TurnoutApp,
    user: User,
    run_id: str,
    *,
    typed: dict[str, str] | None = None,
    comment: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    view = app.reviews.show(run_id)
    form = review_form(view.run.invoice, view.run.machine_invoice)
    try:
        pages, einvoice = _page_count(app, run_id)
        pages_problem = None
    except RequestError as exc:
        pages, einvoice, pages_problem = 0, False, str(exc)
    sizes = list(view.page_sizes)
    return render(
        request,
        "review.html",
        user,
        status_code,
        view=view,
        run=view.run,
        line=run_line(view.run),
        form=form,
        typed=typed or {},
        comment=comment,
        error=error,
        pages=[(n, sizes[n - 1] if n <= len(sizes) else None) for n in range(1, pages + 1)],
        pages_problem=pages_problem,
        einvoice=einvoice,
        page_width=PAGE_WIDTH_PX,
        may_review=user.may_review() and view.reviewable,
    )


@router.get("/review/{run_id}")
def review_screen(request: Request, app: TurnoutApp, user: DashboardUser, run_id: str) -> Response:
    return _screen(request, app, user, run_id)


@router.get("/review/{run_id}/pages/{page}")
def page_image(
    app: TurnoutApp,
    user: DashboardUser,
    run_id: str,
    page: int,
    width: Annotated[int, Query(ge=100, le=MAX_PAGE_WIDTH_PX)] = PAGE_WIDTH_PX,
) -> Response:
    """Page `page` (from 1) of the run's document as an image, for signed-in users only."""
    source = app.reviews.source(run_id)
    if source is None:
        raise NotFound(f"run {run_id}: {_NOT_STORED[0].lower()}{_NOT_STORED[1:]}")
    name, data = source
    image = app.pages.render(name, data, page, width)
    return Response(
        image.data,
        media_type=image.media_type,
        headers={"Cache-Control": "private, max-age=300"},
    )


def check_value(field: str, value: str) -> dict[str, object]:
    """Whether `value` is one `field` can hold, read as the pipeline reads it: `ok`, a `message`
    for the person, the value as it would be stored (`value`)."""
    kind = kind_of(field)
    text = value.strip()
    if not text:
        return {"field": field, "ok": True, "message": "empty: the field is cleared", "value": None}
    # dates and amounts are read by the review service's own parsers, so what the screen says
    # it read is what a save stores
    if kind == "date":
        day = parse_day(text)
        if day is None:
            return _verdict(field, False, f"not a date; write it as {DATE_FORM}")
        return _verdict(field, True, f"read as {day.isoformat()}", day.isoformat())
    if kind in ("amount", "number"):
        try:
            amount = read_decimal(text)
        except AmountError as exc:
            return _verdict(field, False, f"`{text}` {exc}")
        return _verdict(field, True, f"read as {amount}", str(amount))
    if kind == "vat":
        compact, note = check_vat_id(text, field)
        if note is not None:
            return _verdict(field, False, note.message, compact)
        return _verdict(field, True, f"a valid VAT number: {compact}", compact)
    if kind == "iban":
        compact, note = check_iban(text, field)
        if note is not None:
            return _verdict(field, False, note.message, compact)
        return _verdict(field, True, "the IBAN's check digits are right", compact)
    if kind == "currency":
        code = parse_currency(text)
        if code is None:
            return _verdict(field, False, "not a currency; write its ISO 4217 code, like EUR")
        return _verdict(field, True, f"read as {code}", code)
    return _verdict(field, True, "", text)


def _verdict(field: str, ok: bool, message: str, value: str | None = None) -> dict[str, object]:
    return {"field": field, "ok": ok, "message": message, "value": value}


@router.get("/review/{run_id}/check")
def check(user: DashboardUser, run_id: str, field: str = "", value: str = "") -> Response:
    """One field's value checked as the person types it (JSON)."""
    if not field or len(field) > 200 or len(value) > 2000:
        raise RequestError("name the field to check (`field`) and give its value (`value`)")
    return JSONResponse(check_value(field, value), headers={"Cache-Control": "no-store"})


def _decision(action: str) -> PersonDecision | None:
    if action == "approve":
        return PersonDecision.APPROVE
    if action == "reject":
        return PersonDecision.REJECT
    if action == "rerun":
        return None
    raise RequestError(f"`{action}` is not a review action; use Approve, Reject or Save and re-run")


@router.post("/review/{run_id}")
async def submit_review(
    request: Request, app: TurnoutApp, user: DashboardUser, run_id: str
) -> Response:
    """Corrections (the fields whose value the person changed), then approve, reject (a reason
    is required) or save and re-run."""
    submitted = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_csrf(request, submitted.get("csrf"))
    decision = _decision(submitted.get("action", ""))
    comment = submitted.get("comment", "").strip()
    revision = submitted.get("revision", "")
    view = await run_in_threadpool(app.reviews.show, run_id)
    form: ReviewForm = review_form(view.run.invoice, view.run.machine_invoice)
    changed = corrections(form, submitted)
    typed = {k[2:]: v for k, v in submitted.items() if k.startswith("f.")}
    # a rejection without a reason is refused by the review service, which audits the refusal
    review = ReviewRequest(
        corrections=changed,
        decision=decision,
        comment=comment or None,
        expected_revision=int(revision) if revision.isdigit() else None,
    )
    try:
        run = await run_in_threadpool(app.reviews.review, run_id, user.name, review)
    except (ReviewConflict, NotReviewable) as exc:
        return render(
            request,
            "error.html",
            user,
            409,
            status=409,
            message=str(exc),
            reload=f"/review/{run_id}",
        )
    except InvalidCorrection as exc:
        problem = str(exc)
        return await run_in_threadpool(
            lambda: _screen(
                request,
                app,
                user,
                run_id,
                typed=typed,
                comment=comment,
                error=problem,
                status_code=422,
            )
        )
    fixed = f"{len(changed)} correction{'s' if len(changed) != 1 else ''}"
    if decision is None:
        return redirect(
            f"/review/{run_id}",
            "ok",
            f"saved {fixed} and re-ran the run: {run.status}",
        )
    done = "approved" if decision is PersonDecision.APPROVE else "rejected"
    return redirect(
        f"/runs/{run_id}",
        "ok",
        f"{done} by {user.name} with {fixed}; the run is {str(run.status).replace('_', ' ')}",
    )
