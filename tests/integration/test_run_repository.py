"""Runs and their stage attempts round-trip; in-flight runs are counted per version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import event

from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt, StageResult
from turnout.persistence import Database

ConfigFactory = Callable[..., ModuleConfiguration]
T0 = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def run_db(catalog_db: Database, make_config: ConfigFactory) -> Database:
    """Versions 1 (superseded, config_id c1) and 2 (active, c2)."""
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, ConfigStatus.SUPERSEDED, config_id="c1"))
        uow.configurations.add(make_config(2, ConfigStatus.ACTIVE, config_id="c2"))
        uow.commit()
    return catalog_db


def new_run(run_id: str, version: int = 2, seconds: int = 0, **changes: object) -> Run:
    run = Run(
        run_id=run_id,
        file_name=f"{run_id}.pdf",
        config_id=f"c{version}",
        config_version=version,
        status=RunStatus.QUEUED,
        created_at=T0 + dt.timedelta(seconds=seconds),
    )
    for name, value in changes.items():
        setattr(run, name, value)
    return run


def attempt(
    run_id: str, stage: str, n: int, outcome: AttemptOutcome, **changes: object
) -> StageAttempt:
    made = StageAttempt(
        run_id=run_id,
        stage_id=stage,
        module_id=f"{stage}.default",
        attempt=n,
        outcome=outcome,
        duration_ms=1.25 * n,
        started_at=T0 + dt.timedelta(milliseconds=10 * n),
    )
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def finished(run: Run) -> Run:
    run.status = RunStatus.COMPLETED_WITH_FALLBACK
    run.source_sha256 = "ab" * 32
    run.started_at = T0 + dt.timedelta(milliseconds=5)
    run.finished_at = T0 + dt.timedelta(seconds=2)
    run.reason = "text: pdfium failed, text.ocr took over"
    run.invoice = {"invoice_number": "INV-1", "totals": {"payable": "119.00"}, "lines": []}
    run.findings = [{"rule": "BR-CO-10", "severity": "error", "message": "sum", "path": None}]
    run.decision = {"action": "review", "reasons": ["findings"]}
    run.attempts = [
        attempt(run.run_id, "intake", 1, AttemptOutcome.OK, summary={"pages": 1}),
        attempt(run.run_id, "einvoice", 1, AttemptOutcome.SKIPPED, module_id=None),
        attempt(run.run_id, "text", 1, AttemptOutcome.FAILED, error="PdfiumError: broken"),
        attempt(run.run_id, "text", 2, AttemptOutcome.FALLBACK, module_id="text.ocr"),
    ]
    return run


def test_a_finished_run_round_trips_every_field_and_attempt(run_db: Database) -> None:
    run = new_run("r1")
    with run_db.unit_of_work() as uow:
        uow.runs.add(run)
        uow.commit()
    with run_db.unit_of_work() as uow:
        assert uow.runs.get("r1") == run
        uow.runs.finish(finished(run))
        uow.commit()
    with run_db.unit_of_work() as uow:
        stored = uow.runs.get("r1")
    assert stored == run
    assert stored is not None and stored.finished_at is not None
    assert stored.finished_at.tzinfo == dt.UTC


def test_attempts_stored_before_finishing_are_not_stored_twice(run_db: Database) -> None:
    run = finished(new_run("r1"))
    with run_db.unit_of_work() as uow:
        uow.runs.add(new_run("r1"))
        uow.runs.add_attempts(run.attempts[:2])
        uow.runs.finish(run)
        uow.commit()
    with run_db.unit_of_work() as uow:
        stored = uow.runs.get("r1")
    assert stored is not None
    assert stored.attempts == run.attempts


def test_finishing_a_run_with_no_attempts_stored_before_reads_no_attempts_back(
    run_db: Database,
) -> None:
    # another run has attempts stored: the check is about this run's own
    other = finished(new_run("r0"))
    run = finished(new_run("r1"))
    with run_db.unit_of_work() as uow:
        uow.runs.add(new_run("r0"))
        uow.runs.add_attempts(other.attempts[:2])
        uow.runs.add(new_run("r1"))
        uow.commit()
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(run_db.engine, "before_cursor_execute", seen)
    try:
        with run_db.unit_of_work() as uow:
            assert uow.runs.finish(run)
            uow.commit()
    finally:
        event.remove(run_db.engine, "before_cursor_execute", seen)
    assert not [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    with run_db.unit_of_work() as uow:
        stored = uow.runs.get("r1")
    assert stored is not None and stored.attempts == run.attempts


def test_finishing_an_unknown_run_fails(run_db: Database) -> None:
    with run_db.unit_of_work() as uow, pytest.raises(LookupError, match="add it"):
        uow.runs.finish(finished(new_run("ghost")))


def test_an_unknown_run_is_none(run_db: Database) -> None:
    with run_db.unit_of_work() as uow:
        assert uow.runs.get("ghost") is None


def test_runs_are_listed_newest_first_and_filtered_by_status(run_db: Database) -> None:
    with run_db.unit_of_work() as uow:
        for i in range(5):
            status = RunStatus.FAILED if i % 2 else RunStatus.COMPLETED
            uow.runs.add(new_run(f"r{i}", seconds=i, status=status, attempts=[]))
        uow.commit()
    with run_db.unit_of_work() as uow:
        assert [r.run_id for r in uow.runs.list()] == ["r4", "r3", "r2", "r1", "r0"]
        assert [r.run_id for r in uow.runs.list(limit=2, offset=1)] == ["r3", "r2"]
        assert [r.run_id for r in uow.runs.list(status=RunStatus.FAILED)] == ["r3", "r1"]


def test_in_flight_counts_queued_and_running_runs_per_version(run_db: Database) -> None:
    with run_db.unit_of_work() as uow:
        uow.runs.add(new_run("a", version=1, status=RunStatus.RUNNING))
        uow.runs.add(new_run("b", version=2))
        uow.runs.add(new_run("c", version=2, status=RunStatus.RUNNING))
        uow.runs.add(new_run("d", version=2, status=RunStatus.COMPLETED))
        uow.runs.add(new_run("e", version=1, status=RunStatus.NEEDS_REVIEW))
        uow.commit()
    with run_db.unit_of_work() as uow:
        assert uow.runs.in_flight() == 3
        assert uow.runs.in_flight(1) == 1
        assert uow.runs.in_flight(2) == 2
        assert uow.runs.in_flight(3) == 0


def test_a_stage_result_held_by_a_worker_is_stored_only_while_it_holds_the_run(
    run_db: Database,
) -> None:
    with run_db.unit_of_work() as uow:
        uow.runs.add(new_run("r1"))  # queued on version 2
        assert uow.runs.take_over("r1", "w1", 30.0)  # now running under w1
        uow.commit()

    def result(stage: str, position: int) -> StageResult:
        done = attempt("r1", stage, 1, AttemptOutcome.OK)
        outputs = [{"type": "findings", "items": [], "ruleset": "x"}]
        return StageResult("r1", stage, position, [done], outputs, worker="w1")

    with run_db.unit_of_work() as uow:
        assert uow.stage_results.put(result("intake", 0), T0, held_by="w1")
        assert not uow.stage_results.put(result("intake", 0), T0, held_by="w1")  # one per stage
        assert not uow.stage_results.put(result("text", 1), T0, held_by="w2")  # not its run
        uow.commit()
    with run_db.unit_of_work() as uow:
        uow.runs.hand_back("r1", "w1")
        uow.commit()
    with run_db.unit_of_work() as uow:
        assert not uow.stage_results.put(result("text", 1), T0, held_by="w1")  # handed back
        stored = uow.stage_results.for_run("r1")
    assert [(r.stage_id, r.worker, r.outputs) for r in stored] == [
        ("intake", "w1", [{"type": "findings", "items": [], "ruleset": "x"}])
    ]
    assert stored[0].attempts == [attempt("r1", "intake", 1, AttemptOutcome.OK)]
