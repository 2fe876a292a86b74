"""`sys.exit()` or KeyboardInterrupt raised by module code fails the attempt, which is retried and
falls back like any error; a KeyboardInterrupt on the main thread (a real Ctrl-C) stops Turnout."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from support.fakes import fake_module
from turnout.domain.artifacts import Artifact, Findings, InvoiceArtifact
from turnout.domain.configuration import FallbackPolicy
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import AttemptOutcome, Run, RunStatus
from turnout.domain.stages import STAGES_BY_ID
from turnout.runtime.plan import InlineCall, PlannedStage, Slot
from turnout.runtime.resilience.breaker import BreakerBoard
from turnout.runtime.resilience.envelope import StageEnvelope, StageOutcome
from turnout.runtime.resilience.policy import read_policy

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _exits(inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
    sys.exit(3)


def _interrupts(inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
    raise KeyboardInterrupt


def _run_validate(process: Any, timeout_s: float | None = None) -> StageOutcome:
    primary = fake_module("validate", "bad", process=process)
    fallback = fake_module("validate", "good")
    actions: dict[str, Any] = {"retry": {"attempts": 1}, "on_exhausted": "fail"}
    if timeout_s is not None:
        actions["timeout_s"] = timeout_s
    policy = FallbackPolicy("p", "c", "validate", "validate.good", ("error",), actions)
    planned = PlannedStage(
        STAGES_BY_ID["validate"],
        Slot("validate.bad", InlineCall(primary({}))),
        Slot("validate.good", InlineCall(fallback({}))),
        read_policy(policy),
    )
    run = Run("run-1", "a.xml", "c", 1, RunStatus.RUNNING, T0)
    envelope = StageEnvelope(BreakerBoard(), Path(), lambda: T0)
    return envelope.run(run, planned, Artifacts([InvoiceArtifact(Invoice(invoice_number="1"))]))


@pytest.mark.parametrize("timeout_s", [None, 5.0], ids=["inline", "attempt-thread"])
def test_sys_exit_in_a_module_is_a_failed_attempt_then_the_fallback(
    timeout_s: float | None,
) -> None:
    result = _run_validate(_exits, timeout_s)
    assert result.failure is None and result.used_fallback
    assert result.outputs is not None and isinstance(result.outputs[0], Findings)
    assert [(a.module_id, a.outcome) for a in result.attempts] == [
        ("validate.bad", AttemptOutcome.FAILED),
        ("validate.bad", AttemptOutcome.FAILED),  # retried like any error
        ("validate.good", AttemptOutcome.FALLBACK),
    ]
    assert result.attempts[0].error == "module called sys.exit(3)"


def test_keyboard_interrupt_from_a_module_on_a_pool_thread_is_a_failed_attempt() -> None:
    box: dict[str, StageOutcome] = {}
    worker = threading.Thread(target=lambda: box.update(result=_run_validate(_interrupts)))
    worker.start()
    worker.join(10)
    result = box["result"]
    assert result.used_fallback
    assert result.attempts[0].error == "module raised KeyboardInterrupt"


def test_keyboard_interrupt_from_a_module_on_its_attempt_thread_is_a_failed_attempt() -> None:
    result = _run_validate(_interrupts, timeout_s=5.0)
    assert result.used_fallback
    assert result.attempts[0].error == "module raised KeyboardInterrupt"


def test_keyboard_interrupt_on_the_main_thread_stops_turnout() -> None:
    assert threading.current_thread() is threading.main_thread()
    with pytest.raises(KeyboardInterrupt):
        _run_validate(_interrupts)
