"""An inline attempt that timed out cannot pile up: the next attempt of the same (stage, module)
waits for its thread, within its own time limit. Module code that exits or is interrupted on an
attempt thread reaches the caller as an ordinary exception."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest

from support.fakes import fake_module
from turnout.domain.artifacts import Artifact, Findings, InvoiceArtifact
from turnout.domain.configuration import FallbackPolicy
from turnout.domain.errors import StageTimeout
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import Run, RunStatus
from turnout.domain.stages import STAGES_BY_ID
from turnout.runtime.plan import InlineCall, PlannedStage, Slot
from turnout.runtime.resilience.breaker import BreakerBoard
from turnout.runtime.resilience.envelope import StageEnvelope
from turnout.runtime.resilience.policy import read_policy
from turnout.runtime.resilience.timeout import ModuleExited, call_with_timeout

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _hang_until(release: threading.Event, finished: threading.Event) -> None:
    release.wait()
    finished.set()


def test_the_next_attempt_of_a_slot_does_not_start_while_the_abandoned_one_runs() -> None:
    key = ("text", "text.hangs")
    release, finished = threading.Event(), threading.Event()
    started: list[str] = []
    try:
        with pytest.raises(StageTimeout, match=r"took longer than timeout_s=0\.05"):
            call_with_timeout(lambda: _hang_until(release, finished), 0.05, "first", key=key)

        with pytest.raises(StageTimeout, match="previous attempt's thread is still running"):
            call_with_timeout(lambda: started.append("retry"), 0.1, "retry", key=key)
        assert started == []  # the retry never ran beside the hung attempt
    finally:
        release.set()
    assert finished.wait(5)
    assert call_with_timeout(lambda: "after", 5, "after", key=key) == "after"


def test_the_wait_for_the_abandoned_attempt_counts_in_the_time_limit_and_then_it_runs() -> None:
    key = ("text", "text.slow")
    release, finished = threading.Event(), threading.Event()
    with pytest.raises(StageTimeout):
        call_with_timeout(lambda: _hang_until(release, finished), 0.05, "slow", key=key)
    threading.Timer(0.1, release.set).start()  # the abandoned call returns while the next waits
    assert call_with_timeout(finished.is_set, 10, "next", key=key) is True


def test_other_slots_do_not_wait_for_an_abandoned_attempt() -> None:
    release, finished = threading.Event(), threading.Event()
    try:
        with pytest.raises(StageTimeout):
            call_with_timeout(
                lambda: _hang_until(release, finished), 0.05, "hung", key=("text", "text.a")
            )
        assert call_with_timeout(lambda: "other", 5, "other", key=("text", "text.b")) == "other"
        assert call_with_timeout(lambda: "unkeyed", 5, "unkeyed") == "unkeyed"
    finally:
        release.set()
        assert finished.wait(5)


def test_sys_exit_in_module_code_reaches_the_caller_as_module_exited() -> None:
    def exits() -> None:
        sys.exit(3)

    with pytest.raises(ModuleExited, match=r"^module called sys.exit\(3\)$") as caught:
        call_with_timeout(exits, 5, "exits")
    assert isinstance(caught.value.original, SystemExit)


def test_keyboard_interrupt_on_an_attempt_thread_came_from_module_code() -> None:
    def interrupts() -> None:
        raise KeyboardInterrupt

    with pytest.raises(ModuleExited, match=r"^module raised KeyboardInterrupt$"):
        call_with_timeout(interrupts, 5, "interrupts")


def test_a_retry_in_the_envelope_waits_for_its_abandoned_attempt_and_never_runs_beside_it() -> None:
    release = threading.Event()
    running: list[int] = []
    most = [0]

    def hang(inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        running.append(1)
        most[0] = max(most[0], len(running))
        release.wait()
        running.pop()
        return [Findings((), "late")]

    primary = fake_module("validate", "hangs", process=hang)
    actions = {"timeout_s": 0.1, "retry": {"attempts": 2}, "on_exhausted": "fail"}
    policy = FallbackPolicy("p", "c", "validate", "validate.good", ("timeout",), actions)
    planned = PlannedStage(
        STAGES_BY_ID["validate"],
        Slot("validate.hangs", InlineCall(primary({}))),
        Slot("validate.good", InlineCall(fake_module("validate", "good")({}))),
        read_policy(policy),
    )
    run = Run("run-1", "a.xml", "c", 1, RunStatus.RUNNING, T0)
    try:
        result = StageEnvelope(BreakerBoard(), Path(), lambda: T0).run(
            run, planned, Artifacts([InvoiceArtifact(Invoice(invoice_number="1"))])
        )
    finally:
        release.set()
    assert result.used_fallback
    errors = [a.error or "" for a in result.attempts if a.module_id == "validate.hangs"]
    assert len(errors) == 3 and "took longer than timeout_s=0.1" in errors[0]
    assert all("previous attempt's thread is still running" in e for e in errors[1:]), errors
    assert most[0] == 1  # one abandoned thread for the slot, never one per retry
