"""One batch of files run in several OS processes, so that `--concurrency N` uses the cores.

Threads of one process share one interpreter lock, and most of a run is Python (extraction,
validation, the database, the export): in one process, runs at once do not go faster than one
core. A `RunPool` runs the batch in `processes` processes: this one (its own `Runner`, threads
inside) and `processes - 1` children, each a Runner of its own with its threads. Every process
takes the next file from one queue when it has a thread free, so a slow file holds up no one.

A child is `python -c _BOOT ...`, not a `multiprocessing` process (the "spawn" start method
would import the CLI's `__main__` again). It builds its Runner through `entry` (a
`module:function` of a higher layer: the composition root), answers `Ready` with its lease
holder, then runs the files it is sent, each with its own lease and heartbeat, admitted through
the same admission gate (its lock lives in the database). A child dies with its parent: on Linux
the kernel kills it when the parent dies (`PR_SET_PDEATHSIG`), elsewhere it stops taking files
when the pipe closes; runs a killed child held are reaped as orphans once their lease expires.
Children ignore SIGINT (Ctrl-C reaches the whole process group): the parent decides, and on
Ctrl-C lets the runs in flight everywhere finish and starts no other (`stop`).
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing.connection
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from turnout.domain.runs import Run
from turnout.runtime.runner import Runner

log = logging.getLogger(__name__)

_BOOT = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "import sys; sys.path[:0] = sys.argv[4:]; "
    "from turnout.distributed.run_pool_child import main; "
    "main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])"
)
_POLL_S = 0.1  # how often idle threads look whether the batch is done or stopping
_EXIT_GRACE_S = 5.0  # how long a told child gets to exit before it is killed


# A child costs about 1 s of one core before it takes its first file (imports 0.6 s, then its
# plan built and modules warmed up), taken from the runs beside it on a busy machine. Measured on
# 2 cores, `--concurrency 4` on text PDFs, one process vs two: 20 files 0.7 vs 1.0 s, 60 files
# 1.2 vs 1.1-1.6 s, 120 files 1.5-1.8 vs 1.9-2.3 s, 200 files 2.7-3.1 vs 2.4-2.7 s, 400 files
# 3.9-4.9 vs 3.5-3.9 s: a second process pays from about 200 files on.
MIN_FILES_PER_PROCESS = 100


def processes_for(files: int, concurrency: int, cores: int) -> int:
    """How many processes `turnout process` runs a batch in: min(concurrency, cores), fewer when
    the batch is small, so that each process gets at least `MIN_FILES_PER_PROCESS` files (below
    that, starting one costs more than it saves); 1 (threads only) with one core or one run at
    once."""
    return max(1, min(concurrency, cores, files // MIN_FILES_PER_PROCESS))


@dataclass(frozen=True)
class Hello:
    """The first message to a child: how to build its Runner, and how many threads to run."""

    settings: object
    threads: int


class RunPool:
    """Runs a batch in this process and `processes - 1` child processes, `concurrency` runs at
    once in all (split evenly: each process runs `ceil(concurrency / processes)` threads)."""

    def __init__(
        self, runner: Runner, entry: str, settings: object, processes: int, concurrency: int
    ) -> None:
        self._runner = runner
        self._entry = entry
        self._settings = settings
        self._children = max(0, processes - 1)
        self._threads = max(1, math.ceil(concurrency / max(1, processes)))
        self._work: queue.SimpleQueue[tuple[int, Path]] = queue.SimpleQueue()
        self._results: dict[int, Run] = {}
        self._errors: list[Exception] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._stopping = threading.Event()
        self._over = threading.Event()  # done or stopping: idle children are not waited for
        self._total = 0
        self._on_done: Callable[[Run], None] | None = None

    def run(self, paths: Sequence[Path], on_done: Callable[[Run], None] | None = None) -> list[Run]:
        """Every file one run, results in the order given. Call from the main thread (a child
        dies with the thread that started it). On KeyboardInterrupt the runs in flight finish,
        no other starts, and the interrupt is raised again."""
        self._total = len(paths)
        self._on_done = on_done
        for item in enumerate(paths):
            self._work.put((item[0], item[1].resolve()))
        if not paths:
            return []
        children = [
            _Child.start(self._entry, self._settings, self._threads) for _ in range(self._children)
        ]
        threads = [
            threading.Thread(target=self._pump, args=(c,), name="turnout-pool-pump", daemon=True)
            for c in children
        ]
        local = ThreadPoolExecutor(self._threads, thread_name_prefix="turnout-run")
        try:
            for t in threads:
                t.start()
            for _ in range(self._threads):
                local.submit(self._local)
            while not self._done.wait(_POLL_S):
                pass
        except KeyboardInterrupt:
            self.stop()
            raise
        finally:
            self._stopping.set()  # the batch is over either way: idle threads end
            self._over.set()
            local.shutdown(wait=True)
            for t in threads:
                t.join()
            for child in children:
                child.close()
        if self._errors:
            raise self._errors[0]
        return [self._results[i] for i in range(self._total)]

    def stop(self) -> None:
        """Start no other run; runs in flight (here and in children) finish."""
        self._stopping.set()
        self._over.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self._work.get_nowait()

    def _record(self, index: int, run: Run) -> None:
        with self._lock:
            self._results[index] = run
            if len(self._results) == self._total:
                self._done.set()
                self._over.set()
        if self._on_done is not None:
            self._on_done(run)

    def _fail(self, exc: Exception) -> None:
        with self._lock:
            self._errors.append(exc)
        self.stop()
        self._done.set()

    def _next(self, block: bool) -> tuple[int, Path] | None:
        if self._stopping.is_set():
            return None
        try:
            return self._work.get(timeout=_POLL_S) if block else self._work.get_nowait()
        except queue.Empty:
            return None

    def _local(self) -> None:
        """One thread of this process's own share: the next file, until the batch is over."""
        while not self._stopping.is_set() and not self._done.is_set():
            item = self._next(block=True)
            if item is None:
                continue
            try:
                self._record(item[0], self._runner.run_path(item[1]))
            except Exception as exc:  # reading the file failed: raised, as with threads
                self._fail(exc)

    def _pump(self, child: _Child) -> None:
        """Feed one child a file per free thread of its own, and record what it sends back."""
        holder = child.wait_ready(self._over)
        if holder is None:
            return  # it could not start (logged): the other processes take its share
        sent: dict[int, Path] = {}
        admitted: dict[int, str] = {}
        while True:
            while len(sent) < self._threads and not self._done.is_set():
                item = self._next(block=False)
                if item is None:
                    break
                if not child.send(("run", item[0], str(item[1]))):
                    self._work.put(item)
                    break
                sent[item[0]] = item[1]
            if not sent and (self._stopping.is_set() or self._done.is_set()):
                return
            message = child.receive(_POLL_S)
            if message is None:
                continue
            if message == "died":
                self._lost(child, holder, sent, admitted)
                return
            assert isinstance(message, tuple)
            kind, index, payload = message
            if kind == "admitted":
                admitted[index] = payload
            elif kind == "done":
                sent.pop(index, None)
                admitted.pop(index, None)
                self._record(index, payload)
            else:  # "raised": the file could not be read, as `run_path` raises with threads
                sent.pop(index, None)
                self._fail(RuntimeError(payload))

    def _lost(
        self, child: _Child, holder: str, sent: dict[int, Path], admitted: dict[int, str]
    ) -> None:
        """A child died mid-batch: its admitted runs end failed now, its other files go back to
        the queue (they have no run yet)."""
        code = child.exit_code()
        why = f"Turnout's worker process {child.pid} ({holder}) died (exit code {code})"
        log.warning("%s with %d run(s) in flight", why, len(sent))
        for index, run_id in admitted.items():
            self._record(index, self._runner.end_stranded(run_id, holder, why))
            sent.pop(index)
        for index, path in sent.items():
            self._work.put((index, path))


