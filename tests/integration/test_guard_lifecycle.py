"""A guard through the rest of the lifecycle, on SQLite and PostgreSQL: a trip while another
activation is pending, a cancelled activation, time windows with too few runs, failed runs owed
a re-run long after the trip, the webhook of every trip, thin baselines, the first N runs of a
window, the metrics of a process that lost the decision, and a rollback's copy."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from support.fakes import fake_module
from support.pipelines import make_runner, runner_on
from support.runs import running_run
from turnout.distributed.guard_webhook import HttpGuardWebhook
from turnout.domain.artifacts import Artifact
from turnout.domain.errors import ActivationPending, InputRejected
from turnout.domain.events import EventResult
from turnout.domain.guard import GuardSpec, GuardStatus
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import Run, RunOrigin, RunStatus
from turnout.observability.metrics import TurnoutMetrics
from turnout.observability.observer import MetricsAndLogsObserver
from turnout.persistence import Database
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.guard import GuardService, arm, requested_spec
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.validation import document_of


def _refuse(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise InputRejected("the file is over max_bytes; raise the setting")


REFUSING = fake_module("intake", "refusing", process=_refuse)


def _create(service: ConfigurationService, intake: str, guard: GuardSpec | None = None) -> int:
    doc = document_of(service.get(1))
    selections = {**doc.selections, "intake": SelectionDoc(intake)}
    return service.create(ConfigDocument(intake, selections, {}, guard), "ann").config.version


def _files(n: int, tag: str) -> list[tuple[str, bytes]]:
    return [(f"{tag}-{i}.pdf", f"%PDF {tag} {i}".encode()) for i in range(n)]


def _failed_local_run(db: Database, version: int, name: str) -> Run:
    """A run of `version` that failed in a process of `turnout process`, its source stored."""
    data = f"%PDF {name}".encode()
    sha = hashlib.sha256(data).hexdigest()
    now = utcnow()
    with db.unit_of_work() as uow:
        config = uow.configurations.get(version)
        assert config is not None
        run = Run(
            str(uuid.uuid4()),
            name,
            config.config_id,
            version,
            RunStatus.FAILED,
            now,
            started_at=now,
            finished_at=now,
            source_sha256=sha,
            origin=RunOrigin.LOCAL,
        )
        uow.runs.add(run)
        uow.sources.put(sha, data, now)
        uow.commit()
    return run


def _service(db: Database, registry: ModuleRegistry, **options: Any) -> GuardService:
    return GuardService(db.unit_of_work, ConfigurationService(db.unit_of_work, registry), **options)


def test_a_guard_tripping_while_another_activation_is_pending_cancels_it_and_rolls_back(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(20, "before"), concurrency=4)
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.refusing")
    v3 = _create(service, "intake.fake")
    assert service.activate(v2, "ann", guard=GuardSpec(runs=10)).status == "active"
    with db.unit_of_work() as uow:
        running_run(uow, v2)  # in flight: v3's activation waits for it
        uow.commit()
    assert service.activate(v3, "ann", guard=GuardSpec(runs=10)).status == "pending"
    failed = [_failed_local_run(db, v2, f"f{i}.pdf") for i in range(3)]

    guard = runner.guards.check(v2)

    assert guard is not None and guard.status is GuardStatus.TRIPPED
    assert guard.rollback_version is not None, guard.message
    with db.unit_of_work() as uow:
        pointers = uow.configurations.pointers()
        cancels = uow.events.list(action="cancel")
        v3_guard = uow.guards.for_version(v3)
        reruns = [r for r in uow.runs.list(limit=100) if r.rerun_of is not None]
        v3_status = uow.configurations.get(v3).status  # type: ignore[union-attr]
    assert pointers.active is not None and pointers.active.version == guard.rollback_version
    assert pointers.pending is None and str(v3_status) == "validated"
    assert [(e.actor, e.result, e.config_version) for e in cancels] == [
        ("guard", EventResult.OK, v3)
    ]
    assert "rollback to version 1" in cancels[0].message
    assert v3_guard is not None and v3_guard.status is GuardStatus.ENDED
    # the failed runs are run again, once each, on the restored version
    assert sorted(r.rerun_of for r in reruns) == sorted(r.run_id for r in failed)  # type: ignore[type-var]
    assert {(r.status, r.config_version) for r in reruns} == {
        (RunStatus.COMPLETED, guard.rollback_version)
    }
    runner.close()


def test_refusals_about_a_pending_activation_name_a_command_that_is_accepted(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.fake")
    v3 = _create(service, "intake.fake")
    with db.unit_of_work() as uow:
        running_run(uow, 1)
        uow.commit()
    assert service.activate(v2, "ann").status == "pending"
    with pytest.raises(ActivationPending) as same:
        service.activate(v2, "ann")
    with pytest.raises(ActivationPending) as other:
        service.activate(v3, "ann")
    with pytest.raises(ActivationPending) as back:
        service.rollback(1, "ann")
    for refusal in (same, other, back):
        assert "`turnout config cancel`" in str(refusal.value)
        assert "`turnout config rollback" not in str(refusal.value)
    assert "(this version)" in str(same.value) and "try again" in str(other.value)
    assert service.cancel("ann").status == "validated"  # the fix named is accepted
    assert service.activate(v3, "ann", force=True).status == "active"
    runner.close()


def test_cancel_ends_the_guard_armed_with_the_pending_activation(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.fake")
    with db.unit_of_work() as uow:
        held = running_run(uow, 1)
        uow.commit()
    assert service.activate(v2, "ann", guard=GuardSpec(runs=5)).status == "pending"

    cancelled = service.cancel("ann")

    assert "the guard armed with it is ended" in cancelled.message
    view = runner.guards.status()
    assert view is not None and view.guard.status is GuardStatus.ENDED
    assert view.guard.message == "its activation was cancelled"
    with db.unit_of_work() as uow:  # the run in flight ends; a plain activation arms nothing
        run = uow.runs.get(held.run_id)
        assert run is not None
        run.status, run.finished_at = RunStatus.COMPLETED, utcnow()
        uow.runs.finish(run)
        uow.commit()
    assert "guarded" not in service.activate(v2, "ann").message
    with db.unit_of_work() as uow:
        guard = uow.guards.for_version(v2)
    assert guard is not None and guard.status is GuardStatus.ENDED and guard.started_at is None
    runner.close()


def test_a_guard_left_watching_a_version_out_of_use_is_never_shown_watching(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.fake")
    with db.unit_of_work() as uow:  # armed on a version never activated (a stale row)
        arm(
            uow, uow.configurations.get(v2), 1, GuardSpec(runs=5), "ann", utcnow(), active_now=False
        )  # type: ignore[arg-type]
        uow.commit()
    view = runner.guards.status()
    assert view is not None and view.guard.status is GuardStatus.ENDED
    assert "neither active nor pending" in (view.guard.message or "")
    runner.guards.tick()
    with db.unit_of_work() as uow:
        assert uow.guards.for_version(v2).status is GuardStatus.ENDED  # type: ignore[union-attr]
    runner.close()


def test_a_time_window_waits_for_min_runs_and_trips_on_a_version_failing_every_run(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(20, "before"), concurrency=4)
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.refusing")
    spec = GuardSpec(runs=None, minutes=1, min_runs=5)
    assert service.activate(v2, "ann", guard=spec).status == "active"
    later = utcnow() + dt.timedelta(minutes=10)  # the window's time is long up
    guards = _service(db, registry, clock=lambda: later)
    late = runner_on(db, registry, tmp_path, guards=guards)

    late.run_many(_files(2, "few"), concurrency=1)
    guards.tick()

    view = guards.status()
    assert view is not None and view.guard.status is GuardStatus.WATCHING
    assert view.runs_missing == 3 and view.waiting is not None
    assert "waiting for 3 more run(s)" in view.waiting

    late.run_many(_files(3, "more"), concurrency=1)

    with db.unit_of_work() as uow:
        guard = uow.guards.for_version(v2)
    assert guard is not None and guard.status is GuardStatus.TRIPPED
    assert guard.rollback_version is not None
    late.close()
    runner.close()


def test_a_time_window_trips_on_its_observed_rates_before_its_end(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(20, "before"), concurrency=4)
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.refusing")
    spec = GuardSpec(runs=None, minutes=600, min_runs=4)
    assert service.activate(v2, "ann", guard=spec).status == "active"

    runner.run_many(_files(4, "bad"), concurrency=1)

    with db.unit_of_work() as uow:
        guard = uow.guards.for_version(v2)
    assert guard is not None and guard.status is GuardStatus.TRIPPED
    assert guard.figures is not None and guard.figures.runs == 4
    runner.close()


def test_the_window_asked_for_replaces_only_its_own_part_of_the_block(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    service = ConfigurationService(db.unit_of_work, registry)
    blocked = service.get(_create(service, "intake.fake", GuardSpec(runs=50, min_runs=7)))
    plain = service.get(_create(service, "intake.fake"))
    assert requested_spec(blocked, minutes=30) == GuardSpec(runs=50, minutes=30, min_runs=7)
    assert requested_spec(blocked, runs=20) == GuardSpec(runs=20, min_runs=7)
    assert requested_spec(plain, minutes=30) == GuardSpec(runs=None, minutes=30)
    assert requested_spec(plain) == GuardSpec()
    runner.close()


def test_failed_runs_are_re_run_however_long_after_the_trip_and_by_hand(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(20, "before"), concurrency=4)
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.refusing")
    assert service.activate(v2, "ann", guard=GuardSpec(runs=50)).status == "active"
    failed = [_failed_local_run(db, v2, f"lost-{i}.pdf") for i in range(3)]
    # decided by a process that cannot run files (e.g. `turnout serve` answering a request)
    tripped = _service(db, registry).check(v2)
    assert tripped is not None and tripped.rollback_version is not None
    with db.unit_of_work() as uow:
        assert len(uow.guards.failed_not_rerun(v2)) == 3
        assert [g.version for g in uow.guards.owing_reruns()] == [v2]

    later = _service(db, registry, clock=lambda: utcnow() + dt.timedelta(days=2))
    there = runner_on(db, registry, tmp_path, guards=later)  # runs files
    later.tick()  # the reaper's beat, two days later
    there.close()

    with db.unit_of_work() as uow:
        assert uow.guards.failed_not_rerun(v2) == []
        assert uow.guards.owing_reruns() == []
        reruns = {r.rerun_of for r in uow.runs.list(limit=100) if r.rerun_of}
    assert reruns == {r.run_id for r in failed}

    # a failed run whose source file was pruned can never be run again: nothing is owed for it
    gone = _failed_local_run(db, v2, "pruned.pdf")
    with db.unit_of_work() as uow:
        assert uow.sources.prune(utcnow() + dt.timedelta(days=1)) >= 1
        uow.commit()
        assert uow.guards.owing_reruns() == [] and uow.guards.rerun_by(gone.run_id) is None

    # by hand: `turnout config guard --rerun`, audited
    more = _failed_local_run(db, v2, "late.pdf")  # one that failed in flight after the trip
    assert runner.guards.rerun_owed("ann") == 1
    with db.unit_of_work() as uow:
        assert uow.guards.rerun_by(more.run_id) is not None
        events = [e for e in uow.events.list(action="guard") if e.actor == "ann"]
    assert len(events) == 1 and "re-ran 1 failed run(s)" in events[0].message
    runner.close()


class _Receiver:
    """A local HTTP server keeping the JSON bodies posted to it, answering after `delay_s`."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.bodies: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                threading.Event().wait(delay_s)
                length = int(self.headers["Content-Length"])
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def slow_receiver() -> Iterator[_Receiver]:
    r = _Receiver(delay_s=0.5)
    yield r
    r.server.shutdown()


