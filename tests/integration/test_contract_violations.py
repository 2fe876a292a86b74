"""Records that do not mislead: a schema-breaking output is a `contract_violation` of the module
that made it (with the path of the bad value) and the fallback takes over; a module returning
nothing is an `empty_output`; a module replaced at start-up makes the run `completed_with_fallback`.
"""

from __future__ import annotations

from pathlib import Path

from support.fakes import fake_module
from support.pipelines import make_runner, runner_on
from turnout.domain.artifacts import Artifact, Finding, Findings, Severity
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import AttemptOutcome, RunStatus
from turnout.modules.route.rules import RulesRoute
from turnout.modules.validate.basic import BasicValidate
from turnout.persistence import Database
from turnout.runtime.config_document import PolicyDoc
from turnout.runtime.registry import ModuleRegistry


def _loose_findings(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    good = Finding("BR-01", Severity.WARNING, "no buyer reference")
    return [Findings((good, "total mismatch", 42), "loose")]  # type: ignore[arg-type]


def _nothing(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    return []


def _none(inputs: Artifacts, context: RunContext) -> None:
    return None


LOOSE = fake_module("validate", "loose", process=_loose_findings)
RUNS = 12


def _outcomes(run, stage: str) -> list[tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    return [(a.module_id, str(a.outcome)) for a in run.attempts if a.stage_id == stage]


def test_findings_of_strings_and_numbers_fall_back_to_validate_basic_and_route_is_not_blamed(
    db: Database, tmp_path: Path
) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [LOOSE, BasicValidate, RulesRoute],
        {"validate": "validate.loose", "route": "route.rules"},
        {"validate": PolicyDoc("validate.basic", ("error",), {"on_exhausted": "review"})},
    )
    runs = runner.run_many([(f"{i}.pdf", b"%PDF") for i in range(RUNS)], concurrency=2)
    assert [r.status for r in runs] == [RunStatus.COMPLETED_WITH_FALLBACK] * RUNS
    run = runs[0]
    assert _outcomes(run, "validate") == [
        ("validate.loose", "contract_violation"),
        ("validate.basic", "fallback"),
    ]
    assert _outcomes(run, "route") == [("route.rules", "ok")]
    violation = run.attempts[[a.module_id for a in run.attempts].index("validate.loose")]
    assert violation.summary == {"trigger": "contract_violation"}
    assert violation.error is not None
    assert "findings.items[1]: expected a Finding, got str 'total mismatch'" in violation.error
    assert "findings.items[2]: expected a Finding, got int 42" in violation.error
    assert "validate.loose" in violation.error
    with db.unit_of_work() as uow:
        stats = {(s.stage_id, s.module_id): s for s in uow.runs.attempt_stats()}
    assert stats["validate", "validate.loose"].failed == RUNS
    assert stats["validate", "validate.basic"].fallback == RUNS
    route = stats["route", "route.rules"]
    assert (route.ok, route.failed) == (RUNS, 0)


def test_a_violation_sends_the_run_to_review_when_there_is_no_fallback(
    db: Database, tmp_path: Path
) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [LOOSE],
        {"validate": "validate.loose"},
        {"validate": PolicyDoc(None, ("timeout",), {"on_exhausted": "review"})},
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert run.status is RunStatus.NEEDS_REVIEW
    assert "findings.items[1]" in (run.reason or "")
    assert _outcomes(run, "route") == [("route.fake", "skipped")]  # never fed the bad findings


def test_a_module_returning_nothing_is_an_empty_output_and_falls_back(
    db: Database, tmp_path: Path
) -> None:
    runner, _ = make_runner(
        db,
        tmp_path,
        [
            fake_module("text", "mute", process=_nothing),
            fake_module("extract", "void", process=_none),  # type: ignore[arg-type]
            fake_module("text", "backup", is_fallback=True),
        ],
        {"text": "text.mute", "extract": "extract.void"},
        {
            "text": PolicyDoc("text.backup", ("error", "empty_output"), {}),
            "extract": PolicyDoc(None, ("empty_output",), {"on_exhausted": "review"}),
        },
    )
    run = runner.run_bytes("a.pdf", b"%PDF")
    assert _outcomes(run, "text") == [("text.mute", "failed"), ("text.backup", "fallback")]
    mute, void = (a for a in run.attempts if a.module_id in ("text.mute", "extract.void"))
    for attempt in (mute, void):
        assert attempt.summary == {"trigger": "empty_output"}
        assert attempt.outcome is not AttemptOutcome.CONTRACT_VIOLATION
    assert "`text.mute` returned no artifact" in (mute.error or "")
    assert "requires `fields/v1`" in (void.error or "")
    assert run.status is RunStatus.NEEDS_REVIEW  # extract had no fallback: a human looks
    assert (run.reason or "").startswith("stage `extract` sent to review: empty output")


def test_a_module_replaced_at_startup_makes_the_run_completed_with_fallback(
    db: Database, tmp_path: Path
) -> None:
    backup = fake_module("extract", "backup", is_fallback=True)
    _, registry = make_runner(
        db,
        tmp_path,
        [fake_module("extract", "fancy"), backup],
        {"extract": "extract.fancy"},
        {"extract": PolicyDoc("extract.backup", ("error",), {})},
    )
    # the process restarts and the selected module's dependency is gone
    healthy = [m.cls for m in registry.all() if m.module_id != "extract.fancy" and m.cls]
    sick = fake_module("extract", "fancy", healthy=False)
    restarted = runner_on(db, ModuleRegistry.from_classes([*healthy, sick]), tmp_path)
    run = restarted.run_bytes("a.pdf", b"%PDF")
    assert _outcomes(run, "extract") == [("extract.backup", "ok")]
    assert run.status is RunStatus.COMPLETED_WITH_FALLBACK
    assert run.reason is not None
    assert "stage `extract` ran `extract.backup` in place of `extract.fancy`" in run.reason
    assert "fake dependency missing" in run.reason
    with db.unit_of_work() as uow:
        stored = uow.runs.get(run.run_id)
    assert stored is not None and stored.status is RunStatus.COMPLETED_WITH_FALLBACK
    [attempt] = [a for a in stored.attempts if a.stage_id == "extract"]
    assert attempt.summary["substituted_for"] == "extract.fancy"
