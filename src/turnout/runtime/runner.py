"""The runner of `turnout process` and `turnout serve`: runs files through the process's run
lifecycle (`turnout.runtime.lifecycle`: admit, execute, finish, switch when drained, guard).

Thread-safe: `run_many` runs files concurrently; plans (one per version) and breakers (one per
stage and module) are the lifecycle's, shared by every run of the process.

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

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from turnout.domain.artifacts import Source
from turnout.domain.errors import NotFound
from turnout.domain.runs import Run, RunStatus, StageResult
from turnout.runtime.guard import GuardService
from turnout.runtime.leases import LeaseKeeper, record_orphaned
from turnout.runtime.lifecycle import RunLifecycle
from turnout.runtime.plan import Plan
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.resilience.breaker import BreakerView


class Runner:
    """Runs files through the active configuration (`turnout process`, `turnout serve`): each
    run goes through the process's `RunLifecycle` while this runner's `LeaseKeeper` keeps its
    lease."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        lifecycle: RunLifecycle,
        leases: LeaseKeeper,
    ) -> None:
        self._uow = uow_factory
        self._lifecycle = lifecycle
        self._leases = leases

    def run_path(self, path: Path) -> Run:
        return self.run_bytes(path.name, path.read_bytes())

    def run_bytes(
        self, file_name: str, data: bytes, on_admitted: Callable[[Run], None] | None = None
    ) -> Run:
        """Admit one file (waiting while an activation is pending), run it, persist it.
        `on_admitted` is told the run as soon as it holds its lease."""
        run, waited = self._lifecycle.admit(file_name, self.holder, self.lease_s)
        self._leases.hold(run.run_id)
        if on_admitted is not None:
            try:
                on_admitted(run)
            except BaseException:
                self._leases.release(run.run_id)
                raise
        self._lifecycle.admitted(run, waited)
        return self._execute_held(run, Source(filename=file_name, data=data))

    def rerun(self, failed: Run, data: bytes) -> Run | None:
        """Run a failed run's file again on the active version (a guard's re-run, `data` its
        stored source): a new run whose `rerun_of` is `failed`. None when a run re-runs it
        already (another process got there first)."""
        run, waited = self._lifecycle.admit_rerun(
            failed.file_name, failed.run_id, self.holder, self.lease_s
        )
        if run is None:
            return None
        self._leases.hold(run.run_id)
        self._lifecycle.admitted(run, waited)
        return self._execute_held(run, Source(filename=failed.file_name, data=data))

    def continue_reviewed(self, run: Run, data: bytes, resume: Sequence[StageResult]) -> Run:
        """Continue a run a person reviewed, on its pinned version, from the stored results of
        its reading stages (`resume`, the extract result holding the corrected invoice). The
        review claimed the run for this process (`holder`); its lease is kept by the heartbeat
        from now on until the run ends. The run as it ends."""
        self._leases.hold(run.run_id)
        run.attempts = []  # rebuilt from the stored results, then this revision's attempts
        self._lifecycle.resumed(run)
        return self._execute_held(run, Source(filename=run.file_name, data=data), resume)

    def refuse(self, file_name: str, reason: str) -> Run:
        """A run admitted and ended `failed` with `reason` without being executed (a file
        refused before it is read), stored like any run intake refused."""
        run, _ = self._lifecycle.admit(file_name, self.holder, self.lease_s)
        run.status = RunStatus.FAILED
        run.reason = reason
        run.finished_at = self._lifecycle.clock()
        with self._uow() as uow:
            uow.runs.finish(run, held_by=self.holder)
            uow.commit()
        return run

    def _execute_held(self, run: Run, source: Source, resume: Sequence[StageResult] = ()) -> Run:
        """Execute a run whose lease this process holds (the heartbeat keeps it), then finish it
        with its source file and, when it waits for a person, its reading stages' results."""
        reading: list[StageResult] = []
        try:
            self._lifecycle.execute(run, source, resume=resume, keep_reading=reading.extend)
        finally:
            # no more heartbeats once it ends: a beat racing the finish must not take the run's
            # end for a lost lease (the finish itself checks that this process still holds it)
            self._leases.release(run.run_id)
        ended = self._lifecycle.finish(run, self.holder, source=source, reading=reading)
        assert ended is not None  # a local run always ends here (or as a reaper ended it)
        return ended

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
        return self._lifecycle.reap_orphans()

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
                run.finished_at = self._lifecycle.clock()
                run.reason = f"the process running it stopped: {why}; process the file again"
                if uow.runs.finish(run, held_by=holder):
                    record_orphaned(uow, run, run.finished_at)
                else:
                    run = uow.runs.get(run_id) or run
            uow.commit()
        self._lifecycle.switch_if_drained()
        return run

    @property
    def holder(self) -> str:
        """Who holds the leases of this process's runs (`host:pid:random`)."""
        return self._leases.holder

    @property
    def lease_s(self) -> float:
        return self._leases.lease_s

    @property
    def guards(self) -> GuardService:
        """The guards that judge this process's runs (shared with the lifecycle)."""
        return self._lifecycle.guards

    def prepare(self) -> None:
        """Build the active version's plan now (its modules imported and warmed up), so that
        the first run does not pay for it (a worker process does this before taking files)."""
        self._lifecycle.prepare()

    def plan_for(self, version: int) -> Plan:
        """The plan of a version, built once per process."""
        return self._lifecycle.plan_for(version)

    def breakers(self) -> list[BreakerView]:
        return self._lifecycle.breakers()

    @property
    def admission_paused_for(self) -> int | None:
        return self._lifecycle.paused_for

    def close(self) -> None:
        """Stop the heartbeat and close the lifecycle (its plans' modules), which ends with the
        process's runner."""
        self._leases.close()
        self._lifecycle.close()
