"""Runs and the attempts of their stages."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Interval,
    RowMapping,
    Select,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)

from turnout.domain.history import invoice_number_key, seller_key
from turnout.domain.runs import (
    FAILURE_OUTCOMES,
    AttemptOutcome,
    AttemptStats,
    Run,
    RunOrigin,
    RunStatus,
    StageAttempt,
)
from turnout.persistence.tables import processing_stages, runs, stage_attempts

R = runs.c
A = stage_attempts.c
S = processing_stages.c
MAX_PAYABLE = Decimal(10) ** 14
# In flight: running, or queued after admission (a run handed back or reaped, which resumes on its
# version). A submitted run not yet admitted (no version) is waiting, not in flight.
IN_FLIGHT = or_(
    R.status == RunStatus.RUNNING.value,
    and_(R.status == RunStatus.QUEUED.value, R.config_version.is_not(None)),
)
# Built once: parameters go with execute(), which keeps a run's insert and finish cheap
# (building `.values(...)` per call costs more than SQLite's own work).
INSERT_RUN = insert(runs)
# A leased run on PostgreSQL: the lease ends on the database's clock, in the insert itself.
INSERT_LEASED_RUN_PG = insert(runs).values(
    lease_expires_at=func.now() + bindparam("lease_for", type_=Interval())
)
# A run's end returns whether any of its attempts were stored before (a queued run's
# checkpoints, a review's continuation): only then are they read to leave them out. Most runs
# store all their attempts at the end, so this saves their finish a SELECT.
# (Written out: SQLite's compiler would render the correlated subquery's columns unqualified.)
HAS_STORED_ATTEMPTS = literal_column(
    "EXISTS (SELECT 1 FROM stage_attempts WHERE stage_attempts.run_id = runs.run_id)", Boolean()
)
FINISH_RUN = (
    update(runs).where(R.run_id == bindparam("finished_run_id")).returning(HAS_STORED_ATTEMPTS)
)
FINISH_HELD_RUN = (
    update(runs)
    .where(
        R.run_id == bindparam("finished_run_id"),
        R.worker == bindparam("held_by"),
        R.status == RunStatus.RUNNING.value,
    )
    .returning(HAS_STORED_ATTEMPTS)
)
INSERT_ATTEMPTS = insert(stage_attempts)
GET_RUN = select(runs).where(R.run_id == bindparam("run_of"))
GET_ATTEMPTS = (
    select(stage_attempts).where(A.run_id == bindparam("attempts_of")).order_by(A.attempt_id)
)
# A worker admitting a submitted run (one per queued run): its lease ends on the database's
# clock on PostgreSQL, on this process's clock elsewhere (a parameter then).
_ADMIT_QUEUED = update(runs).where(
    R.run_id == bindparam("admitted_run_id"),
    R.status == RunStatus.QUEUED.value,
    R.config_version.is_(None),
)
ADMIT_QUEUED_PG = _ADMIT_QUEUED.values(
    lease_expires_at=func.now() + bindparam("lease_for", type_=Interval())
)
STORED_ATTEMPTS = select(A.stage_id, A.module_id, A.attempt, A.summary).where(
    A.run_id == bindparam("attempts_of")
)


class SqlRunRepository:
    """The runs and stage_attempts tables (`RunRepository` port)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, run: Run, *, lease_s: float | None = None) -> None:
        """Insert a run row (admission), and any attempts it already carries. With `lease_s`,
        `run.worker` holds the run's lease for that long from now (on the database's clock on
        PostgreSQL), in the same statement."""
        values = {
            "run_id": run.run_id,
            **_run_values(run),
            "worker": run.worker,
            "origin": run.origin.value,
            "rerun_of": run.rerun_of,
        }
        if lease_s is None:
            self._conn.execute(INSERT_RUN, values)
        elif self._conn.dialect.name == "postgresql":
            self._conn.execute(
                INSERT_LEASED_RUN_PG, {**values, "lease_for": dt.timedelta(seconds=lease_s)}
            )
        else:
            self._conn.execute(INSERT_RUN, {**values, "lease_expires_at": self._lease_end(lease_s)})
        self.add_attempts(run.attempts)

    def finish(self, run: Run, *, held_by: str | None = None) -> bool:
        """Persist the run's final status, results and every attempt in `run.attempts`.

        Attempts stored before (by `add` or `add_attempts`) are recognised by stage, module,
        attempt number and review revision (a run continued after a review runs its stages
        again) and not stored twice. With `held_by`, only while that worker still holds the
        run's lease: returns False (and changes nothing) when it lost it.
        """
        values = _run_values(run)
        if held_by is not None:
            ended = self._conn.execute(
                FINISH_HELD_RUN,
                {
                    "finished_run_id": run.run_id,
                    "held_by": held_by,
                    **values,
                    "lease_expires_at": None,
                },
            ).first()
            if ended is None:
                return False
        else:
            ended = self._conn.execute(
                FINISH_RUN, {"finished_run_id": run.run_id, **values}
            ).first()
            if ended is None:
                raise LookupError(f"run {run.run_id} is not stored; add it before finishing it")
        if run.attempts and not ended[0]:  # none stored before: every attempt is new
            self.add_attempts(run.attempts)
        elif run.attempts:
            stored = {
                (row.stage_id, row.module_id, row.attempt, _revision_of(row.summary))
                for row in self._conn.execute(STORED_ATTEMPTS, {"attempts_of": run.run_id})
            }
            self.add_attempts(
                [
                    a
                    for a in run.attempts
                    if (a.stage_id, a.module_id, a.attempt, _revision_of(a.summary)) not in stored
                ]
            )
        return True

    def add_attempts(self, attempts: Sequence[StageAttempt]) -> None:
        """Append attempts (of one or several runs) in the order given."""
        if attempts:
            self._conn.execute(INSERT_ATTEMPTS, [_attempt_values(a) for a in attempts])

    def get(self, run_id: str) -> Run | None:
        """With its attempts in order."""
        row = self._conn.execute(GET_RUN, {"run_of": run_id}).mappings().first()
        if row is None:
            return None
        run = _run(row)
        attempts = self._conn.execute(GET_ATTEMPTS, {"attempts_of": run_id}).mappings()
        run.attempts = [_attempt(a) for a in attempts]
        return run

    # -- distributed workers: admission of queued runs, leases, the reaper -----------------------

    def admit_queued(
        self,
        run_id: str,
        config_id: str,
        config_version: int,
        worker: str,
        now: dt.datetime,
        lease_s: float,
    ) -> bool:
        """Admit a submitted run under a version and give its lease to `worker` for `lease_s`
        seconds (of the database's clock on PostgreSQL, which every worker shares); False when
        it is not a queued, never-admitted run any more (another worker took it, or it ended)."""
        values: dict[str, Any] = {
            "admitted_run_id": run_id,
            "status": RunStatus.RUNNING.value,
            "config_id": config_id,
            "config_version": config_version,
            "started_at": now,
            "worker": worker,
        }
        if self._conn.dialect.name == "postgresql":
            statement = ADMIT_QUEUED_PG
            values["lease_for"] = dt.timedelta(seconds=lease_s)
        else:
            statement = _ADMIT_QUEUED
            values["lease_expires_at"] = self._lease_end(lease_s)
        return self._conn.execute(statement, values).rowcount == 1

    def take_over(self, run_id: str, worker: str, lease_s: float) -> bool:
        """Resume an admitted run: one handed back or reaped (queued with a version), or one this
        worker already holds (a job it retried). False when someone else holds it or it ended."""
        result = self._conn.execute(
            update(runs)
            .where(
                R.run_id == run_id,
                R.config_version.is_not(None),
                or_(
                    R.status == RunStatus.QUEUED.value,
                    and_(R.status == RunStatus.RUNNING.value, R.worker == worker),
                ),
            )
            .values(
                status=RunStatus.RUNNING.value,
                worker=worker,
                lease_expires_at=self._lease_end(lease_s),
            )
        )
        return result.rowcount == 1

    def renew_lease(self, run_id: str, worker: str, lease_s: float) -> bool:
        """Extend one run's lease; False when `worker` no longer holds it."""
        result = self._conn.execute(
            update(runs)
            .where(R.run_id == run_id, R.worker == worker, R.status == RunStatus.RUNNING.value)
            .values(lease_expires_at=self._lease_end(lease_s))
        )
        return result.rowcount == 1

    def renew_leases(self, worker: str, lease_s: float, run_ids: Sequence[str]) -> int:
        """The heartbeat: extend the leases `worker` holds on these runs. Returns how many."""
        if not run_ids:
            return 0
        result = self._conn.execute(
            update(runs)
            .where(
                R.run_id.in_(list(run_ids)),
                R.worker == worker,
                R.status == RunStatus.RUNNING.value,
            )
            .values(lease_expires_at=self._lease_end(lease_s))
        )
        return int(result.rowcount)

    def hand_back(self, run_id: str, worker: str) -> bool:
        """Return a run `worker` holds to the queue (it keeps its version and stage results)."""
        result = self._conn.execute(
            update(runs)
            .where(R.run_id == run_id, R.worker == worker, R.status == RunStatus.RUNNING.value)
            .values(status=RunStatus.QUEUED.value, worker=None, lease_expires_at=None)
        )
        return result.rowcount == 1

    def reap(self, now: dt.datetime, limit: int = 100) -> builtins.list[str]:
        """Return queued runs (origin `queue`) running on a worker whose lease expired to the
        queue; their ids. Expired means before the database's clock on PostgreSQL, before `now`
        elsewhere.

        On PostgreSQL the rows are locked with SKIP LOCKED, so reapers on several workers never
        take the same run twice."""
        query = self._expired(RunOrigin.QUEUE, now, limit)
        ids = [row.run_id for row in self._conn.execute(query)]
        if ids:
            self._conn.execute(
                update(runs)
                .where(R.run_id.in_(ids), R.status == RunStatus.RUNNING.value)
                .values(status=RunStatus.QUEUED.value, worker=None, lease_expires_at=None)
            )
        return ids

    def expired_local(self, now: dt.datetime) -> int:
        """How many local runs are running on an expired lease (the reaper's cheap first look:
        one read, no lock taken)."""
        query = (
            select(func.count()).select_from(runs).where(*self._expired_where(RunOrigin.LOCAL, now))
        )
        return int(self._conn.execute(query).scalar_one())

    def reap_local(self, now: dt.datetime, limit: int = 100) -> builtins.list[Run]:
        """End `failed` the local runs whose lease expired (the process running them stopped):
        the reason names the holder and when its lease expired; attempts stored so far stay.
        Returns them as ended. Rows are locked with SKIP LOCKED on PostgreSQL, so two reapers
        never end the same run twice."""
        rows = self._conn.execute(
            self._expired(RunOrigin.LOCAL, now, limit, select(runs))
        ).mappings()
        orphans = [_run(row) for row in rows]
        for run in orphans:
            expired = (
                run.lease_expires_at.isoformat(timespec="seconds") if run.lease_expires_at else "?"
            )
            run.status = RunStatus.FAILED
            run.finished_at = now
            run.reason = (
                f"the process running it stopped: {run.worker or 'its process'} held it until "
                f"its lease expired at {expired}; process the file again"
            )
            if run.final_decision:  # a review's re-run: the person's decision never took effect
                decided = run.final_decision
                run.reason = (
                    f"the process continuing it after the review by {decided.get('by')} stopped: "
                    f"{run.worker or 'its process'} held it until its lease expired at "
                    f"{expired}; the {decided.get('outcome')} was not applied: review it again"
                )
                run.final_decision = None
            self._conn.execute(
                update(runs)
                .where(R.run_id == run.run_id, R.status == RunStatus.RUNNING.value)
                .values(
                    status=run.status.value,
                    finished_at=now,
                    reason=run.reason,
                    lease_expires_at=None,
                    final_decision=None,
                )
            )
        return orphans

    def _expired_where(self, origin: RunOrigin, now: dt.datetime) -> builtins.list[Any]:
        postgres = self._conn.dialect.name == "postgresql"
        return [
            R.status == RunStatus.RUNNING.value,
            R.origin == origin.value,
            R.lease_expires_at < (func.now() if postgres else now),
        ]

    def _expired(
        self,
        origin: RunOrigin,
        now: dt.datetime,
        limit: int,
        query: Select[Any] | None = None,
    ) -> Select[Any]:
        """Running runs of `origin` whose lease expired, oldest lease first, locked with SKIP
        LOCKED on PostgreSQL."""
        query = (
            (query if query is not None else select(R.run_id))
            .where(*self._expired_where(origin, now))
            .order_by(R.lease_expires_at)
            .limit(limit)
        )
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return query

    def _lease_end(self, lease_s: float) -> Any:
        """When a lease taken now ends: on the database's clock on PostgreSQL (shared by every
        worker, whatever their own clocks say), on this process's clock elsewhere."""
        if self._conn.dialect.name == "postgresql":
            return func.now() + dt.timedelta(seconds=lease_s)
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lease_s)

    def with_source(self, sha256: str) -> builtins.list[Run]:
        """Runs of the file with this SHA-256, newest first (a resubmission is recognised)."""
        rows = self._conn.execute(
            select(runs)
            .where(R.source_sha256 == sha256)
            .order_by(R.created_at.desc(), R.run_id.desc())
        ).mappings()
        return [_run(row) for row in rows]

    def list(
        self, *, status: RunStatus | None = None, limit: int = 50, offset: int = 0
    ) -> list[Run]:
        """Newest first, without attempts."""
        query = select(runs).order_by(R.created_at.desc(), R.run_id.desc())
        if status is not None:
            query = query.where(R.status == status.value)
        rows = self._conn.execute(query.limit(limit).offset(offset)).mappings()
        return [_run(row) for row in rows]

    def ids_starting(self, prefix: str, limit: int = 2) -> builtins.list[str]:
        """The ids of runs that start with `prefix` (a short run id), at most `limit`, sorted."""
        query = select(R.run_id).where(R.run_id.startswith(prefix, autoescape=True))
        return list(self._conn.execute(query.order_by(R.run_id).limit(limit)).scalars())

    def in_flight(self, config_version: int | None = None) -> int:
        """How many runs are queued or running (on that version, when given)."""
        query = select(func.count()).select_from(runs).where(IN_FLIGHT)
        if config_version is not None:
            query = query.where(R.config_version == config_version)
        return int(self._conn.execute(query).scalar_one())

    def attempt_counts(
        self, boundaries: Sequence[dt.datetime]
    ) -> builtins.list[tuple[int, int, int]]:
        """(ran, fell back, failed) of the attempts started in each period between consecutive
        `boundaries` (ascending), skips excluded. One scan, grouped by period."""
        counts = [(0, 0, 0)] * (len(boundaries) - 1)
        if counts:
            for row in self._conn.execute(_period_counts(boundaries)):
                counts[int(row.period)] = (int(row.ran), int(row.fallback), int(row.failed))
        return counts

    def attempt_stats(
        self, since: dt.datetime | None = None, config_version: int | None = None
    ) -> builtins.list[AttemptStats]:
        """Attempt counts per stage and module (started at or after `since`, of runs on
        `config_version`, when given), in stage order, then module_id. One GROUP BY query."""
        query = _ATTEMPT_STATS
        if config_version is not None:
            query = query.join(runs, R.run_id == A.run_id).where(R.config_version == config_version)
        if since is not None:
            query = query.where(A.started_at >= since)
        return [
            AttemptStats(
                stage_id=row.stage_id,
                module_id=row.module_id,
                attempts=int(row.attempts),
                ok=int(row.ok),
                fallback=int(row.fallback),
                failed=int(row.failed),
                skipped=int(row.skipped),
                mean_duration_ms=float(row.mean_duration_ms or 0.0),
            )
            for row in self._conn.execute(query)
        ]


