"""`turnout worker`: one worker process serving the queue, beside any number of others.

Beside Procrastinate's job loop, three threads: the heartbeat (renews the leases of the runs this
worker holds), the reaper (queues again the runs of workers that stopped renewing theirs), and the
listener (on an activation switch announced by PostgreSQL, builds the new version's plan and wakes
runs waiting at the admission gate at once instead of at their next poll).

SIGTERM or SIGINT: stop fetching jobs; runs in flight go on for the shutdown deadline, after which
each is handed back to the queue before its next stage (another worker resumes it from its last
stored stage). A second signal hands them back at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from procrastinate.worker import Worker

from turnout.distributed.queue import conninfo, ensure_schema, make_app
from turnout.domain.runs import DEFAULT_LEASE_S
from turnout.runtime.ports import NOTIFY_CHANNEL, QUEUE_NAME
from turnout.runtime.queue_worker import QueueWorker, stalled_after_s

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 2
    lease_s: float = DEFAULT_LEASE_S
    shutdown_deadline_s: float = 30.0
    until_empty: bool = False  # stop when the queue has no job left (benchmarks, batch jobs)
    poll_s: float = 1.0  # fallback polling of the queue when a notification is missed


class WorkerProcess:
    """Runs Procrastinate's job loop for one `QueueWorker`, with heartbeat, reaper, listener."""

    def __init__(
        self,
        database_url: str,
        queue_worker: QueueWorker,
        options: WorkerOptions,
        on_switch: Callable[[int], None] | None = None,
    ) -> None:
        self._url = database_url
        self.queue_worker = queue_worker
        self.options = options
        self._on_switch = on_switch
        self._stop = threading.Event()
        self._signals = 0
        self._procrastinate: Worker | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.processed = 0  # runs this process finished (job threads add to it under the lock)
        self._count_lock = threading.Lock()

    def run(self) -> int:
        """Serve jobs until stopped (or, with `until_empty`, until the queue is empty)."""
        ensure_schema(self._url)
        self.start_background()
        try:
            asyncio.run(self._serve())
        finally:
            self._stop.set()
        return self.processed

    def start_background(self) -> list[threading.Thread]:
        """Start the heartbeat, reaper and listener threads (they end with `request_stop`)."""
        threads = [
            threading.Thread(
                target=self._every,
                args=(self.options.lease_s / 3, self._heartbeat),
                daemon=True,
                name="turnout-heartbeat",
            ),
            threading.Thread(
                target=self._every,
                args=(self.options.lease_s / 2, self._reap),
                daemon=True,
                name="turnout-reaper",
            ),
            threading.Thread(target=self._listen, daemon=True, name="turnout-listener"),
        ]
        for t in threads:
            t.start()
        return threads

    def request_stop(self, immediately: bool = False) -> None:
        """Stop fetching jobs; runs in flight get the shutdown deadline (none if `immediately`)."""
        self._stop.set()
        self.queue_worker.stop(0.0 if immediately else self.options.shutdown_deadline_s)
        worker, loop = self._procrastinate, self._loop
        if worker is not None and loop is not None:
            loop.call_soon_threadsafe(worker.stop)

    # -- the job loop ------------------------------------------------------------------------------

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._loop.add_signal_handler(sig, self._on_signal)
        while not self._stop.is_set():
            app = make_app(self._url, self._process, self.options.concurrency + 2)
            try:
                async with app.open_async():
                    worker = Worker(
                        app,
                        queues=[QUEUE_NAME],
                        concurrency=self.options.concurrency,
                        wait=not self.options.until_empty,
                        install_signal_handlers=False,
                        delete_jobs="successful",
                        fetch_job_polling_interval=self.options.poll_s,
                        name=self.queue_worker.name,
                        # the queue's own heartbeat, so that jobs of a killed worker are
                        # recognised (and cleared by the reaper) within one lease
                        update_heartbeat_interval=max(self.options.lease_s / 3, 0.5),
                        stalled_worker_timeout=stalled_after_s(self.options.lease_s),
                    )
                    self._procrastinate = worker
                    await worker.run()  # type: ignore[no-untyped-call]
            except Exception as exc:  # the database went away: serve again once it is back
                log.warning("worker loop stopped (%s); restarting in 1 s", exc)
                await asyncio.sleep(1.0)
                continue
            finally:
                self._procrastinate = None
            if self.options.until_empty:
                break
            if not self._stop.is_set():
                # Procrastinate stops itself when a side task fails (its listener lost its
                # connection): serve again.
                log.warning("worker loop ended without a stop request; restarting")
                await asyncio.sleep(0.5)

    def _process(self, run_id: str) -> None:
        if self.queue_worker.process(run_id) is not None:
            with self._count_lock:
                self.processed += 1

    def _on_signal(self) -> None:
        self._signals += 1
        log.warning(
            "stop requested: no new jobs; runs in flight get %g s",
            0 if self._signals > 1 else self.options.shutdown_deadline_s,
        )
        self.request_stop(immediately=self._signals > 1)

    # -- heartbeat, reaper, listener ---------------------------------------------------------------

    def _every(self, period_s: float, action: Callable[[], object]) -> None:
        while True:
            try:
                action()
            except Exception as exc:  # the database is away: try again next period
                log.warning("%s failed: %s", getattr(action, "__name__", "task"), exc)
            if self._stop.wait(period_s):
                return

    def _heartbeat(self) -> None:
        self.queue_worker.heartbeat()

    def _reap(self) -> None:
        self.queue_worker.reap()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo(self._url), autocommit=True) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._switched(int(note.payload))
            except Exception as exc:  # connection dropped: listen again
                if not self._stop.is_set():
                    log.warning("activation listener lost its connection (%s); reconnecting", exc)
                    self._stop.wait(1.0)

    def _switched(self, version: int) -> None:
        self.queue_worker.notify_switched(version)
        if self._on_switch is not None:
            self._on_switch(version)
