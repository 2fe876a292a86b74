"""An inline attempt that timed out cannot pile up: the next attempt of the same (stage, module)
waits for its thread, within its own time limit. Module code that exits or is interrupted on an
attempt thread reaches the caller as an ordinary exception."""

from __future__ import annotations

import sys
import threading

import pytest

from turnout.domain.errors import StageTimeout
from turnout.runtime.resilience.timeout import ModuleExited, call_with_timeout


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
