"""The worker queue in one process, on PostgreSQL with the real default pipeline: submission in one
transaction with its job, leases, one result per (run, stage), resume after a worker died, the
reaper, hand-back on stop, and the activation barrier for queued runs."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from conftest import PostgresServer
from support.queue import jobs, prepare_queue, ubl_invoices
from turnout.bootstrap import App, bootstrap
from turnout.distributed.worker import WorkerOptions, WorkerProcess
from turnout.domain.artifacts import Source
from turnout.domain.errors import LeaseLost, QueueUnavailable, RequestError
from turnout.domain.runs import Run, RunStatus
from turnout.persistence import Database
from turnout.persistence.tables import runs
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.execution import HandBack
from turnout.runtime.queue_worker import submit
from turnout.runtime.validation import document_of
from turnout.settings import Settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(pg_server: PostgresServer, tmp_path: Path) -> Iterator[App]:
    pg_server.empty_session_db()
    url = pg_server.url(pg_server.session_db)
    prepare_queue(url)
    app = bootstrap(Settings(home=tmp_path / "home", database_url=url))
    app.init("ann")
    yield app
    app.close()


def _url(app: App) -> str:
    return app.settings.database_url


def _run(app: App, run_id: str) -> Run:
    with app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    assert run is not None
    return run


def _submit(app: App, n: int, prefix: str = "Q") -> list[str]:
    return [d.run_id for d in submit(app.unit_of_work, ubl_invoices(n, prefix), utcnow)]


def test_submit_queues_one_job_per_run_and_recognises_a_resubmission(app: App) -> None:
    files = ubl_invoices(3)
    first = submit(app.unit_of_work, files, utcnow)
    assert [d.queued for d in first] == [True, True, True]
    queued = jobs(_url(app), "todo")
    assert sorted(r for _, _, r in queued) == sorted(d.run_id for d in first)
    for d in first:
        run = _run(app, d.run_id)
        assert (run.status, run.config_version, run.config_id) == (RunStatus.QUEUED, None, None)
    with app.unit_of_work() as uow:
        assert uow.runs.in_flight() == 0  # submitted, not admitted: not in flight
        assert uow.sources.get(first[0].sha256) == files[0][1]

    again = submit(app.unit_of_work, files, utcnow)
    assert [(d.queued, d.run_id) for d in again] == [(False, d.run_id) for d in first]
    assert len(jobs(_url(app))) == 3
    forced = submit(app.unit_of_work, files[:1], utcnow, again=True)
    assert forced[0].queued and forced[0].run_id != first[0].run_id
    assert len(jobs(_url(app))) == 4


def test_a_run_and_its_job_are_committed_together_or_not_at_all(app: App) -> None:
    run = Run("r-rolled-back", "x.xml", None, None, RunStatus.QUEUED, utcnow())
    with app.unit_of_work() as uow:
        uow.runs.add(run)
        assert uow.jobs.defer([run.run_id]) == 1
        uow.rollback()
    assert jobs(_url(app)) == []
    with app.unit_of_work() as uow:
        assert uow.runs.get(run.run_id) is None


def test_the_queue_needs_postgresql(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'turnout.db'}")
    database.upgrade()
    with database.unit_of_work() as uow, pytest.raises(QueueUnavailable, match="PostgreSQL"):
        uow.jobs.defer(["some-run"])
    database.dispose()


def test_process_admits_runs_and_stores_one_result_per_stage(app: App) -> None:
    [run_id] = _submit(app, 1)
    worker = app.queue_worker()
    run = worker.process(run_id)
    assert run is not None and run.status is RunStatus.COMPLETED, run and run.reason
    stored = _run(app, run_id)
    assert (stored.status, stored.config_version, stored.worker) == (
        RunStatus.COMPLETED,
        1,
        worker.name,
    )
    assert stored.lease_expires_at is None
    assert stored.invoice is not None and stored.invoice["invoice_number"] == "Q-00000"
    with app.unit_of_work() as uow:
        results = uow.stage_results.for_run(run_id)
    assert [r.stage_id for r in results] == list(dict.fromkeys(a.stage_id for a in stored.attempts))
    assert {r.worker for r in results} == {worker.name}

    # a redelivered job of a finished run does nothing, nor a job whose run is gone
    assert worker.process(run_id) is None
    assert worker.process("no-such-run") is None
    assert len(_run(app, run_id).attempts) == len(stored.attempts)


def test_a_run_whose_worker_died_is_reaped_and_resumed_from_its_last_stored_stage(
    app: App,
) -> None:
    [run_id] = _submit(app, 1)
    dying = app.queue_worker(lease_s=0.3)
    admitted, _ = app.lifecycle.admit_queued(run_id, dying.name, dying.lease_s)
    assert admitted
    run = _run(app, run_id)
    data = b""
    with app.unit_of_work() as uow:
        data = uow.sources.get(run.source_sha256 or "") or b""
    stages_run = 0

    def dies_after_four() -> bool:
        nonlocal stages_run
        stages_run += 1
        return stages_run > 4

    with pytest.raises(HandBack):  # stands for the process dying: nothing is handed back
        app.lifecycle.execute(
            run,
            Source(run.file_name, data),
            checkpoint=dying._checkpoint,
            should_stop=dies_after_four,
            raises=(HandBack,),
        )
    with app.unit_of_work() as uow:
        assert len(uow.stage_results.for_run(run_id)) == 4
        assert uow.runs.in_flight() == 1  # still counted: it holds back any activation

    survivor = app.queue_worker()
    time.sleep(0.4)  # the lease runs out
    assert survivor.reap() == [run_id]
    # one waiting job per run at most: its first job is still waiting, so none is added
    assert [r for _, _, r in jobs(_url(app), "todo")].count(run_id) == 1
    reaped = _run(app, run_id)
    assert (reaped.status, reaped.config_version, reaped.worker) == (RunStatus.QUEUED, 1, None)
    # the reaped worker, were it still alive, could store no further stage
    with app.unit_of_work() as uow:
        fifth = replace(uow.stage_results.for_run(run_id)[-1], stage_id="later", position=99)
    with pytest.raises(LeaseLost, match="lease lost"):
        dying._checkpoint(fifth)
    with app.unit_of_work() as uow:
        assert len(uow.stage_results.for_run(run_id)) == 4

    done = survivor.process(run_id)
    assert done is not None and done.status is RunStatus.COMPLETED
    with app.unit_of_work() as uow:
        results = uow.stage_results.for_run(run_id)
    assert [r.worker for r in results[:4]] == [dying.name] * 4
    assert {r.worker for r in results[4:]} == {survivor.name}
    final = _run(app, run_id)
    keys = Counter((a.stage_id, a.module_id, a.attempt) for a in final.attempts)
    assert max(keys.values()) == 1  # no stage was run twice
    assert len({a.stage_id for a in final.attempts}) == len(results)
    # the old worker lost the run: it can neither renew its lease nor finish it
    with app.unit_of_work() as uow:
        assert not uow.runs.renew_lease(run_id, dying.name, 30.0)
        assert not uow.runs.finish(final, held_by=dying.name)


def test_a_stopping_worker_hands_its_run_back_to_the_queue(app: App) -> None:
    [run_id] = _submit(app, 1)
    stopping = app.queue_worker()
    stopping.stop(deadline_s=0.0)
    assert stopping.process(run_id) is None
    handed = _run(app, run_id)
    assert (handed.status, handed.config_version, handed.worker) == (RunStatus.QUEUED, 1, None)
    assert run_id in [r for _, _, r in jobs(_url(app), "todo")]
    done = app.queue_worker().process(run_id)
    assert done is not None and done.status is RunStatus.COMPLETED and done.config_version == 1


def test_queued_runs_wait_for_a_pending_activation_and_start_on_the_new_version(app: App) -> None:
    first, second = _submit(app, 2)
    holder = app.queue_worker()
    admitted, _ = app.lifecycle.admit_queued(first, holder.name, holder.lease_s)
    assert admitted  # in flight on version 1, not yet executed
    service = app.configurations
    doc = document_of(service.get(1))
    v2 = service.create(
        ConfigDocument(
            "basic validation", {**doc.selections, "validate": SelectionDoc("validate.basic")}
        ),
        "ann",
    ).config.version
    service.validate(v2, "ann")
    assert service.activate(v2, "ann").status == "pending"

    later = app.queue_worker()
    # while pending, a new run waits at the gate for a moment, then its job goes back to the
    # queue (so it never holds a slot that a run the switch waits for needs)
    assert later.process(second) is None
    assert _run(app, second).config_version is None
    assert second in [r for _, _, r in jobs(_url(app), "todo")]

    old = holder.process(first)  # the last run of version 1 ends: the switch happens
    assert old is not None and old.config_version == 1
    new = later.process(second)
    assert new is not None and new.config_version == v2
    assert service.get(None).version == v2
    validate_modules = {
        r.run_id: {a.module_id for a in _run(app, r.run_id).attempts if a.stage_id == "validate"}
        for r in (old, new)
    }
    assert validate_modules == {old.run_id: {"validate.en16931"}, new.run_id: {"validate.basic"}}


def test_jobs_that_can_never_end_are_cleared_and_live_ones_kept(app: App) -> None:
    killed_run, live_run, ended_run = _submit(app, 3, "S")
    url = _url(app).replace("+psycopg", "")
    with psycopg.connect(url, autocommit=True) as conn:
        dead = conn.execute("SELECT worker_id FROM procrastinate_register_worker_v1()").fetchone()
        live = conn.execute("SELECT worker_id FROM procrastinate_register_worker_v1()").fetchone()
        assert dead is not None and live is not None
        conn.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' "
            "WHERE id = %s",
            dead,
        )
        taken = {}
        for worker in (dead, live, live):
            job = conn.execute(
                "SELECT id, args->>'run_id' FROM procrastinate_fetch_job_v2(%s, %s)",
                (["turnout"], worker[0]),
            ).fetchone()
            assert job is not None
            taken[job[1]] = worker[0]
    assert taken == {killed_run: dead[0], live_run: live[0], ended_run: live[0]}
    with app.unit_of_work() as uow:  # the third run ended a while ago
        uow.connection.execute(
            runs.update()
            .where(runs.c.run_id == ended_run)
            .values(status="completed", finished_at=utcnow() - dt.timedelta(minutes=5))
        )
        uow.commit()

    with app.unit_of_work() as uow:
        assert uow.jobs.clear_stalled(60.0) == 2
        uow.commit()
    assert [(s, r) for _, s, r in jobs(_url(app))] == [("doing", live_run)]


def test_workers_hear_of_a_switch_and_build_the_new_plan(app: App) -> None:
    heard: list[int] = []
    switched = threading.Event()

    def on_switch(version: int) -> None:
        heard.append(version)
        switched.set()

    process = WorkerProcess(
        _url(app), app.queue_worker(), WorkerOptions(lease_s=30.0), on_switch=on_switch
    )
    threads = process.start_background()
    try:
        time.sleep(0.5)  # the listener is connected
        service = app.configurations
        doc = document_of(service.get(1))
        v2 = service.create(
            ConfigDocument("b", {**doc.selections, "validate": SelectionDoc("validate.basic")}),
            "ann",
        ).config.version
        service.validate(v2, "ann")
        assert service.activate(v2, "ann").status == "active"
        assert switched.wait(10), "no notification arrived"
        assert heard == [v2]
    finally:
        process.request_stop()
        for t in threads:
            t.join(timeout=5)
    assert not any(t.is_alive() for t in threads)


def test_submission_goes_in_batches_and_refuses_an_oversized_file(app: App) -> None:
    files = ubl_invoices(5, "B")
    done = submit(app.unit_of_work, iter(files), utcnow, batch=2)
    assert [d.queued for d in done] == [True] * 5
    assert len(jobs(_url(app), "todo")) == 5
    [small] = ubl_invoices(1, "C")
    big = ("big.xml", b"<x/>" * len(small[1]))
    with pytest.raises(RequestError, match=r"big.xml is .* MiB, over the .* 0 file\(s\) before"):
        submit(app.unit_of_work, iter([small, big]), utcnow, max_bytes=len(small[1]) + 1)
    assert len(jobs(_url(app), "todo")) == 5  # the batch holding the refused file was not stored
    with app.unit_of_work() as uow:
        assert len(uow.runs.list(limit=100)) == 5