def _period_counts(boundaries: Sequence[dt.datetime]) -> Select[Any]:
    """Per period [boundaries[i], boundaries[i + 1]): attempts that ran, fell back, failed."""
    period = case(
        *((A.started_at < boundaries[i + 1], i) for i in range(len(boundaries) - 1)),
        else_=None,
    ).label("period")
    return (
        select(
            period,
            func.count().label("ran"),
            _count_of(AttemptOutcome.FALLBACK).label("fallback"),
            _count_of(*FAILURE_OUTCOMES).label("failed"),
        )
        .where(
            A.started_at >= boundaries[0],
            A.started_at < boundaries[-1],
            A.outcome != AttemptOutcome.SKIPPED.value,
        )
        .group_by(period)
    )


def _count_of(*outcomes: AttemptOutcome) -> Any:
    values = sorted(o.value for o in outcomes)
    return func.coalesce(func.sum(case((A.outcome.in_(values), 1), else_=0)), 0)


# Attempts of stages no longer in the catalog still count; they sort last.
_ATTEMPT_STATS: Select[Any] = (
    select(
        A.stage_id,
        A.module_id,
        func.count().label("attempts"),
        _count_of(AttemptOutcome.OK).label("ok"),
        _count_of(AttemptOutcome.FALLBACK).label("fallback"),
        _count_of(*FAILURE_OUTCOMES).label("failed"),
        _count_of(AttemptOutcome.SKIPPED).label("skipped"),
        func.avg(
            case((A.outcome != AttemptOutcome.SKIPPED.value, A.duration_ms), else_=None)
        ).label("mean_duration_ms"),
    )
    .select_from(stage_attempts.outerjoin(processing_stages, S.stage_id == A.stage_id))
    .group_by(S.order, A.stage_id, A.module_id)
    .order_by(S.order.asc().nulls_last(), A.stage_id, A.module_id.asc().nulls_first())
)


