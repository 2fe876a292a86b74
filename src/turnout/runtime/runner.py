"""The runner: one file through the pinned configuration, stage by stage, every attempt recorded.

A stage is skipped (never failed) when it does not apply: no selection for an optional stage, an
artifact in the contract's `skip_when_present` exists, a required input is absent, or the module
raises `NotApplicable`. A stage that fails stops only the stages that need its outputs.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from turnout.domain.artifacts import (
    Artifact,
    Decision,
    Findings,
    InvoiceArtifact,
    Source,
)
from turnout.domain.configuration import ConfigStatus
from turnout.domain.errors import InputRejected, NotApplicable, NotFound
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.runtime.plan import Plan, PlannedStage, build_plan
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.registry import ModuleRegistry

Clock = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _StageState:
    failed: dict[str, str] = field(default_factory=dict)  # stage_id -> reason
    lost: dict[str, str] = field(
        default_factory=dict
    )  # artifact name -> stage that failed to make it

    def fail(self, planned: PlannedStage, reason: str) -> None:
        self.failed[planned.stage.stage_id] = reason
        for out in planned.stage.contract.outputs:
            self.lost.setdefault(out.name, planned.stage.stage_id)


class Runner:
    """Runs files through the active configuration and persists each run and its attempts."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        registry: ModuleRegistry,
        workspace: Path,
        clock: Clock = _utcnow,
        on_run_finished: Callable[[Run], object] | None = None,
    ) -> None:
        self._uow = uow_factory
        self._registry = registry
        self._workspace = workspace
        self._now = clock
        self._plans: dict[int, Plan] = {}
        self._on_finished = on_run_finished

    def run_path(self, path: Path) -> Run:
        return self.run_bytes(path.name, path.read_bytes())

    def run_bytes(self, filename: str, data: bytes) -> Run:
        """Admit one file under the active version, run it, persist it, and return the run."""
        run, plan = self._admit(filename)
        self._execute(run, plan, Source(filename=filename, data=data))
        with self._uow() as uow:
            uow.runs.finish(run)
            uow.commit()
        if self._on_finished is not None:
            self._on_finished(run)
        return run

    def _admit(self, filename: str) -> tuple[Run, Plan]:
        with self._uow() as uow:
            active = uow.configurations.with_status(ConfigStatus.ACTIVE)
            if not active:
                raise NotFound("no configuration is active; run `turnout init` first")
            config = active[0]
            now = self._now()
            run = Run(
                run_id=str(uuid.uuid4()),
                file_name=filename,
                config_id=config.config_id,
                config_version=config.version,
                status=RunStatus.RUNNING,
                created_at=now,
                started_at=now,
            )
            uow.runs.add(run)
            uow.commit()
        plan = self._plans.get(config.version)
        if plan is None:
            plan = self._plans[config.version] = build_plan(config, self._registry)
        return run, plan

    def _execute(self, run: Run, plan: Plan, source: Source) -> None:
        artifacts = Artifacts([source])
        state = _StageState()
        for planned in plan.stages:
            attempt = self._run_stage(run, planned, artifacts, state)
            if attempt is not None:
                run.attempts.append(attempt)
        self._conclude(run, plan, artifacts, state)

    def _run_stage(
        self, run: Run, planned: PlannedStage, artifacts: Artifacts, state: _StageState
    ) -> StageAttempt | None:
        stage = planned.stage
        started = self._now()
        skip = self._skip_reason(planned, artifacts, state)
        if skip is not None:
            return StageAttempt(
                run.run_id,
                stage.stage_id,
                planned.module_id,
                0,
                AttemptOutcome.SKIPPED,
                0.0,
                started,
                None,
                {"reason": skip},
            )
        assert planned.module_id is not None
        if planned.module is None:
            reason = f"module `{planned.module_id}` is unavailable: {planned.unavailable}"
            state.fail(planned, reason)
            return StageAttempt(
                run.run_id,
                stage.stage_id,
                planned.module_id,
                1,
                AttemptOutcome.FAILED,
                0.0,
                started,
                reason,
            )
        context = RunContext(
            run.run_id, run.config_version, stage.stage_id, planned.module_id, self._workspace
        )
        t0 = time.perf_counter()
        try:
            produced = list(planned.module.process(artifacts, context))
        except NotApplicable as exc:
            return self._attempt(
                run,
                planned,
                started,
                t0,
                AttemptOutcome.SKIPPED,
                None,
                {"reason": f"not applicable: {exc}"},
            )
        except InputRejected as exc:
            state.fail(planned, str(exc))
            return self._attempt(run, planned, started, t0, AttemptOutcome.REJECTED, str(exc))
        except Exception as exc:  # the runner is the one place that catches module failures
            reason = f"{type(exc).__name__}: {exc}"
            state.fail(planned, reason)
            return self._attempt(run, planned, started, t0, AttemptOutcome.FAILED, reason)
        violation = _contract_violation(planned, produced)
        if violation is not None:
            state.fail(planned, violation)
            return self._attempt(
                run, planned, started, t0, AttemptOutcome.CONTRACT_VIOLATION, violation
            )
        for item in produced:
            artifacts.add(item)
        return self._attempt(
            run,
            planned,
            started,
            t0,
            AttemptOutcome.OK,
            None,
            {"produced": [str(a.ref()) for a in produced]},
        )

    def _attempt(
        self,
        run: Run,
        planned: PlannedStage,
        started: dt.datetime,
        t0: float,
        outcome: AttemptOutcome,
        error: str | None,
        summary: dict[str, object] | None = None,
    ) -> StageAttempt:
        duration_ms = (time.perf_counter() - t0) * 1000.0
        return StageAttempt(
            run.run_id,
            planned.stage.stage_id,
            planned.module_id,
            1,
            outcome,
            duration_ms,
            started,
            error,
            dict(summary or {}),
        )

    def _skip_reason(
        self, planned: PlannedStage, artifacts: Artifacts, state: _StageState
    ) -> str | None:
        stage = planned.stage
        if planned.module_id is None:
            return "no module selected (optional stage)"
        have = artifacts.refs()
        for ref in stage.contract.skip_when_present:
            if any(ref.satisfied_by(h) for h in have):
                return f"not applicable: `{ref.name}` already produced"
        spec_inputs = (
            planned.module.spec.inputs if planned.module is not None else stage.contract.inputs
        )
        for group in spec_inputs:
            if group.required and not group.satisfied_by(have):
                culprits = sorted(
                    {state.lost[a.name] for a in group.alternatives if a.name in state.lost}
                )
                if culprits:
                    failed = ", ".join(f"`{s}`" for s in culprits)
                    return f"blocked: needs `{group}`, not produced because stage {failed} failed"
                return f"not applicable: needs `{group}`, which no earlier stage produced"
        return None

    def _conclude(self, run: Run, plan: Plan, artifacts: Artifacts, state: _StageState) -> None:
        invoice = artifacts.get(InvoiceArtifact)
        findings = artifacts.get(Findings)
        decision = artifacts.get(Decision)
        run.invoice = invoice.invoice.to_dict() if invoice else None
        run.findings = [f.to_dict() for f in findings.items] if findings else None
        run.decision = decision.to_dict() if decision else None
        run.finished_at = self._now()
        run.status, run.reason = _verdict(run, plan, state, artifacts)


