"""The one run lifecycle: admit → execute → finish → switch-if-drained → guard.

Every run a process executes goes through a `RunLifecycle`, whoever asked for it: `turnout
process` and `turnout serve` (the `Runner`), a worker taking a queued run (the `QueueWorker`), a
guard's re-run and a reviewed run continued. The lifecycle owns the steps; the callers own only
what is theirs (the runner its lease heartbeat and threads, the queue worker its checkpoints,
hand-backs and take-overs).

- **admit** through the admission gate (`AdmissionGate`, below): a run is pinned to the
  active version, or waits while an activation is pending. While it waits, the lifecycle applies
  the activation once drained and reaps runs of dead processes the switch would wait for.
- **execute** the version's plan (built once per process, `plan_for`); a bug of ours fails the
  run instead of losing it.
- **finish**: store the run's end while its holder still holds it (with its source file and,
  when it waits for a person, its reading stages' results), tell the observer, apply a pending
  activation if this was the last run it waited for, and judge the version's guard.

Bootstrap builds it (with the gate, the executor and the guards) and hands it to the runner and
the queue worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from turnout.domain.artifacts import Source
from turnout.domain.configuration import VersionRef
from turnout.domain.errors import NotFound
from turnout.domain.events import EventAction, EventResult
from turnout.domain.runs import Run, RunStatus, StageResult
from turnout.runtime.audit import BreakerAudit, Clock, record_event
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.execution import PlanExecutor, execute_or_fail, fail_internal
from turnout.runtime.guard import GuardService
from turnout.runtime.leases import reap_orphans
from turnout.runtime.observer import NullObserver, RunObserver
from turnout.runtime.plan import Plan, build_plan
from turnout.runtime.ports import ProcessIsolation, UnitOfWork
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.resilience.breaker import BreakerView

_T = TypeVar("_T")
log = logging.getLogger(__name__)


class RunLifecycle:
    """Admits, executes and finishes runs for one process (thread-safe)."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        *,
        gate: AdmissionGate,
        executor: PlanExecutor,
        plans: Plans,
        configurations: ConfigurationService,
        guards: GuardService,
        observer: RunObserver,
        clock: Clock,
        reader_factory: Callable[[], UnitOfWork] | None = None,
        breaker_audit: BreakerAudit | None = None,
    ) -> None:
        self._uow = uow_factory
        self._reader = reader_factory or uow_factory
        self._gate = gate
        self._executor = executor
        self._plans = plans
        self._configurations = configurations
        self.guards = guards
        self._observer = observer
        self.clock = clock
        self._kept = KeptSources()
        self._breaker_audit = breaker_audit  # circuit breakers moving, audited off the hot path

    # -- admit -------------------------------------------------------------------------------

    def admit(self, file_name: str, holder: str, lease_s: float) -> tuple[Run, float]:
        """A new local run pinned to the active version, its lease held by `holder` (waiting
        while an activation is pending); it and the seconds it waited."""
        return self._gate.admit(file_name, holder=holder, lease_s=lease_s, drain=self)

    def admit_rerun(
        self, file_name: str, rerun_of: str, holder: str, lease_s: float
    ) -> tuple[Run | None, float]:
        """`admit` for a guard's re-run of `rerun_of`; None when a run re-runs it already."""
        return self._gate.admit_rerun(
            file_name, rerun_of, holder=holder, lease_s=lease_s, drain=self
        )

    def admit_queued(
        self, run_id: str, worker: str, lease_s: float, max_wait_s: float | None = None
    ) -> tuple[bool | None, float]:
        """Admit a submitted run for `worker` (see `AdmissionGate.admit_queued`)."""
        return self._gate.admit_queued(run_id, worker, lease_s, max_wait_s, drain=self)

    def admitted(self, run: Run, waited_s: float) -> None:
        """The run was admitted and its lease is held: the observer counts it in flight."""
        self._observer.run_admitted(run, waited_s)

    def resumed(self, run: Run) -> None:
        """A run admitted before resumes here (reviewed, taken over or handed back)."""
        self._observer.run_resumed(run)

    def released(self, run: Run) -> None:
        """The run left this process unfinished (handed back, taken over, an error of the
        database): no longer in flight here."""
        self._observer.run_released(run)

    @property
    def paused_for(self) -> int | None:
        """The version whose pending activation holds admissions back, if any."""
        return self._gate.paused_for

    # -- execute -----------------------------------------------------------------------------

    def plan_for(self, version: int) -> Plan:
        """The plan of a version, built once per process."""
        return self._plans.plan_for(version)

    def execute(
        self,
        run: Run,
        source: Source,
        *,
        resume: Sequence[StageResult] = (),
        keep_reading: Callable[[list[StageResult]], None] | None = None,
        checkpoint: Callable[[StageResult], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        raises: tuple[type[BaseException], ...] = (),
    ) -> None:
        """Run the plan of the run's version on `source`. An error in `raises` goes to the
        caller; any other is a bug of ours and ends the run `failed`, never lost (a plan that
        cannot be built too: the run ends here, and its caller finishes it)."""
        try:
            plan = self.plan_for(run.version)
        except raises:
            raise
        except Exception as exc:  # a bug of ours must not lose the run: recorded as failed
            fail_internal(run, exc, self.clock)
            return
        execute_or_fail(
            self._executor,
            run,
            plan,
            source,
            self.clock,
            raises=raises,
            resume=resume,
            keep_reading=keep_reading,
            checkpoint=checkpoint,
            should_stop=should_stop,
        )

    # -- finish ------------------------------------------------------------------------------

    def finish(
        self,
        run: Run,
        holder: str,
        *,
        source: Source | None = None,
        reading: Sequence[StageResult] = (),
        local: bool = True,
    ) -> Run | None:
        """Store the run's end while `holder` still holds it (with its `source` file, once per
        SHA-256, and the `reading` results a review continues from), then tell the observer,
        apply a pending activation this run was the last to hold back, and judge its version's
        guard. The run as it ended.

        A `local` run (this process's own) that a reaper ended meanwhile keeps the reaper's end
        (logged); a worker's queued run (not `local`) that another worker took over ends there:
        None, and nothing more happens here."""
        stored = self.store_end(run, holder, source=source, reading=reading, local=local)
        if stored is None:
            return None
        ended, pending = stored
        self.finished(ended, pending=pending)
        return ended

    def store_end(
        self,
        run: Run,
        holder: str,
        *,
        source: Source | None = None,
        reading: Sequence[StageResult] = (),
        local: bool = True,
    ) -> tuple[Run, bool] | None:
        """The first step of `finish`: store the run's end (committed). The run as it ended and
        whether an activation is pending; None when another worker took the run over. The
        caller then calls `finished`, outside whatever releases the run on an error: a run
        whose end is stored is never released."""
        if source is not None and run.source_sha256 is None:  # it ended before intake read the
            # file: kept all the same, so that a guard's rollback can run it again
            run.source_sha256 = hashlib.sha256(source.data).hexdigest()
        with self._uow() as uow:
            kept = uow.runs.finish(run, held_by=holder)
            sha = None
            if source is not None and kept and run.source_sha256 not in self._kept:
                sha = run.source_sha256  # once per SHA-256 (an hour at most: see KeptSources)
                if sha is not None:
                    uow.sources.put(sha, source.data, self.clock())
            for result in reading if kept else ():
                uow.stage_results.put(result, self.clock())
            pending = uow.configurations.pointers().pending
            stored = None if kept or not local else uow.runs.get(run.run_id)
            uow.commit()
        if sha is not None:
            self._kept.add(sha)
        if not kept:
            if not local:
                log.warning("run %s was taken over by another worker before it ended", run.run_id)
                return None
            if stored is not None:  # reaped while this process was stalled: its end holds
                log.warning(
                    "run %s (%s) was ended by a reaper before it finished here (this process "
                    "stalled longer than its lease); its result is not stored: %s",
                    run.run_id,
                    run.file_name,
                    stored.reason,
                )
                run = stored
        return run, pending is not None

    def finished(self, run: Run, *, pending: bool) -> None:
        """The steps after a run's end is stored (`store_end`): tell the observer, apply a
        `pending` activation this run was the last to hold back, judge its version's guard."""
        self._observer.run_finished(run)
        if pending:  # this may have been the last run the activation waited for
            self.switch_if_drained()
        self.guards.after_run(run)  # guarded activation: judge, re-run if tripped

    # -- switch and reap ---------------------------------------------------------------------

    def switch_if_drained(self) -> bool:
        """Apply a pending activation if nothing is in flight any more; wake waiting admissions."""
        result = self._configurations.switch_if_drained()
        if result is None:
            return False
        self._observer.activation_switched(result.version, result.waited_s or 0.0)
        self._gate.notify()
        return True

    def notify_switched(self) -> None:
        """Another process switched (or cancelled) an activation: wake waiting admissions."""
        self._gate.notify()

    def reap_orphans(self) -> list[Run]:
        """End `failed` the local runs of dead processes (expired leases), then apply a pending
        activation if that drained it, and tick the guards. Cheap when there is nothing to reap
        (one read)."""
        orphans = reap_orphans(self._uow, self._reader, self.clock)
        if orphans:
            self.switch_if_drained()
        self.guards.tick()  # guarded activation: a time window ends on a quiet system too
        return orphans

    # -- the rest ----------------------------------------------------------------------------

    def prepare(self) -> None:
        """Build the active version's plan now (its modules imported and warmed up)."""
        with self._reader() as reader:
            active = reader.configurations.pointers().active
        if active is not None:
            self.plan_for(active.version)

    def breakers(self) -> list[BreakerView]:
        return self._executor.breakers.views()

    def close(self) -> None:
        """Close the plans' modules; breaker moves still being written are written."""
        if self._breaker_audit is not None:
            self._breaker_audit.close()
        self._plans.close()


class Plans:
    """The plans of the versions one process runs, each built once (its modules imported and
    warmed up); a selected module that is unavailable is substituted, audited once per build."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        registry: ModuleRegistry,
        observer: RunObserver,
        clock: Clock,
        *,
        isolation: ProcessIsolation | None,
    ) -> None:
        self._uow = uow_factory
        self._registry = registry
        self._observer = observer
        self._now = clock
        self._isolation = isolation  # starts `isolation: process` selections
        self._plans: dict[int, Plan] = {}
        self._lock = threading.Lock()

    def plan_for(self, version: int) -> Plan:
        plan = self._plans.get(version)
        if plan is not None:
            return plan
        with self._lock:
            plan = self._plans.get(version)
            if plan is None:
                plan = self._plans[version] = self._build(version)
        return plan

    def close(self) -> None:
        with self._lock:
            for plan in self._plans.values():
                plan.close()
            self._plans.clear()

    def _build(self, version: int) -> Plan:
        with self._uow() as uow:
            config = uow.configurations.get(version)
        if config is None:
            raise NotFound(f"configuration version {version} does not exist")
        plan = build_plan(config, self._registry, isolation=self._isolation)
        if plan.substitutions:
            with self._uow() as uow:
                for sub in plan.substitutions:
                    replacement = (
                        f"`{sub.replacement}` stands in"
                        if sub.replacement
                        else "no fallback can stand in"
                    )
                    record_event(
                        uow,
                        config,
                        EventAction.MODULE_SUBSTITUTED,
                        "turnout",
                        EventResult.OK,
                        f"stage `{sub.stage_id}`: selected module `{sub.module_id}` is unavailable "
                        f"({sub.reason}); {replacement}",
                        self._now(),
                    )
                uow.commit()
            for sub in plan.substitutions:
                self._observer.module_substituted(
                    sub.stage_id, sub.module_id, sub.replacement, sub.reason
                )
        return plan


@dataclass
class KeptSources:
    """The SHA-256 of the source files this process stored lately (at most `size`, within the
    last `ttl_s`): a file run again is not sent to the database again (a resubmission, a batch
    with copies). After an hour it is sent again: the retention (at least a day) may delete a
    source no run used since, and a run must never point at bytes that are gone."""

    size: int = 4096
    ttl_s: float = 3600.0

    def __post_init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def __contains__(self, sha256: object) -> bool:
        with self._lock:
            stored = self._seen.get(sha256) if isinstance(sha256, str) else None
            return stored is not None and time.monotonic() - stored < self.ttl_s

    def add(self, sha256: str) -> None:
        with self._lock:
            self._seen.pop(sha256, None)  # the newest last: the oldest goes first
            self._seen[sha256] = time.monotonic()
            if len(self._seen) > self.size:
                del self._seen[next(iter(self._seen))]


# -- the admission gate ------------------------------------------------------------------------
#
# A run is admitted under the active version, unless an activation is pending. Admission and
# activation take the same lifecycle lock (an advisory lock on PostgreSQL, the write lock on
# SQLite), so across any number of processes sharing one database a run is either admitted
# before the activation is requested (and counted as in flight) or after the switch (and runs on
# the new version). While an activation is pending, new runs wait here: nothing is refused or
# dropped. When the drain deadline passes, the gate records it once; the operator decides to keep
# waiting, cancel (`turnout config cancel`) or force (`turnout config activate V --force`).
#
# A run in flight whose process died would hold the switch for ever: while paused, the gate also
# asks its caller (the `Drain`, the run lifecycle) to reap, at most every `reap_every_s`, which
# ends runs whose lease expired and applies the activation once drained, so a waiting admission
# unblocks itself within one lease.


class Drain(Protocol):
    """What a waiting admission asks of the lifecycle admitting it while an activation is
    pending: apply it once drained, and end the orphaned runs it would wait for."""

    def switch_if_drained(self) -> bool: ...

    def reap_orphans(self) -> object: ...


class AdmissionGate:
    """Admits runs under the active version; holds them back while an activation is pending."""

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