def _run_values(run: Run) -> dict[str, Any]:
    return {
        "file_name": run.file_name,
        "config_id": run.config_id,
        "config_version": run.config_version,
        "status": run.status.value,
        "source_sha256": run.source_sha256,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "reason": run.reason,
        "invoice": run.invoice,
        "findings": run.findings,
        "decision": run.decision,
        "machine_invoice": run.machine_invoice,
        "final_decision": run.final_decision,
        **_history_keys(run.invoice),
    }


def _history_keys(invoice: dict[str, Any] | None) -> dict[str, Any]:
    """The columns duplicate detection looks a run up by (see `turnout.domain.history`)."""
    invoice = invoice or {}
    seller = invoice.get("seller") or {}
    totals = invoice.get("totals") or {}
    return {
        "seller_key": seller_key(seller.get("vat_id"), seller.get("name")),
        "invoice_number_key": invoice_number_key(invoice.get("invoice_number")),
        "issue_date": _date_or_none(invoice.get("issue_date")),
        "payable": _decimal_or_none(totals.get("payable")),
    }


def _date_or_none(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _decimal_or_none(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    # Numeric(20, 6) holds 14 integer digits; a larger amount is junk, not a key
    return amount if amount.is_finite() and abs(amount) < MAX_PAYABLE else None


def _revision_of(summary: Any) -> int:
    """The review revision an attempt ran in (0: the first execution)."""
    return int((summary or {}).get("review_revision") or 0)


def _attempt_values(attempt: StageAttempt) -> dict[str, Any]:
    return {
        "run_id": attempt.run_id,
        "stage_id": attempt.stage_id,
        "module_id": attempt.module_id,
        "attempt": attempt.attempt,
        "outcome": attempt.outcome.value,
        "duration_ms": attempt.duration_ms,
        "started_at": attempt.started_at,
        "error": attempt.error,
        "summary": attempt.summary,
    }


def run_from_row(row: RowMapping) -> Run:
    """A run (without attempts) from a row of the runs table."""
    return _run(row)


def attempt_from_row(row: RowMapping) -> StageAttempt:
    """A stage attempt from a row of the stage_attempts table."""
    return _attempt(row)


def _run(row: RowMapping) -> Run:
    return Run(
        run_id=row["run_id"],
        file_name=row["file_name"],
        config_id=row["config_id"],
        config_version=row["config_version"],
        status=RunStatus(row["status"]),
        created_at=row["created_at"],
        source_sha256=row["source_sha256"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        reason=row["reason"],
        invoice=row["invoice"],
        findings=row["findings"],
        decision=row["decision"],
        worker=row["worker"],
        lease_expires_at=row["lease_expires_at"],
        origin=RunOrigin(row["origin"]),
        review_revision=row["review_revision"],
        machine_invoice=row["machine_invoice"],
        final_decision=row["final_decision"],
        rerun_of=row["rerun_of"],
    )


def _attempt(row: RowMapping) -> StageAttempt:
    return StageAttempt(
        run_id=row["run_id"],
        stage_id=row["stage_id"],
        module_id=row["module_id"],
        attempt=row["attempt"],
        outcome=AttemptOutcome(row["outcome"]),
        duration_ms=row["duration_ms"],
        started_at=row["started_at"],
        error=row["error"],
        summary=row["summary"],
    )
