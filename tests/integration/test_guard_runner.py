"""Guarded activation with a local runner (`turnout process` style), on SQLite and PostgreSQL: a
guard that passes, and one that trips, rolls back by itself and runs the failed runs again on the
restored version, each exactly once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from support.fakes import fake_module
from support.pipelines import make_runner, runner_on
from support.runs import running_run
from turnout.domain.artifacts import Artifact
from turnout.domain.errors import InputRejected
from turnout.domain.events import EventAction, EventResult
from turnout.domain.guard import GuardSpec, GuardStatus
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import RunStatus
from turnout.persistence import Database
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.guard import GuardService, arm
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.validation import document_of


def _refuse(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise InputRejected("the file is over max_bytes; raise the setting")


REFUSING = fake_module("intake", "refusing", process=_refuse)


def _guarded(db: Database, registry: ModuleRegistry, intake: str, spec: GuardSpec) -> int:
    """Create and activate (guarded) a copy of version 1 with another intake module."""
    service = ConfigurationService(db.unit_of_work, registry)
    doc = document_of(service.get(1))
    version = service.create(
        ConfigDocument("guarded", {**doc.selections, "intake": SelectionDoc(intake)}), "ann"
    ).config.version
    result = service.activate(version, "ann", guard=spec)
    assert result.status == "active", result.message
    return version


def _files(n: int, tag: str) -> list[tuple[str, bytes]]:
    return [(f"{tag}-{i}.pdf", f"%PDF {tag} {i}".encode()) for i in range(n)]


def test_a_guard_passes_when_the_window_ends_within_its_limits(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(20, "before"), concurrency=4)  # the baseline
    # no p95 limit to speak of: run times of a few milliseconds are noise
    v2 = _guarded(db, registry, "intake.fake", GuardSpec(runs=10, p95_ratio=1e6))

    runs = runner.run_many(_files(12, "after"), concurrency=1)

    assert {r.status for r in runs} == {RunStatus.COMPLETED}
    view = runner.guards.status()
    assert view is not None and view.guard.version == v2
    assert view.guard.status is GuardStatus.PASSED
    assert view.guard.figures is not None and view.guard.figures.runs == 10
    with db.unit_of_work() as uow:
        assert uow.configurations.pointers().active.version == v2  # type: ignore[union-attr]
        events = uow.events.list(action="guard")
    assert [(e.actor, e.result) for e in events] == [("guard", EventResult.OK)]
    assert "passed" in events[0].message and "10 run(s)" in events[0].message
    runner.close()


def test_a_tripped_guard_rolls_back_and_reruns_every_failed_run_once(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(20, "before"), concurrency=4)
    v2 = _guarded(db, registry, "intake.refusing", GuardSpec(runs=50))

    runs = runner.run_many(_files(30, "after"), concurrency=4)

    with db.unit_of_work() as uow:
        active = uow.configurations.pointers().active
        guard = uow.guards.for_version(v2)
        every = uow.runs.list(limit=500)
        rollbacks = uow.events.list(action="rollback")
        decisions = uow.events.list(action="guard")
    assert guard is not None and guard.status is GuardStatus.TRIPPED
    assert guard.rollback_version is not None and active is not None
    assert active.version == guard.rollback_version  # the restored copy of version 1
    assert [b.what for b in guard.breaches] == ["failure_rate"]
    # the trail: one rollback by `guard`, forced, with the figures, limits and breaches
    assert [(e.actor, e.result, e.config_version) for e in rollbacks] == [
        ("guard", EventResult.OK, guard.rollback_version)
    ]
    note = rollbacks[0].message
    assert "failure_rate" in note and "limits:" in note and "figures:" in note
    assert [e.actor for e in decisions] == ["guard"] and "rolled back" in decisions[0].message

    # no invoice lost: each file of the batch ends in exactly one completed run; each failed
    # run on the guarded version has exactly one re-run, on the restored version, completed
    failed = [r for r in every if r.config_version == v2]
    assert failed and {r.status for r in failed} == {RunStatus.FAILED}
    reruns = {r.rerun_of: r for r in every if r.rerun_of is not None}
    assert set(reruns) == {r.run_id for r in failed}
    assert {(r.status, r.config_version) for r in reruns.values()} == {
        (RunStatus.COMPLETED, guard.rollback_version)
    }
    completed = Counter(
        r.file_name for r in every if r.status is RunStatus.COMPLETED and "after" in r.file_name
    )
    assert completed == Counter(name for name, _ in _files(30, "after"))
    assert len(runs) == 30

    # judging again (the tick, another process) re-runs nothing twice
    runner.guards.tick()
    with db.unit_of_work() as uow:
        assert len(uow.runs.list(limit=500)) == len(every)
    runner.close()


def test_two_services_decide_once(db: Database, tmp_path: Path) -> None:
    """Two processes judging the same finished runs: one decision, one rollback."""
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    v2 = _guarded(db, registry, "intake.refusing", GuardSpec(runs=50))
    quiet = GuardService(db.unit_of_work, ConfigurationService(db.unit_of_work, registry))
    other = runner_on(db, registry, tmp_path, guards=quiet)
    runs = [other.run_bytes(name, data) for name, data in _files(3, "x")]  # judged by `quiet`
    assert runs[0].status is RunStatus.FAILED
    with db.unit_of_work() as uow:
        rollbacks = uow.events.list(action="rollback")
    assert len(rollbacks) == 1
    assert runner.guards.check(v2) is not None
    assert runner.guards.check(v2).status is GuardStatus.TRIPPED  # type: ignore[union-attr]
    with db.unit_of_work() as uow:
        assert len(uow.events.list(action="rollback")) == 1
        assert len(uow.events.list(action=EventAction.GUARD.value)) == 1
    other.close()
    runner.close()


def test_a_guard_with_no_earlier_version_trips_and_stays(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(db, tmp_path, [REFUSING], {"intake": "intake.refusing"})
    with db.unit_of_work() as uow:  # arm by hand a guard on version 1 (nothing before it)
        arm(
            uow,
            uow.configurations.get(1),
            None,
            GuardSpec(runs=5),
            "ann",
            utcnow(),
            active_now=True,
        )  # type: ignore[arg-type]
        uow.commit()
    runner.run_many(_files(3, "y"), concurrency=1)
    with db.unit_of_work() as uow:
        guard = uow.guards.for_version(1)
        assert uow.configurations.pointers().active.version == 1  # type: ignore[union-attr]
        events = uow.events.list(action="guard")
    assert guard is not None and guard.status is GuardStatus.TRIPPED
    assert guard.rollback_version is None and "nothing to roll back" in (guard.message or "")
    assert [e.result for e in events] == [EventResult.FAILED]
    runner.close()


def test_a_time_window_ends_on_a_quiet_system_at_the_next_tick(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(5, "before"), concurrency=1)
    v2 = _guarded(
        db, registry, "intake.fake", GuardSpec(runs=None, minutes=1, min_runs=2, p95_ratio=1e6)
    )
    runner.run_many(_files(3, "after"), concurrency=1)
    assert runner.guards.check(v2).status is GuardStatus.WATCHING  # type: ignore[union-attr]

    later = utcnow() + dt.timedelta(minutes=2)  # nothing runs any more; the reaper still beats
    ticking = GuardService(
        db.unit_of_work, ConfigurationService(db.unit_of_work, registry), clock=lambda: later
    )
    ticking.tick()

    with db.unit_of_work() as uow:
        guard = uow.guards.for_version(v2)
        events = uow.events.list(action="guard")
    assert guard is not None and guard.status is GuardStatus.PASSED
    assert guard.figures is not None and guard.figures.runs == 3
    assert [(e.actor, e.result) for e in events] == [("guard", EventResult.OK)]
    runner.close()


def test_a_guard_armed_on_a_pending_activation_starts_at_the_switch_once(
    db: Database, tmp_path: Path
) -> None:
    """Queued behind a run in flight, then forced: one guard, started when it became active."""
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    with db.unit_of_work() as uow:
        running_run(uow, 1)
        uow.commit()
    service = ConfigurationService(db.unit_of_work, registry)
    doc = document_of(service.get(1))
    v2 = service.create(ConfigDocument("guarded", dict(doc.selections)), "ann").config.version
    assert service.activate(v2, "ann", guard=GuardSpec(runs=5)).status == "pending"
    pending = runner.guards.status()
    assert pending is not None and pending.guard.started_at is None
    assert pending.guard.previous_version == 1

    assert service.activate(v2, "ann", force=True).status == "active"

    with db.unit_of_work() as uow:
        guards = uow.guards.list()
    assert [(g.version, g.status, g.previous_version) for g in guards] == [
        (v2, GuardStatus.WATCHING, 1)
    ]
    assert guards[0].started_at is not None
    runner.close()
