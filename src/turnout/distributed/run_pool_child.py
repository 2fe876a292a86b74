"""A child process of a `RunPool` (`turnout.distributed.run_pool`): its own Runner, its own threads.

It reads the parent's `Hello`, builds its Runner through the parent's `entry` (a
`module:function` returning an object with `.runner` and `.close()`), answers `("ready", holder)`,
then runs each `("run", index, path)` on a free thread, answering `("admitted", index, run_id)`
once the run holds its lease and `("done", index, run)` when it ended (`("raised", index, text)`
if the file could not be read). `("stop",)` or a closed pipe: it finishes its runs in flight and
exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from turnout.authoring.quiet import quiet_dependencies
from turnout.domain.runs import Run
from turnout.runtime.runner import Runner

_PR_SET_PDEATHSIG = 1


class Host(Protocol):
    """What `entry` returns: the process's Runner, and how to close what it opened."""

    @property
    def runner(self) -> Runner: ...

    def close(self) -> None: ...


def main(fd: int, parent_pid: int, entry: str) -> None:
    """The child's whole life; returns when told to stop or when the parent is gone."""
    _die_with_parent(parent_pid)
    quiet_dependencies()  # its stderr is the terminal of `turnout process`: no dependency chatter
    conn = Connection(fd)
    send_lock = threading.Lock()

    def send(message: object) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with send_lock, contextlib.suppress(OSError):  # the parent is gone: nothing to tell
            conn.send_bytes(data)

    try:
        hello = pickle.loads(conn.recv_bytes())
        module, _, function = entry.partition(":")
        host: Host = getattr(importlib.import_module(module), function)(hello.settings)
    except EOFError:
        return
    except Exception as exc:
        send(("failed", 0, f"{type(exc).__name__}: {exc}"))
        return
    try:
        runner = host.runner
        runner.prepare()
        send(("ready", 0, runner.holder))
        with ThreadPoolExecutor(hello.threads, thread_name_prefix="turnout-run") as pool:
            while True:
                try:
                    message = pickle.loads(conn.recv_bytes())
                except (EOFError, OSError):
                    break
                if message[0] != "run":
                    break
                pool.submit(_one, runner, send, message[1], Path(message[2]))
    finally:
        host.close()


def _one(runner: Runner, send: _Send, index: int, path: Path) -> None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        send(("raised", index, f"cannot read {path}: {exc}"))
        return

    def admitted(run: Run) -> None:
        send(("admitted", index, run.run_id))

    send(("done", index, runner.run_bytes(path.name, data, on_admitted=admitted)))


class _Send(Protocol):
    def __call__(self, message: object, /) -> None: ...


def _die_with_parent(parent_pid: int) -> None:
    """Linux: the kernel kills this process when the parent dies (even by SIGKILL), so its runs
    stop at once and become orphans reaped as usual. Elsewhere the closed pipe stops it."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(0)
