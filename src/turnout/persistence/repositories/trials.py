"""Trials of versions in shadow (`TrialRepository` port), the leases of the processes running
them, and the recorded runs they run on."""

from __future__ import annotations

import builtins
import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from turnout.domain.runs import Run, RunStatus, StageAttempt
from turnout.domain.trial import Trial, TrialScope, TrialStatus
from turnout.persistence.repositories.runs import attempt_from_row, run_from_row
from turnout.persistence.tables import runs, sources, stage_attempts, trials

T = trials.c
R = runs.c
A = stage_attempts.c
FINISHED = [status.value for status in RunStatus if status.finished]


class SqlTrialRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, trial: Trial, *, holder: str | None = None, lease_s: float | None = None) -> None:
        """Insert a trial; with `holder` and `lease_s`, that process holds it for `lease_s`."""
        self._conn.execute(
            insert(trials).values(
                trial_id=trial.trial_id,
                version=trial.version,
                actor=trial.actor,
                scope=trial.scope.to_dict(),
                created_at=trial.created_at,
                holder=holder,
                lease_expires_at=None if lease_s is None else self._lease_end(lease_s),
                **_progress(trial),
            )
        )

    def save(self, trial: Trial, *, held_by: str | None = None) -> bool:
        """Store the trial's progress, status, report and error (a trial that ended lets go of
        its lease). With `held_by`: only while that process still holds the running trial;
        False (nothing changed) when it no longer does (a reaper ended it meanwhile)."""
        query = update(trials).where(T.trial_id == trial.trial_id)
        if held_by is not None:
            query = query.where(T.holder == held_by, T.status == TrialStatus.RUNNING.value)
        values = _progress(trial)
        if trial.status is not TrialStatus.RUNNING:
            values["lease_expires_at"] = None
        return self._conn.execute(query.values(**values)).rowcount == 1

    def renew(self, holder: str, lease_s: float, trial_ids: builtins.list[str]) -> int:
        """The heartbeat: extend the leases `holder` holds on these running trials; how many."""
        if not trial_ids:
            return 0
        result = self._conn.execute(
            update(trials)
            .where(
                T.trial_id.in_(trial_ids),
                T.holder == holder,
                T.status == TrialStatus.RUNNING.value,
            )
            .values(lease_expires_at=self._lease_end(lease_s))
        )
        return int(result.rowcount)

    def reap(self, now: dt.datetime, limit: int = 100) -> builtins.list[Trial]:
        """End `failed` the running trials whose lease expired (the process running them
        stopped), with an error naming the holder and saying to try again; returns them as
        ended. Expired means before the database's clock on PostgreSQL, before `now`
        elsewhere; rows are locked with SKIP LOCKED there, so two reapers never end one twice."""
        postgres = self._conn.dialect.name == "postgresql"
        query = (
            select(trials)
            .where(
                T.status == TrialStatus.RUNNING.value,
                T.lease_expires_at < (func.now() if postgres else now),
            )
            .order_by(T.lease_expires_at)
            .limit(limit)
        )
        if postgres:
            query = query.with_for_update(skip_locked=True)
        ended: builtins.list[Trial] = []
        for row in self._conn.execute(query).mappings().all():
            trial = _trial(row)
            expired = row["lease_expires_at"]
            trial.status = TrialStatus.FAILED
            trial.finished_at = now
            trial.error = (
                f"the process running it stopped: {row['holder'] or 'its process'} held it "
                f"until its lease expired at {expired.isoformat(timespec='seconds')}; "
                "try the version again"
            )
            self._conn.execute(
                update(trials)
                .where(T.trial_id == trial.trial_id, T.status == TrialStatus.RUNNING.value)
                .values(**_progress(trial), lease_expires_at=None)
            )
            ended.append(trial)
        return ended

    def get(self, trial_id: str) -> Trial | None:
        row = self._conn.execute(select(trials).where(T.trial_id == trial_id)).mappings().first()
        return None if row is None else _trial(row)

    def list(self, limit: int = 20) -> builtins.list[Trial]:
        rows = self._conn.execute(
            select(trials).order_by(T.created_at.desc()).limit(limit)
        ).mappings()
        return [_trial(r) for r in rows]

    def recorded(self, scope: TrialScope, limit: int = 5_000) -> builtins.list[Run]:
        """The finished runs a trial of `scope` runs on, newest first, each with its attempts
        (re-runs of a review included once: a run is one row). Runs whose source file is no
        longer stored (deleted after the retention) are among them, `source_sha256` set to
        None and without attempts: the trial counts them as skipped."""
        kept = R.source_sha256.in_(select(sources.c.sha256))
        query = select(runs, kept.label("source_kept")).where(R.status.in_(FINISHED))
        query = query.order_by(R.created_at.desc(), R.run_id.desc())
        if scope.since is not None:
            query = query.where(R.created_at >= scope.since)
        if scope.last is not None:
            limit = min(limit, scope.last)
        found: builtins.list[Run] = []
        for row in self._conn.execute(query.limit(limit)).mappings():
            run = run_from_row(row)
            if not row["source_kept"]:
                run.source_sha256 = None
            found.append(run)
        self._with_attempts([r for r in found if r.source_sha256 is not None])
        return found

    def in_flight(self, holder: str) -> int:
        """How many runs `holder` (a process's runner) is running now: production's use of the
        process's run slots, which a trial leaves alone."""
        query = (
            select(func.count())
            .select_from(runs)
            .where(R.worker == holder, R.status == RunStatus.RUNNING.value)
        )
        return int(self._conn.execute(query).scalar_one())

    def newest_of_sources(self, sha256s: builtins.list[str]) -> dict[str, Run]:
        """The newest finished run of each of these source files (by SHA-256) that has one,
        with its attempts: what a trial on given files compares with."""
        newest: dict[str, Run] = {}
        wanted = sorted(set(sha256s))
        for start in range(0, len(wanted), 500):
            rows = self._conn.execute(
                select(runs)
                .where(R.status.in_(FINISHED), R.source_sha256.in_(wanted[start : start + 500]))
                .order_by(R.created_at.desc(), R.run_id.desc())
            ).mappings()
            for row in rows:
                run = run_from_row(row)
                if run.source_sha256 is not None and run.source_sha256 not in newest:
                    newest[run.source_sha256] = run
        self._with_attempts(list(newest.values()))
        return newest

    def _with_attempts(self, found: builtins.list[Run]) -> None:
        by_run: dict[str, list[StageAttempt]] = defaultdict(list)
        ids = [r.run_id for r in found]
        for start in range(0, len(ids), 500):
            rows = self._conn.execute(
                select(stage_attempts)
                .where(A.run_id.in_(ids[start : start + 500]))
                .order_by(A.attempt_id)
            ).mappings()
            for row in rows:
                by_run[row["run_id"]].append(attempt_from_row(row))
        for run in found:
            run.attempts = by_run.get(run.run_id, [])

    def _lease_end(self, lease_s: float) -> Any:
        """When a lease taken now ends: on the database's clock on PostgreSQL (shared by every
        process), on this process's clock elsewhere."""
        if self._conn.dialect.name == "postgresql":
            return func.now() + dt.timedelta(seconds=lease_s)
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lease_s)


def _progress(trial: Trial) -> dict[str, Any]:
    return {
        "status": trial.status.value,
        "finished_at": trial.finished_at,
        "done": trial.done,
        "total": trial.total,
        "report": trial.report,
        "error": trial.error,
    }


def _trial(row: RowMapping) -> Trial:
    return Trial(
        trial_id=row["trial_id"],
        version=row["version"],
        actor=row["actor"],
        scope=TrialScope.from_dict(row["scope"]),
        created_at=row["created_at"],
        status=TrialStatus(row["status"]),
        finished_at=row["finished_at"],
        done=row["done"],
        total=row["total"],
        report=row["report"],
        error=row["error"],
    )
