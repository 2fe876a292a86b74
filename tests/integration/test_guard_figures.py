"""What a guard counts and says, on SQLite and PostgreSQL: the review rate counts every run the
review queue waits on (a `review` decision of the routing rules too), in the window and in the
baseline; a trip says its breach in words that agree with its figures; every process's gauges
follow a decision another process took; a thin baseline says it gives absolute limits."""

from __future__ import annotations

from pathlib import Path

from support.fakes import fake_module
from support.pipelines import make_runner, runner_on
from turnout.domain.artifacts import Artifact, Decision, Outcome
from turnout.domain.errors import InputRejected
from turnout.domain.guard import GuardSpec, GuardStatus
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import RunStatus
from turnout.observability.metrics import TurnoutMetrics
from turnout.observability.observer import MetricsAndLogsObserver
from turnout.persistence import Database
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.guard import GuardService
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.validation import document_of


def _review(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    return [Decision(Outcome.REVIEW, ("total above review_above",))]


def _refuse(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise InputRejected("the file is over max_bytes; raise the setting")


REVIEWING = fake_module("route", "reviewing", process=_review)
REFUSING = fake_module("intake", "refusing", process=_refuse)


def _version(db: Database, registry: ModuleRegistry, **chosen: str) -> int:
    service = ConfigurationService(db.unit_of_work, registry)
    doc = document_of(service.get(1))
    selections = {**doc.selections, **{s: SelectionDoc(m) for s, m in chosen.items()}}
    return service.create(ConfigDocument("changed", selections), "ann").config.version


def _files(n: int, tag: str) -> list[tuple[str, bytes]]:
    return [(f"{tag}-{i}.pdf", f"%PDF {tag} {i}".encode()) for i in range(n)]


def test_runs_the_rules_send_to_review_count_in_the_review_rate(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REVIEWING])
    runner.run_many(_files(20, "before"), concurrency=4)  # approved: a 0 % review baseline
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _version(db, registry, route="route.reviewing")
    assert service.activate(v2, "ann", guard=GuardSpec(runs=10, p95_ratio=1e6)).status == "active"

    runs = runner.run_many(_files(10, "after"), concurrency=1)

    # completed, with the rules' decision `review`: the review queue waits on each of them
    on_v2 = [r for r in runs if r.config_version == v2]
    assert on_v2 and {(r.status, (r.decision or {}).get("outcome")) for r in on_v2} == {
        (RunStatus.COMPLETED, "review")
    }
    with db.unit_of_work() as uow:
        guard = uow.guards.for_version(v2)
        # a baseline of a version whose runs went to review counts them too
        assert uow.guards.figures(v2, last=200).review == len(on_v2)
    assert guard is not None and guard.status is GuardStatus.TRIPPED
    assert [b.what for b in guard.breaches] == ["review_rate"]
    assert guard.message is not None and "review 2 (100.0 %)" in guard.message
    assert guard.breaches[0].count is not None and guard.breaches[0].count >= 2
    runner.close()


def test_a_trip_before_the_window_ends_says_how_many_of_the_window_failed(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    v2 = _version(db, registry, intake="intake.refusing")
    service = ConfigurationService(db.unit_of_work, registry)
    assert service.activate(v2, "ann", guard=GuardSpec(runs=20)).status == "active"

    runner.run_bytes(*_files(1, "after")[0])

    with db.unit_of_work() as uow:
        guard = uow.guards.for_version(v2)
        events = uow.events.list(action="guard")
    assert guard is not None and guard.status is GuardStatus.TRIPPED
    said = (
        "failure_rate: 1 of the window's 20 runs failed already: at least 5.0 % of the window, "
        "over its limit 2.0 %"
    )
    assert said in str(guard.breaches[0])
    assert said in (guard.message or "") and said in events[0].message
    assert "failure_rate 5.0 %" not in (guard.message or "")  # no rate beside 1 run (100.0 %)
    runner.close()


def test_every_process_gauges_follow_a_decision_another_process_took(
    db: Database, tmp_path: Path
) -> None:
    metrics = TurnoutMetrics()
    runner, registry = make_runner(
        db, tmp_path, [REFUSING], observer=MetricsAndLogsObserver(metrics)
    )
    runner.run_many(_files(20, "before"), concurrency=4)
    v2 = _version(db, registry, intake="intake.refusing")
    service = ConfigurationService(db.unit_of_work, registry)
    assert service.activate(v2, "ann", guard=GuardSpec(runs=50)).status == "active"
    runner.guards.tick()  # this process (`turnout serve`) watches: nothing decided yet
    assert metrics.guarded_version._value.get() == v2
    assert metrics.active_config_version._value.get() == v2
    assert metrics.guard_trips._value.get() == 0

    # another process runs files on v2: its guard trips and rolls back there
    other = runner_on(
        db,
        registry,
        tmp_path,
        guards=GuardService(db.unit_of_work, ConfigurationService(db.unit_of_work, registry)),
    )
    other.run_many(_files(2, "elsewhere"), concurrency=1)
    other.close()
    with db.unit_of_work() as uow:
        guard = uow.guards.for_version(v2)
    assert guard is not None and guard.rollback_version is not None

    runner.guards.tick()  # this process's periodic beat reads what the other decided

    assert metrics.guarded_version._value.get() == 0
    assert metrics.active_config_version._value.get() == guard.rollback_version
    assert metrics.guard_trips._value.get() == 1  # what to alert on, whichever process decided
    assert metrics.guard_rollbacks._value.get() == 0  # this process made no rollback itself
    runner.close()


def test_a_guard_without_a_baseline_says_its_limits_are_absolute(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path)
    runner.run_many(_files(3, "before"), concurrency=1)  # too few to compare with
    v2 = _version(db, registry, route="route.fake")
    service = ConfigurationService(db.unit_of_work, registry)

    result = service.activate(v2, "ann", guard=GuardSpec(runs=10))

    assert "no baseline: absolute limits" in result.message
    assert "version 1 has 3 finished run(s), fewer than 20" in result.message
    view = runner.guards.status()  # what `turnout config guard` and the dashboard's card read
    assert view is not None and view.absolute
    assert view.guard.message is not None and "no baseline: absolute limits" in view.guard.message
    assert view.to_dict()["message"] == view.guard.message
    runner.close()
