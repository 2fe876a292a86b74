"""`ProcessIsolatedModule`: a module whose attempts run in worker processes (`isolation: process`).

A segfault, `os._exit`, hang or memory blow-up in the module then costs one attempt, not Turnout:
the worker dies or is killed, the attempt fails with `ModuleCrashed`, `StageTimeout` or a
`ModuleError` naming the memory limit, and a fresh worker takes over for the next attempt.
"""

from __future__ import annotations

import os
import sys
import time
import weakref
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from turnout.domain.artifacts import Artifact
from turnout.domain.framework_settings import DEFAULT_START_TIMEOUT_S, default_workers
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.isolation.locate import ClassPath
from turnout.isolation.pool import WorkerPool
from turnout.isolation.protocol import Attempt, Launch
from turnout.isolation.worker import WorkerProcess


class ProcessIsolatedModule:
    """Runs attempts of one module class, with given settings, in long-lived worker processes.

    Construction is cheap and checks that a worker can import the class by name. Workers start
    as attempts need them (one per attempt in flight, at most `workers`; `warm_up()` starts the
    first) and serve one attempt at a time. An attempt's `timeout_s` bounds all of it: waiting
    for a free worker, a worker's start, the module's work. `close()` (or interpreter exit)
    stops them all.
    """

    def __init__(
        self,
        cls: type[StageModule],
        settings: Mapping[str, Any],
        *,
        memory_limit_mb: int | None = None,
        start_timeout_s: float = DEFAULT_START_TIMEOUT_S,
        workers: int | None = None,
    ) -> None:
        if memory_limit_mb is not None and memory_limit_mb < 1:
            raise ValueError(f"memory_limit_mb={memory_limit_mb} must be a positive number")
        if start_timeout_s <= 0:
            raise ValueError(f"start_timeout_s={start_timeout_s} must be a positive number")
        self._cls = cls
        launch = Launch(
            module_id=cls.spec.module_id,
            class_path=ClassPath.of(cls),
            settings=dict(settings),
            sys_path=tuple(str(Path.cwd()) if entry == "" else entry for entry in sys.path),
            memory_limit_mb=memory_limit_mb,
            parent_pid=os.getpid(),
        )
        self._pool = WorkerPool(
            launch.module_id,
            lambda: WorkerProcess(launch, start_timeout_s),
            default_workers() if workers is None else workers,
        )
        # stops the workers when this object is collected; worker.py stops them at exit
        self._finalizer = weakref.finalize(self, self._pool.close)
        self._finalizer.atexit = False

    @property
    def spec(self) -> ModuleSpec:
        """The wrapped module class's spec."""
        return self._cls.spec

    @property
    def worker_pids(self) -> tuple[int | None, ...]:
        """The process id of each worker started so far, None for one not running now."""
        return tuple(worker.pid for worker in self._pool.workers)

    @property
    def max_workers(self) -> int:
        """How many worker processes the module may have at once."""
        return self._pool.size

    def warm_up(self) -> None:
        """Start one worker, which imports the class, builds the module and calls `warm_up()`.

        Raises `ModuleUnavailable` when the worker cannot build or warm up the module, or is not
        ready after `start_timeout_s`; `ModuleCrashed` when it dies while starting.
        """
        self._pool.warm_up()

    def process(
        self, inputs: Artifacts, context: RunContext, timeout_s: float | None = None
    ) -> list[Artifact]:
        """Run one attempt in a worker and return what the module produced.

        Errors: the module's own `turnout.domain.errors` class (`NotApplicable`, `InputRejected`
        ...) with its message; `ModuleError("Type: message")` for any other exception (and for a
        `MemoryError`, naming `memory_limit_mb`; the worker is replaced); `ModuleCrashed` when the
        worker dies; `StageTimeout` when `timeout_s` seconds (None: no limit) have passed since
        the call, whether waiting for a free worker, for a worker to start (it goes on starting
        for the next attempt) or for the module (the worker is killed and replaced). The
        worker's traceback is the error's `__cause__`.
        """
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        worker = self._pool.acquire(timeout_s, deadline)
        try:
            # the issuer profiles are read through this process's database connections, which
            # cannot cross to a worker process: an isolated module runs without them
            sent = replace(context, profiles=None) if context.profiles is not None else context
            return worker.attempt(Attempt(inputs, sent), timeout_s, deadline)
        finally:
            self._pool.release(worker)

    def close(self) -> None:
        """Stop every worker and reap it; the object cannot run attempts afterwards."""
        self._finalizer()

    def __enter__(self) -> ProcessIsolatedModule:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ProcessIsolatedModule({self.spec.module_id!r}, workers={self._pool.size})"