class _Child:
    """A child process of the pool and its pipe."""

    def __init__(self, process: subprocess.Popen[bytes], conn: Connection) -> None:
        self.process = process
        self.conn = conn

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    def start(cls, entry: str, settings: object, threads: int) -> _Child:
        parent_end, child_end = multiprocessing.connection.Pipe(duplex=True)
        fd = child_end.fileno()
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(fd), str(os.getpid()), entry, *sys.path],
                pass_fds=(fd,),
                stdin=subprocess.DEVNULL,
            )
        finally:
            child_end.close()
        child = cls(process, parent_end)
        child.send(Hello(settings, threads))
        return child

    def send(self, message: object) -> bool:
        try:
            self.conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            return False
        return True

    def receive(self, timeout_s: float | None) -> object:
        """The next message; None when none came in time; "died" when the child is gone."""
        try:
            if not self.conn.poll(timeout_s):
                return None
            return pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError):
            return "died"

    def wait_ready(self, over: threading.Event) -> str | None:
        """Its lease holder once it is ready; None if it could not start (logged) or the batch
        was `over` first (then it is killed: it holds no run yet)."""
        message = None
        while message is None:
            if over.is_set():
                self.process.kill()
                return None
            message = self.receive(_POLL_S)
        if isinstance(message, tuple) and message[0] == "ready":
            return str(message[2])
        detail = message[2] if isinstance(message, tuple) else f"exit code {self.exit_code()}"
        log.warning(
            "a worker process of `turnout process` could not start (%s); this process runs "
            "its share",
            detail,
        )
        return None

    def exit_code(self) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.process.wait(_EXIT_GRACE_S)
        return None

    def close(self) -> None:
        """Tell it to stop (it finishes its runs in flight), then reap it; kill if it hangs."""
        self.send(("stop",))
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.exit_code() is None:
            self.process.kill()
            self.process.wait()
