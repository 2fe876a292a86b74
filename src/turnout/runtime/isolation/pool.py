"""The worker processes of one isolated module: started as attempts need them, up to a bound."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from turnout.domain.errors import ModuleError, StageTimeout
from turnout.runtime.isolation.worker import WorkerProcess


class WorkerPool:
    """Hands each attempt a worker of its own; starts one more while fewer than `size` exist.

    The pool grows with demand only: with N runs in flight there are at most N workers, so a
    module that is rarely called costs one process, and one never called costs none.
    """

    def __init__(self, module_id: str, make: Callable[[], WorkerProcess], size: int) -> None:
        if size < 1:
            raise ValueError(f"workers={size}: a module needs at least one worker process")
        self._module_id = module_id
        self._make = make
        self.size = size
        self._all: list[WorkerProcess] = []
        self._idle: list[WorkerProcess] = []
        self._changed = threading.Condition()
        self._closed = False

    @property
    def workers(self) -> tuple[WorkerProcess, ...]:
        """Every worker made so far (some may be between processes)."""
        with self._changed:
            return tuple(self._all)

    def acquire(self, timeout_s: float | None, deadline: float | None) -> WorkerProcess:
        """A worker for one attempt: an idle one (ready ones first), else a new one, else wait.

        Raises `StageTimeout` when every worker is still busy at `deadline` (a `time.monotonic()`
        value; None: wait as long as it takes).
        """
        with self._changed:
            while True:
                if self._closed:
                    raise ModuleError(
                        f"module `{self._module_id}`'s workers were closed; build a new one to run it"
                    )
                if self._idle:
                    ready = [w for w in self._idle if w.ready]
                    worker = ready[-1] if ready else self._idle[-1]
                    self._idle.remove(worker)
                    return worker
                if len(self._all) < self.size:
                    worker = self._make()
                    self._all.append(worker)
                    return worker
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise StageTimeout(
                        f"module `{self._module_id}` took longer than timeout_s={timeout_s:g} "
                        f"waiting for a free worker process (all {self.size} were busy with "
                        "other attempts); raise `workers` in the module's settings, or lower "
                        "the concurrency"
                    )
                self._changed.wait(left)

    def release(self, worker: WorkerProcess) -> None:
        """Give a worker back after its attempt, for the next one."""
        with self._changed:
            self._idle.append(worker)
            self._changed.notify()

    def close(self) -> None:
        """Stop every worker; attempts waiting for one fail, running ones are killed."""
        with self._changed:
            self._closed = True
            workers = tuple(self._all)
            self._changed.notify_all()
        for worker in workers:
            worker.close()
