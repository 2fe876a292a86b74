"""Sign-in throttling: after repeated failures a client address (or a user) waits before trying
again, longer with each further failure.

Kept in memory, per server process: a restart forgets the counts, and each process of a server
counts on its own. That bounds guessing to a handful of tries a minute per address and process,
which is what is needed against 256-bit tokens that cannot be guessed anyway; what it stops is a
script hammering the form. Behind a reverse proxy every client has the proxy's address unless
the server trusts its forwarding headers (`uvicorn --proxy-headers`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 5
"""Failures allowed before the first wait."""
FIRST_WAIT_S = 30.0
"""The first wait; it doubles with each failure after it."""
LONGEST_WAIT_S = 15 * 60.0
FORGET_AFTER_S = 60 * 60.0
"""A key with no failure for this long starts again from zero."""
MAX_KEYS = 100_000
"""Past this many keys, the oldest are forgotten (a flood of addresses cannot fill memory)."""


@dataclass
class _Failures:
    count: int
    last: float


class SignInThrottle:
    """Counts sign-in failures per key (`addr:…`, `user:…`) and says how long a key must wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def wait_s(self, *keys: str) -> int:
        """Whole seconds before any of `keys` may try again (0: it may try now)."""
        now = self._clock()
        with self._lock:
            waits = [self._wait(self._failures.get(k), now) for k in keys]
        return math.ceil(max(waits, default=0.0))

    def failed(self, *keys: str) -> int:
        """Count a failure for each key; the wait it now imposes, in whole seconds."""
        now = self._clock()
        with self._lock:
            for key in keys:
                seen = self._failures.pop(key, None)
                if seen is None or now - seen.last > FORGET_AFTER_S:
                    seen = _Failures(0, now)
                seen.count += 1
                seen.last = now
                self._failures[key] = seen  # re-inserted: the dict stays oldest-first
            while len(self._failures) > MAX_KEYS:
                del self._failures[next(iter(self._failures))]
        return self.wait_s(*keys)

    def succeeded(self, *keys: str) -> None:
        """A sign-in went through: its keys start again from zero."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    @staticmethod
    def _wait(seen: _Failures | None, now: float) -> float:
        if seen is None or seen.count < FREE_FAILURES:
            return 0.0
        wait = min(LONGEST_WAIT_S, FIRST_WAIT_S * 2.0 ** min(seen.count - FREE_FAILURES, 10))
        return max(0.0, seen.last + wait - now)
