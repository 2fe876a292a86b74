"""The review service: the queue of runs waiting for a person, one run as a reviewer sees it, and a
person's corrections and final decision, with which the run continues.

`review` authorizes the actor (reviewer or operator), checks the corrections against the run's
invoice, then claims the run in one transaction: the run goes back to `running` under this
process's lease with its `review_revision` raised by one (only if nobody reviewed it since the
reviewer read it, and it has no final decision: concurrent reviews give one result and a
`ReviewConflict` to the others), keeps the machine's first invoice, takes the person's final
decision, records every action (`review_records`) and audit event, and replaces its stored stage
results by its reading stages' results, the extract one holding the corrected invoice (so that a
queue worker resuming it after a crash continues from the correction). The run then continues on
its pinned configuration version from the stage after `extract`; after `route`, the person's
approve or reject is the decision; the export is written once more with the idempotency key
`run:export:rN`. After a final approve (not a save, not a rejection), the learning hook is told,
with the final invoice and every field corrected in the run's reviews (its failures are logged,
never the review's).

A request must change something: a correction giving a field the value it has is no correction
(not recorded), and a request with no correction left and no decision is refused. Every refusal
is an audit event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from turnout.domain.artifacts import Document, EInvoice, Fields, Source, Text
from turnout.domain.errors import NotFound, RequestError
from turnout.domain.events import EventAction, EventResult
from turnout.domain.invoice import Invoice
from turnout.domain.review import (
    InvalidCorrection,
    NotReviewable,
    PersonDecision,
    ReviewAction,
    ReviewConflict,
    ReviewFilter,
    ReviewItem,
    ReviewRecord,
    ReviewRequest,
)
from turnout.domain.runs import Run, RunStatus, StageResult
from turnout.runtime import checkpoint as codec
from turnout.runtime.audit import Clock, record_event, utcnow
from turnout.runtime.authorization import require_reviewer
from turnout.runtime.corrections import (
    Correction,
    apply_corrections,
    changing,
    json_value,
    parse_corrections,
)
from turnout.runtime.execution import READING_STAGES, waits_for_a_person
from turnout.runtime.plan import Plan
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.review_fields import einvoice_with, fields_of
from turnout.runtime.runner import Runner

log = logging.getLogger(__name__)

# told after a review's run ended: the run, its text (None for an e-invoice), who, which paths
ReviewedHook = Callable[[Run, Text | None, str, tuple[str, ...]], object]
_VERBS = {PersonDecision.APPROVE: "approved", PersonDecision.REJECT: "rejected"}


@dataclass(frozen=True)
class ReviewView:
    """One run as a reviewer sees it."""

    run: Run  # with attempts
    records: list[ReviewRecord]  # oldest first
    reviewable: bool  # in the queue now
    why_not: str | None  # when not reviewable, why
    # (width, height) in points per page from the run's stored text stage (provenance boxes are
    # in points from the page's top-left corner); () when unknown
    page_sizes: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class _Claimed:
    run: Run
    data: bytes
    resume: list[StageResult]
    text: Text | None
    corrected: tuple[
        str, ...
    ]  # every path a person corrected in the run's reviews, this one's last
    decision: PersonDecision | None


class ReviewService:
    """Review of runs waiting for a person (see the module's docstring)."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        runner: Runner,
        *,
        plan_for: Callable[[int], Plan],
        reader_factory: Callable[[], UnitOfWork] | None = None,
        on_reviewed: ReviewedHook | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._uow = uow_factory
        self._reader = reader_factory or uow_factory
        self._runner = runner
        self._plan_for = plan_for  # the plan of a version (the run lifecycle's, built once)
        self._on_reviewed = on_reviewed
        self._now = clock

    # -- reading -------------------------------------------------------------------------------

    def queue(self, criteria: ReviewFilter) -> list[ReviewItem]:
        """Runs waiting for a person, newest first (any signed-in user may read it)."""
        with self._reader() as uow:
            return uow.reviews.queue(criteria)

    def count(self) -> int:
        with self._reader() as uow:
            return uow.reviews.count()

    def show(self, run_id: str) -> ReviewView:
        """The run, its review records, whether it waits for a person (else why not), and its
        pages' sizes; NotFound when there is no such run."""
        with self._reader() as uow:
            run = _get(uow, run_id)
            records = uow.reviews.for_run(run_id)
            results = uow.stage_results.for_run(run_id)
            stored = (
                run.source_sha256 is not None and uow.sources.get(run.source_sha256) is not None
            )
        why_not = _why_not(run, records, stored, _reading(results))
        return ReviewView(run, records, why_not is None, why_not, _page_sizes(results))

    def source(self, run_id: str) -> tuple[str, bytes] | None:
        """The run's file name and stored bytes; None when its source was not kept."""
        with self._reader() as uow:
            run = _get(uow, run_id)
            data = uow.sources.get(run.source_sha256) if run.source_sha256 else None
        return None if data is None else (run.file_name, data)

    # -- reviewing -----------------------------------------------------------------------------

    def review(self, run_id: str, actor: str, request: ReviewRequest) -> Run:
        """Apply a person's corrections and decision and continue the run (see the module's
        docstring). Raises PermissionDenied, NotFound, NotReviewable, ReviewConflict or
        InvalidCorrection, each audited; nothing is changed then. The run as it ended."""
        try:
            claimed = self._claim(run_id, actor, request)
        except RequestError as exc:
            self._refused(run_id, actor, exc)
            raise
        run = self._runner.continue_reviewed(claimed.run, claimed.data, claimed.resume)
        self._record_end(run, actor)
        self._learn(run, claimed, actor)
        with self._reader() as uow:
            return uow.runs.get(run_id) or run

    def _claim(self, run_id: str, actor: str, request: ReviewRequest) -> _Claimed:
        now = self._now()
        with self._uow() as uow:
            require_reviewer(uow, actor)
            run = _get(uow, run_id)
            comment = (request.comment or "").strip() or None
            if request.decision is PersonDecision.REJECT and comment is None:
                raise InvalidCorrection(
                    f"a rejection needs a reason: say why run {run_id} is rejected in the comment "
                    "(`--reason TEXT` on the command line)"
                )
            base = Invoice.from_dict(run.invoice) if run.invoice else Invoice()
            typed = parse_corrections(request.corrections, base)
            corrections = changing(typed, base)
            if not corrections and request.decision is None:
                same = ", ".join(c.path for c in typed)
                raise InvalidCorrection(
                    "nothing to correct or decide: send corrections, a decision, or both"
                    + (f" ({same}: already the value given, nothing changes)" if same else "")
                )
            expected = (
                run.review_revision
                if request.expected_revision is None
                else request.expected_revision
            )
            records = uow.reviews.for_run(run_id)
            _check_claimable(run, records, expected)
            data = uow.sources.get(run.source_sha256) if run.source_sha256 else None
            reading = _reading(uow.stage_results.for_run(run_id))
            why_not = _why_not(run, records, data is not None, reading)
            if why_not is not None:
                raise NotReviewable(f"run {run_id} cannot be reviewed: {why_not}")
            assert data is not None
            module = f"review:{actor}"
            corrected = apply_corrections(base, corrections, module)
            resume = self._corrected_reading(run, reading, corrected, corrections)
            final = (
                None
                if request.decision is None
                else {
                    "outcome": request.decision.value,
                    "by": actor,
                    "comment": comment,
                    "at": now.isoformat(),
                }
            )
            machine = run.machine_invoice or run.invoice
            if not uow.reviews.claim(
                run_id,
                expected,
                self._runner.holder,
                self._runner.lease_s,
                machine_invoice=machine,
                final_decision=final,
            ):
                raise _lost_race(_get(uow, run_id), uow.reviews.for_run(run_id))
            revision = expected + 1
            new = _records(run, revision, actor, now, corrections, request.decision, comment)
            uow.reviews.add(new)
            uow.stage_results.replace(run_id, resume, now)
            config = uow.configurations.get(run.version) if run.config_version else None
            for message in _messages(run, revision, actor, corrections, request.decision, comment):
                record_event(uow, config, EventAction.REVIEW, actor, EventResult.OK, message, now)
            uow.commit()
        run.status = RunStatus.RUNNING
        run.review_revision = revision
        run.final_decision = final
        if run.machine_invoice is None:
            run.machine_invoice = machine
        text = next((a for r in resume for a in _decoded(r, run) if isinstance(a, Text)), None)
        paths = [r.field for r in records if r.field] + [c.path for c in corrections]
        return _Claimed(run, data, resume, text, tuple(dict.fromkeys(paths)), request.decision)

    def _corrected_reading(
        self,
        run: Run,
        reading: list[StageResult],
        corrected: Invoice,
        corrections: Sequence[Correction],
    ) -> list[StageResult]:
        """The reading stages' results the run continues from: the e-invoice holding the
        corrected invoice when the run read one, else the extract stage's result holding the
        corrected invoice as raw fields."""
        einvoice_stage = next(
            (r for r in reading if any(o.get("type") == EInvoice.NAME for o in r.outputs)), None
        )
        source = Source(filename=run.file_name, data=b"")
        if einvoice_stage is not None:
            out: list[StageResult] = []
            for r in reading:
                outputs = [
                    _corrected_output(o, source, corrected, bool(corrections)) for o in r.outputs
                ]
                out.append(replace(r, outputs=outputs))
            return out
        if run.invoice is None:  # the machine's fields gave no invoice: corrections go on them
            machine = next(
                (
                    codec.decode(o, source)
                    for r in reading
                    for o in r.outputs
                    if o.get("type") == Fields.NAME
                ),
                None,
            )
            fields = _onto(machine, corrected, corrections)
        else:
            fields = fields_of(corrected)
        encoded = codec.encode(fields, source)
        kept = [r for r in reading if r.stage_id != "extract"]
        old = next((r for r in reading if r.stage_id == "extract"), None)
        position = old.position if old is not None else self._position(run, "extract")
        extract = StageResult(
            run_id=run.run_id,
            stage_id="extract",
            position=position,
            attempts=list(old.attempts) if old is not None else [],
            outputs=[encoded],
            failure=None,
            review=None,
            blocks=False,
            used_fallback=old.used_fallback if old is not None else False,
        )
        return sorted([*kept, extract], key=lambda r: r.position)

    def _position(self, run: Run, stage_id: str) -> int:
        plan = self._plan_for(run.version)
        return next(i for i, p in enumerate(plan.stages) if p.stage.stage_id == stage_id)

    # -- afterwards ----------------------------------------------------------------------------

    def _record_end(self, run: Run, actor: str) -> None:
        decision = run.decision or {}
        said = f", decision {decision.get('outcome')}" if decision else ""
        message = (
            f"run {run.run_id} continued after the review by {actor} (revision "
            f"{run.review_revision}) on version {run.config_version}: {run.status.value}{said}"
            + (f" ({run.reason})" if run.reason else "")
        )
        result = EventResult.FAILED if run.status is RunStatus.FAILED else EventResult.OK
        try:
            with self._uow() as uow:
                config = uow.configurations.get(run.version) if run.config_version else None
                record_event(uow, config, EventAction.REVIEW, actor, result, message, self._now())
                uow.commit()
        except Exception as exc:  # the run's end is stored; only this event is missing
            log.warning("cannot record the end of the review of run %s: %s", run.run_id, exc)

    def _learn(self, run: Run, claimed: _Claimed, actor: str) -> None:
        """Tell the learning hook about a final approve, with the final invoice and every field
        corrected in the run's reviews; a save or a rejection teaches nothing (nobody vouched
        for the invoice as it is)."""
        if self._on_reviewed is None or run.status is RunStatus.FAILED:
            return
        if claimed.decision is not PersonDecision.APPROVE:
            return
        try:
            self._on_reviewed(run, claimed.text, actor, claimed.corrected)
        except Exception:  # learning is a bonus: a review never fails because of it
            log.exception("learning from the review of run %s failed", run.run_id)

    def _refused(self, run_id: str, actor: str, exc: RequestError) -> None:
        with self._uow() as uow:
            run = uow.runs.get(run_id)
            config = uow.configurations.get(run.version) if run and run.config_version else None
            record_event(
                uow,
                config,
                EventAction.REVIEW,
                actor,
                EventResult.REFUSED,
                f"review of run {run_id} by {actor} refused: {exc}",
                self._now(),
            )
            uow.commit()


# -- helpers ---------------------------------------------------------------------------------


def _get(uow: UnitOfWork, run_id: str) -> Run:
    run = uow.runs.get(run_id)
    if run is None:
        raise NotFound(
            f"run {run_id} does not exist; `turnout review list` shows the runs to review"
        )
    return run


def _reading(results: Sequence[StageResult]) -> list[StageResult]:
    return [r for r in results if r.stage_id in READING_STAGES]


def _check_claimable(run: Run, records: Sequence[ReviewRecord], expected: int) -> None:
    """ReviewConflict when a person decided, or someone reviewed the run since `expected`."""
    final = run.final_decision
    if final:
        verb = _VERBS.get(PersonDecision(final["outcome"]), final["outcome"])
        raise ReviewConflict(
            f"run {run.run_id} already has a final decision: {verb} by {final.get('by')} at "
            f"{final.get('at')}; it is not reviewed again"
        )
    if expected > run.review_revision:
        raise ReviewConflict(
            f"revision {expected} of run {run.run_id} does not exist; the run is at revision "
            f"{run.review_revision}: reload it ({_reload(run.run_id)})"
        )
    if run.review_revision != expected:
        last = records[-1] if records else None
        who = f" by {last.actor} at {last.created_at.isoformat()}" if last else ""
        raise ReviewConflict(
            f"run {run.run_id} was reviewed{who} (revision {run.review_revision}) while you were "
            f"looking at revision {expected}; reload it"
        )
    if not run.status.finished and run.review_revision:
        last = records[-1] if records else None
        who = f" by {last.actor}" if last else ""
        raise ReviewConflict(
            f"run {run.run_id} is continuing after the review{who} (revision "
            f"{run.review_revision}); wait for it to end and reload it"
        )


def _lost_race(run: Run, records: Sequence[ReviewRecord]) -> ReviewConflict:
    """The conflict of a review whose claim lost to another review saved in the meantime."""
    last = records[-1] if records else None
    by = f" (by {last.actor})" if last else ""
    final = run.final_decision
    if final:
        verb = _VERBS.get(PersonDecision(final["outcome"]), final["outcome"])
        return ReviewConflict(
            f"another review of run {run.run_id}{by} was saved first, and the run already has a "
            f"final decision: {verb} by {final.get('by')} at {final.get('at')}; it is not "
            "reviewed again"
        )
    return ReviewConflict(
        f"another review of run {run.run_id}{by} was saved first (revision "
        f"{run.review_revision}); reload it and review again ({_reload(run.run_id)})"
    )


def _reload(run_id: str) -> str:
    return f"`turnout review show {run_id}`, or GET /api/v1/runs/{run_id}/review"


def _why_not(
    run: Run, records: Sequence[ReviewRecord], stored: bool, reading: Sequence[StageResult]
) -> str | None:
    """Why the run does not wait for a person now; None when it does."""
    final = run.final_decision
    if final:
        verb = _VERBS.get(PersonDecision(final["outcome"]), final["outcome"])
        return f"final decision: {verb} by {final.get('by')} at {final.get('at')}"
    if not run.status.finished:
        return f"it is still {run.status.value}; it can be reviewed once it ends"
    if not waits_for_a_person(run):
        if run.status is RunStatus.FAILED:
            return "it failed before its document could be read; process the file again"
        decision = (run.decision or {}).get("outcome")
        return (
            f"it {run.status.value} with the decision `{decision}` of the rules; nothing waits "
            "for a person"
        )
    if not stored:
        return "its source file was not kept (it ran before Turnout kept them); process it again"
    if not reading:
        return (
            "the results of its reading stages were not kept (it ran before Turnout kept them); "
            "process the file again"
        )
    return None


def _page_sizes(results: Sequence[StageResult]) -> tuple[tuple[float, float], ...]:
    for r in results:
        for o in r.outputs:
            if o.get("type") == Text.NAME and o.get("page_sizes"):
                return tuple((float(w), float(h)) for w, h in o["page_sizes"])
    return ()


def _decoded(result: StageResult, run: Run) -> list[Any]:
    source = Source(filename=run.file_name, data=b"")
    found = []
    for o in result.outputs:
        if o.get("type") == Text.NAME:
            found.append(codec.decode(o, source))
    return found


def _corrected_output(
    output: dict[str, Any], source: Source, corrected: Invoice, changed: bool
) -> dict[str, Any]:
    """An output of an e-invoice run's reading stage, with the corrected invoice: the e-invoice
    holds it; the document's e-invoice XML is left out when a value changed, so that the rules
    check the corrected invoice, not the XML it no longer matches."""
    kind = output.get("type")
    if kind == EInvoice.NAME:
        einvoice = codec.decode(output, source)
        assert isinstance(einvoice, EInvoice)
        return codec.encode(einvoice_with(einvoice, corrected), source)
    if kind == Document.NAME and changed and output.get("xml") is not None:
        return {**output, "xml": None, "xml_name": None}
    return output


def _onto(machine: Any, corrected: Invoice, corrections: Sequence[Correction]) -> Fields:
    """The machine's raw fields with the corrections on them (a run whose fields gave no
    invoice: what the machine read stays, the person's values replace or clear theirs)."""
    ours = fields_of(corrected)
    if not isinstance(machine, Fields):
        return ours
    values = dict(machine.values)
    for c in corrections:
        values.pop(c.key, None)
    values.update(ours.values)
    return Fields(values, machine.lines, machine.line_boxes)


def _records(
    run: Run,
    revision: int,
    actor: str,
    now: Any,
    corrections: Sequence[Correction],
    decision: PersonDecision | None,
    comment: str | None,
) -> list[ReviewRecord]:
    machine = run.machine_invoice or run.invoice
    found = [
        ReviewRecord(
            record_id=None,
            run_id=run.run_id,
            revision=revision,
            actor=actor,
            action=ReviewAction.CORRECT,
            created_at=now,
            field=c.path,
            machine_value=json_value(machine, c.path),
            previous_value=json_value(run.invoice, c.path),
            corrected_value=c.text,
            comment=comment,
        )
        for c in corrections
    ]
    action = ReviewAction.RERUN if decision is None else ReviewAction(decision.value)
    found.append(ReviewRecord(None, run.run_id, revision, actor, action, now, comment=comment))
    return found


def _messages(
    run: Run,
    revision: int,
    actor: str,
    corrections: Sequence[Correction],
    decision: PersonDecision | None,
    comment: str | None,
) -> list[str]:
    found = [
        f"{actor} corrected {c.path} of run {run.run_id}: "
        f"{_quoted(json_value(run.invoice, c.path))} → {_quoted(c.text)}"
        for c in corrections
    ]
    said = f": {comment}" if comment else ""
    if decision is None:
        found.append(
            f"{actor} saved run {run.run_id} (revision {revision}) and re-ran it from the stage "
            f"after extract on version {run.config_version}{said}"
        )
    else:
        found.append(
            f"{actor} {_VERBS[decision]} run {run.run_id} (revision {revision}, final){said}; it "
            f"continues from the stage after extract on version {run.config_version}"
        )
    return found


def _quoted(value: str | None) -> str:
    return "(empty)" if value is None else repr(value)
