"""What the runtime tells the outside world as it works: one observer protocol, so metrics and
logs live in one place (`turnout.observability`) and the runner stays free of them."""

from __future__ import annotations

from typing import Protocol

from turnout.domain.guard import Guard
from turnout.domain.runs import Run, StageAttempt


class RunObserver(Protocol):
    def run_admitted(self, run: Run, waited_s: float) -> None:
        """A run was admitted under `run.config_version` after waiting `waited_s` at the gate."""

    def run_resumed(self, run: Run) -> None:
        """A worker took over a run admitted before (handed back, reaped): it is in flight here."""

    def run_released(self, run: Run) -> None:
        """A worker let a run go unfinished (handed back, taken over by another, database lost)."""

    def attempt_finished(self, run: Run, attempt: StageAttempt) -> None:
        """One attempt of one stage ended (ok, skipped, failed, fallback, timeout ...)."""

    def run_finished(self, run: Run) -> None:
        """The run reached its final status and was persisted."""

    def breaker_changed(self, stage_id: str, module_id: str, state: str) -> None:
        """A circuit breaker moved to `closed`, `open` or `half_open`."""

    def gate_changed(self, paused: bool, pending_version: int | None) -> None:
        """Admission of new runs paused (an activation is pending) or resumed."""

    def activation_switched(self, version: int, waited_s: float) -> None:
        """`version` became active, `waited_s` after the activation was requested."""

    def module_substituted(
        self, stage_id: str, module_id: str, replacement: str | None, reason: str
    ) -> None:
        """At startup, an unavailable selected module was replaced by the stage's fallback."""

    def guard_progress(
        self, version: int, runs_seen: int, window: int | None, share: float | None = None
    ) -> None:
        """The guard watching `version` has seen `runs_seen` finished runs (of `window`);
        `share` is how far through its window it is (runs or time, 0 to 1), when known."""

    def guard_decided(self, guard: Guard) -> None:
        """This process decided a guard: passed, or tripped (and rolled back, if it could)."""

    def guard_gone(self, version: int) -> None:
        """No guard watches `version` any more: another process decided it, or it ended."""

    def guards_read(
        self, active_version: int | None, guarded: tuple[int, float] | None, trips: int
    ) -> None:
        """The periodic tick read from the database what every process shares: the active
        version, the guard watching now (its version and how far through its window, or None)
        and how many guards ever tripped in the installation."""


class NullObserver:
    """Observes nothing (the default)."""

    def run_admitted(self, run: Run, waited_s: float) -> None:
        pass

    def run_resumed(self, run: Run) -> None:
        pass

    def run_released(self, run: Run) -> None:
        pass

    def attempt_finished(self, run: Run, attempt: StageAttempt) -> None:
        pass

    def run_finished(self, run: Run) -> None:
        pass

    def breaker_changed(self, stage_id: str, module_id: str, state: str) -> None:
        pass

    def gate_changed(self, paused: bool, pending_version: int | None) -> None:
        pass

    def activation_switched(self, version: int, waited_s: float) -> None:
        pass

    def module_substituted(
        self, stage_id: str, module_id: str, replacement: str | None, reason: str
    ) -> None:
        pass

    def guard_progress(
        self, version: int, runs_seen: int, window: int | None, share: float | None = None
    ) -> None:
        pass

    def guard_decided(self, guard: Guard) -> None:
        pass

    def guard_gone(self, version: int) -> None:
        pass

    def guards_read(
        self, active_version: int | None, guarded: tuple[int, float] | None, trips: int
    ) -> None:
        pass
