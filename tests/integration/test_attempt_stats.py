"""`attempt_stats`: attempt counts and rates per stage and module in one GROUP BY, on SQLite and
PostgreSQL, filtered by time and by configuration version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.runs import AttemptOutcome, AttemptStats, Run, RunStatus, StageAttempt
from turnout.persistence import Database

ConfigFactory = Callable[..., ModuleConfiguration]
T0 = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)
OK, SKIPPED, FAILED = AttemptOutcome.OK, AttemptOutcome.SKIPPED, AttemptOutcome.FAILED
FALLBACK, TIMEOUT = AttemptOutcome.FALLBACK, AttemptOutcome.TIMEOUT
REJECTED, VIOLATION = AttemptOutcome.REJECTED, AttemptOutcome.CONTRACT_VIOLATION


@pytest.fixture
def stats_db(catalog_db: Database, make_config: ConfigFactory) -> Database:
    """Version 1 (superseded, config c1) and 2 (active, c2) with the runs below.

    Day 0, version 1: three runs. Day 1, version 2: two runs. Each tuple is
    (stage, module, attempt, outcome, duration_ms).
    """
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, ConfigStatus.SUPERSEDED, config_id="c1"))
        uow.configurations.add(make_config(2, ConfigStatus.ACTIVE, config_id="c2"))
        for i, version, day, attempts in [
            (1, 1, 0, [("extract", "extract.default", 1, OK, 9.0), ("intake", "intake.default", 1, OK, 2.0), ("einvoice", None, 0, SKIPPED, 0.0)]),
            (2, 1, 0, [("intake", "intake.default", 1, OK, 4.0), ("text", "text.default", 1, FAILED, 10.0), ("text", "text.ocr", 2, FALLBACK, 30.0)]),
            (3, 1, 0, [("intake", "intake.default", 1, REJECTED, 1.0), ("text", "text.default", 0, SKIPPED, 0.5)]),
            (4, 2, 1, [("intake", "intake.default", 1, OK, 6.0), ("text", "text.default", 1, TIMEOUT, 60.0), ("text", "text.ocr", 2, FALLBACK, 20.0)]),
            (5, 2, 1, [("intake", "intake.default", 1, OK, 3.0), ("extract", "extract.default", 1, VIOLATION, 5.0)]),
        ]:  # fmt: skip
            started = T0 + dt.timedelta(days=day, minutes=i)
            run = Run(f"r{i}", f"f{i}.pdf", f"c{version}", version, RunStatus.COMPLETED, started)
            run.attempts = [
                StageAttempt(run.run_id, stage, module, n, outcome, ms, started)
                for stage, module, n, outcome, ms in attempts
            ]
            uow.runs.add(run)
        uow.commit()
    return catalog_db


def stats_of(
    db: Database, since: dt.datetime | None = None, config_version: int | None = None
) -> dict[tuple[str, str | None], AttemptStats]:
    with db.unit_of_work() as uow:
        found = uow.runs.attempt_stats(since=since, config_version=config_version)
    return {(s.stage_id, s.module_id): s for s in found}


def test_attempts_are_counted_per_stage_and_module_in_stage_order(stats_db: Database) -> None:
    with stats_db.unit_of_work() as uow:
        found = uow.runs.attempt_stats()
    assert [(s.stage_id, s.module_id) for s in found] == [
        ("intake", "intake.default"),
        ("einvoice", None),
        ("text", "text.default"),
        ("text", "text.ocr"),
        ("extract", "extract.default"),
    ]
    intake, einvoice, text, ocr, extract = found
    assert intake == AttemptStats("intake", "intake.default", 5, 4, 0, 1, 0, 3.2)
    assert (einvoice.attempts, einvoice.skipped, einvoice.mean_duration_ms) == (1, 1, 0.0)
    assert (text.attempts, text.failed, text.skipped) == (3, 2, 1)
    assert text.mean_duration_ms == pytest.approx(35.0)  # the skip's 0.5 ms is left out
    assert (ocr.fallback, ocr.fallback_rate, ocr.failure_rate) == (2, 1.0, 0.0)
    assert (extract.ok, extract.failed) == (1, 1)


def test_rates_are_shares_of_the_attempts_that_ran(stats_db: Database) -> None:
    stats = stats_of(stats_db)
    intake, text = stats["intake", "intake.default"], stats["text", "text.default"]
    assert (intake.ran, intake.failure_rate, intake.fallback_rate) == (5, 0.2, 0.0)
    assert (text.ran, text.failure_rate) == (2, 1.0)
    assert stats["einvoice", None].failure_rate == 0.0  # nothing ran: no division by zero


def test_a_version_filter_counts_only_the_runs_pinned_to_it(stats_db: Database) -> None:
    v2 = stats_of(stats_db, config_version=2)
    assert set(v2) == {
        ("intake", "intake.default"),
        ("text", "text.default"),
        ("text", "text.ocr"),
        ("extract", "extract.default"),
    }
    assert (v2["intake", "intake.default"].attempts, v2["intake", "intake.default"].ok) == (2, 2)
    assert v2["extract", "extract.default"].failure_rate == 1.0
    assert stats_of(stats_db, config_version=9) == {}


def test_since_counts_only_attempts_started_from_then(stats_db: Database) -> None:
    day1 = stats_of(stats_db, since=T0 + dt.timedelta(days=1))
    assert day1 == stats_of(stats_db, config_version=2)
    late = stats_of(stats_db, since=T0 + dt.timedelta(days=1, minutes=5))
    assert set(late) == {("intake", "intake.default"), ("extract", "extract.default")}
    both = stats_of(stats_db, since=T0 + dt.timedelta(days=1, minutes=5), config_version=1)
    assert both == {}


def test_no_attempts_give_no_rows(catalog_db: Database) -> None:
    with catalog_db.unit_of_work() as uow:
        assert uow.runs.attempt_stats() == []