def _verdict(
    run: Run, plan: Plan, state: _StageState, artifacts: Artifacts
) -> tuple[RunStatus, str | None]:
    """failed when a required stage failed or could not run for a failure, or when the pipeline
    ended without its final output; needs_review when only an optional stage failed; completed
    otherwise. A run never claims to be complete when nothing came out of it."""
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
    if state.failed:
        stage_id, reason = next(iter(state.failed.items()))
        if blocked:
            return RunStatus.FAILED, f"stage `{stage_id}` failed: {reason}{stopped}"
        return RunStatus.NEEDS_REVIEW, f"optional stage `{stage_id}` failed: {reason}"
    last = plan.stages[-1].stage
    have = artifacts.refs()
    missing = [str(o) for o in last.contract.outputs if not any(o.satisfied_by(h) for h in have)]
    if missing:
        skipped = next((a for a in run.attempts if a.stage_id == last.stage_id), None)
        why = f": {skipped.summary.get('reason')}" if skipped is not None else ""
        return RunStatus.FAILED, (
            f"the pipeline ended without `{', '.join(missing)}`; stage `{last.stage_id}` did not run{why}"
        )
    return RunStatus.COMPLETED, None


def _contract_violation(planned: PlannedStage, produced: list[Artifact]) -> str | None:
    if not all(isinstance(item, Artifact) for item in produced):
        return "module returned something that is not an artifact"
    refs = [item.ref() for item in produced]
    missing = [
        str(out)
        for out in planned.stage.contract.outputs
        if not any(out.satisfied_by(r) for r in refs)
    ]
    if missing:
        return f"module produced no `{', '.join(missing)}`, which the `{planned.stage.stage_id}` contract requires"
    return None
