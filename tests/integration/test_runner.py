"""The sequential runner with our own test modules, persisted on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.fakes import fake_module
from support.pipelines import runner_on
from turnout.domain.artifacts import Artifact, EInvoice
from turnout.domain.errors import InputRejected, NotApplicable
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import AttemptOutcome, RunStatus
from turnout.domain.stages import STAGES
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.runtime.catalog import register_catalog
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.runner import Runner

REQUIRED = [s.stage_id for s in STAGES if s.is_required]


def _not_einvoice(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise NotApplicable("not an e-invoice")


def _einvoice(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    return [EInvoice("ubl", "Invoice", None, Invoice(invoice_number="E-1"))]


def _reject(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise InputRejected("truncated PDF; ask the sender for the file again")


def _crash(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise RuntimeError("boom")


def _nothing(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    return []


MODULES = [
    *(fake_module(s) for s in REQUIRED),
    fake_module("einvoice", "none", process=_not_einvoice),
    fake_module("einvoice", "always", process=_einvoice),
    fake_module("einvoice", "crash", process=_crash),
    fake_module("intake", "reject", process=_reject),
    fake_module("text", "crash", process=_crash),
    fake_module("validate", "silent", process=_nothing),
]


def pipeline(db: Database, tmp_path: Path, **modules: str) -> Runner:
    registry = ModuleRegistry.from_classes(MODULES)
    with db.unit_of_work() as uow:
        register_catalog(uow, registry)
        uow.users.add_role("ann", Role.MAINTAINER)
        uow.commit()
    selections = {s: SelectionDoc(f"{s}.fake") for s in REQUIRED}
    selections.update({stage: SelectionDoc(module) for stage, module in modules.items()})
    service = ConfigurationService(db.unit_of_work, registry)
    version = service.create(ConfigDocument("t", selections), "ann").config.version
    service.validate(version, "ann")
    service.activate(version, "ann")
    return runner_on(db, registry, tmp_path)


def outcomes(run_attempts: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {a.stage_id: str(a.outcome) for a in run_attempts}


def stored(db: Database, run_id: str):  # type: ignore[no-untyped-def]
    with db.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    assert run is not None
    return run


def test_run_completes_and_every_attempt_is_persisted(db: Database, tmp_path: Path) -> None:
    runner = pipeline(db, tmp_path, einvoice="einvoice.none")
    run = runner.run_bytes("a.pdf", b"%PDF-1.7 fake")
    assert run.status is RunStatus.COMPLETED and run.config_version == 1
    saved = stored(db, run.run_id)
    assert saved.status is RunStatus.COMPLETED and saved.finished_at is not None
    assert outcomes(saved.attempts) == {
        "intake": "ok",
        "einvoice": "skipped",
        "text": "ok",
        "extract": "ok",
        "normalize": "ok",
        "validate": "ok",
        "dedupe": "skipped",
        "match": "skipped",
        "route": "ok",
        "export": "ok",
    }
    einvoice = next(a for a in saved.attempts if a.stage_id == "einvoice")
    assert einvoice.summary["reason"] == "not applicable: not an e-invoice"
    assert saved.invoice is not None and saved.invoice["invoice_number"] == "1"
    assert saved.decision == {"outcome": "approve", "reasons": ["fake"]}


def test_text_and_extract_are_skipped_for_an_e_invoice(db: Database, tmp_path: Path) -> None:
    run = pipeline(db, tmp_path, einvoice="einvoice.always").run_bytes("a.xml", b"<x/>")
    got = outcomes(run.attempts)
    assert (got["text"], got["extract"], got["normalize"]) == ("skipped", "skipped", "ok")
    assert run.status is RunStatus.COMPLETED
    reasons = {a.stage_id: a.summary.get("reason") for a in run.attempts}
    assert reasons["text"] == "not applicable: `einvoice` already produced"


def test_rejected_intake_fails_the_run_with_the_reason(db: Database, tmp_path: Path) -> None:
    run = pipeline(db, tmp_path, intake="intake.reject").run_bytes("a.pdf", b"%PDF")
    assert run.status is RunStatus.FAILED
    assert run.reason is not None and "intake" in run.reason and "truncated PDF" in run.reason
    assert outcomes(run.attempts)["intake"] == str(AttemptOutcome.REJECTED)
    assert all(a.outcome is AttemptOutcome.SKIPPED for a in run.attempts[1:])
    assert stored(db, run.run_id).reason == run.reason


def test_failed_stage_stops_only_stages_that_need_its_output(db: Database, tmp_path: Path) -> None:
    run = pipeline(db, tmp_path, text="text.crash").run_bytes("a.pdf", b"%PDF")
    got = outcomes(run.attempts)
    assert got["intake"] == "ok" and got["text"] == "failed"
    assert got["extract"] == "skipped"
    extract = next(a for a in run.attempts if a.stage_id == "extract")
    assert str(extract.summary["reason"]).startswith("blocked")
    assert run.status is RunStatus.FAILED and "RuntimeError: boom" in (run.reason or "")


def test_failed_optional_stage_sends_the_run_to_review(db: Database, tmp_path: Path) -> None:
    run = pipeline(db, tmp_path, einvoice="einvoice.crash").run_bytes("a.pdf", b"%PDF")
    assert outcomes(run.attempts)["einvoice"] == "failed"
    assert outcomes(run.attempts)["export"] == "ok"
    assert run.status is RunStatus.NEEDS_REVIEW


def test_module_that_produces_nothing_is_an_empty_output(db: Database, tmp_path: Path) -> None:
    run = pipeline(db, tmp_path, validate="validate.silent").run_bytes("a.pdf", b"%PDF")
    assert outcomes(run.attempts)["validate"] == "failed"
    [silent] = [a for a in run.attempts if a.module_id == "validate.silent"]
    assert silent.summary == {"trigger": "empty_output"}
    assert run.status is RunStatus.FAILED and "findings/v1" in (run.reason or "")


def test_each_run_is_pinned_to_the_version_it_was_admitted_under(
    db: Database, tmp_path: Path
) -> None:
    runner = pipeline(db, tmp_path)
    first = runner.run_bytes("a.pdf", b"%PDF")
    registry = ModuleRegistry.from_classes(MODULES)
    service = ConfigurationService(db.unit_of_work, registry)
    selections = {s: SelectionDoc(f"{s}.fake") for s in REQUIRED} | {
        "einvoice": SelectionDoc("einvoice.none")
    }
    v2 = service.create(ConfigDocument("two", selections), "ann").config.version
    service.validate(v2, "ann")
    assert service.activate(v2, "ann").status == "active"
    second = runner.run_bytes("b.pdf", b"%PDF")
    assert (first.config_version, second.config_version) == (1, 2)
    assert "einvoice" in outcomes(second.attempts) and stored(db, second.run_id).config_version == 2


@pytest.mark.parametrize("payload", [b"", b"\x00" * 10])
def test_odd_inputs_are_recorded_not_raised(db: Database, tmp_path: Path, payload: bytes) -> None:
    run = pipeline(db, tmp_path, intake="intake.reject").run_bytes("../../etc/passwd", payload)
    assert run.status is RunStatus.FAILED
    assert stored(db, run.run_id).file_name == "../../etc/passwd"


def test_selected_module_unavailable_in_this_process_fails_its_stage(
    db: Database, tmp_path: Path
) -> None:
    pipeline(db, tmp_path)
    sick = [m for m in MODULES if m.spec.module_id != "export.fake"] + [
        fake_module("export", healthy=False)
    ]
    run = runner_on(db, ModuleRegistry.from_classes(sick), tmp_path).run_bytes("a.pdf", b"%PDF")
    export = next(a for a in run.attempts if a.stage_id == "export")
    assert export.outcome is AttemptOutcome.FAILED and "unavailable" in (export.error or "")
    assert run.status is RunStatus.FAILED


def _not_mine(inputs: Artifacts, context: RunContext) -> list[Artifact]:
    raise NotApplicable("not my kind of document")


def test_a_run_whose_stages_all_decline_is_failed_not_completed(
    db: Database, tmp_path: Path
) -> None:
    registry_modules = [*MODULES, fake_module("text", "shy", process=_not_mine)]
    registry = ModuleRegistry.from_classes(registry_modules)
    with db.unit_of_work() as uow:
        register_catalog(uow, registry)
        uow.users.add_role("ann", Role.MAINTAINER)
        uow.commit()
    selections = {s: SelectionDoc(f"{s}.fake") for s in REQUIRED} | {
        "text": SelectionDoc("text.shy")
    }
    service = ConfigurationService(db.unit_of_work, registry)
    version = service.create(ConfigDocument("t", selections), "ann").config.version
    service.validate(version, "ann")
    service.activate(version, "ann")
    run = runner_on(db, registry, tmp_path).run_bytes("a.png", b"\x89PNG")
    assert outcomes(run.attempts)["export"] == "skipped"
    assert run.status is RunStatus.FAILED
    assert "ended without `receipt/v1`" in (run.reason or "")
