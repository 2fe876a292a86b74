"""Run a command and measure the peak resident memory of its whole process tree, and its time.

The tree (the command and every descendant: worker processes included) is read from /proc
every 20 ms and the RSS of its processes summed; the peak sum is the honest figure for what a
command took from the machine. A peak shorter than the poll interval can be missed, so the
largest single process's own high-water mark (`VmHWM`, which the kernel keeps exactly) is also
tracked, and the figure reported is the larger of the two. Linux only.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_POLL_S = 0.02


@dataclass(frozen=True)
class Measured:
    """A finished command: exit code, output, peak tree RSS in MB and wall seconds."""

    code: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


def run_measured(
    args: Sequence[str], env: Mapping[str, str], cwd: Path | None = None, timeout: float = 300
) -> Measured:
    """Run `args` to completion, polling its process tree's memory meanwhile."""
    started = time.monotonic()
    proc = subprocess.Popen(
        list(args),
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0.0]
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            done.wait(_POLL_S)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    finally:
        done.set()
        poller.join()
    return Measured(proc.returncode, stdout, stderr, peak[0], time.monotonic() - started)


def tree_rss_mb(pid: int) -> float:
    """The summed RSS of `pid` and its descendants now, or the largest one's high-water mark."""
    total = 0
    highest = 0
    for member in _tree(pid):
        rss, hwm = _status(member)
        total += rss
        highest = max(highest, hwm)
    return max(total, highest) / 1024


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in _listdir(Path(f"/proc/{current}/task")):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            pending.extend(int(child) for child in children)
    return found


def _listdir(path: Path) -> list[Path]:
    try:
        return list(path.iterdir())
    except OSError:
        return []


def _status(pid: int) -> tuple[int, int]:
    rss = hwm = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, hwm
