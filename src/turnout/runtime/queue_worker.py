"""Queued runs: submitting files to the worker queue, and processing one queued run on a worker.

Independent of the queue technology (`turnout.distributed` wires it to Procrastinate). What it
guarantees, with any number of workers sharing one PostgreSQL:

- `submit` stores the file's bytes once (by SHA-256), inserts a queued run and defers its job in
  one transaction: a run is never queued without its job, nor a job without its run. A file
  already submitted is recognised and not queued again unless asked.
- `process` admits the run through the admission gate (so a pending activation holds it back,
  cluster-wide), or resumes it on its version when it was admitted before (a worker died or
  stopped). The worker holds a lease on the run while it works (a heartbeat renews it); each
  stage's result is stored once per (run, stage), only while the lease holds, so a resumed or
  redelivered run reuses it.
  A worker that lost its lease (another took the run over) stops and keeps nothing.
- `reap` returns runs whose lease expired to the queue with a new job (and ends `failed` the
  local runs of `turnout process` / `turnout serve` processes that died, see
  `turnout.runtime.leases`); `hand_back` returns a run a stopping worker cannot finish in time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from turnout.domain.artifacts import Source
from turnout.domain.errors import LeaseLost, RequestError, StorageError
from turnout.domain.runs import DEFAULT_MAX_SUBMIT_BYTES, Run, RunOrigin, RunStatus, StageResult
from turnout.runtime.execution import HandBack
from turnout.runtime.leases import DEFAULT_LEASE_S, holder_name
from turnout.runtime.lifecycle import RunLifecycle
from turnout.runtime.ports import UnitOfWork

log = logging.getLogger(__name__)

# Runs resuming (handed back, reaped) go before new ones: while an activation is pending they are
# what the switch waits for.
RESUME_PRIORITY = 10
# While an activation is pending, a job of a new run waits this long at the gate, then goes back
# to the queue for a moment, so that it never holds a slot a resuming run needs.
GATE_WAIT_S = 1.0


def stalled_after_s(lease_s: float) -> float:
    """After how long without its queue heartbeat a worker process counts as dead."""
    return max(3 * lease_s, 10.0)


REQUEUE_DELAY_S = 0.5


def worker_name() -> str:
    """`host:pid:random`, unique per worker process (shown by `turnout runs`)."""
    return holder_name()


@dataclass(frozen=True)
class Submitted:
    """One submitted file: its run, and whether it was queued now or recognised as known."""

    file_name: str
    sha256: str
    run_id: str
    status: RunStatus
    queued: bool  # False: the same bytes were submitted before and `again` was not asked


_BATCH_BYTES = 64 * 1024 * 1024


def submit(
    uow_factory: Callable[[], UnitOfWork],
    files: Iterable[tuple[str, bytes]],
    now: Callable[[], dt.datetime],
    *,
    again: bool = False,
    batch: int = 200,
    max_bytes: int = DEFAULT_MAX_SUBMIT_BYTES,
) -> list[Submitted]:
    """Store each file and queue one run for it, in batches (each one transaction, at most
    `batch` files or 64 MiB), reading `files` lazily. A file over `max_bytes` is refused with
    `RequestError` before its batch is stored (the batches before it stay queued)."""
    done: list[Submitted] = []
    pending: list[tuple[str, bytes]] = []
    size = 0
    for file_name, data in files:
        if len(data) > max_bytes:
            raise RequestError(
                f"{file_name} is {len(data) / 2**20:.1f} MiB, over the {max_bytes / 2**20:g} MiB "
                f"a submitted file may have; {len(done)} file(s) before it were queued"
            )
        pending.append((file_name, data))
        size += len(data)
        if len(pending) >= batch or size >= _BATCH_BYTES:
            done += _submit_batch(uow_factory, pending, now, again)
            pending, size = [], 0
    if pending:
        done += _submit_batch(uow_factory, pending, now, again)
    return done


def _submit_batch(
    uow_factory: Callable[[], UnitOfWork],
    files: Sequence[tuple[str, bytes]],
    now: Callable[[], dt.datetime],
    again: bool,
) -> list[Submitted]:
    done: list[Submitted] = []
    with uow_factory() as uow:
        queued: list[str] = []
        for file_name, data in files:
            sha = hashlib.sha256(data).hexdigest()
            known = [] if again else uow.runs.with_source(sha)
            if known:  # recognised: its bytes are not sent to the database again
                first = known[0]
                done.append(Submitted(file_name, sha, first.run_id, first.status, False))
                continue
            uow.sources.put(sha, data, now())
            run = Run(
                run_id=str(uuid.uuid4()),
                file_name=file_name,
                config_id=None,
                config_version=None,
                status=RunStatus.QUEUED,
                created_at=now(),
                source_sha256=sha,
                origin=RunOrigin.QUEUE,
            )
            uow.runs.add(run)
            queued.append(run.run_id)
            done.append(Submitted(file_name, sha, run.run_id, RunStatus.QUEUED, True))
        uow.jobs.defer(queued)
        uow.commit()
    return done


class QueueWorker:
    """Processes queued runs for one worker process (thread-safe: one call per job), each through
    the process's run lifecycle."""

    def __init__(
        self,
        lifecycle: RunLifecycle,
        uow_factory: Callable[[], UnitOfWork],
        *,
        name: str | None = None,
        lease_s: float = DEFAULT_LEASE_S,
    ) -> None:
        self._lifecycle = lifecycle
        self.name = name or worker_name()
        self.lease_s = lease_s
        self._uow = uow_factory
        self._now = lifecycle.clock
        self._stopping = threading.Event()
        self._stop_by: float | None = None  # monotonic deadline for in-flight runs
        # The runs this process is executing now: the heartbeat renews only these, so a run
        # whose job died here (an error of the database) loses its lease and is reaped.
        self._held: Counter[str] = Counter()
        self._held_lock = threading.Lock()

    # -- processing ------------------------------------------------------------------------------

    def process(self, run_id: str) -> Run | None:
        """Process one queued run; None when there was nothing to do (it ended already, or
        another worker holds it, or it was handed back because this worker is stopping).

        Raises `StorageError` when the database failed under it: the job is retried and the
        run resumes from its last stored stage."""
        with self._held_lock:
            self._held[run_id] += 1
        try:
            return self._process(run_id)
        finally:
            with self._held_lock:
                self._held[run_id] -= 1
                if self._held[run_id] <= 0:
                    del self._held[run_id]

    def _process(self, run_id: str) -> Run | None:
        with self._uow() as uow:
            run = uow.runs.get(run_id)
        if run is None:  # a job that outlived its run (deleted by hand): nothing to do
            log.warning("job for run %s: no such run; dropping the job", run_id)
            return None
        if run.status.finished:
            return None  # a redelivered job of a finished run
        if run.config_version is None:
            admitted, waited = self._lifecycle.admit_queued(
                run_id, self.name, self.lease_s, max_wait_s=GATE_WAIT_S
            )
            if admitted is None:  # an activation is pending: back to the queue for a moment
                with self._uow() as uow:
                    uow.jobs.defer([run_id], delay_s=REQUEUE_DELAY_S)
                    uow.commit()
                return None
            if not admitted:
                return None
            fresh = True
        else:
            waited, fresh = 0.0, False
            with self._uow() as uow:
                if not uow.runs.take_over(run_id, self.name, self.lease_s):
                    return None
                uow.commit()
        with self._uow() as uow:
            run = uow.runs.get(run_id)
            resume = uow.stage_results.for_run(run_id)
            data = uow.sources.get(run.source_sha256) if run and run.source_sha256 else None
        if run is None:
            return None  # deleted by hand meanwhile
        if data is not None:
            run.attempts = []  # rebuilt from the stored stage results
            run.worker = self.name
            self._lifecycle.plan_for(run.version)  # a database error here: the job is retried
        if fresh:
            self._lifecycle.admitted(run, waited)
        else:
            self._lifecycle.resumed(run)
        try:
            if data is None:  # cannot happen through Turnout (sources are never deleted with
                # runs): it ends failed, and what follows a run's end follows
                run.status, run.finished_at = RunStatus.FAILED, self._now()
                run.reason = "its source file is gone from the database; submit the file again"
                stored = self._lifecycle.store_end(run, self.name, local=False)
            else:
                stored = self._execute(run, data, resume)
        except BaseException:
            self._lifecycle.released(run)
            raise
        if stored is None:
            self._lifecycle.released(run)
            return None
        ended, pending = stored
        # outside the try: a run whose end is stored is finished, never released, whatever
        # fails after (the switch, the guard)
        self._lifecycle.finished(ended, pending=pending)
        return ended

    def _execute(self, run: Run, data: bytes, resume: list[StageResult]) -> tuple[Run, bool] | None:
        """Run the plan and store the run's end (`RunLifecycle.store_end`): the run as it ended
        and whether an activation is pending. None when the run left this worker unfinished
        (handed back, or taken over by another)."""
        try:
            self._lifecycle.execute(
                run,
                Source(filename=run.file_name, data=data),
                resume=resume,
                checkpoint=self._checkpoint,
                should_stop=self._past_deadline,
                # not the run's fault: the job is retried and the run resumes (StorageError)
                raises=(HandBack, LeaseLost, StorageError),
            )
        except HandBack:
            self.hand_back(run.run_id)
            return None
        except LeaseLost:
            log.warning("run %s was taken over by another worker; leaving it", run.run_id)
            return None
        return self._lifecycle.store_end(run, self.name, local=False)

    def _checkpoint(self, result: StageResult) -> None:
        result.worker = self.name
        try:
            with self._uow() as uow:
                # one statement: stored only while this worker holds the run (the heartbeat
                # keeps the lease; a stage does not wait for a second round trip to renew it)
                if not uow.stage_results.put(result, self._now(), held_by=self.name):
                    if not uow.runs.renew_lease(result.run_id, self.name, self.lease_s):
                        raise LeaseLost(
                            f"run {result.run_id}: lease lost before stage {result.stage_id}"
                        )
                    raise LeaseLost(
                        f"run {result.run_id}: stage {result.stage_id} stored by another worker"
                    )
                uow.commit()
        except (LeaseLost, StorageError):
            raise
        except Exception as exc:  # the database failed mid-transaction
            raise StorageError(
                f"cannot store the result of stage {result.stage_id} of run {result.run_id}: {exc}"
            ) from exc

    # -- leases, the reaper, stopping -------------------------------------------------------------

    def heartbeat(self) -> int:
        """Extend the lease of every run this worker holds; how many."""
        with self._held_lock:
            held = sorted(self._held)
        if not held:
            return 0
        with self._uow() as uow:
            n = uow.runs.renew_leases(self.name, self.lease_s, held)
            uow.commit()
        return n

    def reap(self) -> list[str]:
        """Queue again (with a new job) the runs whose worker stopped renewing their lease; end
        `failed` the local runs whose process died (then apply a pending activation if drained)."""
        self._lifecycle.reap_orphans()
        with self._uow() as uow:
            ids = uow.runs.reap(self._now())
            uow.jobs.defer(ids, priority=RESUME_PRIORITY)
            # the queue's own leftovers of dead workers, then runs whose job is gone for good
            uow.jobs.clear_stalled(stalled_after_s(self.lease_s))
            orphans = uow.jobs.orphaned_runs()
            uow.jobs.defer(orphans)
            uow.commit()
        if ids:
            log.warning("reaped %d run(s) whose lease expired: %s", len(ids), ", ".join(ids))
        if orphans:
            log.warning("queued %d run(s) again that had lost their job", len(orphans))
        return ids

    def notify_switched(self, version: int) -> None:
        """An activation of `version` was switched by some process: build its plan now (so the
        first run does not pay for it) and wake the runs waiting at the admission gate."""
        try:
            self._lifecycle.plan_for(version)
        except Exception as exc:
            log.warning("cannot build the plan of version %d yet: %s", version, exc)
        self._lifecycle.notify_switched()

    def hand_back(self, run_id: str) -> bool:
        """Return a run this worker holds to the queue with a new job (it resumes elsewhere)."""
        with self._uow() as uow:
            returned = uow.runs.hand_back(run_id, self.name)
            if returned:
                uow.jobs.defer([run_id], priority=RESUME_PRIORITY)
            uow.commit()
        return returned

    def stop(self, deadline_s: float) -> None:
        """Stop: runs in flight may go on for `deadline_s`; after that each is handed back
        before its next stage."""
        self._stop_by = time.monotonic() + max(deadline_s, 0.0)
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def _past_deadline(self) -> bool:
        return self._stop_by is not None and time.monotonic() >= self._stop_by
