"""The worker side: build one module in a fresh interpreter and serve its attempts until told to stop.

The parent starts `python -c BOOT FD` (see worker.py): `main` reads the `Launch` from the pipe
on file descriptor FD and calls `serve`. Nothing of the parent's `__main__` is imported again,
so a worker starts in the time it takes to import the module. `serve` runs nothing the parent
does not ask for: it limits its own address space (`memory_limit_mb`), builds and warms up the
module, answers `Ready`, then answers each `Attempt` with `Produced` or `Raised`. It exits when
the parent sends `None`, closes the pipe, or dies (a watch thread notices the orphaning).
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import pickle
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from turnout.authoring.quiet import quiet_dependencies
from turnout.domain.modules import StageModule
from turnout.isolation.protocol import Attempt, Launch, Produced, Raised, Ready

_ORPHAN_CHECK_S = 1.0
_M_ARENA_MAX = -8  # glibc's mallopt parameter number


def main(fd: int) -> None:
    """Worker process entry point: serve the `Launch` the parent sends first on `fd`."""
    conn = Connection(fd)
    try:
        launch = pickle.loads(conn.recv_bytes())
    except (EOFError, OSError):
        return  # the parent stopped us before we were told what to build
    if not isinstance(launch, Launch):
        raise TypeError(f"worker expected a Launch, got {type(launch).__name__}")
    serve(conn, launch)


def serve(conn: Connection, launch: Launch) -> None:
    """Build the module `launch` names and answer the parent's attempts on `conn`."""
    # Ctrl-C reaches the whole process group; the parent decides what happens to its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.enable()  # a segfault prints the worker's Python stack to stderr
    quiet_dependencies()  # its stderr is the parent's terminal: no third-party chatter there
    sys.path[:] = launch.sys_path
    if launch.memory_limit_mb is not None:
        _few_malloc_arenas()  # before any thread starts and gets an arena of its own
    _exit_when_orphaned(launch.parent_pid)
    try:
        if launch.memory_limit_mb is not None:
            _limit_address_space(launch.memory_limit_mb)
        module = launch.class_path.load()(dict(launch.settings))
        module.warm_up()
    except Exception as exc:
        _send(conn, Raised.describe(exc, f"while building and warming up `{launch.module_id}`"))
        return
    if _send_bytes(conn, pickle.dumps(Ready(os.getpid()), protocol=pickle.HIGHEST_PROTOCOL)):
        _serve_attempts(conn, module)


def _serve_attempts(conn: Connection, module: StageModule) -> None:
    while True:
        try:
            request = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the parent closed the pipe (a reset: it had not read an answer of ours)
        if request is None:
            return
        if not isinstance(request, Attempt):
            raise TypeError(f"worker expected an Attempt, got {type(request).__name__}")
        try:
            reply: Produced | Raised = Produced(
                tuple(module.process(request.inputs, request.context) or ())  # None: nothing
            )
        except (Exception, SystemExit) as exc:  # sys.exit() in a module fails the attempt only
            reply = Raised.describe(exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            data = pickle.dumps(
                Raised.describe(
                    exc,
                    "the module's result cannot be sent back from its worker process "
                    "(artifacts and their fields must be picklable)",
                )
            )
        del reply, request
        _give_back_memory()
        if not _send_bytes(conn, data):
            return


def _give_back_memory() -> None:
    """Return the heap the attempt freed to the system (glibc keeps it otherwise), so an idle
    worker does not sit on the peak of its largest attempt (hundreds of MB for an OCR page)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


_MALLOC_TRIM = _malloc_trim()


def _send(conn: Connection, message: Ready | Raised) -> None:
    _send_bytes(conn, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _send_bytes(conn: Connection, data: bytes) -> bool:
    """Send an answer; False when the parent has gone (it stopped waiting, or stopped us)."""
    try:
        conn.send_bytes(data)
    except OSError:
        return False
    return True


def _limit_address_space(memory_limit_mb: int) -> None:
    """Cap the worker's virtual memory so a runaway allocation raises MemoryError here."""
    import resource  # POSIX only; imported here so that the module loads everywhere

    limit = memory_limit_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < limit:
        limit = hard
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _few_malloc_arenas() -> None:
    """Keep glibc from reserving a 64 MB heap arena per thread (up to 8 per core).

    Those reservations count against RLIMIT_AS though they are barely touched, so a module with
    a thread pool (ONNX Runtime) would need a limit that grows with the machine's core count.
    """
    import ctypes

    # a C library without mallopt (not glibc) reserves no such arenas
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)  # the C library the interpreter runs on


def _exit_when_orphaned(parent_pid: int) -> None:
    """Exit when the parent is gone (killed without closing us), so no worker outlives Turnout."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_ORPHAN_CHECK_S)
        os._exit(0)

    # a small stack: every thread's stack counts against the address-space limit
    previous = threading.stack_size(256 * 1024)
    try:
        threading.Thread(target=watch, name="turnout-orphan-watch", daemon=True).start()
    finally:
        threading.stack_size(previous)
