"""Leases of local runs: the heartbeat that keeps them, and the reaper that ends orphans.

Every run `turnout process` and `turnout serve` execute is admitted with a lease held by the
process (`holder_name()`), renewed by a heartbeat every third of the lease while the process holds
any run, and cleared when the run ends. When a process dies, its leases expire; any Turnout process
on the database then reaps them: each orphan ends `failed` with a reason that starts "the process
running it stopped", names the holder and when its lease expired, and says to process the file
again. Its stage attempts stored so far are kept (a local run stores them when it ends, so an
orphan usually has none). Queued runs (`turnout submit`) are not touched here: the queue reaper
returns them to the queue and they resume from their stored stages.

Leases end on the database's clock on PostgreSQL (every machine shares it), on the process's clock
on SQLite (one machine).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Callable

from turnout.domain.events import ConfigurationChangeEvent, EventAction, EventResult
from turnout.domain.runs import DEFAULT_LEASE_S, Run
from turnout.runtime.audit import Clock
from turnout.runtime.ports import UnitOfWork

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_LEASE_S", "LeaseKeeper", "holder_name", "reap_orphans", "record_orphaned"]

# Extends the leases of `held` (ids) held by `holder` by `lease_s` in the open transaction; how
# many the database still had.
Renew = Callable[[UnitOfWork, str, float, list[str]], int]


def renew_runs(uow: UnitOfWork, holder: str, lease_s: float, held: list[str]) -> int:
    """`Renew` for local runs (`LeaseKeeper`'s default)."""
    return uow.runs.renew_leases(holder, lease_s, held)


def holder_name() -> str:
    """`host:pid:random`, unique per process: who holds a lease (shown by `turnout runs`)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class LeaseKeeper:
    """The heartbeat of what one process holds under a lease (its local runs, its trials): one
    UPDATE (`renew`) for all of them every `lease_s / 3`. Its thread runs only while the process
    holds something (none when idle)."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        holder: str,
        lease_s: float,
        renew: Renew = renew_runs,
        *,
        noun: str = "run",
    ) -> None:
        self.holder = holder
        self.lease_s = lease_s
        self._uow = uow_factory
        self._renew = renew
        self._noun = noun  # what is held, in log lines
        self._held: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def hold(self, key: str) -> None:
        """Keep this lease from now on (it was taken when the run or trial was stored)."""
        with self._lock:
            self._held[key] += 1
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._beat, daemon=True, name=f"turnout-{self._noun}-heartbeat"
                )
                self._thread.start()

    def release(self, key: str) -> None:
        """Stop renewing this lease (its run or trial ended, or is no longer this process's)."""
        with self._lock:
            self._held[key] -= 1
            if self._held[key] <= 0:
                del self._held[key]

    def held(self) -> list[str]:
        with self._lock:
            return sorted(self._held)

    def renew(self) -> int:
        """Extend every lease held now; how many the database still had."""
        held = self.held()
        if not held:
            return 0
        with self._uow() as uow:
            n = self._renew(uow, self.holder, self.lease_s, held)
            uow.commit()
        # one released meanwhile ended here (its finish may have beaten this beat): only those
        # still held that the database no longer had under this holder were lost
        still = len(set(held).intersection(self.held()))
        if n < still:
            log.warning(
                "%d of %d %s(s) held by %s lost their lease (ended by a reaper while this "
                "process was stalled longer than the lease)",
                still - n,
                still,
                self._noun,
                self.holder,
            )
        return n

    def close(self) -> None:
        """Stop the heartbeat (runs still held keep their lease until it expires)."""
        self._stop.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def _beat(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            with self._lock:
                if not self._held:  # idle: the thread ends; the next hold starts another
                    self._thread = None
                    return
            try:
                self.renew()
            except Exception as exc:  # the database is away: try again at the next beat
                log.warning("%s heartbeat of %s failed: %s", self._noun, self.holder, exc)
        with self._lock:
            self._thread = None


def record_orphaned(uow: UnitOfWork, run: Run, at: dt.datetime) -> None:
    """The audit event of a run ended because the process running it stopped."""
    uow.events.add(
        ConfigurationChangeEvent(
            event_id=None,
            config_id=run.config_id,
            config_version=run.config_version,
            action=EventAction.RUN_ORPHANED,
            actor="turnout",
            result=EventResult.FAILED,
            message=f"run {run.run_id} ({run.file_name}) ended failed: {run.reason}",
            created_at=at,
        )
    )


def reap_orphans(
    uow_factory: Callable[[], UnitOfWork],
    reader_factory: Callable[[], UnitOfWork],
    clock: Clock,
    limit: int = 100,
) -> list[Run]:
    """End `failed` the local runs whose lease expired, each with an audit event; them.

    Cheap when there is nothing to reap: one read that takes no lock."""
    with reader_factory() as reader:
        if reader.runs.expired_local(clock()) == 0:
            return []
    with uow_factory() as uow:
        now = clock()
        orphans = uow.runs.reap_local(now, limit)
        for run in orphans:
            record_orphaned(uow, run, now)
        uow.commit()
    for run in orphans:
        log.warning("reaped orphaned run %s (%s): %s", run.run_id, run.file_name, run.reason)
    return orphans


class Every:
    """Calls `action` every `period_s` seconds on a daemon thread until `stop()`; a failure is
    logged and tried again at the next period."""

    def __init__(self, period_s: float, action: Callable[[], object], name: str) -> None:
        self._period_s = period_s
        self._action = action
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=name)

    def start(self) -> Every:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self._period_s):
            try:
                self._action()
            except Exception as exc:  # the database is away: try again next period
                log.warning("%s failed: %s", self._thread.name, exc)
