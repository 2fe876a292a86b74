"""Calling a module with a time limit.

An inline module runs in a daemon thread that the runner stops waiting for when the limit passes:
Python cannot kill a thread, so a hung inline call keeps its thread until it returns. Modules that
may hang for good belong in a worker process (`isolation: process`), which is killed instead.

Starting a thread costs more than many a stage, so the threads are kept: an idle one takes the
next call, and a new one is started only when none is idle (all busy, or one still stuck in a call
that was given up on; it becomes idle again once that call returns). Each call runs in a fresh
`contextvars` context, as it would in a new thread.
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
from collections.abc import Callable
from typing import TypeVar

from turnout.domain.errors import StageTimeout

T = TypeVar("T")

_MAX_IDLE = 8  # threads kept waiting for calls; more than that end when their call returns


def call_with_timeout(fn: Callable[[], T], timeout_s: float | None, what: str) -> T:
    """`fn()`, or StageTimeout when it has not returned after `timeout_s` seconds."""
    if timeout_s is None:
        return fn()
    box: dict[str, object] = {}
    done = threading.Event()

    def target() -> None:
        threading.current_thread().name = f"turnout-attempt-{what}"
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    _worker().submit(target, done)
    if not done.wait(timeout_s):
        raise StageTimeout(
            f"{what} took longer than timeout_s={timeout_s:g}; the attempt was abandoned "
            "(use `isolation: process` to have hung attempts killed)"
        )
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


_Job = tuple[Callable[[], None], threading.Event]


class _Worker:
    """A daemon thread running one call at a time; idle between calls."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        thread = threading.Thread(target=self._loop, name="turnout-attempt", daemon=True)
        thread.start()

    def submit(self, job: Callable[[], None], done: threading.Event) -> None:
        self._jobs.put((job, done))

    def _loop(self) -> None:
        while True:
            job, done = self._jobs.get()
            try:
                contextvars.Context().run(job)
            finally:
                # idle again before the caller wakes, so that its next call finds this thread
                keep = _release(self)
                done.set()
            if not keep:
                return


_idle: list[_Worker] = []
_idle_lock = threading.Lock()


def _forget_workers() -> None:
    # a forked child has none of the parent's threads: it starts its own when it needs them
    global _idle_lock
    _idle.clear()
    _idle_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


def _worker() -> _Worker:
    with _idle_lock:
        if _idle:
            return _idle.pop()
    return _Worker()


def _release(worker: _Worker) -> bool:
    """Put `worker` back among the idle ones; False when enough are idle (it should end)."""
    with _idle_lock:
        if len(_idle) >= _MAX_IDLE:
            return False
        _idle.append(worker)
        return True
