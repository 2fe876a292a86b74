"""A guard's trip announced over HTTP (`turnout.runtime.guard.GuardWebhook`): one JSON POST to
the installation's `guard_webhook_url`, sent on a thread of its own so that no run waits for it,
with a short timeout and one retry; the outcome goes to `done` (None: sent, else the error).

The sending threads are not daemons: a short `turnout process` that tripped a guard finishes
sending before it exits (bounded by the timeouts), and `close` waits for them with a bound and
names those still going."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

import turnout

log = logging.getLogger(__name__)


class HttpGuardWebhook:
    """Posts guard rollbacks: `timeout_s` per attempt, `retries` more attempts `retry_after_s`
    apart. A 2xx answer is success; anything else (refused, timed out, 4xx, 5xx) is retried, then
    reported."""

    def __init__(
        self, timeout_s: float = 3.0, retries: int = 1, retry_after_s: float = 1.0
    ) -> None:
        self.timeout_s = timeout_s
        self.retries = retries
        self.retry_after_s = retry_after_s
        self._sending: list[tuple[threading.Thread, str]] = []
        self._lock = threading.Lock()

    def send(
        self, url: str, payload: Mapping[str, Any], done: Callable[[str | None], None]
    ) -> None:
        """Post in the background; returns at once."""
        thread = threading.Thread(
            target=self._post,
            args=(url, dict(payload), done),
            daemon=False,  # the process waits for it before exiting
            name="turnout-guard-hook",
        )
        with self._lock:
            self._sending = [(t, u) for t, u in self._sending if t.is_alive()]
            self._sending.append((thread, url))
        thread.start()

    def close(self, timeout_s: float) -> list[str]:
        """Wait at most `timeout_s` in all for the posts still being sent; the URLs of those
        still going afterwards."""
        deadline = time.monotonic() + max(0.0, timeout_s)
        with self._lock:
            sending = list(self._sending)
        for thread, _ in sending:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            self._sending = [(t, u) for t, u in self._sending if t.is_alive()]
            return [u for _, u in self._sending]

    def _post(self, url: str, payload: dict[str, Any], done: Callable[[str | None], None]) -> None:
        body = json.dumps(payload, default=str).encode()
        error: str | None = None
        for attempt in range(1 + max(0, self.retries)):
            if attempt:
                threading.Event().wait(self.retry_after_s)
            request = urllib.request.Request(
                url,
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": f"turnout/{turnout.__version__}",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
                    if 200 <= answer.status < 300:
                        error = None
                        break
                    error = f"HTTP {answer.status}"
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code} {exc.reason}"
            except Exception as exc:  # refused, timed out, bad URL ...
                error = f"{type(exc).__name__}: {exc}"
            log.info("guard webhook attempt %d to %s failed: %s", attempt + 1, url, error)
        try:
            done(error)
        except Exception as exc:
            log.warning("reporting the guard webhook's outcome failed: %s", exc)
