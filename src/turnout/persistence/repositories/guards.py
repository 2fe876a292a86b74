"""Guards on activated versions (`GuardRepository` port), and the figures they judge by."""

from __future__ import annotations

import builtins
from collections import Counter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    func,
    insert,
    or_,
    select,
    update,
)

from turnout.domain.guard import Breach, Figures, Guard, GuardSpec, GuardStatus, p95
from turnout.domain.runs import AttemptOutcome, Run, RunStatus
from turnout.persistence.repositories.reviews import waits_for_a_person
from turnout.persistence.repositories.runs import run_from_row
from turnout.persistence.tables import guards, runs, sources, stage_attempts

G = guards.c
R = runs.c
A = stage_attempts.c
FINISHED = [
    RunStatus.COMPLETED.value,
    RunStatus.COMPLETED_WITH_FALLBACK.value,
    RunStatus.NEEDS_REVIEW.value,
    RunStatus.FAILED.value,
]


class SqlGuardRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, guard: Guard) -> None:
        self._conn.execute(insert(guards).values(guard_id=guard.guard_id, **_values(guard)))

    def get(self, guard_id: str) -> Guard | None:
        row = self._conn.execute(select(guards).where(G.guard_id == guard_id)).mappings().first()
        return None if row is None else _guard(row)

    def for_version(self, version: int) -> Guard | None:
        """The newest guard armed on `version`, whatever its status."""
        row = (
            self._conn.execute(
                select(guards).where(G.version == version).order_by(G.armed_at.desc()).limit(1)
            )
            .mappings()
            .first()
        )
        return None if row is None else _guard(row)

    def watching(self) -> builtins.list[Guard]:
        rows = self._conn.execute(
            select(guards).where(G.status == GuardStatus.WATCHING.value).order_by(G.armed_at.desc())
        ).mappings()
        return [_guard(r) for r in rows]

    def list(self, limit: int = 20) -> builtins.list[Guard]:
        rows = self._conn.execute(
            select(guards).order_by(G.armed_at.desc()).limit(limit)
        ).mappings()
        return [_guard(r) for r in rows]

    def start(self, guard_id: str, at: Any) -> bool:
        """Mark when the guarded version became active (the window's start), once."""
        result = self._conn.execute(
            update(guards)
            .where(G.guard_id == guard_id, G.started_at.is_(None))
            .values(started_at=at)
        )
        return result.rowcount == 1

    def decide(self, guard: Guard) -> bool:
        """Store the decision only while the guard is still watching: True for the one caller
        that decided (a conditional update; concurrent deciders see 0 rows)."""
        result = self._conn.execute(
            update(guards)
            .where(G.guard_id == guard.guard_id, G.status == GuardStatus.WATCHING.value)
            .values(
                status=guard.status.value,
                decided_at=guard.decided_at,
                figures=None if guard.figures is None else guard.figures.to_dict(),
                breaches=[b.to_dict() for b in guard.breaches],
                rollback_version=guard.rollback_version,
                message=guard.message,
            )
        )
        return result.rowcount == 1

    def record_outcome(self, guard_id: str, rollback_version: int | None, message: str) -> None:
        """Complete a decided guard: the version its rollback made (if any), and what happened."""
        self._conn.execute(
            update(guards)
            .where(G.guard_id == guard_id)
            .values(rollback_version=rollback_version, message=message)
        )

    def rerun_by(self, run_id: str) -> str | None:
        """The run that re-runs `run_id`, if one does."""
        return self._conn.execute(select(R.run_id).where(R.rerun_of == run_id)).scalar()

    def figures(
        self, version: int, *, last: int | None = None, first: int | None = None
    ) -> Figures:
        """The figures of the finished runs of `version`: with `last`, its newest `last` (a
        baseline); with `first`, its first `first` to finish (a guard's runs window)."""
        query = select(
            R.run_id, R.status, R.started_at, R.finished_at, went_to_a_person().label("review")
        ).where(R.config_version == version, R.status.in_(FINISHED))
        if first is not None:
            query = query.order_by(R.finished_at.asc(), R.run_id).limit(first)
        else:
            query = query.order_by(R.finished_at.desc(), R.run_id)
            if last is not None:
                query = query.limit(last)
        rows = self._conn.execute(query).all()
        if not rows:
            return Figures()
        ids = [r.run_id for r in rows]
        fallback: Counter[str] = Counter()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            used = self._conn.execute(
                select(A.stage_id, A.run_id)
                .where(A.run_id.in_(chunk), A.outcome == AttemptOutcome.FALLBACK.value)
                .distinct()
            ).all()
            fallback.update(stage_id for stage_id, _ in used)
        durations = [
            (r.finished_at - r.started_at).total_seconds() * 1000.0
            for r in rows
            if r.started_at is not None and r.finished_at is not None
        ]
        return Figures(
            runs=len(rows),
            failed=sum(1 for r in rows if r.status == RunStatus.FAILED.value),
            review=sum(1 for r in rows if r.review),
            fallback=dict(fallback),
            p95_ms=p95(durations),
        )

    def failed_not_rerun(
        self, version: int, limit: int = 500, *, skip: int = 0
    ) -> builtins.list[Run]:
        """Failed runs of `version` with a stored source that no run re-runs yet, oldest first
        (`skip`: past the first `skip` of them, those a caller could not re-run)."""
        rows = self._conn.execute(
            select(runs)
            .where(*_owed(version))
            .order_by(R.created_at, R.run_id)
            .offset(skip)
            .limit(limit)
        ).mappings()
        return [run_from_row(r) for r in rows]

    def owing_reruns(self) -> builtins.list[Guard]:
        """Tripped guards whose rollback is in force and whose version still has failed runs no
        run re-runs yet (one indexed existence check per tripped guard)."""
        owed = select(R.run_id).where(*_owed(G.version)).exists()
        rows = self._conn.execute(
            select(guards)
            .where(
                G.status == GuardStatus.TRIPPED.value,
                G.rollback_version.is_not(None),
                owed,
            )
            .order_by(G.armed_at)
        ).mappings()
        return [_guard(r) for r in rows]

    def tripped(self) -> int:
        """How many guards ever tripped in the installation."""
        return int(
            self._conn.execute(
                select(func.count())
                .select_from(guards)
                .where(G.status == GuardStatus.TRIPPED.value)
            ).scalar_one()
        )

    def reruns_of(self, run_ids: builtins.list[str]) -> dict[str, Run]:
        """The runs that re-run these runs (a guard's re-runs), by the run they re-run."""
        found: dict[str, Run] = {}
        for start in range(0, len(run_ids), 500):
            rows = self._conn.execute(
                select(runs).where(R.rerun_of.in_(run_ids[start : start + 500]))
            ).mappings()
            for row in rows:
                run = run_from_row(row)
                found[str(run.rerun_of)] = run
        return found


def went_to_a_person() -> ColumnElement[bool]:
    """A run the guard counts as review: one the review queue waits on (its own condition,
    `waits_for_a_person`: needs_review, a `review` decision of the rules, or failed after its
    document was read), or one a person reviewed already (which waited for a person too)."""
    return or_(waits_for_a_person(), R.review_revision > 0)


def _owed(version: Any) -> tuple[Any, ...]:
    """Conditions of a failed run of `version` that a guard's rollback owes a re-run: its
    source file is still stored (pruned after the retention, it can never be run again) and no
    run re-runs it yet."""
    again = runs.alias("again")
    return (
        R.config_version == version,
        R.status == RunStatus.FAILED.value,
        R.source_sha256.is_not(None),
        select(sources.c.sha256).where(sources.c.sha256 == R.source_sha256).exists(),
        ~select(again.c.run_id).where(again.c.rerun_of == R.run_id).exists(),
    )


def _values(guard: Guard) -> dict[str, Any]:
    return {
        "config_id": guard.config_id,
        "version": guard.version,
        "previous_version": guard.previous_version,
        "spec": guard.spec.to_dict(),
        "baseline": guard.baseline.to_dict(),
        "armed_by": guard.armed_by,
        "armed_at": guard.armed_at,
        "status": guard.status.value,
        "started_at": guard.started_at,
        "decided_at": guard.decided_at,
        "figures": None if guard.figures is None else guard.figures.to_dict(),
        "breaches": [b.to_dict() for b in guard.breaches],
        "rollback_version": guard.rollback_version,
        "message": guard.message,
    }


def _guard(row: RowMapping) -> Guard:
    spec, problems = GuardSpec.parse(row["spec"])
    return Guard(
        guard_id=row["guard_id"],
        config_id=row["config_id"],
        version=row["version"],
        previous_version=row["previous_version"],
        spec=spec if spec is not None and not problems else GuardSpec(),
        baseline=Figures.from_dict(row["baseline"]),
        armed_by=row["armed_by"],
        armed_at=row["armed_at"],
        status=GuardStatus(row["status"]),
        started_at=row["started_at"],
        decided_at=row["decided_at"],
        figures=None if row["figures"] is None else Figures.from_dict(row["figures"]),
        breaches=[Breach.from_dict(b) for b in row["breaches"] or []],
        rollback_version=row["rollback_version"],
        message=row["message"],
    )
