"""The parent side of one worker process: start it, hand it one attempt at a time, replace it.

A worker that dies or overruns its time is reaped (waited for, so no zombie remains) and a fresh
one is started at once, without waiting for it: the next attempt waits for it to be ready, within
that attempt's own time limit.
"""

from __future__ import annotations

import atexit
import pickle
import signal
import threading
import time
import weakref

from turnout.domain.artifacts import Artifact
from turnout.domain.errors import ModuleCrashed, ModuleError, ModuleUnavailable, StageTimeout
from turnout.isolation.launcher import DIED, TIMED_OUT, Child
from turnout.isolation.protocol import Attempt, Launch, Produced, Raised, Ready, rebuild

_LIVE: weakref.WeakSet[WorkerProcess] = weakref.WeakSet()
_CLOSE_WAIT_S = 5.0  # how long close() waits for an attempt's thread to see its worker killed


class WorkerProcess:
    """One long-lived worker process running attempts of one module, one at a time."""

    def __init__(self, launch: Launch, start_timeout_s: float) -> None:
        self._launch = launch
        self._start_timeout_s = start_timeout_s
        self._lock = threading.Lock()
        self._child: Child | None = None
        self._ready = False
        self._closed = False
        _LIVE.add(self)

    @property
    def pid(self) -> int | None:
        """The worker's process id, None when no worker is running."""
        child = self._child
        return child.pid if child is not None else None

    @property
    def ready(self) -> bool:
        """Whether the worker has started and warmed its module up (a hint: not locked)."""
        return self._ready

    @property
    def _name(self) -> str:
        return f"module `{self._launch.module_id}`"

    def warm_up(self) -> None:
        """Start the worker (when needed) and wait until its module is warmed up."""
        with self._lock:
            self._ensure_ready(None, None)

    def attempt(
        self, request: Attempt, timeout_s: float | None, deadline: float | None = None
    ) -> list[Artifact]:
        """Run one attempt in the worker, all of it (a start included) done by `deadline`.

        `deadline` is a `time.monotonic()` value, by default `timeout_s` from now; see
        `ProcessIsolatedModule.process` for the errors.
        """
        if deadline is None and timeout_s is not None:
            deadline = time.monotonic() + timeout_s
        try:
            data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise ModuleError(
                f"the inputs of {self._name} cannot be sent to its worker process "
                f"({type(exc).__name__}: {exc}); artifacts and their fields must be picklable"
            ) from exc
        with self._lock:
            child = self._ensure_ready(timeout_s, deadline)
            if _left(deadline) == 0.0:  # ready just in time: keep it for the next attempt
                raise StageTimeout(
                    f"{self._name} took longer than timeout_s={timeout_s:g} before its worker "
                    "process was ready; the worker is kept for the next attempt"
                )
            if not child.send(data):
                raise self._crashed("while receiving its inputs") from None
            try:
                reply = child.receive(_left(deadline), self._name)
            except ModuleError:
                raise
            except BaseException:
                # interrupted (Ctrl-C): the worker may still be busy with this attempt, and its
                # answer must not be taken for the next one's
                self._stop(graceful=False)
                raise
            if reply is TIMED_OUT:
                self._restart(graceful=False)
                raise StageTimeout(
                    f"{self._name} took longer than timeout_s={timeout_s:g}; the worker was "
                    "killed and will be restarted"
                )
            if reply is DIED:
                raise self._crashed("during the attempt")
            if isinstance(reply, Produced):
                return list(reply.artifacts)
            if isinstance(reply, Raised):
                raise self._failed(reply)
        raise ModuleError(f"the worker of {self._name} answered {type(reply).__name__}")

    def close(self) -> None:
        """Stop the worker for good and reap it; an attempt or start in another thread is killed."""
        self._closed = True
        if not self._lock.acquire(blocking=False):
            if (child := self._child) is not None:
                child.kill()  # the thread holding the lock sees it die and lets go
            if not self._lock.acquire(timeout=_CLOSE_WAIT_S):
                return  # that thread reaps the worker when it gets to it
        try:
            self._stop()
        finally:
            self._lock.release()

    # -- below: called with the lock held ------------------------------------------------

    def _ensure_ready(self, timeout_s: float | None, deadline: float | None) -> Child:
        if self._closed:
            raise ModuleError(f"{self._name}'s worker was closed; build a new one to run it")
        if self._child is None:
            self._child = Child.start(self._launch)
            self._ready = False
        child = self._child
        if self._ready:
            return child
        # a start may span attempts: one that runs out of time leaves the worker starting
        start_left = max(0.0, child.started_at + self._start_timeout_s - time.monotonic())
        attempt_left = _left(deadline)
        waits_for_attempt = attempt_left is not None and attempt_left < start_left
        reply = child.receive(attempt_left if waits_for_attempt else start_left, self._name)
        if reply is TIMED_OUT and waits_for_attempt:
            raise StageTimeout(
                f"{self._name} took longer than timeout_s={timeout_s:g} waiting for a fresh "
                "worker process to start (import the module and run its warm_up); the worker "
                "goes on starting for the next attempt"
            )
        if reply is TIMED_OUT:
            self._stop(graceful=False)
            raise ModuleUnavailable(
                f"the worker of {self._name} was not ready {self._start_timeout_s:g} s after "
                "it started; it was killed. If the module's warm_up is slow, raise "
                "`start_timeout_s` in its settings (next to `isolation: process`); otherwise "
                "look at what warm_up waits for"
            )
        if reply is DIED:
            # no eager restart: a module that dies while starting would die again
            raise self._crashed("while starting", restart=False)
        if isinstance(reply, Raised):
            self._stop()
            raise ModuleUnavailable(
                f"{self._name} could not start in its worker process: {reply.summary()}"
                f"{self._memory_hint(reply)}; fix its settings or installation "
                "(`turnout modules` shows its health)"
            ) from rebuild(reply)
        if not isinstance(reply, Ready):
            raise ModuleError(f"the worker of {self._name} answered {type(reply).__name__}")
        self._ready = True
        return child

    def _stop(self, graceful: bool = True) -> None:
        """Stop the worker (gracefully: close its pipe and let it exit) and reap it."""
        child, self._child, self._ready = self._child, None, False
        if child is not None:
            child.stop(graceful)

    def _restart(self, graceful: bool = True) -> None:
        self._stop(graceful)
        if not self._closed:
            self._child = Child.start(self._launch)

    def _crashed(self, when: str, restart: bool = True) -> ModuleError:
        child = self._child
        assert child is not None
        code = child.exit_code()
        if self._closed:
            self._stop()
            return ModuleError(f"{self._name}'s worker was closed while an attempt was running")
        if restart:
            self._restart()
            then = "the worker was restarted"
        else:
            self._stop()
            then = "the next attempt starts a fresh worker"
        return ModuleCrashed(
            f"{self._name} crashed {when}: its worker process {_exit_description(code)}"
            f"{self._crash_hint(code)}; {then}. If every document fails this way, check the "
            "module's native dependencies and its settings"
        )

    def _failed(self, raised: Raised) -> ModuleError:
        if not raised.out_of_memory:
            return rebuild(raised)
        # after a MemoryError the worker's heap may be in a bad state: replace it
        self._restart()
        error = ModuleError(
            f"{raised.summary()}{self._memory_hint(raised)}; the worker was restarted"
        )
        error.__cause__ = rebuild(raised).__cause__
        return error

    def _memory_hint(self, raised: Raised) -> str:
        limit = self._launch.memory_limit_mb
        if not raised.out_of_memory or limit is None:
            return ""
        return (
            f" (the worker reached its memory_limit_mb={limit}; raise `memory_limit_mb` in "
            "the module's settings or give it smaller inputs)"
        )

    def _crash_hint(self, code: int | None) -> str:
        if code == -signal.SIGKILL and self._launch.memory_limit_mb is None:
            return " (SIGKILL often means the system ran out of memory; set `memory_limit_mb`)"
        if code == -signal.SIGSEGV:
            return " (a native library crashed; the worker's stderr shows its Python stack)"
        return ""


def _left(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _exit_description(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name} (exit code {code})"
    return f"exited with code {code}"


@atexit.register
def _close_live_workers() -> None:
    """Stop every worker at interpreter exit, so none outlives Turnout."""
    for worker in list(_LIVE):
        worker.close()
