"""One worker process as the operating system sees it: started, waited on, killed, reaped.

A worker is `python -c _BOOT FD`, not a `multiprocessing` process: the "spawn" start method
imports the parent's `__main__` again in every child (the whole CLI, about a second), which a
worker restarted after a timeout would pay inside the next attempt's time limit.
"""

from __future__ import annotations

import contextlib
import multiprocessing.connection
import os
import pickle
import subprocess
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from turnout.domain.errors import ModuleError
from turnout.isolation.protocol import Launch

_GRACE_S = 0.5  # how long a worker gets to exit after being told to before it is killed
# SIGINT ignored first: Ctrl-C reaches the whole process group, and the parent decides
_BOOT = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "import sys; sys.path[:0] = sys.argv[2:]; "
    "from turnout.isolation.worker_main import main; main(int(sys.argv[1]))"
)


class _Signal:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


TIMED_OUT = _Signal("TIMED_OUT")  # `Child.receive`: no answer in time
DIED = _Signal("DIED")  # `Child.receive`: the process ended without answering


@dataclass
class Child:
    """A started worker process, its pipe, and (on Linux) a descriptor that says when it ends."""

    process: subprocess.Popen[bytes]
    conn: Connection
    pidfd: int | None
    started_at: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    def start(cls, launch: Launch) -> Child:
        """Start a worker and send it `launch`; it answers `Ready` or `Raised` when built."""
        started_at = time.monotonic()
        parent_end, child_end = multiprocessing.connection.Pipe(duplex=True)
        fd = child_end.fileno()
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(fd), *launch.sys_path],
                pass_fds=(fd,),
                stdin=subprocess.DEVNULL,
            )
        finally:
            child_end.close()
        pidfd: int | None = None
        with contextlib.suppress(AttributeError, OSError):  # no pidfd: the pipe's EOF tells
            pidfd = os.pidfd_open(process.pid)
        child = cls(process, parent_end, pidfd, started_at)
        child.send(pickle.dumps(launch, protocol=pickle.HIGHEST_PROTOCOL))
        return child

    def send(self, data: bytes) -> bool:
        """Send one message; False when the worker is gone."""
        try:
            self.conn.send_bytes(data)
        except OSError:
            return False
        return True

    def receive(self, timeout_s: float | None, name: str) -> object:
        """The worker's next answer; `TIMED_OUT` after `timeout_s`, `DIED` if it ended first."""
        waitables: list[Connection | int] = [self.conn]
        if self.pidfd is not None:
            waitables.append(self.pidfd)
        ready = multiprocessing.connection.wait(waitables, timeout_s)
        if self.conn in ready:
            try:
                data = self.conn.recv_bytes()
            except (EOFError, OSError):
                return DIED
            try:
                return pickle.loads(data)
            except Exception as exc:
                raise ModuleError(
                    f"the answer of {name}'s worker cannot be read in Turnout's process "
                    f"({type(exc).__name__}: {exc}); its artifacts must be importable and "
                    "picklable"
                ) from exc
        return DIED if ready else TIMED_OUT

    def exit_code(self) -> int | None:
        """The exit code once the process has ended (negative: killed by that signal)."""
        try:
            return self.process.wait(_GRACE_S)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        """SIGKILL the process, from any thread; whoever holds it reaps it."""
        with contextlib.suppress(OSError):
            self.process.kill()

    def stop(self, graceful: bool) -> None:
        """Close the pipe (an idle worker exits on its own), else kill; always reap."""
        with contextlib.suppress(OSError):
            self.conn.close()
        if graceful:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(_GRACE_S)
            if self.process.poll() is None:
                self.process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(_GRACE_S)
        self.kill()
        self.process.wait()  # reaped: no zombie is left
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)
            self.pidfd = None
