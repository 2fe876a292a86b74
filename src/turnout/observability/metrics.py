"""Prometheus metrics of the runtime (README, Observability), on a registry of their own.

Every label is bounded: stage ids, module ids, outcomes, run statuses and configuration versions.
A run id or a file name never becomes a label; those belong in the logs.

Each `TurnoutMetrics` owns a `CollectorRegistry`, so tests and several apps in one process never
collide on the global default registry. `render()` gives the text exposition for `/metrics`.
"""

from __future__ import annotations

import threading

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from turnout.domain.runs import AttemptOutcome, StageAttempt

# The outcome label of a stage attempt: the attempt outcomes plus `retried` (below).
OUTCOMES = (
    "ok",
    "retried",
    "fallback",
    "failed",
    "contract_violation",
    "skipped",
    "timeout",
    "rejected",
)
BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}
NO_MODULE = "none"  # the module label of an optional stage with no selection

# From a no-op module (microseconds) to OCR of a long scan (tens of seconds).
STAGE_BUCKETS = (
    0.0001,
    0.0005,
    0.001,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
)
# An activation waits for the runs in flight to drain: instant to many minutes.
ACTIVATION_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


def outcome_label(attempt: StageAttempt) -> str:
    """The `outcome` label of an attempt: its outcome, except that an `ok` on a second or later
    attempt is `retried` (the module succeeded after a retry)."""
    if attempt.outcome is AttemptOutcome.OK and attempt.attempt > 1:
        return "retried"
    return attempt.outcome.value


class TurnoutMetrics:
    """The runtime's metrics on a registry of their own; the observer is what updates them."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        stage_labels = ("stage", "module", "outcome")
        self.stage_duration = Histogram(
            "turnout_stage_duration_seconds",
            "Time one attempt of one stage took, by module and outcome.",
            stage_labels,
            registry=r,
            buckets=STAGE_BUCKETS,
        )
        self.stage_outcomes = Counter(
            "turnout_stage_outcomes",
            "Stage attempts by module and outcome.",
            stage_labels,
            registry=r,
        )
        self.breaker_state = Gauge(
            "turnout_breaker_state",
            "Circuit breaker of a module at a stage: 0 closed, 1 half_open, 2 open.",
            ("stage", "module"),
            registry=r,
        )
        self.admission_paused = Gauge(
            "turnout_admission_paused",
            "1 while admission of new runs is paused for a pending activation, else 0.",
            registry=r,
        )
        self.pending_activation_version = Gauge(
            "turnout_pending_activation_version",
            "The configuration version waiting to become active (0 when none).",
            registry=r,
        )
        self.runs_in_flight = Gauge(
            "turnout_runs_in_flight",
            "Runs admitted and not finished, by the configuration version they are pinned to.",
            ("config_version",),
            registry=r,
        )
        self.activation_wait = Histogram(
            "turnout_activation_wait_seconds",
            "Time from an activation request to the switch (draining the runs in flight).",
            registry=r,
            buckets=ACTIVATION_BUCKETS,
        )
        self.active_config_version = Gauge(
            "turnout_active_config_version",
            "The configuration version new runs are admitted under.",
            registry=r,
        )
        self.runs = Counter(
            "turnout_runs", "Runs finished, by final status.", ("status",), registry=r
        )
        self.module_substitutions = Counter(
            "turnout_module_substitutions",
            "Unavailable selected modules found at startup (replaced by the stage's fallback if any).",
            ("stage", "module"),
            registry=r,
        )
        self.guard_rollbacks = Counter(
            "turnout_guard_rollbacks",
            "Rollbacks this process made by itself because a guard's limit tripped (another "
            "process's rollbacks are not counted here: alert on turnout_guard_trips).",
            registry=r,
        )
        self.guard_trips = Gauge(
            "turnout_guard_trips",
            "Guards that ever tripped in the installation, read from the database on each "
            "periodic tick whichever process decided (alert when it rises).",
            registry=r,
        )
        self.guard_progress = Gauge(
            "turnout_guard_progress",
            "Share of its window the guard watching now has seen (finished runs / window, or "
            "the time elapsed for a time window, whichever is further; 0 when no guard watches, "
            "1 once decided).",
            registry=r,
        )
        self.guarded_version = Gauge(
            "turnout_guarded_version",
            "The configuration version a guard watches now (0 when none).",
            registry=r,
        )
        self._guarded = 0  # the version guarded_version shows
        self._attempt_children: dict[tuple[str, str | None, str], tuple[Histogram, Counter]] = {}
        self._in_flight: dict[int, int] = {}  # versions that have a runs_in_flight child
        self._active: int | None = None
        self._runs_lock = threading.Lock()  # in-flight counts are read-modify-write, per run

    def observe_attempt(self, attempt: StageAttempt) -> None:
        """Count one attempt and record its latency (a dict lookup and two updates)."""
        outcome = outcome_label(attempt)
        key = (attempt.stage_id, attempt.module_id, outcome)
        children = self._attempt_children.get(key)
        if children is None:
            labels = (attempt.stage_id, attempt.module_id or NO_MODULE, outcome)
            children = (self.stage_duration.labels(*labels), self.stage_outcomes.labels(*labels))
            self._attempt_children[key] = children
        duration, count = children
        duration.observe(attempt.duration_ms / 1000.0)
        count.inc()

    def set_breaker(self, stage_id: str, module_id: str, state: str) -> None:
        """Record a breaker's state: `closed`, `half_open` or `open`."""
        value = BREAKER_STATES.get(state)
        if value is None:
            raise ValueError(
                f"breaker state `{state}` of `{module_id}` is unknown; "
                f"use one of {', '.join(BREAKER_STATES)}"
            )
        self.breaker_state.labels(stage_id, module_id).set(value)

    def set_gate(self, paused: bool, pending_version: int | None) -> None:
        """Record whether admission is paused and which version waits (0 for none)."""
        self.admission_paused.set(1 if paused else 0)
        self.pending_activation_version.set(pending_version or 0)

    def run_started(self, config_version: int) -> None:
        """One more run in flight on `config_version` (runs are admitted under the active
        version, so this also keeps the active-version gauge right after a restart)."""
        with self._runs_lock:
            if config_version != self._active:
                self._set_active(config_version)
            self._set_in_flight(config_version, self._in_flight.get(config_version, 0) + 1)

    def run_resumed(self, config_version: int) -> None:
        """One more run in flight on `config_version`, without touching the active version."""
        with self._runs_lock:
            self._set_in_flight(config_version, self._in_flight.get(config_version, 0) + 1)

    def run_released(self, config_version: int) -> None:
        """One run fewer in flight on `config_version`, not counted as finished."""
        with self._runs_lock:
            self._set_in_flight(config_version, max(self._in_flight.get(config_version, 0) - 1, 0))

    def run_ended(self, config_version: int, status: str) -> None:
        """Count a finished run; one run fewer in flight on its version (never below zero, so a
        run admitted by another process does not drive the gauge negative)."""
        self.runs.labels(status).inc()
        with self._runs_lock:
            self._set_in_flight(config_version, max(self._in_flight.get(config_version, 0) - 1, 0))

    def set_active_version(self, version: int) -> None:
        """`version` is the one new runs are admitted under; idle older versions are dropped."""
        with self._runs_lock:
            self._set_active(version)

    def activation_switched(self, version: int, waited_s: float) -> None:
        """`version` became active after `waited_s` of draining."""
        self.activation_wait.observe(waited_s)
        self.set_active_version(version)

    def module_substituted(self, stage_id: str, module_id: str) -> None:
        """Count a selected module replaced at startup."""
        self.module_substitutions.labels(stage_id, module_id).inc()

    def set_guard_progress(
        self, version: int, runs_seen: int, window: int | None, share: float | None = None
    ) -> None:
        """The watching guard of `version` has seen `runs_seen` runs of its `window` (`share`:
        how far through its window it is, runs or time, when the caller knows better)."""
        self.guarded_version.set(version)
        self._guarded = version
        if share is None:
            share = runs_seen / window if window else 0.0
        self.guard_progress.set(max(0.0, min(1.0, share)))

    def guard_gone(self, version: int) -> None:
        """The guard on `version` was decided elsewhere or ended: no guard watches here now."""
        if self._guarded == version:
            self.guarded_version.set(0)
            self._guarded = 0
            self.guard_progress.set(1.0)

    def guard_decided(self, rolled_back: bool) -> None:
        """A guard was decided here; count its rollback, if it made one."""
        self.guarded_version.set(0)
        self._guarded = 0
        self.guard_progress.set(1.0)
        if rolled_back:
            self.guard_rollbacks.inc()

    def set_guards_read(
        self, active_version: int | None, guarded: tuple[int, float] | None, trips: int
    ) -> None:
        """The shared state read from the database: the active version, the guard watching now
        (version, share of its window; None: no guard watches) and the trips ever recorded."""
        if active_version is not None:
            self.set_active_version(active_version)
        if guarded is None:
            if self._guarded:
                self.guard_progress.set(1.0)
            self.guarded_version.set(0)
            self._guarded = 0
        else:
            version, share = guarded
            self.guarded_version.set(version)
            self._guarded = version
            self.guard_progress.set(max(0.0, min(1.0, share)))
        self.guard_trips.set(trips)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric (serve with `content_type`)."""
        return generate_latest(self.registry)

    # -- below: called with _runs_lock held ---------------------------------------------------

    def _set_in_flight(self, config_version: int, count: int) -> None:
        # A version that is not active and has nothing in flight is dropped from the gauge, so
        # the label set stays as small as the versions that matter.
        label = str(config_version)
        if count == 0 and config_version != self._active:
            if self._in_flight.pop(config_version, None) is not None:
                self.runs_in_flight.remove(label)
            return
        self._in_flight[config_version] = count
        self.runs_in_flight.labels(label).set(count)

    def _set_active(self, version: int) -> None:
        self._active = version
        self.active_config_version.set(version)
        for idle in [v for v, n in self._in_flight.items() if n == 0 and v != version]:
            self._set_in_flight(idle, 0)
