"""Reviews on PostgreSQL: two reviewers on two connections review one run at once, and a queued
run whose reviewing process died resumes on a worker with the correction and the decision."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PostgresServer
from support.queue import prepare_queue, ubl_invoices
from turnout.bootstrap import App, bootstrap
from turnout.domain.review import PersonDecision, ReviewConflict, ReviewRequest
from turnout.domain.runs import Run, RunStatus
from turnout.domain.users import Role
from turnout.runtime.audit import utcnow
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.defaults import default_document
from turnout.runtime.queue_worker import submit
from turnout.runtime.users import UserService
from turnout.settings import Settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def url(pg_server: PostgresServer) -> str:
    pg_server.empty_session_db()
    url = pg_server.url(pg_server.session_db)
    prepare_queue(url)
    return url


@pytest.fixture
def app(url: str, tmp_path: Path) -> Iterator[App]:
    app = bootstrap(Settings(home=tmp_path, database_url=url))
    app.init("ann")
    users = UserService(app.unit_of_work)
    users.grant("alice", Role.REVIEWER, "ann")
    users.grant("bob", Role.REVIEWER, "ann")
    base = default_document()
    doc = ConfigDocument(
        "everything to review",
        {**base.selections, "route": SelectionDoc("route.rules", {"review_above": "0"})},
        dict(base.policies),
    )
    version = app.configurations.create(doc, "ann").config.version
    app.configurations.validate(version, "ann")
    app.configurations.activate(version, "ann")
    yield app
    app.close()


def stored(app: App, run_id: str) -> Run:
    with app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    assert run is not None
    return run


def exported(app: App, run_id: str) -> dict:  # type: ignore[type-arg]
    return json.loads((app.settings.home / "exports" / f"{run_id}.json").read_text())  # type: ignore[no-any-return]


def test_two_reviewers_at_once_give_one_result_and_a_conflict(app: App, tmp_path: Path) -> None:
    [(name, data)] = ubl_invoices(1, "C")
    run = app.runner.run_bytes(name, data)
    assert run.decision is not None and run.decision["outcome"] == "review"
    # a second process of Turnout on the same database: its own runner, lease holder, connections
    other = bootstrap(Settings(home=tmp_path, database_url=app.settings.database_url))
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def review(who: str, where: App, number: str) -> None:
        request = ReviewRequest(
            {"invoice_number": number}, PersonDecision.APPROVE, f"{who} checked", 0
        )
        start.wait()
        try:
            results[who] = where.reviews.review(run.run_id, who, request)
        except ReviewConflict as exc:
            results[who] = exc

    try:
        threads = [
            threading.Thread(target=review, args=("alice", app, "A-1")),
            threading.Thread(target=review, args=("bob", other, "B-1")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        other.close()

    done = [r for r in results.values() if isinstance(r, Run)]
    refused = [r for r in results.values() if isinstance(r, ReviewConflict)]
    assert len(done) == 1 and len(refused) == 1, results
    winner = done[0]
    assert winner.decision is not None
    who = winner.decision["decided_by"]
    number = "A-1" if who == "alice" else "B-1"
    assert winner.invoice is not None and winner.invoice["invoice_number"] == number
    said = str(refused[0])  # what happened: the other review was saved first and decided
    assert f"already has a final decision: approved by {who}" in said, said
    assert "while you were looking" not in said
    final = stored(app, run.run_id)
    assert final.review_revision == 1
    assert final.final_decision is not None and final.final_decision["by"] == who
    exports = [a for a in final.attempts if a.stage_id == "export"]
    assert [a.summary.get("review_revision") for a in exports] == [None, 1]  # one export more
    assert exported(app, run.run_id)["invoice"]["invoice_number"] == number
    with app.unit_of_work() as uow:
        records = uow.reviews.for_run(run.run_id)
    assert {r.actor for r in records} == {who}


def test_two_saves_at_once_give_one_revision_and_a_conflict_saying_what_happened(
    app: App, tmp_path: Path
) -> None:
    [(name, data)] = ubl_invoices(1, "S")
    run = app.runner.run_bytes(name, data)
    other = bootstrap(Settings(home=tmp_path, database_url=app.settings.database_url))
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(who: str, where: App, reference: str) -> None:
        request = ReviewRequest({"buyer_reference": reference})  # no revision in hand
        start.wait()
        try:
            results[who] = where.reviews.review(run.run_id, who, request)
        except ReviewConflict as exc:
            results[who] = exc

    try:
        threads = [
            threading.Thread(target=save, args=("alice", app, "A-REF")),
            threading.Thread(target=save, args=("bob", other, "B-REF")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        other.close()

    [winner] = [r for r in results.values() if isinstance(r, Run)]
    [refused] = [str(r) for r in results.values() if isinstance(r, ReviewConflict)]
    who = "alice" if results.get("alice") is winner else "bob"
    raced = f"another review of run {run.run_id} (by {who}) was saved first (revision 1); reload"
    late = f"is continuing after the review by {who} (revision 1)"  # read after its commit
    assert refused.startswith(raced) or late in refused, refused
    assert "while you were looking" not in refused
    assert stored(app, run.run_id).review_revision == 1


def test_a_queued_run_whose_reviewing_process_died_resumes_with_the_correction(
    app: App, tmp_path: Path
) -> None:
    [submitted] = submit(app.unit_of_work, ubl_invoices(1, "Q"), utcnow)
    worker = app.queue_worker()
    first = worker.process(submitted.run_id)
    assert first is not None and first.decision is not None
    assert first.decision["outcome"] == "review"
    # a reviewing process that dies right after its claim committed (its lease runs out)
    dying = bootstrap(Settings(home=tmp_path, database_url=app.settings.database_url, lease_s=0.3))
    try:
        dying.reviews._claim(  # the review's claim transaction, with no continuation after it
            submitted.run_id,
            "alice",
            ReviewRequest({"invoice_number": "Q-FIXED"}, PersonDecision.APPROVE, "ok"),
        )
    finally:
        dying.close()
    claimed = stored(app, submitted.run_id)
    assert claimed.status is RunStatus.RUNNING and claimed.review_revision == 1
    time.sleep(0.4)
    assert worker.reap() == [submitted.run_id]

    done = worker.process(submitted.run_id)

    assert done is not None and done.status is RunStatus.COMPLETED, done and done.reason
    final = stored(app, submitted.run_id)
    assert final.invoice is not None and final.invoice["invoice_number"] == "Q-FIXED"
    assert final.decision is not None and final.decision["decided_by"] == "alice"
    assert final.machine_invoice is not None
    assert final.machine_invoice["invoice_number"] != "Q-FIXED"
    out = exported(app, submitted.run_id)
    assert out["invoice"]["invoice_number"] == "Q-FIXED"
    assert out["idempotency_key"] == f"{submitted.run_id}:export:r1"
