"""The observer that turns what the runner reports into Prometheus metrics and JSON log lines."""

from __future__ import annotations

from structlog.typing import FilteringBoundLogger

from turnout.domain.guard import Guard, GuardStatus
from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.observability.logging import get_logger
from turnout.observability.metrics import TurnoutMetrics, outcome_label


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 3)


class MetricsAndLogsObserver:
    """A `RunObserver`: updates `metrics` and writes one log line per event.

    Every line about a run carries run_id and config_version; a stage attempt adds stage, module,
    attempt, outcome, duration_ms and error. Skipped attempts are logged at debug level; module
    substitutions, breakers opening and failed runs at warning level; everything else at info.
    """

    def __init__(self, metrics: TurnoutMetrics, logger: FilteringBoundLogger | None = None) -> None:
        self.metrics = metrics
        # bind() once: a lazy global logger would otherwise be rebuilt on every call
        self._log = (logger if logger is not None else get_logger()).bind()

    def run_admitted(self, run: Run, waited_s: float) -> None:
        """A run was admitted under `run.config_version` after waiting `waited_s` at the gate."""
        self.metrics.run_started(run.version)
        self._log.info(
            "run admitted",
            run_id=run.run_id,
            config_version=run.config_version,
            file=run.file_name,
            waited_ms=_ms(waited_s),
        )

    def run_resumed(self, run: Run) -> None:
        """A run admitted before is in flight here again (the active version is left alone: a
        run of an older version may resume after a forced switch)."""
        self.metrics.run_resumed(run.version)
        self._log.info("run resumed", run_id=run.run_id, config_version=run.config_version)

    def run_released(self, run: Run) -> None:
        """A run left this worker unfinished: one run fewer in flight here."""
        self.metrics.run_released(run.version)
        self._log.warning("run released", run_id=run.run_id, config_version=run.config_version)

    def attempt_finished(self, run: Run, attempt: StageAttempt) -> None:
        """One attempt of one stage ended: count it, time it, log it."""
        self.metrics.observe_attempt(attempt)
        if attempt.outcome is AttemptOutcome.SKIPPED:
            # a disabled debug level returns before any processor runs
            self._log.debug(
                "stage skipped",
                run_id=run.run_id,
                config_version=run.config_version,
                stage=attempt.stage_id,
                module=attempt.module_id,
                attempt=attempt.attempt,
                outcome="skipped",
                duration_ms=round(attempt.duration_ms, 3),
                error=attempt.error,
                reason=attempt.summary.get("reason"),
            )
            return
        self._log.info(
            "stage attempt",
            run_id=run.run_id,
            config_version=run.config_version,
            stage=attempt.stage_id,
            module=attempt.module_id,
            attempt=attempt.attempt,
            outcome=outcome_label(attempt),
            duration_ms=round(attempt.duration_ms, 3),
            error=attempt.error,
        )

    def run_finished(self, run: Run) -> None:
        """The run reached its final status: count it, and warn when it failed."""
        self.metrics.run_ended(run.version, run.status.value)
        duration_ms = (
            _ms((run.finished_at - run.started_at).total_seconds())
            if run.finished_at is not None and run.started_at is not None
            else None
        )
        log = self._log.warning if run.status is RunStatus.FAILED else self._log.info
        log(
            "run finished",
            run_id=run.run_id,
            config_version=run.config_version,
            file=run.file_name,
            status=run.status.value,
            duration_ms=duration_ms,
            error=run.reason,
        )

    def breaker_changed(self, stage_id: str, module_id: str, state: str) -> None:
        """A circuit breaker moved; opening is a warning."""
        self.metrics.set_breaker(stage_id, module_id, state)
        log = self._log.warning if state == "open" else self._log.info
        log("breaker changed", stage=stage_id, module=module_id, state=state)

    def gate_changed(self, paused: bool, pending_version: int | None) -> None:
        """Admission paused for a pending activation, or resumed."""
        self.metrics.set_gate(paused, pending_version)
        if paused:  # a warning: at the default level an operator sees why new runs wait
            self._log.warning(
                "admission paused: new runs wait until the activation of the pending version "
                "applies (the runs in flight finish, or orphans are reaped after their lease); "
                "`turnout config cancel` cancels it",
                paused=True,
                pending_version=pending_version,
            )
        else:
            self._log.info("admission resumed", paused=False, pending_version=None)

    def activation_switched(self, version: int, waited_s: float) -> None:
        """`version` became active `waited_s` after the activation was requested."""
        self.metrics.activation_switched(version, waited_s)
        self._log.info("activation switched", config_version=version, waited_ms=_ms(waited_s))

    def module_substituted(
        self, stage_id: str, module_id: str, replacement: str | None, reason: str
    ) -> None:
        """At startup, an unavailable selected module was replaced (or could not be)."""
        self.metrics.module_substituted(stage_id, module_id)
        self._log.warning(
            "module substituted",
            stage=stage_id,
            module=module_id,
            replacement=replacement,
            error=reason,
        )

    def guard_progress(
        self, version: int, runs_seen: int, window: int | None, share: float | None = None
    ) -> None:
        """The guard watching `version` counted its runs (a gauge; no log line per run)."""
        self.metrics.set_guard_progress(version, runs_seen, window, share)

    def guard_gone(self, version: int) -> None:
        """Another process decided the guard on `version`, or it ended: clear the gauges."""
        self.metrics.guard_gone(version)

    def guards_read(
        self, active_version: int | None, guarded: tuple[int, float] | None, trips: int
    ) -> None:
        """What the database says now, whichever process changed it: the gauges follow."""
        self.metrics.set_guards_read(active_version, guarded, trips)

    def guard_decided(self, guard: Guard) -> None:
        """A guard was decided here: a tripped one is a warning, and counts its rollback."""
        self.metrics.guard_decided(guard.rollback_version is not None)
        tripped = guard.status is GuardStatus.TRIPPED
        log = self._log.warning if tripped else self._log.info
        log(
            "guard tripped" if tripped else "guard passed",
            config_version=guard.version,
            rollback_version=guard.rollback_version,
            figures=None if guard.figures is None else guard.figures.to_dict(),
            breaches=[b.to_dict() for b in guard.breaches],
        )
