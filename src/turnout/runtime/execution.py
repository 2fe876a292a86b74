"""Executing a plan for one run, in memory: stage by stage, each inside its resilience envelope.

A stage is skipped (never failed) when it does not apply: no selection for an optional stage, an
artifact in the contract's `skip_when_present` exists, a required input is absent, or the module
raises `NotApplicable`. A stage that fails stops only the stages that need its outputs.

A run a person reviewed (`turnout.runtime.review`) continues from the stored results of its reading
stages (`READING_STAGES`, the extract result holding the corrected invoice), and the person's final
decision (`Run.final_decision`) takes the place of the `route` stage's decision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from turnout.domain.artifacts import (
    Decision,
    Document,
    Findings,
    InvoiceArtifact,
    Outcome,
    Source,
)
from turnout.domain.history import InvoiceHistory
from turnout.domain.modules import Artifacts
from turnout.domain.profiles import IssuerProfiles
from turnout.domain.runs import (
    AttemptOutcome,
    Run,
    RunStatus,
    SkipKind,
    StageAttempt,
    StageResult,
)
from turnout.domain.vendors import VendorDirectory
from turnout.runtime import checkpoint as checkpoint_codec
from turnout.runtime.audit import Clock, utcnow
from turnout.runtime.observer import NullObserver, RunObserver
from turnout.runtime.plan import Plan, PlannedStage, Substitution
from turnout.runtime.resilience.breaker import BreakerBoard
from turnout.runtime.resilience.envelope import StageEnvelope, StageOutcome


@dataclass(frozen=True)
class Executors:
    """How one process builds its plan executors, on one workspace and the same readers:
    production's (the run lifecycle's, with the process's breakers and observer) and each
    trial's (breakers of its own, told it is a trial, history as of the runs it replays)."""

    workspace: Path
    clock: Clock = utcnow
    history: InvoiceHistory | None = None
    vendors: VendorDirectory | None = None
    profiles: IssuerProfiles | None = None

    def production(self, breakers: BreakerBoard, observer: RunObserver) -> PlanExecutor:
        return PlanExecutor(
            self.workspace,
            breakers,
            self.clock,
            observer,
            history=self.history,
            vendors=self.vendors,
            profiles=self.profiles,
        )

    def trial(self, history: InvoiceHistory | None) -> PlanExecutor:
        # a trial never opens production's breakers; nothing may leave its runs
        return PlanExecutor(
            self.workspace,
            BreakerBoard(),
            self.clock,
            history=history,
            vendors=self.vendors,
            profiles=self.profiles,
            trial=True,
        )


@dataclass
class _RunState:
    failed: dict[str, str] = field(default_factory=dict)  # stage_id -> reason
    lost: dict[str, str] = field(
        default_factory=dict
    )  # artifact name -> the stage that failed to make it
    review: dict[str, str] = field(default_factory=dict)  # stage_id -> why it went to review
    fallbacks: list[str] = field(default_factory=list)  # stages completed by their fallback

    def fail(self, planned: PlannedStage, reason: str, *, review: bool = False) -> None:
        (self.review if review else self.failed)[planned.stage.stage_id] = reason
        for out in planned.stage.contract.outputs:
            self.lost.setdefault(out.name, planned.stage.stage_id)


