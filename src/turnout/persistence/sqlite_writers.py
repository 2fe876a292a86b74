"""One writer at a time on a SQLite database, queued by the operating system rather than polled.

SQLite lets one transaction write at a time; a second `BEGIN IMMEDIATE` gets SQLITE_BUSY and its
busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ... 100 ms before trying again. With several
processes writing (`turnout process` spreading a batch over processes) the sleeps added up to
more than the work: measured, 400 PDFs in 2 processes slept 10.8 s of busy handler in a 9 s
batch. `WriterLock` makes writers wait their turn on a lock instead: a thread lock inside the
process (handed over at once), then `flock` on a file beside the database across processes,
tried every half millisecond (the kernel frees it when its holder dies).

A writer that still waits after `timeout_s` (a holder stopped or stuck) goes on without it, and
SQLite's own busy timeout decides, as before ("database is locked").
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path

_POLL_S = 0.0005  # how often a waiter tries the file lock while another process holds it


class WriterLock:
    """Held from a write transaction's BEGIN until its connection goes back to the pool."""

    def __init__(self, database: Path, timeout_s: float) -> None:
        self._path = Path(f"{database}.writers")
        self._timeout_s = timeout_s
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid: int | None = None

    def acquire(self) -> bool:
        """Wait for the turn to write; False when `timeout_s` passed first (not held)."""
        deadline = time.monotonic() + self._timeout_s
        if not self._thread_lock.acquire(timeout=self._timeout_s):
            return False
        fd = self._file()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._thread_lock.release()
                    return False
                time.sleep(_POLL_S)
            except OSError:  # a file system without locks: SQLite's busy handler decides
                self._thread_lock.release()
                return False

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()

    def _file(self) -> int:
        # one descriptor per process: after a fork, a descriptor shared with the parent would
        # share its lock too
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd
