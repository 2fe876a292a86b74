"""Every run the lifecycle admits ends: stored as it ended, its observer told, whatever fails on
the way (a plan that cannot be built, a step after the finish)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import PostgresServer
from support.queue import prepare_queue, ubl_invoices
from turnout.bootstrap import App, bootstrap, bundled_examples, wire_runs
from turnout.domain.runs import Run, RunStatus
from turnout.persistence.tables import fallback_policies, sources
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.observer import NullObserver
from turnout.runtime.queue_worker import QueueWorker, submit
from turnout.runtime.validation import document_of
from turnout.settings import Settings


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    home = tmp_path / "home"
    app = bootstrap(Settings(home=home, database_url=f"sqlite:///{home}/turnout.db"))
    app.init("ann")
    yield app
    app.close()


def _ubl() -> Path:
    return next(p for p in bundled_examples() if p.name == "ubl-invoice.xml")


def test_a_plan_that_cannot_be_built_ends_the_run_failed_and_the_batch_goes_on(app: App) -> None:
    # a stored policy this release cannot read (a trigger word written by a later one): the
    # active version's plan fails to build when the first run asks for it (stored behind the
    # append-only guard's back, as a later release's rows would be)
    engine = sa.create_engine(app.settings.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER fallback_policies_no_update"))
        conn.execute(sa.update(fallback_policies).values(trigger_conditions=["from_the_future"]))
    engine.dispose()

    runs = app.runner.run_many([_ubl(), _ubl()], concurrency=1)

    assert [r.status for r in runs] == [RunStatus.FAILED, RunStatus.FAILED]
    assert all("internal error: ValueError" in (r.reason or "") for r in runs)
    with app.unit_of_work() as uow:
        stored = uow.runs.list()
        assert uow.runs.in_flight() == 0
    assert sorted((r.status, r.lease_expires_at) for r in stored) == [(RunStatus.FAILED, None)] * 2


class _Recording(NullObserver):
    """An observer that records what it is told of runs and switches."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def run_admitted(self, run: Run, waited_s: float) -> None:
        self.calls.append("admitted")

    def run_resumed(self, run: Run) -> None:
        self.calls.append("resumed")

    def run_released(self, run: Run) -> None:
        self.calls.append("released")

    def run_finished(self, run: Run) -> None:
        self.calls.append("finished")

    def activation_switched(self, version: int, waited_s: float) -> None:
        self.calls.append(f"switched to {version}")


class _SwitchSeenBroken(_Recording):
    """An observer whose metrics break when an activation switches."""

    def activation_switched(self, version: int, waited_s: float) -> None:
        raise RuntimeError("the metrics backend is gone")


@pytest.mark.postgres
def test_a_queued_run_whose_end_is_stored_is_never_released_when_the_switch_after_fails(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    pg_server.empty_session_db()
    url = pg_server.url(pg_server.session_db)
    prepare_queue(url)
    app = bootstrap(Settings(home=tmp_path / "home", database_url=url))
    app.init("ann")
    try:
        observer = _SwitchSeenBroken()
        runs = wire_runs(app.unit_of_work, app.registry, app.executors, observer=observer)
        worker = QueueWorker(runs.lifecycle, app.unit_of_work)
        [run_id] = [d.run_id for d in submit(app.unit_of_work, ubl_invoices(1), utcnow)]
        assert runs.lifecycle.admit_queued(run_id, worker.name, 30.0)[0]
        svc = app.configurations
        doc = document_of(svc.get(1))
        selections = {**doc.selections, "validate": SelectionDoc("validate.basic")}
        v2 = svc.create(ConfigDocument("basic", selections), "ann").config.version
        svc.validate(v2, "ann")
        assert svc.activate(v2, "ann").status == "pending"  # waits for the run in flight

        with pytest.raises(RuntimeError, match="metrics backend"):
            worker.process(run_id)  # its end drains the activation: the switch is observed

        assert observer.calls == ["resumed", "finished"]
        with app.unit_of_work() as uow:
            stored = uow.runs.get(run_id)
            assert uow.configurations.pointers().active.version == v2
        assert stored is not None and stored.status.finished
        runs.runner.close()
    finally:
        app.close()


@pytest.mark.postgres
def test_a_queued_run_whose_source_is_gone_ends_as_any_run_does(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    pg_server.empty_session_db()
    url = pg_server.url(pg_server.session_db)
    prepare_queue(url)
    app = bootstrap(Settings(home=tmp_path / "home", database_url=url))
    app.init("ann")
    try:
        observer = _Recording()
        runs = wire_runs(app.unit_of_work, app.registry, app.executors, observer=observer)
        worker = QueueWorker(runs.lifecycle, app.unit_of_work)
        [run_id] = [d.run_id for d in submit(app.unit_of_work, ubl_invoices(1), utcnow)]
        assert runs.lifecycle.admit_queued(run_id, worker.name, 30.0)[0]  # the last in flight
        svc = app.configurations
        doc = document_of(svc.get(1))
        selections = {**doc.selections, "validate": SelectionDoc("validate.basic")}
        v2 = svc.create(ConfigDocument("basic", selections), "ann").config.version
        svc.validate(v2, "ann")
        assert svc.activate(v2, "ann").status == "pending"
        engine = sa.create_engine(url)
        with engine.begin() as conn:  # deleted by hand
            conn.execute(sa.delete(sources))
        engine.dispose()

        ended = worker.process(run_id)

        assert ended is not None and ended.status is RunStatus.FAILED
        assert "source file is gone" in (ended.reason or "")
        # told as any run that ends here, and the activation it held back went through
        assert observer.calls == ["resumed", "finished", f"switched to {v2}"]
        with app.unit_of_work() as uow:
            active = uow.configurations.pointers().active
        assert active is not None and active.version == v2
        runs.runner.close()
    finally:
        app.close()
