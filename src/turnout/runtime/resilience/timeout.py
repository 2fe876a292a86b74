"""Calling a module with a time limit.

An inline module runs in a daemon thread that the runner stops waiting for when the limit passes:
Python cannot kill a thread, so a hung inline call keeps its thread until it returns. Modules that
may hang for good belong in a worker process (`isolation: process`), which is killed instead.

Starting a thread costs more than many a stage, so the threads are kept: an idle one takes the
next call, and a new one is started only when none is idle (all busy, or one still stuck in a call
that was given up on; it becomes idle again once that call returns). Each call runs in a fresh
`contextvars` context, as it would in a new thread.

An abandoned call must not pile up: calls given a `key` (the envelope passes the stage and module)
first wait, within their own `timeout_s`, for the abandoned calls of that key to return. So no new
call of a (stage, module) starts while one that timed out is still running, and a module that
hangs or grows costs one thread per concurrent run, not one per retry.

A `SystemExit` or `KeyboardInterrupt` raised on an attempt thread can only come from the module's
code (a real Ctrl-C reaches the main thread only): it reaches the caller as `ModuleExited`, an
ordinary exception, so that the envelope records it as a failed attempt.
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from turnout.domain.errors import StageTimeout
from turnout.runtime.module_loading import describe

T = TypeVar("T")

_MAX_IDLE = 8  # threads kept waiting for calls; more than that end when their call returns


class ModuleExited(Exception):
    """Module code on an attempt thread raised a BaseException that is not an Exception."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(describe(original, "module"))
        self.original = original


def call_with_timeout(
    fn: Callable[[], T], timeout_s: float | None, what: str, key: Hashable | None = None
) -> T:
    """`fn()`, or StageTimeout when it has not returned after `timeout_s` seconds.

    With a `key`, the call first waits for the abandoned (timed-out) calls of the same key to
    return; that wait counts in `timeout_s`.
    """
    if timeout_s is None:
        return fn()
    deadline = time.monotonic() + timeout_s
    if key is not None and _abandoned:
        _wait_for_abandoned(key, deadline, what, timeout_s)
    box: dict[str, object] = {}
    done = threading.Event()

    def target() -> None:
        threading.current_thread().name = f"turnout-attempt-{what}"
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    _worker().submit(target, done)
    if not done.wait(max(0.0, deadline - time.monotonic())):
        if key is not None:
            _abandon(key, done)
        raise StageTimeout(
            f"{what} took longer than timeout_s={timeout_s:g}; the attempt was abandoned "
            "(use `isolation: process` to have hung attempts killed)"
        )
    if "error" in box:
        error = box["error"]
        assert isinstance(error, BaseException)
        if isinstance(error, Exception):
            raise error
        raise ModuleExited(error) from error
    return box["value"]  # type: ignore[return-value]


# key -> done events of calls that timed out and may still be running
_abandoned: dict[Hashable, list[threading.Event]] = {}
_abandoned_lock = threading.Lock()


def _abandon(key: Hashable, done: threading.Event) -> None:
    with _abandoned_lock:
        _abandoned.setdefault(key, []).append(done)


def _wait_for_abandoned(key: Hashable, deadline: float, what: str, timeout_s: float) -> None:
    with _abandoned_lock:
        running = [event for event in _abandoned.get(key, ()) if not event.is_set()]
        if running:
            _abandoned[key] = running
        else:
            _abandoned.pop(key, None)
    for event in running:
        if not event.wait(max(0.0, deadline - time.monotonic())):
            raise StageTimeout(
                f"{what} could not start within timeout_s={timeout_s:g}: the previous attempt's "
                "thread is still running (it timed out, and a thread cannot be stopped); use "
                "`isolation: process` to have hung attempts killed"
            )


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
    global _idle_lock, _abandoned_lock
    _idle.clear()
    _idle_lock = threading.Lock()
    _abandoned.clear()
    _abandoned_lock = threading.Lock()


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