class PlanExecutor:
    """Runs one run's stages in memory and sets its attempts, results, status and reason."""

    def __init__(
        self,
        workspace: Path,
        breakers: BreakerBoard | None = None,
        clock: Clock = utcnow,
        observer: RunObserver | None = None,
        history: InvoiceHistory | None = None,
        vendors: VendorDirectory | None = None,
        profiles: IssuerProfiles | None = None,
        trial: bool = False,
    ) -> None:
        self.breakers = breakers or BreakerBoard()
        # `trial`: every module is told so (`RunContext.trial`): nothing may leave the run
        self._envelope = StageEnvelope(
            self.breakers,
            workspace,
            clock,
            history=history,
            vendors=vendors,
            profiles=profiles,
            trial=trial,
        )
        self._now = clock
        self._observer: RunObserver = observer or NullObserver()

    def execute(
        self,
        run: Run,
        plan: Plan,
        source: Source,
        *,
        resume: Sequence[StageResult] = (),
        checkpoint: Callable[[StageResult], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        keep_reading: Callable[[list[StageResult]], None] | None = None,
    ) -> Run:
        """Run the plan's stages in order and set the run's results, status and reason.

        Distributed workers pass the stage results already stored for the run (`resume`: those
        stages are not run again, their outputs and attempts are reused), a `checkpoint` called
        with each new stage result as the stage ends, and `should_stop`, asked before each stage:
        when it says yes, `HandBack` is raised and the run is left to another worker.

        `keep_reading` is given the results of the reading stages (`READING_STAGES`) when the run
        ends waiting for a person, so that a review can continue it; they are encoded only then,
        so a run that completes pays nothing for it. A person's final decision on the run
        (`run.final_decision`) replaces the decision of the `route` stage.
        """
        artifacts = Artifacts([source])
        state = _RunState()
        stored = {r.stage_id: r for r in resume}
        substituted = {s.stage_id: s for s in plan.substitutions if s.replacement is not None}
        reading: list[tuple[int, PlannedStage, StageOutcome]] = []
        for position, planned in enumerate(plan.stages):
            stage_id = planned.stage.stage_id
            result = stored.get(stage_id)
            if result is not None:
                outcome = _restored(result, source)
            else:
                if should_stop is not None and should_stop():
                    raise HandBack(f"stopped before stage `{stage_id}`")
                outcome = self._stage(run, planned, artifacts, state)
                if stage_id in substituted:
                    _mark_stand_in(outcome, substituted[stage_id])
                if checkpoint is not None:
                    try:
                        stored_result = _result_of(run, position, planned, outcome, source)
                    except checkpoint_codec.NotStorable:
                        pass  # an artifact of a type with no stored form: the stage reruns on resume
                    else:
                        checkpoint(stored_result)
            _apply(outcome, planned, artifacts, state)
            if stage_id == DECIDING_STAGE and run.final_decision:
                _decided_by_a_person(run.final_decision, artifacts, state)
            if keep_reading is not None and result is None and stage_id in READING_STAGES:
                reading.append((position, planned, outcome))
            for attempt in outcome.attempts:
                run.attempts.append(attempt)
                if result is None:
                    if run.review_revision:  # told apart from the same stage's earlier attempts
                        attempt.summary["review_revision"] = run.review_revision
                    self._observer.attempt_finished(run, attempt)
            if run.source_sha256 is None:  # set once, before dedupe asks the history
                document = artifacts.get(Document)
                if document is not None:
                    run.source_sha256 = document.sha256
        invoice = artifacts.get(InvoiceArtifact)
        findings = artifacts.get(Findings)
        decision = artifacts.get(Decision)
        run.invoice = invoice.invoice.to_dict() if invoice else None
        run.findings = [f.to_dict() for f in findings.items] if findings else None
        run.decision = decision.to_dict() if decision else None
        run.finished_at = self._now()
        run.status, run.reason = _verdict(run, plan, state, artifacts)
        if keep_reading is not None and reading and waits_for_a_person(run):
            kept = [_storable(run, p, planned, outcome, source) for p, planned, outcome in reading]
            keep_reading([r for r in kept if r is not None])
        return run

    def _stage(
        self, run: Run, planned: PlannedStage, artifacts: Artifacts, state: _RunState
    ) -> StageOutcome:
        skip = _skip_reason(planned, artifacts, state)
        if skip is not None:
            return StageOutcome(
                attempts=[
                    StageAttempt(
                        run.run_id,
                        planned.stage.stage_id,
                        planned.module_id,
                        0,
                        AttemptOutcome.SKIPPED,
                        0.0,
                        self._now(),
                        None,
                        {"reason": skip},
                    )
                ]
            )
        result = self._envelope.run(run, planned, artifacts)
        if result.skipped is not None and result.attempts[-1].outcome is not AttemptOutcome.SKIPPED:
            result.attempts[-1].summary["skipped_by_policy"] = result.skipped
        return result


class HandBack(Exception):
    """The worker is stopping: leave the run (its stored stage results) to another worker."""


# The stages that read the document: a review continues a run after them, from their results.
READING_STAGES = frozenset({"intake", "einvoice", "text", "extract"})
# the stages whose success means the document was read (its text or its e-invoice): a failed run
# that got that far waits for a person
READ_STAGES = ("text", "einvoice")
# The stage whose decision a person's final decision replaces.
DECIDING_STAGE = "route"
_PERSON_VERBS = {"approve": "approved", "reject": "rejected"}


def execute_or_fail(
    executor: PlanExecutor,
    run: Run,
    plan: Plan,
    source: Source,
    clock: Clock,
    *,
    raises: tuple[type[BaseException], ...] = (),
    resume: Sequence[StageResult] = (),
    keep_reading: Callable[[list[StageResult]], None] | None = None,
    checkpoint: Callable[[StageResult], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> None:
    """Execute `plan` for `run`; an error in `raises` goes to the caller, any other is a bug of
    ours and ends the run `failed` with its reason (production's runs and trials alike)."""
    try:
        executor.execute(
            run,
            plan,
            source,
            resume=resume,
            keep_reading=keep_reading,
            checkpoint=checkpoint,
            should_stop=should_stop,
        )
    except raises:
        raise
    except Exception as exc:  # a bug of ours must not lose the run: recorded as failed
        fail_internal(run, exc, clock)


def fail_internal(run: Run, exc: Exception, clock: Clock) -> None:
    """End `run` `failed` for a bug of ours (`exc`), with the error as its reason."""
    run.status = RunStatus.FAILED
    run.reason = f"internal error: {type(exc).__name__}: {exc}"
    run.finished_at = clock()


def waits_for_a_person(run: Run) -> bool:
    """Whether the run ended in the review queue (`turnout.domain.review`): needs_review, a
    `review` decision, or failed after its document was read; never with a final decision."""
    if run.final_decision:
        return False
    if run.status is RunStatus.NEEDS_REVIEW:
        return True
    if run.status in (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_FALLBACK):
        return (run.decision or {}).get("outcome") == Outcome.REVIEW.value
    if run.status is RunStatus.FAILED:
        done = (AttemptOutcome.OK, AttemptOutcome.FALLBACK)
        return any(a.stage_id in READ_STAGES and a.outcome in done for a in run.attempts)
    return False


def person_decision(final: dict[str, Any], rules: Decision | None) -> Decision:
    """The decision a person made (`Run.final_decision`: outcome, by, comment), the rules'
    reasons kept after the person's own: `approved by alice: checked with the supplier`."""
    outcome = Outcome(str(final["outcome"]))
    by = str(final.get("by") or "a reviewer")
    said = f"{_PERSON_VERBS.get(outcome.value, outcome.value)} by {by}"
    comment = str(final.get("comment") or "").strip()
    first = f"{said}: {comment}" if comment else said
    return Decision(outcome, (first, *(rules.reasons if rules else ())), decided_by=by)


def _decided_by_a_person(final: dict[str, Any], artifacts: Artifacts, state: _RunState) -> None:
    """The person's decision replaces the rules', and the run waits for nobody any more: a stage
    that sent it to review was seen by the person. (A stage that withheld an output the export
    needs still leaves the run without its export: failed, as any run missing its final output.)"""
    artifacts.add(person_decision(final, artifacts.get(Decision)))
    state.lost.pop(Decision.NAME, None)
    state.review.clear()
    state.failed.pop(DECIDING_STAGE, None)


def _storable(
    run: Run, position: int, planned: PlannedStage, outcome: StageOutcome, source: Source
) -> StageResult | None:
    try:
        return _result_of(run, position, planned, outcome, source)
    except checkpoint_codec.NotStorable:
        return None


def _apply(
    outcome: StageOutcome, planned: PlannedStage, artifacts: Artifacts, state: _RunState
) -> None:
    """What a stage's outcome does to the run: its outputs, and its failure, review or fallback."""
    for item in outcome.outputs or ():
        artifacts.add(item)
    if outcome.used_fallback:
        state.fallbacks.append(planned.stage.stage_id)
    if outcome.failure is not None:
        state.fail(planned, outcome.failure)
    if outcome.review is not None:
        state.review[planned.stage.stage_id] = outcome.review
        if _blocks(outcome):
            state.fail(planned, outcome.review, review=True)


def _mark_stand_in(outcome: StageOutcome, sub: Substitution) -> None:
    """Note on the replacement's attempts which selected module it stood in for, and why: the run's
    verdict (and `runs show`) read it there, also when another worker resumes the run."""
    for attempt in outcome.attempts:
        if attempt.module_id == sub.replacement:
            attempt.summary["substituted_for"] = sub.module_id
            attempt.summary["unavailable"] = sub.reason


def _stand_ins(run: Run) -> list[str]:
    """The start-up substitutions this run relied on: a replacement that produced the outputs."""
    done = (AttemptOutcome.OK, AttemptOutcome.FALLBACK)
    return [
        f"stage `{a.stage_id}` ran `{a.module_id}` in place of `{a.summary['substituted_for']}`, "
        f"unavailable at start-up ({a.summary.get('unavailable', 'unavailable')})"
        for a in run.attempts
        if a.outcome in done and a.summary.get("substituted_for")
    ]


def _result_of(
    run: Run, position: int, planned: PlannedStage, outcome: StageOutcome, source: Source
) -> StageResult:
    return StageResult(
        run_id=run.run_id,
        stage_id=planned.stage.stage_id,
        position=position,
        attempts=outcome.attempts,
        outputs=[checkpoint_codec.encode(a, source) for a in outcome.outputs or ()],
        failure=outcome.failure,
        review=outcome.review,
        blocks=_blocks(outcome),
        used_fallback=outcome.used_fallback,
    )


def _blocks(outcome: StageOutcome) -> bool:
    """Whether the stage sent the run to review and withheld its outputs."""
    return outcome.review is not None and outcome.outputs is None


def _restored(result: StageResult, source: Source) -> StageOutcome:
    return StageOutcome(
        attempts=list(result.attempts),
        outputs=None
        if result.blocks
        else [checkpoint_codec.decode(d, source) for d in result.outputs],
        failure=result.failure,
        review=result.review,
        used_fallback=result.used_fallback,
    )


def _skip_reason(planned: PlannedStage, artifacts: Artifacts, state: _RunState) -> str | None:
    stage = planned.stage
    if planned.primary is None:
        return SkipKind.NOT_SELECTED.reason("optional stage")
    have = artifacts.refs()
    for ref in stage.contract.skip_when_present:
        if any(ref.satisfied_by(h) for h in have):
            return SkipKind.NOT_APPLICABLE.reason(f"`{ref.name}` already produced")
    call = planned.primary.call
    inputs = call.spec.inputs if call is not None else stage.contract.inputs
    for group in inputs:
        if group.required and not group.satisfied_by(have):
            culprits = sorted(
                {state.lost[a.name] for a in group.alternatives if a.name in state.lost}
            )
            if culprits:
                failed = ", ".join(f"`{s}`" for s in culprits)
                return SkipKind.BLOCKED.reason(
                    f"needs `{group}`, not produced because stage {failed} did not complete"
                )
            return SkipKind.NOT_APPLICABLE.reason(
                f"needs `{group}`, which no earlier stage produced"
            )
    return None


def _verdict(
    run: Run, plan: Plan, state: _RunState, artifacts: Artifacts
) -> tuple[RunStatus, str | None]:
    """failed when a required stage failed, or could not run because a stage failed; needs_review
    when a stage was sent to review or an optional stage failed; completed_with_fallback when a
    fallback stood in (at run time, or at start-up for an unavailable module); completed
    otherwise. A run never claims to be complete when its final output is missing."""
    required = {p.stage.stage_id for p in plan.stages if p.stage.is_required}
    blocked = [
        a.stage_id
        for a in run.attempts
        if a.stage_id in required
        and a.outcome is AttemptOutcome.SKIPPED
        and SkipKind.of(a.summary.get("reason")) is SkipKind.BLOCKED
    ]
    stopped = f" (stopped: {', '.join(blocked)})" if blocked else ""
    for stage_id, reason in state.failed.items():
        if stage_id in required:
            return RunStatus.FAILED, f"stage `{stage_id}` failed: {reason}{stopped}"
    if state.failed and blocked and not state.review:
        stage_id, reason = next(iter(state.failed.items()))
        return RunStatus.FAILED, f"stage `{stage_id}` failed: {reason}{stopped}"
    if state.review:
        stage_id, reason = next(iter(state.review.items()))
        return RunStatus.NEEDS_REVIEW, f"stage `{stage_id}` sent to review: {reason}{stopped}"
    if state.failed:
        stage_id, reason = next(iter(state.failed.items()))
        return RunStatus.NEEDS_REVIEW, f"optional stage `{stage_id}` failed: {reason}"
    last = plan.stages[-1].stage
    have = artifacts.refs()
    missing = [str(o) for o in last.contract.outputs if not any(o.satisfied_by(h) for h in have)]
    if missing:
        skipped = next((a for a in run.attempts if a.stage_id == last.stage_id), None)
        why = f": {skipped.summary.get('reason')}" if skipped is not None else ""
        return (
            RunStatus.FAILED,
            f"the pipeline ended without `{', '.join(missing)}`; stage `{last.stage_id}` did not run{why}",
        )
    stood_in = [f"fallback used for stage {', '.join(state.fallbacks)}"] if state.fallbacks else []
    stood_in.extend(_stand_ins(run))
    if stood_in:
        return RunStatus.COMPLETED_WITH_FALLBACK, "; ".join(stood_in)
    return RunStatus.COMPLETED, None
