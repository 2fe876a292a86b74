"""Fallback policies at run time: modules made to fail (raise, hang, return nothing, break the
contract, answer with low confidence) and the envelope keeping runs moving."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from support.fakes import fake_module
from support.pipelines import make_runner, runner_on
from turnout.domain.artifacts import Artifact, ExtractedField, Fields, Text
from turnout.domain.errors import InputRejected
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import AttemptOutcome, RunStatus
from turnout.persistence import Database
from turnout.runtime.config_document import PolicyDoc
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.resilience.breaker import BreakerState


def _raise(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise RuntimeError("primary is down")


def _hang(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    time.sleep(2)
    return [Text(("late",), "slow", (1.0,))]


def _empty(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    return [Text(("   ",), "blank", (0.0,))]


def _broken(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    return [
        Text(("text",), "broken", (1.0, 1.0))
    ]  # two confidences for one page: breaks the schema


def _unsure(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    return [Fields({"invoice_number": ExtractedField("7", 0.2, "extract.unsure")})]


def _reject(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise InputRejected("no text layer; a scan needs OCR")


class Flaky:
    """Fails the first `failures` calls, then works."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, inputs: Artifacts, context: RunContext) -> list[Artifact]:
        with self.lock:
            self.calls += 1
            if self.calls <= self.failures:
                raise ConnectionError(f"call {self.calls} failed")
        return [Text(("ok",), "flaky", (1.0,))]


TEXT_BACKUP = fake_module("text", "backup", is_fallback=True)
EXTRACT_BACKUP = fake_module("extract", "backup", is_fallback=True)


def policy(fallback: str | None, *triggers: str, **actions: object) -> PolicyDoc:
    return PolicyDoc(fallback, triggers, actions)


def by_stage(run) -> dict[str, list[tuple[str | None, str]]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[tuple[str | None, str]]] = {}
    for a in run.attempts:
        out.setdefault(a.stage_id, []).append((a.module_id, str(a.outcome)))
    return out


def test_fallback_takes_over_when_the_module_raises(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "down", process=_raise), TEXT_BACKUP],
        {"text": "text.down"},
        {"text": policy("text.backup", "error")},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert by_stage(run)["text"] == [("text.down", "failed"), ("text.backup", "fallback")]
    assert run.status is RunStatus.COMPLETED_WITH_FALLBACK
    with db.unit_of_work() as uow:
        stored = uow.runs.get(run.run_id)
    assert stored is not None and stored.status is RunStatus.COMPLETED_WITH_FALLBACK
    failed = next(a for a in stored.attempts if a.module_id == "text.down")
    assert failed.error == "RuntimeError: primary is down" and failed.summary["trigger"] == "error"


def test_retries_with_backoff_before_falling_back(db: Database, tmp_path: Path) -> None:
    flaky = Flaky(failures=2)
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "flaky", process=flaky), TEXT_BACKUP],
        {"text": "text.flaky"},
        {"text": policy("text.backup", "error", retry={"attempts": 2, "backoff_s": 0.01})},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert by_stage(run)["text"] == [
        ("text.flaky", "failed"),
        ("text.flaky", "failed"),
        ("text.flaky", "ok"),
    ]
    assert [a.attempt for a in run.attempts if a.stage_id == "text"] == [1, 2, 3]
    assert run.status is RunStatus.COMPLETED


def test_timeout_triggers_the_fallback(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "slow", process=_hang), TEXT_BACKUP],
        {"text": "text.slow"},
        {"text": policy("text.backup", "timeout", timeout_s=0.2)},
    )
    t0 = time.perf_counter()
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert time.perf_counter() - t0 < 1.5
    assert by_stage(run)["text"] == [("text.slow", "timeout"), ("text.backup", "fallback")]
    assert "timeout_s=0.2" in (run.attempts[1].error or "") or any(
        "timeout_s=0.2" in (a.error or "") for a in run.attempts
    )


def test_empty_output_triggers_the_fallback_only_when_the_policy_says_so(
    db: Database, tmp_path: Path
) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "blank", process=_empty), TEXT_BACKUP],
        {"text": "text.blank"},
        {"text": policy("text.backup", "empty_output")},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert by_stage(run)["text"] == [("text.blank", "failed"), ("text.backup", "fallback")]
    assert run.attempts[2].summary == {"trigger": "empty_output"} or any(
        a.summary.get("trigger") == "empty_output" for a in run.attempts
    )


def test_output_that_breaks_the_contract_triggers_the_fallback(
    db: Database, tmp_path: Path
) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "broken", process=_broken), TEXT_BACKUP],
        {"text": "text.broken"},
        {"text": policy("text.backup", "contract_violation")},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert by_stage(run)["text"] == [
        ("text.broken", "contract_violation"),
        ("text.backup", "fallback"),
    ]
    violation = next(a for a in run.attempts if a.outcome is AttemptOutcome.CONTRACT_VIOLATION)
    assert "page_confidence" in (violation.error or "")


