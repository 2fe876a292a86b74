"""`ProcessIsolatedModule`: a module whose attempts run in worker processes (`isolation: process`).

A segfault, `os._exit`, hang or memory blow-up in the module then costs one attempt, not Turnout:
the worker dies or is killed, the attempt fails with `ModuleCrashed`, `StageTimeout` or a
`ModuleError` naming the memory limit, and a fresh worker takes over for the next attempt.
"""

from __future__ import annotations

import os
import queue
import sys
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from turnout.domain.artifacts import Artifact
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.runtime.isolation.locate import ClassPath
from turnout.runtime.isolation.protocol import Attempt, Launch
from turnout.runtime.isolation.worker import WorkerProcess


class ProcessIsolatedModule:
    """Runs attempts of one module class, with given settings, in long-lived worker processes.

    Construction is cheap and checks that a worker can import the class by name; workers start
    in `warm_up()` or on the first attempt. Each worker serves one attempt at a time; `workers`
    of them serve attempts from several threads at once. `close()` (or interpreter exit) stops
    them all.
    """

    def __init__(
        self,
        cls: type[StageModule],
        settings: Mapping[str, Any],
        *,
        memory_limit_mb: int | None = None,
        start_timeout_s: float = 30,
        workers: int = 1,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers={workers}: a module needs at least one worker process")
        if memory_limit_mb is not None and memory_limit_mb < 1:
            raise ValueError(f"memory_limit_mb={memory_limit_mb} must be a positive number")
        self._cls = cls
        launch = Launch(
            module_id=cls.spec.module_id,
            class_path=ClassPath.of(cls),
            settings=dict(settings),
            sys_path=tuple(str(Path.cwd()) if entry == "" else entry for entry in sys.path),
            memory_limit_mb=memory_limit_mb,
            parent_pid=os.getpid(),
        )
        self._workers = tuple(WorkerProcess(launch, start_timeout_s) for _ in range(workers))
        self._idle: queue.SimpleQueue[WorkerProcess] = queue.SimpleQueue()
        for worker in self._workers:
            self._idle.put(worker)
        # stops the workers when this object is collected; worker.py stops them at exit
        self._finalizer = weakref.finalize(self, _close_all, self._workers)
        self._finalizer.atexit = False

    @property
    def spec(self) -> ModuleSpec:
        """The wrapped module class's spec."""
        return self._cls.spec

    @property
    def worker_pids(self) -> tuple[int | None, ...]:
        """The process id of each worker, None for one not running."""
        return tuple(worker.pid for worker in self._workers)

    def warm_up(self) -> None:
        """Start every worker; each imports the class, builds the module and calls `warm_up()`.

        Raises `ModuleUnavailable` when a worker cannot build or warm up the module, or is not
        ready after `start_timeout_s`; `ModuleCrashed` when it dies while starting.
        """
        for worker in self._workers:
            worker.warm_up()

    def process(
        self, inputs: Artifacts, context: RunContext, timeout_s: float | None = None
    ) -> list[Artifact]:
        """Run one attempt in a worker and return what the module produced.

        Errors: the module's own `turnout.domain.errors` class (`NotApplicable`, `InputRejected`
        ...) with its message; `ModuleError("Type: message")` for any other exception (and for a
        `MemoryError`, naming `memory_limit_mb`; the worker is replaced); `ModuleCrashed` when the
        worker dies; `StageTimeout` after `timeout_s` seconds (None: no limit), the worker killed.
        The worker's traceback is the error's `__cause__`.
        """
        worker = self._idle.get()
        try:
            return worker.attempt(Attempt(inputs, context), timeout_s)
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker and reap it; the object cannot run attempts afterwards."""
        self._finalizer()

    def __enter__(self) -> ProcessIsolatedModule:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ProcessIsolatedModule({self.spec.module_id!r}, workers={len(self._workers)})"


def _close_all(workers: tuple[WorkerProcess, ...]) -> None:
    for worker in workers:
        worker.close()
