"""The admission gate: a run is admitted under the active version, unless an activation is pending.

Admission and activation take the same lifecycle lock (an advisory lock on PostgreSQL, the write
lock on SQLite), so across any number of processes sharing one database a run is either admitted
before the activation is requested (and counted as in flight) or after the switch (and runs on
the new version). While an activation is pending, new runs wait here: nothing is refused or
dropped. When the drain deadline passes, the gate records it once; the operator decides to keep
waiting, cancel (`turnout config cancel`) or force (`turnout config activate V --force`).

A run in flight whose process died would hold the switch for ever: while paused, the gate also
asks its caller (the `Drain`, the run lifecycle) to reap, at most every `reap_every_s`, which ends
runs whose lease expired and applies the activation once drained, so a waiting admission unblocks
itself within one lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Protocol, TypeVar

from turnout.domain.configuration import VersionRef
from turnout.domain.errors import NotFound
from turnout.domain.events import EventAction, EventResult
from turnout.domain.runs import Run, RunStatus
from turnout.runtime.audit import Clock, record_event
from turnout.runtime.observer import NullObserver, RunObserver
from turnout.runtime.ports import UnitOfWork

_T = TypeVar("_T")
log = logging.getLogger(__name__)


class Drain(Protocol):
    """What a waiting admission asks of the lifecycle admitting it while an activation is
    pending: apply it once drained, and end the orphaned runs it would wait for."""

    def switch_if_drained(self) -> bool: ...

    def reap_orphans(self) -> object: ...


class AdmissionGate:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        observer: RunObserver | None = None,
        *,
        poll_s: float = 0.02,
        drain_deadline_s: float | None = None,
        reader_factory: Callable[[], UnitOfWork] | None = None,
        reap_every_s: float = 1.0,
    ) -> None:
        self._uow = uow_factory
        self._now = clock
        self._observer: RunObserver = observer or NullObserver()
        self._poll_s = poll_s
        self._deadline_s = drain_deadline_s
        self._changed = threading.Condition()
        self._paused_for: int | None = None
        self._poller = threading.Lock()
        # the drain deadline is noted once per request (a version pending, cancelled and asked
        # for again is a new request): keyed on the version and when its activation was asked
        self._deadline_noted: set[tuple[str, dt.datetime]] = set()
        # when the pending version's activation was asked for, as last read (and when read)
        self._requested_at: dict[str, tuple[dt.datetime | None, float]] = {}
        self._reader = reader_factory or uow_factory
        self._reap_every_s = reap_every_s
        self._reaped_at = -float("inf")

    def admit(
        self,
        file_name: str,
        *,
        holder: str | None = None,
        lease_s: float | None = None,
        drain: Drain | None,
    ) -> tuple[Run, float]:
        """Insert a running run pinned to the active version; wait while an activation is pending.
        With `holder` and `lease_s`, the run is inserted with its lease held by `holder` (one
        statement). Returns the run and the seconds it waited."""
        run, waited = self._admit(
            lambda uow, active: self._insert(uow, file_name, active, holder, lease_s), drain
        )
        assert run is not None  # no max_wait_s: it waits as long as it takes
        return run, waited

    def admit_rerun(
        self,
        file_name: str,
        rerun_of: str,
        *,
        holder: str,
        lease_s: float,
        drain: Drain | None,
    ) -> tuple[Run | None, float]:
        """`admit` for a run that runs `rerun_of` again (a guard's re-run): None when a run
        re-runs it already (every re-run is inserted under the lifecycle lock, checked first)."""

        def insert(uow: UnitOfWork, active: VersionRef) -> Run | None:
            if uow.guards.rerun_by(rerun_of) is not None:
                return None
            return self._insert(uow, file_name, active, holder, lease_s, rerun_of)

        return self._admit(insert, drain)

    def admit_queued(
        self,
        run_id: str,
        worker: str,
        lease_s: float,
        max_wait_s: float | None = None,
        *,
        drain: Drain | None,
    ) -> tuple[bool | None, float]:
        """Admit a submitted run under the active version, its lease held by `worker`; wait
        while an activation is pending, at most `max_wait_s` (then None: still paused). False
        when the run is no longer queued unadmitted (another worker took it, or it ended).
        Returns that and the seconds it waited."""

        def claim(uow: UnitOfWork, active: VersionRef) -> bool:
            return uow.runs.admit_queued(
                run_id, active.config_id, active.version, worker, self._now(), lease_s
            )

        return self._admit(claim, drain, max_wait_s)

    def _admit(
        self,
        action: Callable[[UnitOfWork, VersionRef], _T],
        drain: Drain | None,
        max_wait_s: float | None = None,
    ) -> tuple[_T | None, float]:
        """Run `action` under the lifecycle lock once no activation is pending; None when
        `max_wait_s` passed first. While waiting, `drain` applies the activation once drained
        (also when the last run in flight ended in a transaction that raced with the activation
        request: nobody else would apply it) and reaps the orphans it waits for."""
        t0 = time.perf_counter()
        while True:
            if max_wait_s is not None and time.perf_counter() - t0 > max_wait_s:
                return None, time.perf_counter() - t0
            # While paused, one thread per process polls the database; the others wait to be woken,
            # so that waiting runs do not crowd the lock the switch itself needs.
            polling = self._paused_for is not None
            if polling and not self._poller.acquire(blocking=False):
                with self._changed:
                    self._changed.wait(self._poll_s)
                continue
            try:
                draining = self._still_draining() if polling else None
                if draining is not None:
                    self._check_deadline(draining)
                    self._reap_if_due(drain)
                    with self._changed:
                        self._changed.wait(self._poll_s)
                    continue
                with self._uow() as uow:
                    uow.lock_lifecycle()
                    pointers = uow.configurations.pointers()
                    if pointers.pending is None:
                        if pointers.active is None:
                            raise NotFound("no configuration is active; run `turnout init` first")
                        admitted = action(uow, pointers.active)
                        uow.commit()
                        self._resume()
                        return admitted, time.perf_counter() - t0
                self._pause(pointers.pending)
                if drain is not None and drain.switch_if_drained():
                    continue
            finally:
                if polling:
                    self._poller.release()
            with self._changed:
                self._changed.wait(self._poll_s)

    def _still_draining(self) -> VersionRef | None:
        """The pending version while runs are still in flight (a read that takes no lock)."""
        with self._reader() as reader:
            pending = reader.configurations.pointers().pending
            return pending if pending is not None and reader.runs.in_flight() > 0 else None

    def _reap_if_due(self, drain: Drain | None) -> None:
        """End orphaned runs the switch waits for (a dead process's), at most every
        `reap_every_s` (only the polling thread calls this)."""
        if drain is None or time.monotonic() - self._reaped_at < self._reap_every_s:
            return
        self._reaped_at = time.monotonic()
        try:
            drain.reap_orphans()
        except Exception as exc:  # the database is away: the next poll tries again
            log.warning("reaping orphaned runs while an activation is pending failed: %s", exc)

    def notify(self) -> None:
        """Wake waiting admissions at once (called when this process switched or cancelled)."""
        with self._changed:
            self._changed.notify_all()

    @property
    def paused_for(self) -> int | None:
        return self._paused_for

    def _insert(
        self,
        uow: UnitOfWork,
        file_name: str,
        active: VersionRef,
        holder: str | None,
        lease_s: float | None,
        rerun_of: str | None = None,
    ) -> Run:
        now = self._now()
        run = Run(
            run_id=str(uuid.uuid4()),
            file_name=file_name,
            config_id=active.config_id,
            config_version=active.version,
            status=RunStatus.RUNNING,
            created_at=now,
            started_at=now,
            worker=holder,
            rerun_of=rerun_of,
        )
        uow.runs.add(run, lease_s=lease_s if holder is not None else None)
        return run

    def _pause(self, pending: VersionRef) -> None:
        if self._paused_for != pending.version:
            self._paused_for = pending.version
            self._observer.gate_changed(True, pending.version)
        self._check_deadline(pending)

    def _resume(self) -> None:
        if self._paused_for is not None:
            self._paused_for = None
            self._observer.gate_changed(False, None)
            self.notify()

    def _check_deadline(self, pending: VersionRef) -> None:
        if self._deadline_s is None:
            return
        requested = self._requested(pending)
        if requested is None or (pending.config_id, requested) in self._deadline_noted:
            return
        if (self._now() - requested).total_seconds() < self._deadline_s:
            return
        with self._uow() as uow:
            uow.lock_lifecycle()
            events = uow.events.list(config_id=pending.config_id, limit=20)
            if not any(
                e.action is EventAction.DRAIN_DEADLINE and e.created_at >= requested for e in events
            ):  # once per request, across processes
                config = uow.configurations.get(pending.version)
                in_flight = uow.runs.in_flight()
                record_event(
                    uow,
                    config,
                    EventAction.DRAIN_DEADLINE,
                    "turnout",
                    EventResult.FAILED,
                    f"version {pending.version} has waited more than {self._deadline_s:g}s for "
                    f"{in_flight} run(s) in flight; new runs keep waiting. Decide: keep waiting, cancel "
                    f"with `turnout config cancel`, or force with "
                    f"`turnout config activate {pending.version} --force`",
                    self._now(),
                )
                uow.commit()
        self._deadline_noted.add((pending.config_id, requested))

    def _requested(self, pending: VersionRef) -> dt.datetime | None:
        """When the pending version's activation was asked for, as stored: read again at most
        every `reap_every_s` (only the polling thread asks), so that a version pending,
        cancelled and asked for again is judged from its new request."""
        cached = self._requested_at.get(pending.config_id)
        if cached is not None and time.monotonic() - cached[1] < self._reap_every_s:
            return cached[0]
        with self._reader() as reader:
            config = reader.configurations.get(pending.version)
        requested = config.activation_requested_at if config is not None else None
        self._requested_at = {pending.config_id: (requested, time.monotonic())}
        return requested
