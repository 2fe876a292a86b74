"""Leases of local runs on SQLite and PostgreSQL: taken at admission, kept by the heartbeat,
cleared at the end; the reaper ends the runs of a dead process `failed` (queued runs go back to
the queue instead), and a pending activation then goes through; breakers moving are audited."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, inspect

from support.fakes import fake_module
from support.pipelines import activate, make_runner
from turnout.domain.artifacts import Artifact, Text
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.events import EventAction
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import AttemptOutcome, Run, RunOrigin, RunStatus, StageAttempt
from turnout.persistence import Database
from turnout.persistence.tables import runs
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import PolicyDoc
from turnout.runtime.lifecycle import AdmissionGate

ConfigFactory = Callable[..., ModuleConfiguration]
NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def run_db(catalog_db: Database, make_config: ConfigFactory) -> Database:
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, ConfigStatus.ACTIVE, config_id="c1"))
        uow.commit()
    return catalog_db


def _run(run_id: str, holder: str | None, origin: RunOrigin = RunOrigin.LOCAL) -> Run:
    return Run(
        run_id=run_id,
        file_name=f"{run_id}.pdf",
        config_id="c1",
        config_version=1,
        status=RunStatus.RUNNING,
        created_at=NOW,
        started_at=NOW,
        worker=holder,
        origin=origin,
    )


def _get(db: Database, run_id: str) -> Run:
    with db.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    assert run is not None
    return run


def test_a_local_run_is_admitted_with_its_lease_and_finishing_clears_it(run_db: Database) -> None:
    with run_db.unit_of_work() as uow:
        uow.runs.add(_run("live", "host:1:aaaaaa"), lease_s=30)
        uow.commit()
    stored = _get(run_db, "live")
    assert stored.origin is RunOrigin.LOCAL and stored.worker == "host:1:aaaaaa"
    assert stored.lease_expires_at is not None
    left = (stored.lease_expires_at - dt.datetime.now(dt.UTC)).total_seconds()
    assert 20 < left <= 31
    stored.status, stored.finished_at = RunStatus.COMPLETED, dt.datetime.now(dt.UTC)
    with run_db.unit_of_work() as uow:
        assert not uow.runs.finish(stored, held_by="host:2:bbbbbb")  # not its holder
        assert uow.runs.finish(stored, held_by="host:1:aaaaaa")
        uow.commit()
    done = _get(run_db, "live")
    assert (done.status, done.lease_expires_at, done.worker) == (
        RunStatus.COMPLETED,
        None,
        "host:1:aaaaaa",
    )


def test_the_reaper_ends_only_expired_local_runs_failed_and_keeps_their_attempts(
    run_db: Database,
) -> None:
    with run_db.unit_of_work() as uow:
        uow.runs.add(_run("orphan", "host:9:dead00"), lease_s=-60)  # expired a minute ago
        uow.runs.add_attempts(
            [StageAttempt("orphan", "intake", "intake.default", 1, AttemptOutcome.OK, 1.0, NOW)]
        )
        uow.runs.add(_run("live", "host:1:aaaaaa"), lease_s=30)
        uow.runs.add(_run("queued", "worker:3:cccccc", RunOrigin.QUEUE), lease_s=-60)
        uow.runs.add(_run("unleased", None))  # a run inserted without a lease is never reaped
        uow.commit()
    with run_db.reader() as reader:
        assert reader.runs.expired_local(dt.datetime.now(dt.UTC)) == 1
    with run_db.unit_of_work() as uow:
        [orphan] = uow.runs.reap_local(dt.datetime.now(dt.UTC))
        assert uow.runs.reap(dt.datetime.now(dt.UTC)) == ["queued"]  # the queue's own reaper
        uow.commit()
    assert orphan.run_id == "orphan"
    stored = _get(run_db, "orphan")
    assert stored.status is RunStatus.FAILED and stored.finished_at is not None
    assert stored.reason is not None
    assert stored.reason.startswith("the process running it stopped: host:9:dead00 held it")
    assert stored.reason.endswith("process the file again") and stored.reason == orphan.reason
    assert [a.stage_id for a in stored.attempts] == ["intake"]
    assert _get(run_db, "live").status is RunStatus.RUNNING
    assert _get(run_db, "unleased").status is RunStatus.RUNNING
    assert _get(run_db, "queued").status is RunStatus.QUEUED
    with run_db.unit_of_work() as uow:
        assert uow.runs.reap_local(dt.datetime.now(dt.UTC)) == []  # ended once
        assert uow.runs.in_flight() == 3  # live, unleased, and the queued run to resume


def test_the_heartbeat_renews_an_expired_lease_its_holder_still_has(run_db: Database) -> None:
    with run_db.unit_of_work() as uow:
        uow.runs.add(_run("late", "host:1:aaaaaa"), lease_s=-1)
        uow.commit()
    with run_db.unit_of_work() as uow:
        assert uow.runs.renew_leases("host:2:bbbbbb", 30, ["late"]) == 0
        assert uow.runs.renew_leases("host:1:aaaaaa", 30, ["late"]) == 1
        uow.commit()
    with run_db.unit_of_work() as uow:
        assert uow.runs.reap_local(dt.datetime.now(dt.UTC)) == []


def _slow(seconds: float) -> Callable[[Artifacts, RunContext], list[Artifact]]:
    def process(inputs: Artifacts, context: RunContext) -> list[Artifact]:
        time.sleep(seconds)
        return [Text(("slow",), "slow", (1.0,))]

    return process


def test_a_live_run_is_never_reaped_while_its_heartbeat_runs(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "slow", process=_slow(1.5))],
        {"text": "text.slow"},
        lease_s=0.3,  # the run lasts five leases
    )
    reaped: list[Run] = []
    stop = threading.Event()

    def reap_all_along() -> None:
        while not stop.is_set():
            reaped.extend(runner.reap_orphans())
            time.sleep(0.05)

    reaper = threading.Thread(target=reap_all_along)
    reaper.start()
    try:
        run = runner.run_bytes("slow.pdf", b"%PDF")
    finally:
        stop.set()
        reaper.join()
        runner.close()
    assert reaped == []
    assert run.status is RunStatus.COMPLETED
    stored = _get(db, run.run_id)
    assert (stored.status, stored.worker, stored.lease_expires_at) == (
        RunStatus.COMPLETED,
        runner.holder,
        None,
    )


def test_a_run_of_a_dead_process_is_reaped_and_the_pending_activation_goes_through(
    db: Database, tmp_path: Path
) -> None:
    runner, registry = make_runner(db, tmp_path)
    # a process that died mid-run: admitted with a short lease nobody renews
    gate = AdmissionGate(db.unit_of_work, utcnow)  # the dead process's
    orphan, _ = gate.admit("orphan.pdf", holder="gone:42:abcdef", lease_s=0.5, drain=None)
    version = activate(db, registry)  # pending behind the orphan
    with db.unit_of_work() as uow:
        assert uow.configurations.pointers().pending is not None
    run = runner.run_bytes("next.pdf", b"%PDF")  # waits at the gate, which reaps the orphan
    runner.close()
    assert run.config_version == version and run.status is RunStatus.COMPLETED
    stored = _get(db, orphan.run_id)
    assert stored.status is RunStatus.FAILED
    assert stored.reason is not None and "gone:42:abcdef" in stored.reason
    with db.unit_of_work() as uow:
        pointers = uow.configurations.pointers()
        events = uow.events.list(action=EventAction.RUN_ORPHANED.value)
    assert pointers.active is not None and pointers.active.version == version
    assert pointers.pending is None
    assert [e.config_version for e in events] == [1]
    assert orphan.run_id in events[0].message


def test_circuit_breaker_moves_are_audit_events(db: Database, tmp_path: Path) -> None:
    def _raise(inputs: Artifacts, context: RunContext) -> list[Artifact]:
        raise RuntimeError("primary is down")

    runner, _ = make_runner(
        db,
        tmp_path,
        [
            fake_module("text", "down", process=_raise),
            fake_module("text", "backup", is_fallback=True),
        ],
        {"text": "text.down"},
        {
            "text": PolicyDoc(
                "text.backup",
                ("error", "circuit_open"),
                {"circuit": {"failure_rate": 0.5, "window": 2, "open_s": 0.2}},
            )
        },
    )
    runner.run_bytes("1.pdf", b"%PDF")
    runner.run_bytes("2.pdf", b"%PDF")  # the second failure opens the breaker
    time.sleep(0.25)
    runner.run_bytes("3.pdf", b"%PDF")  # half-open: the trial fails, it opens again
    runner.close()  # writes what is queued
    with db.unit_of_work() as uow:
        events = uow.events.list(action=EventAction.BREAKER_CHANGED.value)
    messages = [e.message for e in reversed(events)]
    assert [m.rsplit("(state ", 1)[1].rstrip(")") for m in messages] == [
        "open",
        "half_open",
        "open",
    ]
    assert all(m.startswith("stage `text`, module `text.down`") for m in messages)


def test_migration_0009_tells_queued_runs_from_local_ones_and_frees_stranded_runs(
    empty_db_url: str,
) -> None:
    db = Database(empty_db_url)
    try:
        config = db._alembic_config()
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0008")
        row = {"file_name": "f.pdf", "created_at": NOW, "started_at": NOW, "worker": None}
        with db.engine.begin() as conn:
            conn.execute(
                insert(runs),
                [
                    {**row, "run_id": "done", "status": "completed"},
                    {**row, "run_id": "stranded", "status": "running"},
                    {**row, "run_id": "worked", "status": "completed", "worker": "w:1:aaaaaa"},
                    {**row, "run_id": "submitted", "status": "queued", "started_at": None},
                ],
            )
        assert db.upgrade() == db.head_revision()
        got = {r: _get(db, r) for r in ("done", "stranded", "worked", "submitted")}
        assert {r: run.origin.value for r, run in got.items()} == {
            "done": "local",
            "stranded": "local",
            "worked": "queue",
            "submitted": "queue",
        }
        # a run a dead process left running before leases existed is reaped, not kept for ever
        with db.unit_of_work() as uow:
            [reaped] = uow.runs.reap_local(dt.datetime.now(dt.UTC))
            uow.commit()
        assert reaped.run_id == "stranded" and _get(db, "stranded").status is RunStatus.FAILED
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0008")
        assert "origin" not in {c["name"] for c in inspect(db.engine).get_columns("runs")}
        assert db.upgrade() == db.head_revision()
    finally:
        db.dispose()
