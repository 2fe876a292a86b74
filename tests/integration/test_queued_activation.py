"""Activation while runs are in flight: pending, admission paused, switch when the last old run
ends, no run on two versions, none lost, all audited."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from support.fakes import fake_module
from support.pipelines import activate, make_runner
from support.runs import running_run
from turnout.domain.artifacts import Artifact, Text
from turnout.domain.errors import ActivationPending
from turnout.domain.events import EventAction, EventResult
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import RunStatus
from turnout.persistence import Database
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.validation import document_of


def _slow(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    time.sleep(random.uniform(0.03, 0.1))
    return [Text((f"v{context.config_version}",), context.module_id, (1.0,))]


# The old module holds its runs until the test has asked for the activation, so the runs in flight
# are still in flight when it does (on a loaded machine they could otherwise all end first).
_asked = threading.Event()


def _held(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    _asked.wait(timeout=60)
    return _slow(inputs, context)


OLD = fake_module("text", "old", process=_slow)
HELD_OLD = fake_module("text", "old", process=_held)
NEW = fake_module("text", "new", process=_slow)


@pytest.mark.parametrize("total", [200])
def test_activation_mid_flight_is_pending_and_switches_when_the_last_old_run_ends(
    db: Database, tmp_path: Path, total: int
) -> None:
    runner, registry = make_runner(db, tmp_path, [HELD_OLD, NEW], {"text": "text.old"})
    service = ConfigurationService(db.unit_of_work, registry)
    third = service.create(
        _doc(service, "text.old"), "ann"
    ).config.version  # ready to activate later
    service.validate(third, "ann")
    runs: list = []  # type: ignore[type-arg]
    _asked.clear()
    worker = threading.Thread(
        target=lambda: runs.extend(
            runner.run_many([(f"{i}.pdf", b"%PDF") for i in range(total)], concurrency=8)
        )
    )
    worker.start()
    while True:  # wait until the pipeline is busy
        with db.unit_of_work() as uow:
            if uow.runs.in_flight() >= 4:
                break
        time.sleep(0.002)
    try:
        v2 = activate(db, registry, {"text": "text.new"})  # create + validate + activate
    finally:
        _asked.set()
    with db.unit_of_work() as uow:
        assert uow.configurations.get(v2).status == "pending"  # type: ignore[union-attr]
        requested_at = next(
            e.created_at for e in uow.events.list(action="activate") if e.result == "pending"
        )
    with pytest.raises(ActivationPending, match=f"version {v2} is already pending"):
        service.activate(third, "ann")
    worker.join(timeout=120)
    assert not worker.is_alive()

    assert len(runs) == total and all(r.status is RunStatus.COMPLETED for r in runs)
    with db.unit_of_work() as uow:
        stored = uow.runs.list(limit=total + 10)
        assert len(stored) == total and uow.runs.in_flight() == 0  # none lost
        events = list(reversed(uow.events.list(limit=100)))
        assert uow.configurations.get(v2).status == "active"  # type: ignore[union-attr]
        assert uow.configurations.get(1).status == "superseded"  # type: ignore[union-attr]
    for run in runs:  # every run on exactly one version, start to end
        text = next(a for a in run.attempts if a.stage_id == "text")
        assert text.module_id == ("text.old" if run.config_version == 1 else "text.new")
    old = [r for r in runs if r.config_version == 1]
    new = [r for r in runs if r.config_version == v2]
    assert old and new
    assert all(r.created_at <= requested_at for r in old)  # admitted before the request ...
    assert all(r.created_at >= requested_at for r in new)  # ... or after it, on the new version
    [switch] = [e for e in events if e.action is EventAction.SWITCH]
    last_old_finished = max(r.finished_at for r in old if r.finished_at)
    assert switch.result is EventResult.OK
    # The switch follows the last old run at once (no poll, no deadline in between). The 100 ms
    # target itself is measured by bench/bench_activation.py (about 20 ms there): on a shared, loaded
    # machine a timed assertion would only measure the neighbours, so the test allows a wide margin.
    assert switch.created_at >= last_old_finished
    assert (switch.created_at - last_old_finished).total_seconds() < 1.0
    assert all(r.created_at >= switch.created_at for r in new)
    actions = [(e.action, e.result) for e in events if e.config_version in (v2, third)]
    assert (EventAction.ACTIVATE, EventResult.PENDING) in actions
    assert (EventAction.ACTIVATE, EventResult.REFUSED) in actions
    assert (EventAction.SWITCH, EventResult.OK) in actions


def _doc(service: ConfigurationService, text_module: str) -> ConfigDocument:
    doc = document_of(service.get(1))
    return ConfigDocument(
        "third", {**doc.selections, "text": SelectionDoc(text_module)}, doc.policies
    )


def test_cancel_resumes_admission_on_the_old_version(db: Database, tmp_path: Path) -> None:
    runner, registry = make_runner(db, tmp_path, [OLD, NEW], {"text": "text.old"}, poll_s=0.01)
    service = ConfigurationService(db.unit_of_work, registry)
    with db.unit_of_work() as uow:  # a run of another process, still in flight
        running_run(uow, 1)
        uow.commit()
    activate(db, registry, {"text": "text.new"})
    admitted: list = []  # type: ignore[type-arg]
    waiting = threading.Thread(target=lambda: admitted.append(runner.run_bytes("w.pdf", b"%PDF")))
    waiting.start()
    time.sleep(0.1)
    assert not admitted and runner.admission_paused_for == 2  # waiting, not refused
    service.cancel("ann")
    waiting.join(timeout=10)
    assert admitted and admitted[0].config_version == 1


def test_forced_activation_switches_with_runs_in_flight(db: Database, tmp_path: Path) -> None:
    _, registry = make_runner(db, tmp_path, [OLD, NEW], {"text": "text.old"})
    service = ConfigurationService(db.unit_of_work, registry)
    with db.unit_of_work() as uow:
        running_run(uow, 1)
        uow.commit()
    v2 = activate(db, registry, {"text": "text.new"})
    result = service.activate(v2, "ann", force=True)
    assert result.status == "active" and "forced" in result.message
    assert service.get(None).version == v2


def test_drain_deadline_is_recorded_once_and_runs_keep_waiting(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(
        db, tmp_path, [OLD, NEW], {"text": "text.old"}, poll_s=0.01, drain_deadline_s=0.05
    )
    service = ConfigurationService(db.unit_of_work, registry)
    with db.unit_of_work() as uow:  # a run of another process that takes its time
        stuck = running_run(uow, 1)
        uow.commit()
    v2 = activate(db, registry, {"text": "text.new"})
    admitted: list = []  # type: ignore[type-arg]
    waiting = threading.Thread(target=lambda: admitted.append(runner.run_bytes("w.pdf", b"%PDF")))
    waiting.start()
    time.sleep(0.3)
    assert not admitted  # still waiting: the deadline never forces anything by itself
    with db.unit_of_work() as uow:
        deadlines = uow.events.list(action="drain_deadline")
    assert len(deadlines) == 1 and deadlines[0].config_version == v2
    assert "turnout config cancel" in deadlines[0].message and "--force" in deadlines[0].message
    service.activate(v2, "ann", force=True)  # the operator decides
    waiting.join(timeout=10)
    assert admitted and admitted[0].config_version == v2
    with db.unit_of_work() as uow:
        assert uow.runs.get(stuck.run_id).config_version == 1  # type: ignore[union-attr]
