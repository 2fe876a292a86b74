"""The review queue, the recorded review actions, and a run's claim for review."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)

from turnout.domain.artifacts import Outcome
from turnout.domain.review import ReviewAction, ReviewFilter, ReviewItem, ReviewRecord
from turnout.domain.runs import AttemptOutcome, RunStatus
from turnout.persistence.repositories.runs import SqlRunRepository
from turnout.persistence.tables import (
    review_records,
    runs,
    sources,
    stage_attempts,
    stage_results,
)
from turnout.runtime.execution import READ_STAGES

R = runs.c
A = stage_attempts.c
V = review_records.c
FINISHED = [s.value for s in RunStatus if s.finished]
DONE = [AttemptOutcome.OK.value, AttemptOutcome.FALLBACK.value]


def waiting_for_a_person() -> ColumnElement[bool]:
    """The review queue's condition: a run that waits for a person (`waits_for_a_person`) with
    the document's bytes and its reading stages' results kept, which a review continues from (a
    run from before Turnout kept them cannot be reviewed, so it is not listed: its file is
    processed again)."""
    stored = exists().where(sources.c.sha256 == R.source_sha256)
    kept = exists().where(stage_results.c.run_id == R.run_id)
    return and_(waits_for_a_person(), stored, kept)


def waits_for_a_person() -> ColumnElement[bool]:
    """`turnout.runtime.execution.waits_for_a_person` in SQL: no final decision yet, and
    `needs_review`, a `review` decision, or `failed` with its text (or e-invoice) read."""
    read = exists().where(A.run_id == R.run_id, A.stage_id.in_(READ_STAGES), A.outcome.in_(DONE))
    return and_(
        R.final_decision.is_(None),
        or_(
            R.status == RunStatus.NEEDS_REVIEW.value,
            and_(
                R.status.in_([RunStatus.COMPLETED.value, RunStatus.COMPLETED_WITH_FALLBACK.value]),
                R.decision["outcome"].as_string() == Outcome.REVIEW.value,
            ),
            and_(R.status == RunStatus.FAILED.value, read),
        ),
    )


class SqlReviewRepository:
    """`ReviewRepository` on the runs and review_records tables."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def queue(self, criteria: ReviewFilter) -> builtins.list[ReviewItem]:
        query = select(runs).where(waiting_for_a_person())
        for condition in _criteria(criteria):
            query = query.where(condition)
        query = query.order_by(R.created_at.desc(), R.run_id.desc()).limit(criteria.limit)
        return [_item(row) for row in self._conn.execute(query).mappings()]

    def count(self) -> int:
        query = select(func.count()).select_from(runs).where(waiting_for_a_person())
        return int(self._conn.execute(query).scalar_one())

    def add(self, records: Sequence[ReviewRecord]) -> None:
        if records:
            self._conn.execute(insert(review_records), [_record_values(r) for r in records])

    def for_run(self, run_id: str) -> builtins.list[ReviewRecord]:
        query = select(review_records).where(V.run_id == run_id).order_by(V.record_id)
        return [_record(row) for row in self._conn.execute(query).mappings()]

    def claim(
        self,
        run_id: str,
        expected_revision: int,
        worker: str,
        lease_s: float,
        *,
        machine_invoice: dict[str, Any] | None = None,
        final_decision: dict[str, Any] | None = None,
    ) -> bool:
        values: dict[str, Any] = {
            "status": RunStatus.RUNNING.value,
            "worker": worker,
            "lease_expires_at": SqlRunRepository(self._conn)._lease_end(lease_s),
            "review_revision": R.review_revision + 1,
            "finished_at": None,
            "final_decision": final_decision,
        }
        if machine_invoice is not None:  # kept once: the machine's first reading
            values["machine_invoice"] = func.coalesce(
                R.machine_invoice, type_coerce(machine_invoice, runs.c.machine_invoice.type)
            )
        result = self._conn.execute(
            update(runs)
            .where(
                R.run_id == run_id,
                R.review_revision == expected_revision,
                R.final_decision.is_(None),
                R.status.in_(FINISHED),
            )
            .values(**values)
        )
        return result.rowcount == 1


def _criteria(c: ReviewFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions; the text searches are literal (`%` and `_` are characters)."""
    found: list[ColumnElement[bool]] = []
    if c.seller:
        found.append(
            func.lower(R.invoice[("seller", "name")].as_string()).contains(
                c.seller.lower(), autoescape=True
            )
        )
    if c.invoice_number:
        found.append(
            func.lower(R.invoice["invoice_number"].as_string()).contains(
                c.invoice_number.lower(), autoescape=True
            )
        )
    if c.amount_min is not None:
        found.append(R.payable >= c.amount_min)
    if c.amount_max is not None:
        found.append(R.payable <= c.amount_max)
    if c.date_from is not None:
        found.append(R.created_at >= _day_start(c.date_from))
    if c.date_to is not None:
        found.append(R.created_at < _day_start(c.date_to + dt.timedelta(days=1)))
    if c.status:
        found.append(R.status == c.status)
    if c.decision:
        found.append(R.decision["outcome"].as_string() == c.decision)
    return found


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def reasons_of(status: str, reason: str | None, decision: dict[str, Any] | None) -> tuple[str, ...]:
    """Why a run waits for a person: the decision's reasons, and the run's own reason when it
    did not end with a decision that says it (needs_review, failed: first), or is a note on a
    completed run (a fallback used: last, after the reasons that sent the run to review)."""
    found: list[str] = []
    if decision:
        found.extend(str(r) for r in decision.get("reasons") or ())
    if reason and status != RunStatus.COMPLETED.value and reason not in found:
        stopped = status in (RunStatus.NEEDS_REVIEW.value, RunStatus.FAILED.value)
        found.insert(0 if stopped else len(found), reason)
    return tuple(found)


def _item(row: Any) -> ReviewItem:
    invoice = row["invoice"] or {}
    decision = row["decision"] or None
    seller = invoice.get("seller") or {}
    totals = invoice.get("totals") or {}
    payable = totals.get("payable")
    return ReviewItem(
        run_id=row["run_id"],
        file=row["file_name"],
        status=row["status"],
        decision=decision.get("outcome") if decision else None,
        reasons=reasons_of(row["status"], row["reason"], decision),
        invoice_number=invoice.get("invoice_number"),
        seller=seller.get("name"),
        amount_due=None if payable is None else str(payable),
        currency=invoice.get("currency"),
        created_at=row["created_at"],
    )


def _record_values(r: ReviewRecord) -> dict[str, Any]:
    return {
        "run_id": r.run_id,
        "revision": r.revision,
        "actor": r.actor,
        "action": r.action.value,
        "field": r.field,
        "machine_value": r.machine_value,
        "previous_value": r.previous_value,
        "corrected_value": r.corrected_value,
        "comment": r.comment,
        "created_at": r.created_at,
    }


def _record(row: Any) -> ReviewRecord:
    return ReviewRecord(
        record_id=row["record_id"],
        run_id=row["run_id"],
        revision=row["revision"],
        actor=row["actor"],
        action=ReviewAction(row["action"]),
        created_at=row["created_at"],
        field=row["field"],
        machine_value=row["machine_value"],
        previous_value=row["previous_value"],
        corrected_value=row["corrected_value"],
        comment=row["comment"],
    )