def test_every_trip_is_posted_and_closing_waits_for_the_post(
    db: Database, tmp_path: Path, slow_receiver: _Receiver
) -> None:
    """A trip that could not roll back is posted too; a short process that closes at once still
    delivers it (the receiver answers slowly)."""
    runner, registry = make_runner(db, tmp_path, [REFUSING], {"intake": "intake.refusing"})
    with db.unit_of_work() as uow:
        uow.settings.put("guard_webhook_url", slow_receiver.url, "ann", utcnow())
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
    guards = _service(db, registry, webhook=HttpGuardWebhook(timeout_s=5.0))
    short = runner_on(db, registry, tmp_path, guards=guards)
    short.run_many(_files(1, "x"), concurrency=1)

    guards.close()  # what App.close does as `turnout process` exits

    assert [(b["event"], b["rolled_back"], b["version"]) for b in slow_receiver.bodies] == [
        ("guard_tripped", False, 1)
    ]
    short.close()
    runner.close()


def test_a_previous_version_with_too_few_runs_gives_absolute_limits(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(3, "thin"), concurrency=1)  # 3 runs: no baseline
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.fake")
    activated = service.activate(v2, "ann", guard=GuardSpec(runs=10))
    assert "no baseline" in activated.message and "absolute limits" in activated.message
    view = runner.guards.status()
    assert view is not None and view.to_dict()["baseline_kind"] == "absolute"
    assert view.limits == {"failure_rate": 2.0, "review_rate": 10.0}
    runner.close()


