"""One stage of one run inside its resilience envelope:

    fallback( retry( circuit breaker( timeout( module ) ) ) )

Every call is recorded as a `StageAttempt`, including calls a breaker refused. The triggers a
policy can name are `error`, `timeout`, `unavailable`, `circuit_open`, `empty_output`,
`low_confidence` and `contract_violation`; `error` and `timeout` are retried when the policy asks.
When the primary module and the fallback are exhausted, the policy's `on_exhausted` decides:
`review` (the run goes to a human), `skip` (optional stages only) or `fail`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from turnout.domain.artifacts import Artifact
from turnout.domain.errors import InputRejected, ModuleCrashed, NotApplicable, StageTimeout
from turnout.domain.fallback import OnExhausted, Trigger
from turnout.domain.history import InvoiceHistory
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.profiles import IssuerProfiles
from turnout.domain.runs import AttemptOutcome, Run, SkipKind, StageAttempt
from turnout.domain.schema import describe
from turnout.domain.vendors import VendorDirectory
from turnout.runtime.audit import Clock
from turnout.runtime.plan import PlannedStage, Slot
from turnout.runtime.resilience.breaker import BreakerBoard, CircuitBreaker
from turnout.runtime.resilience.policy import RETRYABLE, StagePolicy
from turnout.runtime.resilience.timeout import ModuleExited

Sleep = Callable[[float], None]


@dataclass
class StageOutcome:
    """What came of one stage in its envelope: outputs to keep, or why there are none (not the
    stored `turnout.domain.runs.StageResult` a checkpoint keeps)."""

    attempts: list[StageAttempt] = field(default_factory=list)
    outputs: list[Artifact] | None = None
    skipped: str | None = None  # not applicable, or skipped by policy
    failure: str | None = None  # the stage failed (run fails if the stage is required)
    review: str | None = None  # the stage was sent to review
    used_fallback: bool = False


@dataclass
class _Try:
    outputs: list[Artifact] | None = None
    trigger: Trigger | None = None
    error: str | None = None
    not_applicable: str | None = None
    retryable: bool = False
    candidate: list[Artifact] | None = None  # low-confidence output, kept in case of review


_OUTCOME = {
    Trigger.TIMEOUT: AttemptOutcome.TIMEOUT,
    Trigger.CONTRACT_VIOLATION: AttemptOutcome.CONTRACT_VIOLATION,
}


class StageEnvelope:
    """Runs stages with their policies; breakers are shared by every run of the process."""

    def __init__(
        self,
        breakers: BreakerBoard,
        workspace: Path,
        clock: Clock,
        sleep: Sleep = time.sleep,
        history: InvoiceHistory | None = None,
        vendors: VendorDirectory | None = None,
        profiles: IssuerProfiles | None = None,
        trial: bool = False,
    ) -> None:
        self._breakers = breakers
        self._workspace = workspace
        self._now = clock
        self._sleep = sleep
        self._history = history
        self._vendors = vendors
        self._profiles = profiles
        self._trial = trial  # a trial run (`RunContext.trial`): modules deliver nothing

    def run(self, run: Run, planned: PlannedStage, artifacts: Artifacts) -> StageOutcome:
        assert planned.primary is not None
        policy = planned.policy
        result = StageOutcome()
        last = self._primary(run, planned, planned.primary, artifacts, result)
        if last.outputs is not None or last.not_applicable is not None:
            return self._accept(result, last)
        assert last.trigger is not None
        if policy.fires_on(last.trigger) and planned.fallback is not None:
            fallback = self._attempt(
                run, planned, planned.fallback, artifacts, result, role="fallback"
            )
            if fallback.outputs is not None:
                result.used_fallback = True
                result.attempts[-1].outcome = AttemptOutcome.FALLBACK
                return self._accept(result, fallback)
            if fallback.not_applicable is not None:
                return self._accept(result, fallback)
            if fallback.candidate is None:
                fallback.candidate = last.candidate
            return self._exhausted(planned, fallback, result, acted=True)
        return self._exhausted(planned, last, result, acted=policy.fires_on(last.trigger))

    def _primary(
        self,
        run: Run,
        planned: PlannedStage,
        slot: Slot,
        artifacts: Artifacts,
        result: StageOutcome,
    ) -> _Try:
        policy = planned.policy
        backoff = policy.actions.retry.backoff_s
        tried = self._attempt(run, planned, slot, artifacts, result, role="primary")
        for _ in range(policy.actions.retry.attempts):
            if not (
                tried.retryable and tried.trigger in RETRYABLE and policy.fires_on(tried.trigger)
            ):
                break
            if backoff:
                self._sleep(backoff)
                backoff *= 2
            tried = self._attempt(run, planned, slot, artifacts, result, role="retry")
        return tried

    def _attempt(
        self,
        run: Run,
        planned: PlannedStage,
        slot: Slot,
        artifacts: Artifacts,
        result: StageOutcome,
        role: str,
    ) -> _Try:
        """One call: breaker, then timeout, then the module; the output checked against the policy."""
        policy = planned.policy
        stage_id = planned.stage.stage_id
        number = len(result.attempts) + 1
        started = self._now()
        t0 = time.perf_counter()
        breaker = self._breaker(stage_id, slot.module_id, policy)
        tried = self._call(run, planned, slot, artifacts, breaker)
        duration_ms = (time.perf_counter() - t0) * 1000.0
        if tried.not_applicable is not None:
            outcome = AttemptOutcome.SKIPPED
            summary: dict[str, object] = {
                "reason": SkipKind.NOT_APPLICABLE.reason(tried.not_applicable)
            }
        elif tried.trigger is None:
            outcome = AttemptOutcome.OK
            summary = {"produced": [str(a.ref()) for a in tried.outputs or []]}
        else:
            outcome = _OUTCOME.get(tried.trigger, AttemptOutcome.FAILED)
            if tried.trigger is Trigger.ERROR and not tried.retryable:
                outcome = AttemptOutcome.REJECTED
            summary = {"trigger": tried.trigger.value}
        if role != "primary":
            summary["role"] = role
        result.attempts.append(
            StageAttempt(
                run.run_id,
                stage_id,
                slot.module_id,
                number,
                outcome,
                duration_ms,
                started,
                tried.error,
                summary,
            )
        )
        return tried

    def _call(
        self,
        run: Run,
        planned: PlannedStage,
        slot: Slot,
        artifacts: Artifacts,
        breaker: CircuitBreaker | None,
    ) -> _Try:
        policy = planned.policy
        if slot.call is None:
            return _Try(
                trigger=Trigger.UNAVAILABLE,
                error=f"module `{slot.module_id}` is unavailable: {slot.unavailable}",
            )
        if breaker is not None and not breaker.allow():
            return _Try(
                trigger=Trigger.CIRCUIT_OPEN,
                error=f"circuit open for `{slot.module_id}`: too many recent failures; calls resume after "
                f"{breaker.settings.open_s:g}s",
            )
        context = RunContext(
            run.run_id,
            run.version,
            planned.stage.stage_id,
            slot.module_id,
            self._workspace,
            self._history,
            self._vendors,
            file_name=run.file_name,
            profiles=self._profiles,
            revision=run.review_revision,
            trial=self._trial,
        )
        try:
            produced = slot.call(artifacts, context, policy.actions.timeout_s)
        except NotApplicable as exc:
            return _Try(not_applicable=str(exc))
        except (
            InputRejected
        ) as exc:  # the input's fault, not the module's: no retry, breaker untouched
            return _Try(trigger=Trigger.ERROR, error=str(exc))
        except StageTimeout as exc:
            _record(breaker, False)
            return _Try(trigger=Trigger.TIMEOUT, error=str(exc), retryable=True)
        except ModuleCrashed as exc:
            _record(breaker, False)
            return _Try(trigger=Trigger.ERROR, error=f"ModuleCrashed: {exc}", retryable=True)
        except ModuleExited as exc:  # sys.exit() or the like, on the attempt's thread
            _record(breaker, False)
            return _Try(trigger=Trigger.ERROR, error=str(exc), retryable=True)
        except Exception as exc:  # the envelope is the one place that catches module failures
            _record(breaker, False)
            return _Try(trigger=Trigger.ERROR, error=f"{type(exc).__name__}: {exc}", retryable=True)
        except BaseException as exc:  # sys.exit(), KeyboardInterrupt... raised by module code
            if _is_ctrl_c(exc):
                raise
            _record(breaker, False)
            return _Try(trigger=Trigger.ERROR, error=str(ModuleExited(exc)), retryable=True)
        if not produced and planned.stage.contract.outputs:
            # nothing at all is an empty output (the policy decides), not a malformed one
            _record(breaker, True)
            return _Try(trigger=Trigger.EMPTY_OUTPUT, error=_nothing(planned, slot.module_id))
        violation = _contract_violation(planned, slot.module_id, produced)
        if violation is not None:
            _record(breaker, False)
            return _Try(trigger=Trigger.CONTRACT_VIOLATION, error=violation)
        _record(breaker, True)
        if policy.fires_on(Trigger.EMPTY_OUTPUT):
            empty = [str(a.ref()) for a in produced if a.is_empty()]
            if empty:
                return _Try(
                    outputs=None,
                    trigger=Trigger.EMPTY_OUTPUT,
                    error=f"empty output: {', '.join(empty)}",
                )
        threshold = policy.actions.low_confidence_below
        if threshold is not None and policy.fires_on(Trigger.LOW_CONFIDENCE):
            scores = [c for c in (a.confidence() for a in produced) if c is not None]
            if scores and min(scores) < threshold:
                return _Try(
                    trigger=Trigger.LOW_CONFIDENCE,
                    candidate=produced,
                    error=f"confidence {min(scores):.2f} is below low_confidence_below={threshold:g}",
                )
        return _Try(outputs=produced)

    def _breaker(self, stage_id: str, module_id: str, policy: StagePolicy) -> CircuitBreaker | None:
        if policy.actions.circuit is None:
            return None
        return self._breakers.get(stage_id, module_id, policy.actions.circuit)

    def _accept(self, result: StageOutcome, tried: _Try) -> StageOutcome:
        if tried.not_applicable is not None:
            result.skipped = SkipKind.NOT_APPLICABLE.reason(tried.not_applicable)
        else:
            result.outputs = tried.outputs
        return result

    def _exhausted(
        self, planned: PlannedStage, last: _Try, result: StageOutcome, *, acted: bool
    ) -> StageOutcome:
        reason = last.error or last.trigger or "failed"
        action = planned.policy.actions.on_exhausted if acted else OnExhausted.FAIL
        if action == OnExhausted.REVIEW:
            result.outputs = last.candidate  # a human checks the weak result rather than nothing
            result.review = reason
        elif action == OnExhausted.SKIP and not planned.stage.is_required:
            result.skipped = f"skipped by policy after: {reason}"
        else:
            result.failure = reason
        return result


def _record(breaker: CircuitBreaker | None, success: bool) -> None:
    if breaker is not None:
        breaker.record(success)


def _is_ctrl_c(exc: BaseException) -> bool:
    """A KeyboardInterrupt on the main thread may be a real Ctrl-C: it stops Turnout.

    The signal reaches the main thread only, so on any other thread it came from module code.
    """
    return (
        isinstance(exc, KeyboardInterrupt) and threading.current_thread() is threading.main_thread()
    )


_SHOWN_PROBLEMS = 5  # an attempt's error names the first few bad values, then counts the rest


def _nothing(planned: PlannedStage, module_id: str) -> str:
    wanted = ", ".join(f"`{o}`" for o in planned.stage.contract.outputs)
    return (
        f"empty output: module `{module_id}` returned no artifact; the "
        f"`{planned.stage.stage_id}` contract requires {wanted or 'its outputs'}"
    )


def _contract_violation(
    planned: PlannedStage, module_id: str, produced: list[Artifact]
) -> str | None:
    """Why `produced` breaks the stage's contract, naming the path of each bad value; None if not."""
    strays = [
        f"output[{i}]: expected an Artifact, got {describe(item)}"
        for i, item in enumerate(produced)
        if not isinstance(item, Artifact)
    ]
    if strays:
        return _broken(module_id, strays)
    refs = [item.ref() for item in produced]
    missing = [
        str(o) for o in planned.stage.contract.outputs if not any(o.satisfied_by(r) for r in refs)
    ]
    if missing:
        return (
            f"module `{module_id}` produced no `{', '.join(missing)}`, which the "
            f"`{planned.stage.stage_id}` contract requires (it produced "
            f"{', '.join(str(r) for r in refs)})"
        )
    problems: list[str] = []
    for item in produced:
        try:
            problems.extend(item.problems())
        except Exception as exc:  # a value so odd that checking it fails is a violation too
            problems.append(f"{item.NAME}: could not be checked ({type(exc).__name__}: {exc})")
    return _broken(module_id, problems) if problems else None


def _broken(module_id: str, problems: list[str]) -> str:
    shown = "; ".join(problems[:_SHOWN_PROBLEMS])
    more = len(problems) - _SHOWN_PROBLEMS
    rest = f"; and {more} more" if more > 0 else ""
    return (
        f"output breaks its schema: {shown}{rest} (module `{module_id}` must return its "
        "artifacts with these values as their classes declare)"
    )
