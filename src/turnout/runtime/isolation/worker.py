"""The parent side of one worker process: start it, hand it one attempt at a time, replace it.

A worker that dies or overruns its time is reaped (joined, so no zombie remains) and a fresh one
is started at once, without waiting for it: the next attempt waits for it to be ready.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import pickle
import signal
import threading
import weakref
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from turnout.domain.artifacts import Artifact
from turnout.domain.errors import ModuleCrashed, ModuleError, ModuleUnavailable, StageTimeout
from turnout.runtime.isolation.protocol import Attempt, Launch, Produced, Raised, Ready, rebuild
from turnout.runtime.isolation.worker_main import serve

# "spawn", never "fork": the parent has threads and open database connections.
_CONTEXT = multiprocessing.get_context("spawn")
_GRACE_S = 0.5  # how long a worker gets to exit after being told to before it is killed
_LIVE: weakref.WeakSet[WorkerProcess] = weakref.WeakSet()


class WorkerProcess:
    """One long-lived worker process running attempts of one module, one at a time."""

    def __init__(self, launch: Launch, start_timeout_s: float) -> None:
        self._launch = launch
        self._start_timeout_s = start_timeout_s
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._closed = False
        _LIVE.add(self)

    @property
    def pid(self) -> int | None:
        """The worker's process id, None when no worker is running."""
        return self._process.pid if self._process is not None else None

    @property
    def _name(self) -> str:
        return f"module `{self._launch.module_id}`"

    def warm_up(self) -> None:
        """Start the worker (when needed) and wait until its module is warmed up."""
        with self._lock:
            self._ensure_ready()

    def attempt(self, request: Attempt, timeout_s: float | None) -> list[Artifact]:
        """Run one attempt in the worker; see `ProcessIsolatedModule.process` for the errors."""
        try:
            data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise ModuleError(
                f"the inputs of {self._name} cannot be sent to its worker process "
                f"({type(exc).__name__}: {exc}); artifacts and their fields must be picklable"
            ) from exc
        with self._lock:
            conn = self._ensure_ready()
            try:
                conn.send_bytes(data)
            except OSError:
                raise self._crashed("while receiving its inputs") from None
            try:
                reply = self._receive(timeout_s, "attempt")
            except ModuleError:
                raise
            except BaseException:
                # interrupted (Ctrl-C): the worker may still be busy with this attempt, and its
                # answer must not be taken for the next one's
                self._stop(graceful=False)
                raise
            if isinstance(reply, Produced):
                return list(reply.artifacts)
            if isinstance(reply, Raised):
                raise self._failed(reply)
        raise ModuleError(f"the worker of {self._name} answered {type(reply).__name__}")

    def close(self) -> None:
        """Stop the worker for good; an attempt running in another thread is killed."""
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._stop()
            finally:
                self._lock.release()
        elif (process := self._process) is not None:
            # the attempt's thread sees it die and reaps it (ValueError: it just did)
            with contextlib.suppress(ValueError):
                process.kill()

    # -- below: called with the lock held ------------------------------------------------

    def _ensure_ready(self) -> Connection:
        if self._closed:
            raise ModuleError(f"{self._name}'s worker was closed; build a new one to run it")
        if self._process is None:
            self._start()
        assert self._conn is not None
        if not self._ready:
            reply = self._receive(self._start_timeout_s, "start")
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
        return self._conn

    def _start(self) -> None:
        parent_end, child_end = _CONTEXT.Pipe(duplex=True)
        process = _CONTEXT.Process(
            target=serve,
            args=(child_end, self._launch),
            name=f"turnout-worker[{self._launch.module_id}]",
        )
        process.start()
        child_end.close()
        self._process, self._conn, self._ready = process, parent_end, False

    def _stop(self, graceful: bool = True) -> None:
        """Close the pipe (an idle worker exits on its own), then terminate, then kill; reap."""
        process, conn = self._process, self._conn
        self._process, self._conn, self._ready = None, None, False
        if conn is not None:
            conn.close()
        if process is not None:
            if graceful:
                process.join(_GRACE_S)
            _kill(process)
            process.close()

    def _restart(self, graceful: bool = True) -> None:
        self._stop(graceful)
        if not self._closed:
            self._start()

    def _receive(self, timeout_s: float | None, phase: str) -> object:
        process, conn = self._process, self._conn
        assert process is not None and conn is not None
        ready = multiprocessing.connection.wait([conn, process.sentinel], timeout_s)
        if conn in ready:
            try:
                data = conn.recv_bytes()
            except (EOFError, OSError):
                data = None  # the worker died before answering
            if data is not None:
                try:
                    return pickle.loads(data)
                except Exception as exc:
                    raise ModuleError(
                        f"the answer of {self._name}'s worker cannot be read in Turnout's "
                        f"process ({type(exc).__name__}: {exc}); its artifacts must be "
                        "importable and picklable"
                    ) from exc
        if not ready:
            if phase == "start":
                self._stop(graceful=False)
                raise ModuleUnavailable(
                    f"the worker of {self._name} was not ready after start_timeout_s="
                    f"{self._start_timeout_s:g}; it was killed. Raise start_timeout_s if its "
                    "warm_up is slow, or look at what warm_up waits for"
                )
            self._restart(graceful=False)
            raise StageTimeout(
                f"{self._name} took longer than timeout_s={timeout_s:g}; the worker was "
                "killed and will be restarted"
            )
        if phase == "start":
            # no eager restart: a module that dies while starting would die again, unreaped
            raise self._crashed("while starting", restart=False)
        raise self._crashed("during the attempt")

    def _crashed(self, when: str, restart: bool = True) -> ModuleError:
        process = self._process
        assert process is not None
        process.join(_GRACE_S)
        code = process.exitcode
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


def _kill(process: BaseProcess) -> None:
    """Terminate, then kill after a short grace; always join, so no zombie is left behind."""
    if process.exitcode is not None:
        return
    if process.is_alive():
        process.terminate()
        process.join(_GRACE_S)
    if process.is_alive():
        process.kill()
    process.join()


@atexit.register
def _close_live_workers() -> None:
    """Stop every worker at interpreter exit.

    Registered after `multiprocessing.util` is imported, so it runs before multiprocessing's own
    exit hook, which would otherwise wait forever for workers that are not daemons (they are not,
    so that a module may use multiprocessing itself).
    """
    for worker in list(_LIVE):
        worker.close()
