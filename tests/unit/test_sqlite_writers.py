"""SQLite writers queue on `WriterLock`: across threads, and across processes through a file lock
that the kernel frees when its holder dies; a writer kept waiting too long goes on without it."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from turnout.persistence.sqlite_writers import WriterLock

HOLD = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


def test_a_writer_waits_for_another_process_until_it_lets_go_or_dies(tmp_path: Path) -> None:
    database = tmp_path / "turnout.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, f"{database}.writers"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        lock = WriterLock(database, timeout_s=0.3)
        assert lock.acquire() is False  # held elsewhere: gives up, holding nothing
        holder.kill()
        holder.wait()
        assert lock.acquire() is True  # the kernel freed it with its holder
        lock.release()
    finally:
        holder.kill()
        holder.wait()


def test_threads_of_one_process_take_turns(tmp_path: Path) -> None:
    lock = WriterLock(tmp_path / "turnout.db", timeout_s=10)
    assert lock.acquire()
    second = threading.Event()

    def other() -> None:
        if lock.acquire():
            second.set()
            lock.release()

    thread = threading.Thread(target=other)
    thread.start()
    assert not second.wait(0.2)  # waits while the first holds it
    lock.release()
    thread.join(10)
    assert second.is_set()
