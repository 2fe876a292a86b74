"""Circuit breakers, one per (stage, module), kept for the life of the process.

A breaker counts the outcomes of the last `window` calls. When the share of failures reaches
`failure_rate` (with at least `window` calls seen, or `window` failures in a row), it opens: calls
are refused at once (`circuit_open`) for `open_s` seconds. Then one trial call is let through
(half-open): success closes the breaker, failure opens it again. Only module failures count (errors,
timeouts, crashes); a rejected input says nothing about the module's health.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from turnout.domain.fallback import CircuitSettings


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Thread-safe breaker for one (stage, module)."""

    def __init__(
        self,
        settings: CircuitSettings,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[BreakerState], None] | None = None,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._on_change = on_change
        self._lock = threading.Lock()
        self._outcomes: deque[bool] = deque(maxlen=settings.window)
        self._state = BreakerState.CLOSED
        self._opened_at = 0.0
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._current()

    def allow(self) -> bool:
        """May a call go through now? In half-open state only one trial at a time."""
        with self._lock:
            state = self._current()
            if state is BreakerState.CLOSED:
                return True
            if state is BreakerState.HALF_OPEN and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record(self, success: bool) -> None:
        with self._lock:
            state = self._current()
            if state is BreakerState.HALF_OPEN:
                self._trial_running = False
                if success:
                    self._outcomes.clear()
                    self._set(BreakerState.CLOSED)
                else:
                    self._open()
                return
            self._outcomes.append(success)
            failures = self._outcomes.count(False)
            full = len(self._outcomes) == self._outcomes.maxlen
            if (
                not success
                and full
                and failures / len(self._outcomes) >= self.settings.failure_rate
            ):
                self._open()

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._set(BreakerState.OPEN)

    def _current(self) -> BreakerState:
        if (
            self._state is BreakerState.OPEN
            and self._clock() - self._opened_at >= self.settings.open_s
        ):
            self._set(BreakerState.HALF_OPEN)
        return self._state

    def _set(self, state: BreakerState) -> None:
        if state is not self._state:
            self._state = state
            if self._on_change is not None:
                self._on_change(state)


@dataclass(frozen=True)
class BreakerView:
    stage_id: str
    module_id: str
    state: BreakerState


class BreakerBoard:
    """Every breaker of the process, by (stage, module). A breaker survives activations that keep its
    settings; new settings for the same (stage, module) start a fresh breaker."""

    def __init__(
        self,
        on_change: Callable[[str, str, BreakerState], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._breakers: dict[tuple[str, str], CircuitBreaker] = {}
        self._lock = threading.Lock()
        self._on_change = on_change
        self._clock = clock

    def get(self, stage_id: str, module_id: str, settings: CircuitSettings) -> CircuitBreaker:
        key = (stage_id, module_id)
        with self._lock:
            breaker = self._breakers.get(key)
            if breaker is None or breaker.settings != settings:
                notify = self._on_change
                breaker = CircuitBreaker(
                    settings,
                    self._clock,
                    (lambda s: notify(stage_id, module_id, s)) if notify is not None else None,
                )
                self._breakers[key] = breaker
            return breaker

    def views(self) -> list[BreakerView]:
        with self._lock:
            items = list(self._breakers.items())
        return [BreakerView(stage, module, b.state) for (stage, module), b in sorted(items)]
