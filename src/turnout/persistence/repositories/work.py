"""What distributed workers share through the database: source files, stage results, the queue.

The queue is Procrastinate's (PostgreSQL only). A job is deferred with Procrastinate's own SQL
function on the unit of work's connection, so it is committed in the same transaction as the
run row it is for: a run is never queued without its job, nor a job without its run.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql

from turnout.domain.errors import QueueUnavailable
from turnout.domain.runs import AttemptOutcome, RunStatus, StageAttempt, StageResult
from turnout.persistence.repositories.reviews import waits_for_a_person
from turnout.persistence.repositories.upsert import dialect_insert
from turnout.persistence.tables import runs, sources, stage_results
from turnout.runtime.ports import NOTIFY_CHANNEL, QUEUE_NAME, TASK_NAME

_DEFER = text(
    "SELECT procrastinate_defer_jobs_v1(array_agg(ROW("
    "  :queue, :task, :priority, NULL, 'run:' || r.run_id, jsonb_build_object('run_id', r.run_id),"
    "  CASE WHEN :delay_s > 0 THEN now() + make_interval(secs => :delay_s) END"
    ")::procrastinate_job_to_defer_v1)) "
    "FROM unnest(CAST(:ids AS text[])) AS r(run_id) "
    "WHERE NOT EXISTS (SELECT 1 FROM procrastinate_jobs j "
    "                  WHERE j.queueing_lock = 'run:' || r.run_id AND j.status = 'todo')"
)

# A job stuck in `doing`: its worker process stopped beating (killed), or its run ended a while
# ago (the worker lost its connection while recording the job's end).
_CLEAR_STALLED = text(
    "SELECT procrastinate_finish_job_v1(j.id, 'aborted', true) "
    "FROM procrastinate_jobs j LEFT JOIN procrastinate_workers w ON w.id = j.worker_id "
    "WHERE j.status = 'doing' AND j.task_name = :task "
    "AND (w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => :stale_s) "
    "     OR EXISTS (SELECT 1 FROM runs r WHERE r.run_id = j.args->>'run_id' "
    "                AND r.status NOT IN ('queued', 'running') "
    "                AND r.finished_at < now() - make_interval(secs => :stale_s)))"
)

_ORPHANS = text(
    "SELECT r.run_id FROM runs r WHERE r.status = 'queued' AND NOT EXISTS ("
    "  SELECT 1 FROM procrastinate_jobs j WHERE j.queueing_lock = 'run:' || r.run_id"
    "  AND j.status IN ('todo', 'doing')) ORDER BY r.created_at LIMIT :limit"
)


_PUT_SOURCE: dict[str, Any] = {}
_GET_SOURCE = select(sources.c.data).where(sources.c.sha256 == bindparam("source_of"))
_RESULTS_OF_RUN = (
    select(stage_results)
    .where(stage_results.c.run_id == bindparam("results_of"))
    .order_by(stage_results.c.position)
)


def _put_source(conn: Connection) -> Any:
    """The source INSERT of the connection's dialect, built once: parameters go with execute()
    (a statement built per call with `.values(...)` cost more than the insert itself)."""
    statement = _PUT_SOURCE.get(conn.dialect.name)
    if statement is None:
        statement = _PUT_SOURCE[conn.dialect.name] = (
            dialect_insert(conn, sources)
            .on_conflict_do_nothing(index_elements=["sha256"])
            .returning(sources.c.sha256)
        )
    return statement


class SqlSourceRepository:
    """Source files by SHA-256 (content-addressed; storing the same bytes twice keeps one row)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def put(self, sha256: str, data: bytes, now: dt.datetime) -> bool:
        """Store the bytes unless already stored; True when they were new."""
        values = {"sha256": sha256, "size": len(data), "data": data, "created_at": now}
        return self._conn.execute(_put_source(self._conn), values).first() is not None

    def get(self, sha256: str) -> bytes | None:
        row = self._conn.execute(_GET_SOURCE, {"source_of": sha256}).first()
        return bytes(row.data) if row is not None else None

    def prune(self, before: dt.datetime, limit: int = 500) -> int:
        """Delete at most `limit` sources stored before `before` that no run still needs: none
        unfinished (queued, running), none waiting for a person (the review queue's runs), none
        created since `before`. How many this transaction deleted (another process pruning at
        the same time deletes each at most once)."""
        r = runs.c
        needed = select(r.source_sha256).where(
            r.source_sha256.is_not(None),
            or_(
                r.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]),
                waits_for_a_person(),
                r.created_at >= before,
            ),
        )
        old = and_(sources.c.created_at < before, sources.c.sha256.not_in(needed))
        shas = list(self._conn.execute(select(sources.c.sha256).where(old).limit(limit)).scalars())
        if not shas:
            return 0
        # the condition again in the DELETE: a run admitted since the SELECT keeps its source
        result = self._conn.execute(delete(sources).where(sources.c.sha256.in_(shas), old))
        return int(result.rowcount)

    def kept(self) -> tuple[int, int, dt.datetime | None]:
        """How many source files are stored, their bytes, and when the oldest was stored."""
        count, size, oldest = self._conn.execute(
            select(
                func.count(),
                func.coalesce(func.sum(sources.c.size), 0),
                func.min(sources.c.created_at),
            )
        ).one()
        return int(count), int(size), oldest


_PUT_RESULT: dict[tuple[str, bool], Any] = {}
_RESULT_COLUMNS = (
    "run_id",
    "stage_id",
    "position",
    "attempts",
    "outputs",
    "failure",
    "review",
    "blocks",
    "used_fallback",
    "worker",
    "created_at",
)


def _put_result(conn: Connection, *, held: bool) -> Any:
    """The stage result INSERT of the connection's dialect, built once (a worker stores one per
    stage of every run). `held`: only while the worker `held_by` holds the run (it is `running`
    under that worker), checked in the same statement."""
    key = (conn.dialect.name, held)
    statement = _PUT_RESULT.get(key)
    if statement is not None:
        return statement
    insert = dialect_insert(conn, stage_results)
    if held:
        row = select(
            *(bindparam(k, type_=stage_results.c[k].type).label(k) for k in _RESULT_COLUMNS)
        ).where(
            exists().where(
                runs.c.run_id == bindparam("held_run_id"),
                runs.c.worker == bindparam("held_by"),
                runs.c.status == RunStatus.RUNNING.value,
            )
        )
        insert = insert.from_select(list(_RESULT_COLUMNS), row)
    # RETURNING, not rowcount: drivers report -1 for a skipped INSERT ... ON CONFLICT
    statement = _PUT_RESULT[key] = insert.on_conflict_do_nothing(
        index_elements=["run_id", "stage_id"]
    ).returning(stage_results.c.run_id)
    return statement


class SqlStageResultRepository:
    """One result per (run, stage); the first one stored wins."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def put(self, result: StageResult, now: dt.datetime, *, held_by: str | None = None) -> bool:
        """Store the result unless the stage already has one; True when this one was stored.

        With `held_by`, only while that worker holds the run (it is `running` under that
        worker): one statement checks the lease and stores, so a worker that lost the run
        stores nothing."""
        values = {
            "run_id": result.run_id,
            "stage_id": result.stage_id,
            "position": result.position,
            "attempts": [_attempt_json(a) for a in result.attempts],
            "outputs": result.outputs,
            "failure": result.failure,
            "review": result.review,
            "blocks": result.blocks,
            "used_fallback": result.used_fallback,
            "worker": result.worker,
            "created_at": now,
        }
        if held_by is None:
            statement = _put_result(self._conn, held=False)
        else:
            statement = _put_result(self._conn, held=True)
            values = {**values, "held_run_id": result.run_id, "held_by": held_by}
        return self._conn.execute(statement, values).first() is not None

    def replace(self, run_id: str, results: Sequence[StageResult], now: dt.datetime) -> None:
        """Make `results` the run's only stored results (in the caller's transaction)."""
        self._conn.execute(delete(stage_results).where(stage_results.c.run_id == run_id))
        for result in results:
            self.put(result, now)

    def for_run(self, run_id: str) -> builtins.list[StageResult]:
        """The run's stored results in stage order."""
        rows = self._conn.execute(_RESULTS_OF_RUN, {"results_of": run_id}).mappings()
        return [
            StageResult(
                run_id=row["run_id"],
                stage_id=row["stage_id"],
                position=row["position"],
                attempts=[_attempt_of(run_id, a) for a in row["attempts"]],
                outputs=list(row["outputs"]),
                failure=row["failure"],
                review=row["review"],
                blocks=row["blocks"],
                used_fallback=row["used_fallback"],
                worker=row["worker"],
            )
            for row in rows
        ]


