"""`isolation: process` through a real configuration: a segfault, `os._exit` or a hang in a module
fails one attempt, the fallback takes over, and the pipeline goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.fakes import fake_module
from support.misbehaving_modules import MISBEHAVE, ExitingText, HangingText, SegfaultingText
from support.pipelines import make_runner
from turnout.domain.runs import RunStatus
from turnout.persistence import Database
from turnout.runtime.config_document import PolicyDoc

BACKUP = fake_module("text", "backup", is_fallback=True)


@pytest.mark.parametrize(
    ("module", "error"),
    [
        (SegfaultingText, "SIGSEGV"),
        (ExitingText, "exited with code 3"),
        (HangingText, "timeout_s=0.5"),
    ],
)
def test_a_crashing_isolated_module_costs_one_attempt_not_the_process(
    db: Database, tmp_path: Path, module: type, error: str
) -> None:
    module_id = module.spec.module_id  # type: ignore[attr-defined]
    runner, _ = make_runner(
        db,
        tmp_path,
        [module, BACKUP],
        {"text": (module_id, {"isolation": "process", "memory_limit_mb": 512})},
        {"text": PolicyDoc("text.backup", ("error", "timeout"), {"timeout_s": 0.5})},
    )
    try:
        bad = runner.run_bytes("bad.pdf", MISBEHAVE)
        # the fresh worker's start counts in the next attempt's timeout_s: let it finish first
        [text] = [p for p in runner.plan_for(bad.version).stages if p.stage.stage_id == "text"]
        assert text.primary is not None and text.primary.call is not None
        text.primary.call.warm_up()
        good = runner.run_bytes("good.pdf", b"%PDF fine")
    finally:
        runner.close()
    assert bad.status is RunStatus.COMPLETED_WITH_FALLBACK
    [failed] = [a for a in bad.attempts if a.module_id == module_id]
    assert error in (failed.error or ""), failed.error
    assert good.status is RunStatus.COMPLETED  # a fresh worker served the next run
    assert [a.module_id for a in good.attempts if a.stage_id == "text"] == [module_id]


def test_isolation_settings_are_validated(db: Database, tmp_path: Path) -> None:
    from support.pipelines import base_modules
    from turnout.runtime.config_document import ConfigDocument, SelectionDoc
    from turnout.runtime.registry import ModuleRegistry
    from turnout.runtime.validation import validate_document

    registry = ModuleRegistry.from_classes([*base_modules(), SegfaultingText])
    selections = {m.spec.stage_id: SelectionDoc(m.spec.module_id) for m in base_modules()}
    selections["text"] = SelectionDoc(
        "text.segfault", {"isolation": "sideways", "memory_limit_mb": 0}
    )
    problems = validate_document(ConfigDocument("t", selections), registry)
    text = " | ".join(p.message for p in problems)
    assert "isolation" in text and "memory_limit_mb" in text
