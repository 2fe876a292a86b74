"""Executing a plan for one run, in memory: stage by stage, each inside its resilience envelope.

A stage is skipped (never failed) when it does not apply: no selection for an optional stage, an
artifact in the contract's `skip_when_present` exists, a required input is absent, or the module
raises `NotApplicable`. A stage that fails stops only the stages that need its outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from turnout.domain.artifacts import Decision, Document, Findings, InvoiceArtifact, Source
from turnout.domain.history import InvoiceHistory
from turnout.domain.modules import Artifacts
from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.runtime.audit import Clock, utcnow
from turnout.runtime.observer import NullObserver, RunObserver
from turnout.runtime.plan import Plan, PlannedStage
from turnout.runtime.resilience.breaker import BreakerBoard
from turnout.runtime.resilience.envelope import StageEnvelope


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
    ) -> None:
        self.breakers = breakers or BreakerBoard()
        self._envelope = StageEnvelope(self.breakers, workspace, clock, history=history)
        self._now = clock
        self._observer: RunObserver = observer or NullObserver()

    def execute(self, run: Run, plan: Plan, source: Source) -> Run:
        artifacts = Artifacts([source])
        state = _RunState()
        for planned in plan.stages:
            for attempt in self._stage(run, planned, artifacts, state):
                run.attempts.append(attempt)
                self._observer.attempt_finished(run, attempt)
            document = artifacts.get(Document)
            if document is not None and run.source_sha256 is None:
                run.source_sha256 = document.sha256  # before dedupe asks the history
        invoice = artifacts.get(InvoiceArtifact)
        findings = artifacts.get(Findings)
        decision = artifacts.get(Decision)
        run.invoice = invoice.invoice.to_dict() if invoice else None
        run.findings = [f.to_dict() for f in findings.items] if findings else None
        run.decision = decision.to_dict() if decision else None
        run.finished_at = self._now()
        run.status, run.reason = _verdict(run, plan, state, artifacts)
        return run

    def _stage(
        self, run: Run, planned: PlannedStage, artifacts: Artifacts, state: _RunState
    ) -> list[StageAttempt]:
        skip = _skip_reason(planned, artifacts, state)
        if skip is not None:
            return [
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
        result = self._envelope.run(run, planned, artifacts)
        if result.outputs is not None:
            for item in result.outputs:
                artifacts.add(item)
        if result.used_fallback:
            state.fallbacks.append(planned.stage.stage_id)
        if result.failure is not None:
            state.fail(planned, result.failure)
        if result.review is not None:
            state.review[planned.stage.stage_id] = result.review
            if result.outputs is None:
                state.fail(planned, result.review, review=True)
        if result.skipped is not None and result.attempts[-1].outcome is not AttemptOutcome.SKIPPED:
            result.attempts[-1].summary["skipped_by_policy"] = result.skipped
        return result.attempts


def _skip_reason(planned: PlannedStage, artifacts: Artifacts, state: _RunState) -> str | None:
    stage = planned.stage
    if planned.primary is None:
        return "no module selected (optional stage)"
    have = artifacts.refs()
    for ref in stage.contract.skip_when_present:
        if any(ref.satisfied_by(h) for h in have):
            return f"not applicable: `{ref.name}` already produced"
    call = planned.primary.call
    inputs = call.spec.inputs if call is not None else stage.contract.inputs
    for group in inputs:
        if group.required and not group.satisfied_by(have):
            culprits = sorted(
                {state.lost[a.name] for a in group.alternatives if a.name in state.lost}
            )
            if culprits:
                failed = ", ".join(f"`{s}`" for s in culprits)
                return f"blocked: needs `{group}`, not produced because stage {failed} did not complete"
            return f"not applicable: needs `{group}`, which no earlier stage produced"
    return None


def _verdict(
    run: Run, plan: Plan, state: _RunState, artifacts: Artifacts
) -> tuple[RunStatus, str | None]:
    """failed when a required stage failed, or could not run because a stage failed; needs_review
    when a stage was sent to review or an optional stage failed; completed_with_fallback when a
    fallback stood in; completed otherwise. A run never claims to be complete when its final output
    is missing."""
    required = {p.stage.stage_id for p in plan.stages if p.stage.is_required}
    blocked = [
        a.stage_id
        for a in run.attempts
        if a.stage_id in required
        and a.outcome is AttemptOutcome.SKIPPED
        and str(a.summary.get("reason", "")).startswith("blocked")
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
    if state.fallbacks:
        return (
            RunStatus.COMPLETED_WITH_FALLBACK,
            f"fallback used for stage {', '.join(state.fallbacks)}",
        )
    return RunStatus.COMPLETED, None
