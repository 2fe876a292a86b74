"""Trials of versions in shadow (`TrialRepository` port), and the recorded runs they run on."""

from __future__ import annotations

import builtins
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from turnout.domain.runs import Run, RunStatus, StageAttempt
from turnout.domain.trial import Trial, TrialScope, TrialStatus
from turnout.persistence.repositories.runs import attempt_from_row, run_from_row
from turnout.persistence.tables import runs, sources, stage_attempts, trials

T = trials.c
R = runs.c
A = stage_attempts.c
FINISHED = [
    RunStatus.COMPLETED.value,
    RunStatus.COMPLETED_WITH_FALLBACK.value,
    RunStatus.NEEDS_REVIEW.value,
    RunStatus.FAILED.value,
]


class SqlTrialRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, trial: Trial) -> None:
        self._conn.execute(
            insert(trials).values(
                trial_id=trial.trial_id,
                version=trial.version,
                actor=trial.actor,
                scope=trial.scope.to_dict(),
                created_at=trial.created_at,
                **_progress(trial),
            )
        )

    def save(self, trial: Trial) -> None:
        """Store the trial's progress, status, report and error."""
        self._conn.execute(
            update(trials).where(T.trial_id == trial.trial_id).values(**_progress(trial))
        )

    def get(self, trial_id: str) -> Trial | None:
        row = self._conn.execute(select(trials).where(T.trial_id == trial_id)).mappings().first()
        return None if row is None else _trial(row)

    def list(self, limit: int = 20) -> builtins.list[Trial]:
        rows = self._conn.execute(
            select(trials).order_by(T.created_at.desc()).limit(limit)
        ).mappings()
        return [_trial(r) for r in rows]

    def recorded(self, scope: TrialScope, limit: int = 10_000) -> builtins.list[Run]:
        """The finished runs a trial of `scope` runs on, newest first, each with its attempts
        and a stored source (re-runs of a review included once: a run is one row)."""
        query = (
            select(runs)
            .where(
                R.status.in_(FINISHED),
                R.source_sha256.in_(select(sources.c.sha256)),
            )
            .order_by(R.created_at.desc(), R.run_id.desc())
        )
        if scope.since is not None:
            query = query.where(R.created_at >= scope.since)
        if scope.last is not None:
            limit = min(limit, scope.last)
        found = [run_from_row(r) for r in self._conn.execute(query.limit(limit)).mappings()]
        self._with_attempts(found)
        return found

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
