"""The runner: admits a file under the active version, executes the version's plan, persists the
run and every attempt, and applies a pending activation when the last run in flight ends.

Thread-safe: `run_many` runs files concurrently; plans (one per version) and breakers (one per
stage and module) are shared by every run of the process.

Every run holds a lease (`turnout.runtime.leases`): taken at admission by this process
(`holder`), renewed by the heartbeat while the run executes, cleared when it ends. Should the
process die, any Turnout process reaps the expired lease and ends the run `failed` ("the process
running it stopped ..."), so a pending activation waits for live runs only. Circuit breakers
moving are audit events, written off the hot path.

Every run keeps its source file (content-addressed, once per SHA-256) in the transaction that
ends it, until the installation's `source_retention_days` have passed
(`turnout.runtime.installation`); a run that ends waiting for a person also keeps the results of
its reading stages, from which a review continues it (`continue_reviewed`).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from turnout.domain.artifacts import Source
from turnout.domain.errors import NotFound
from turnout.domain.events import EventAction, EventResult
from turnout.domain.history import InvoiceHistory
from turnout.domain.profiles import IssuerProfiles
from turnout.domain.runs import Run, RunStatus, StageResult
from turnout.domain.vendors import VendorDirectory
from turnout.runtime.admission import AdmissionGate
from turnout.runtime.audit import BreakerAudit, Clock, record_event, utcnow
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.execution import PlanExecutor
from turnout.runtime.guard import GuardService
from turnout.runtime.leases import (
    DEFAULT_LEASE_S,
    LeaseKeeper,
    holder_name,
    reap_orphans,
    record_orphaned,
)
from turnout.runtime.observer import NullObserver, RunObserver
from turnout.runtime.plan import Plan, build_plan
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.resilience.breaker import BreakerBoard, BreakerState, BreakerView

log = logging.getLogger(__name__)


class Runner:
    """Runs files through the active configuration and persists each run and its attempts."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        registry: ModuleRegistry,
        workspace: Path,
        *,
        clock: Clock = utcnow,
        observer: RunObserver | None = None,
        drain_deadline_s: float | None = None,
        poll_s: float = 0.02,
        reader_factory: Callable[[], UnitOfWork] | None = None,
        history: InvoiceHistory | None = None,
        vendors: VendorDirectory | None = None,
        lease_s: float = DEFAULT_LEASE_S,
        profiles: IssuerProfiles | None = None,
        guards: GuardService | None = None,
    ) -> None:
        self._uow = uow_factory
        self._reader = reader_factory or uow_factory
        self._registry = registry
        self._now = clock
        self._observer: RunObserver = observer or NullObserver()
        self.lease_s = lease_s
        self._leases = LeaseKeeper(uow_factory, holder_name(), lease_s)
        self._gate = AdmissionGate(
            uow_factory,
            clock,
            self._observer,
            poll_s=poll_s,
            drain_deadline_s=drain_deadline_s,
            try_switch=self.switch_if_drained,
            reader_factory=reader_factory,
            reap=self.reap_orphans,
            reap_every_s=min(1.0, lease_s / 4),
        )
        self._breaker_audit = BreakerAudit(uow_factory, clock)
        self._breakers = BreakerBoard(on_change=self._breaker_changed)
        self.executor = PlanExecutor(
            workspace,
            self._breakers,
            clock,
            self._observer,
            history=history,
            vendors=vendors,
            profiles=profiles,
        )
        self._service = ConfigurationService(uow_factory, registry, clock)
        self.guards = guards or GuardService(
            uow_factory,
            self._service,
            clock=clock,
            observer=self._observer,
            reader_factory=reader_factory,
        )
        self.guards.bind_runner(self.rerun)
        self._plans: dict[int, Plan] = {}
        self._plans_lock = threading.Lock()
        self._kept = KeptSources()

    def run_path(self, path: Path) -> Run:
        return self.run_bytes(path.name, path.read_bytes())

    def run_bytes(
        self, file_name: str, data: bytes, on_admitted: Callable[[Run], None] | None = None
    ) -> Run:
        """Admit one file (waiting while an activation is pending), run it, persist it.
        `on_admitted` is told the run as soon as it holds its lease."""
        holder = self._leases.holder
        run, waited = self._gate.admit(file_name, holder=holder, lease_s=self.lease_s)
        self._leases.hold(run.run_id)
        if on_admitted is not None:
            try:
                on_admitted(run)
            except BaseException:
                self._leases.release(run.run_id)
                raise
        self._observer.run_admitted(run, waited)
        return self._execute_held(run, Source(filename=file_name, data=data))

    def rerun(self, failed: Run, data: bytes) -> Run | None:
        """Run a failed run's file again on the active version (a guard's re-run, `data` its
        stored source): a new run whose `rerun_of` is `failed`. None when a run re-runs it
        already (another process got there first)."""
        run, waited = self._gate.admit_rerun(
            failed.file_name, failed.run_id, holder=self._leases.holder, lease_s=self.lease_s
        )
        if run is None:
            return None
        self._leases.hold(run.run_id)
        self._observer.run_admitted(run, waited)
        return self._execute_held(run, Source(filename=failed.file_name, data=data))

    def continue_reviewed(self, run: Run, data: bytes, resume: Sequence[StageResult]) -> Run:
        """Continue a run a person reviewed, on its pinned version, from the stored results of
        its reading stages (`resume`, the extract result holding the corrected invoice). The
        review claimed the run for this process (`holder`); its lease is kept by the heartbeat
        from now on until the run ends. The run as it ends."""
        self._leases.hold(run.run_id)
        run.attempts = []  # rebuilt from the stored results, then this revision's attempts
        self._observer.run_resumed(run)
        return self._execute_held(run, Source(filename=run.file_name, data=data), resume)

    def _execute_held(self, run: Run, source: Source, resume: Sequence[StageResult] = ()) -> Run:
        """Execute a run whose lease this process holds (the heartbeat keeps it), then store its
        end, its source file and, when it waits for a person, its reading stages' results."""
        holder = self._leases.holder
        reading: list[StageResult] = []
        released = False
        try:
            try:
                self.executor.execute(
                    run,
                    self.plan_for(run.version),
                    source,
                    resume=resume,
                    keep_reading=reading.extend,
                )
            except Exception as exc:  # a bug of ours must not lose the run: recorded as failed
                run.status = RunStatus.FAILED
                run.reason = f"internal error: {type(exc).__name__}: {exc}"
                run.finished_at = self._now()
            if run.source_sha256 is None:  # it ended before intake read the file: kept all the
                # same, so that a guard's rollback can run it again (and a trial try it)
                run.source_sha256 = hashlib.sha256(source.data).hexdigest()
            # no more heartbeats once it ends: a beat racing the finish must not take the run's
            # end for a lost lease (the finish itself checks that this process still holds it)
            self._leases.release(run.run_id)
            released = True
            with self._uow() as uow:
                kept = uow.runs.finish(run, held_by=holder)
                sha = run.source_sha256 if kept and run.source_sha256 not in self._kept else None
                if sha is not None:  # once per SHA-256 (an hour at most: see KeptSources)
                    uow.sources.put(sha, source.data, self._now())
                for result in reading if kept else ():
                    uow.stage_results.put(result, self._now())
                pending = uow.configurations.pointers().pending
                stored = None if kept else uow.runs.get(run.run_id)
                uow.commit()
            if sha is not None:
                self._kept.add(sha)
        finally:
            if not released:
                self._leases.release(run.run_id)
        if stored is not None:  # reaped while this process was stalled: the reaper's end holds
            log.warning(
                "run %s (%s) was ended by a reaper before it finished here (this process stalled "
                "longer than its %gs lease); its result is not stored: %s",
                run.run_id,
                run.file_name,
                self.lease_s,
                stored.reason,
            )
            run = stored
        self._observer.run_finished(run)
        if pending is not None:
            self.switch_if_drained()
        self.guards.after_run(run)  # guarded activation: judge, re-run if tripped
        return run

    def run_many(
        self,
        items: Iterable[tuple[str, bytes]] | Sequence[Path],
        concurrency: int,
        on_done: Callable[[Run], None] | None = None,
    ) -> list[Run]:
        """Run files concurrently (threads); results in the order given."""

        def one(item: tuple[str, bytes] | Path) -> Run:
            run = self.run_path(item) if isinstance(item, Path) else self.run_bytes(*item)
            if on_done is not None:
                on_done(run)
            return run

        with ThreadPoolExecutor(
            max_workers=max(1, concurrency), thread_name_prefix="turnout-run"
        ) as pool:
            return list(pool.map(one, list(items)))

    def reap_orphans(self) -> list[Run]:
        """End `failed` the local runs of dead processes (expired leases), then apply a pending
        activation if that drained it. Cheap when there is nothing to reap (one read)."""
        orphans = reap_orphans(self._uow, self._reader, self._now)
        if orphans:
            self.switch_if_drained()
        self.guards.tick()  # guarded activation: a time window ends on a quiet system too
        return orphans

    def end_stranded(self, run_id: str, holder: str, why: str) -> Run:
        """End `failed` a run whose process is known dead (`why`) without waiting for its lease
        to expire, as the reaper would; audited as run_orphaned. The run as it ends (or as it
        is, if it already ended)."""
        with self._uow() as uow:
            run = uow.runs.get(run_id)
            if run is None:
                raise NotFound(f"run {run_id} does not exist")
            if not run.status.finished:
                run.status = RunStatus.FAILED
                run.finished_at = self._now()
                run.reason = f"the process running it stopped: {why}; process the file again"
                if uow.runs.finish(run, held_by=holder):
                    record_orphaned(uow, run, run.finished_at)
                else:
                    run = uow.runs.get(run_id) or run
            uow.commit()
        self.switch_if_drained()
        return run

    @property
    def holder(self) -> str:
        """Who holds the leases of this process's runs (`host:pid:random`)."""
        return self._leases.holder

    def switch_if_drained(self) -> bool:
        """Apply a pending activation if nothing is in flight any more; wake waiting admissions."""
        result = self._service.switch_if_drained()
        if result is None:
            return False
        self._observer.activation_switched(result.version, result.waited_s or 0.0)
        self._gate.notify()
        return True

    def prepare(self) -> None:
        """Build the active version's plan now (its modules imported and warmed up), so that
        the first run does not pay for it (a worker process does this before taking files)."""
        with self._reader() as reader:
            active = reader.configurations.pointers().active
        if active is not None:
            self.plan_for(active.version)

    def plan_for(self, version: int) -> Plan:
        """The plan of a version, built once per process."""
        plan = self._plans.get(version)
        if plan is not None:
            return plan
        with self._plans_lock:
            plan = self._plans.get(version)
            if plan is None:
                plan = self._plans[version] = self._build(version)
        return plan

    @property
    def gate(self) -> AdmissionGate:
        return self._gate

    @property
    def observer(self) -> RunObserver:
        return self._observer

    @property
    def clock(self) -> Clock:
        return self._now

    def breakers(self) -> list[BreakerView]:
        return self._breakers.views()

    @property
    def admission_paused_for(self) -> int | None:
        return self._gate.paused_for

    def close(self) -> None:
        self._leases.close()
        self._breaker_audit.close()
        with self._plans_lock:
            for plan in self._plans.values():
                plan.close()
            self._plans.clear()

    def _breaker_changed(self, stage_id: str, module_id: str, state: BreakerState) -> None:
        self._observer.breaker_changed(stage_id, module_id, state)
        self._breaker_audit.record(stage_id, module_id, state)

    def _build(self, version: int) -> Plan:
        with self._uow() as uow:
            config = uow.configurations.get(version)
        if config is None:
            raise NotFound(f"configuration version {version} does not exist")
        plan = build_plan(config, self._registry)
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


class KeptSources:
    """The SHA-256 of the source files this process stored lately (at most `size`, within the
    last `ttl_s`): a file run again is not sent to the database again (a resubmission, a batch
    with copies). After an hour it is sent again: the retention (at least a day) may delete a
    source no run used since, and a run must never point at bytes that are gone."""

    def __init__(self, size: int = 4096, ttl_s: float = 3600.0) -> None:
        self._size = size
        self._ttl_s = ttl_s
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def __contains__(self, sha256: object) -> bool:
        with self._lock:
            stored = self._seen.get(sha256) if isinstance(sha256, str) else None
            return stored is not None and time.monotonic() - stored < self._ttl_s

    def add(self, sha256: str) -> None:
        with self._lock:
            self._seen.pop(sha256, None)  # the newest last: the oldest goes first
            self._seen[sha256] = time.monotonic()
            if len(self._seen) > self._size:
                del self._seen[next(iter(self._seen))]
