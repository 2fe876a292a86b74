"""The worker processes of one isolated module: started as attempts need them, up to a bound."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from turnout.domain.errors import ModuleError, StageTimeout
from turnout.isolation.worker import WorkerProcess


class WorkerPool:
    """Hands each attempt a ready worker of its own, starting one more while fewer than `size` exist.

    The pool grows with demand only: with N runs in flight there are at most N workers, so a
    module that is rarely called costs one process, and one never called costs none. Workers
    start (and restart, after a crash or a timeout) on a thread of their own, so an attempt
    takes whichever worker is ready first, a busy one that finishes or a new one, instead of
    waiting for one particular start.
    """

    def __init__(self, module_id: str, make: Callable[[], WorkerProcess], size: int) -> None:
        if size < 1:
            raise ValueError(f"workers={size}: a module needs at least one worker process")
        self._module_id = module_id
        self._make = make
        self.size = size
        self._all: list[WorkerProcess] = []
        self._idle: list[WorkerProcess] = []  # ready
        self._cold: list[WorkerProcess] = []  # their last start failed: an attempt retries it
        self._starting = 0
        self._waiting = 0
        self._changed = threading.Condition()
        self._closed = False

    @property
    def workers(self) -> tuple[WorkerProcess, ...]:
        """Every worker made so far (some may be between processes)."""
        with self._changed:
            return tuple(self._all)

    def warm_up(self) -> None:
        """Have one ready worker, started on this thread, so that a failure is raised here."""
        with self._changed:
            if self._idle:
                return
            if self._cold:
                worker = self._cold.pop()
            elif len(self._all) < self.size:
                worker = self._new()
            else:
                return  # every worker is busy or starting: the module started before
        try:
            worker.warm_up()
        except BaseException:
            with self._changed:
                self._cold.append(worker)
            raise
        self.release(worker)

    def acquire(self, timeout_s: float | None, deadline: float | None) -> WorkerProcess:
        """A ready worker for one attempt (or one whose start failed, to start it again).

        Raises `StageTimeout` when none is free at `deadline` (a `time.monotonic()` value; None:
        wait as long as it takes).
        """
        with self._changed:
            self._waiting += 1
            try:
                while True:
                    if self._closed:
                        raise ModuleError(
                            f"module `{self._module_id}`'s workers were closed; build a new "
                            "one to run it"
                        )
                    if self._idle:
                        return self._idle.pop()  # the most recently used: its caches are warm
                    if self._cold:
                        return self._cold.pop()
                    if self._starting < self._waiting and len(self._all) < self.size:
                        self._start_in_background(self._new())
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        raise StageTimeout(self._waited_too_long(timeout_s))
                    self._changed.wait(left)
            finally:
                self._waiting -= 1

    def release(self, worker: WorkerProcess) -> None:
        """Take a worker back after its attempt: ready for the next, or being (re)started."""
        with self._changed:
            if worker.ready or self._closed:
                self._idle.append(worker)
                self._changed.notify()
            elif worker.pid is None:  # its start failed: the next attempt starts it again
                self._cold.append(worker)
                self._changed.notify()
            else:  # replaced after a crash or a timeout, or still starting
                self._start_in_background(worker)

    def close(self) -> None:
        """Stop every worker; attempts waiting for one fail, running ones are killed."""
        with self._changed:
            self._closed = True
            workers = tuple(self._all)
            self._changed.notify_all()
        for worker in workers:
            worker.close()

    # -- below: called holding `_changed` ------------------------------------------------

    def _new(self) -> WorkerProcess:
        worker = self._make()
        self._all.append(worker)
        return worker

    def _waited_too_long(self, timeout_s: float | None) -> str:
        waited = f"module `{self._module_id}` took longer than timeout_s={timeout_s:g} waiting"
        busy = len(self._all) - len(self._idle) - len(self._cold) - self._starting
        if busy == 0:
            return (
                f"{waited} for its worker process to start (it imports the module and runs "
                "its warm_up); the worker goes on starting for the next attempt"
            )
        starting = f", {self._starting} more starting" if self._starting else ""
        return (
            f"{waited} for a free worker process (all {busy} busy with other attempts"
            f"{starting}; at most {self.size}); raise `workers` in the module's settings, or "
            "lower the concurrency"
        )

    def _start_in_background(self, worker: WorkerProcess) -> None:
        self._starting += 1
        threading.Thread(
            target=self._start,
            args=(worker,),
            name=f"turnout-start[{self._module_id}]",
            daemon=True,  # bounded by start_timeout_s; close() kills what it waits for
        ).start()

    def _start(self, worker: WorkerProcess) -> None:
        try:
            worker.warm_up()
        except Exception:  # an attempt that takes the worker starts it again and sees why
            ready = False
        else:
            ready = True
        with self._changed:
            self._starting -= 1
            (self._idle if ready else self._cold).append(worker)
            self._changed.notify()