class SqlJobQueue:
    """Defers one Procrastinate job per run in the caller's transaction (PostgreSQL only)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def defer(self, run_ids: Sequence[str], *, priority: int = 0, delay_s: float = 0.0) -> int:
        """Queue a job for each run that has no waiting job yet (higher `priority` first, not
        before `delay_s` from now); how many were queued."""
        if not run_ids:
            return 0
        if self._conn.dialect.name != "postgresql":
            raise QueueUnavailable.on(self._conn.dialect.name)
        stmt = _DEFER.bindparams(bindparam("ids", type_=postgresql.ARRAY(postgresql.TEXT)))
        ids = self._conn.execute(
            stmt,
            {
                "queue": QUEUE_NAME,
                "task": TASK_NAME,
                "ids": list(run_ids),
                "priority": priority,
                "delay_s": float(delay_s),
            },
        ).scalar_one()
        return len(ids or [])

    def clear_stalled(self, stale_s: float) -> int:
        """Remove jobs stuck in `doing` that can never end: on a worker process that stopped its
        queue heartbeat `stale_s` ago (killed), or for a run that ended `stale_s` ago (its worker
        lost the connection while recording the job's end). Runs are the lease reaper's
        business, not this. How many were removed."""
        if self._conn.dialect.name != "postgresql":
            return 0
        removed = self._conn.execute(
            _CLEAR_STALLED, {"task": TASK_NAME, "stale_s": float(stale_s)}
        ).fetchall()
        return len(removed)

    def orphaned_runs(self, limit: int = 100) -> builtins.list[str]:
        """Queued runs that have no job waiting or running (their job failed for good or was
        removed): the reaper queues them again, so no run is ever left behind."""
        if self._conn.dialect.name != "postgresql":
            return []
        return [row.run_id for row in self._conn.execute(_ORPHANS, {"limit": limit})]

    def announce_switch(self, version: int) -> None:
        """Tell every listening worker that `version` became active (sent at commit)."""
        if self._conn.dialect.name == "postgresql":
            self._conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": str(version)},
            )


def _attempt_json(a: StageAttempt) -> dict[str, Any]:
    return {
        "stage_id": a.stage_id,
        "module_id": a.module_id,
        "attempt": a.attempt,
        "outcome": a.outcome.value,
        "duration_ms": a.duration_ms,
        "started_at": a.started_at.isoformat(),
        "error": a.error,
        "summary": a.summary,
    }


def _attempt_of(run_id: str, data: dict[str, Any]) -> StageAttempt:
    return StageAttempt(
        run_id=run_id,
        stage_id=data["stage_id"],
        module_id=data["module_id"],
        attempt=int(data["attempt"]),
        outcome=AttemptOutcome(data["outcome"]),
        duration_ms=float(data["duration_ms"]),
        started_at=dt.datetime.fromisoformat(data["started_at"]),
        error=data["error"],
        summary=dict(data["summary"]),
    )