def test_low_confidence_falls_back_and_sends_to_review_when_exhausted(
    db: Database, tmp_path: Path
) -> None:
    unsure = fake_module("extract", "unsure", process=_unsure)
    runner, _ = make_runner(
        db,
        tmp_path,
        [unsure],
        {"extract": "extract.unsure"},
        {
            "extract": policy(
                None, "low_confidence", low_confidence_below=0.7, on_exhausted="review"
            )
        },
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert run.status is RunStatus.NEEDS_REVIEW
    assert "confidence 0.20" in (run.reason or "")
    # the weak result is kept for the reviewer, so the later stages still ran
    assert by_stage(run)["export"] == [("export.fake", "ok")]


def test_unlisted_trigger_fails_the_stage_without_fallback(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "down", process=_raise), TEXT_BACKUP],
        {"text": "text.down"},
        {"text": policy("text.backup", "timeout")},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert by_stage(run)["text"] == [("text.down", "failed")]
    assert run.status is RunStatus.FAILED and "primary is down" in (run.reason or "")


def test_rejected_input_is_not_retried_but_can_fall_back(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "picky", process=_reject), TEXT_BACKUP],
        {"text": "text.picky"},
        {"text": policy("text.backup", "error", retry={"attempts": 3})},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert by_stage(run)["text"] == [("text.picky", "rejected"), ("text.backup", "fallback")]


def test_exhausted_optional_stage_can_be_skipped(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("einvoice", "down", process=_raise)],
        {"einvoice": "einvoice.down"},
        {"einvoice": policy(None, "error", on_exhausted="skip")},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert run.status is RunStatus.COMPLETED
    assert by_stage(run)["einvoice"] == [("einvoice.down", "failed")]


def test_exhausted_required_stage_sent_to_review(db: Database, tmp_path: Path) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "down", process=_raise)],
        {"text": "text.down"},
        {"text": policy(None, "error", on_exhausted="review")},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert run.status is RunStatus.NEEDS_REVIEW
    assert run.reason is not None and run.reason.startswith("stage `text` sent to review")


def test_breaker_opens_then_closes_after_the_open_period(db: Database, tmp_path: Path) -> None:
    flaky = Flaky(failures=4)
    circuit = {"failure_rate": 0.5, "window": 2, "open_s": 0.3}
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "flaky", process=flaky), TEXT_BACKUP],
        {"text": "text.flaky"},
        {"text": policy("text.backup", "error", "circuit_open", circuit=circuit)},
    )
    runner.run_bytes("1.pdf", b"%PDF")
    runner.run_bytes("2.pdf", b"%PDF")
    [view] = [v for v in runner.breakers() if v.module_id == "text.flaky"]
    assert view.state is BreakerState.OPEN
    calls = flaky.calls
    third = runner.run_bytes("3.pdf", b"%PDF")
    assert flaky.calls == calls  # refused by the breaker without calling the module
    assert third.attempts[2].summary["trigger"] == "circuit_open" or any(
        a.summary.get("trigger") == "circuit_open" for a in third.attempts
    )
    assert third.status is RunStatus.COMPLETED_WITH_FALLBACK
    time.sleep(0.35)
    flaky.failures = 0  # the dependency recovered
    fourth = runner.run_bytes("4.pdf", b"%PDF")
    assert by_stage(fourth)["text"] == [("text.flaky", "ok")]
    assert [v.state for v in runner.breakers() if v.module_id == "text.flaky"] == [
        BreakerState.CLOSED
    ]


def test_unavailable_selected_module_is_replaced_at_startup_and_audited(
    db: Database, tmp_path: Path
) -> None:
    _, registry = make_runner(
        db,
        tmp_path,
        [fake_module("extract", "fancy"), EXTRACT_BACKUP],
        {"extract": "extract.fancy"},
    )
    # the process restarts and the selected module's dependency is gone

    sick = [m for m in registry.all() if m.module_id != "extract.fancy" and m.cls is not None]
    restarted = runner_on(
        db,
        ModuleRegistry.from_classes(
            [
                *(m.cls for m in sick if m.cls is not None),
                fake_module("extract", "fancy", healthy=False),
            ]
        ),
        tmp_path,
    )
    run = restarted.run_bytes("a.pdf", b"%PDF")
    assert by_stage(run)["extract"] == [("extract.backup", "ok")]
    assert run.status is RunStatus.COMPLETED_WITH_FALLBACK
    with db.unit_of_work() as uow:
        [event] = uow.events.list(action="module_substituted")
    assert "extract.fancy" in event.message and "extract.backup" in event.message


@pytest.mark.parametrize("runs", [1000])
def test_with_the_primary_always_failing_99_percent_complete_through_the_fallback(
    db: Database, tmp_path: Path, runs: int
) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [fake_module("text", "down", process=_raise), TEXT_BACKUP],
        {"text": "text.down"},
        {
            "text": policy(
                "text.backup",
                "error",
                "circuit_open",
                circuit={"failure_rate": 0.5, "window": 10, "open_s": 60},
            )
        },
    )
    done = runner.run_many([(f"{i}.pdf", b"%PDF") for i in range(runs)], concurrency=4)
    statuses = [r.status for r in done]
    assert statuses.count(RunStatus.COMPLETED_WITH_FALLBACK) >= 0.99 * runs
    with db.unit_of_work() as uow:
        assert len(uow.runs.list(limit=runs + 10)) == runs  # none lost
        assert uow.runs.in_flight() == 0