def test_a_runs_window_is_judged_on_its_first_n_runs(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(8, "early"), concurrency=1)
    with db.unit_of_work() as uow:  # armed by hand after 8 runs finished on version 1
        start = utcnow() - dt.timedelta(hours=1)
        arm(
            uow,
            uow.configurations.get(1),
            None,
            GuardSpec(runs=5, p95_ratio=1e6),
            "ann",
            start,
            active_now=True,
        )  # type: ignore[arg-type]
        uow.commit()
    assert runner.guards.status().runs_seen == 5  # type: ignore[union-attr]
    guard = runner.guards.check(1)
    assert guard is not None and guard.status is GuardStatus.PASSED
    assert guard.figures is not None and guard.figures.runs == 5
    runner.close()


def test_guard_metrics_follow_a_decision_taken_elsewhere_and_time_windows(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    runner.run_many(_files(20, "before"), concurrency=4)
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.fake")
    spec = GuardSpec(runs=None, minutes=10, min_runs=50)
    assert service.activate(v2, "ann", guard=spec).status == "active"
    metrics = TurnoutMetrics()
    halfway = utcnow() + dt.timedelta(minutes=5)
    here = _service(db, registry, observer=MetricsAndLogsObserver(metrics), clock=lambda: halfway)

    here.check(v2)

    assert metrics.guarded_version._value.get() == v2
    assert 0.45 < metrics.guard_progress._value.get() <= 0.6  # half its time window
    v3 = _create(service, "intake.fake")  # another version replaces it: the guard ends
    assert service.activate(v3, "ann").status == "active"
    here.tick()
    assert metrics.guarded_version._value.get() == 0
    runner.close()


def test_a_rollback_copy_carries_no_guard_block(db: Database, tmp_path: Path) -> None:
    runner, registry = make_runner(db, tmp_path, [REFUSING])
    service = ConfigurationService(db.unit_of_work, registry)
    v2 = _create(service, "intake.fake", GuardSpec(runs=50))
    assert service.activate(v2, "ann").status == "active"  # its own block arms a guard
    v3 = _create(service, "intake.fake")
    assert service.activate(v3, "ann").status == "active"

    rolled = service.rollback(v2, "ann")

    copy = service.get(rolled.version)
    assert service.get(v2).guard is not None and copy.guard is None
    assert "guarded" not in rolled.message
    runner.close()
