"""Inline attempts with a time limit run on kept threads: reused, and never blocked by a hung one."""

from __future__ import annotations

import contextvars
import os
import threading

import pytest

from turnout.domain.errors import StageTimeout
from turnout.runtime.resilience.timeout import call_with_timeout

_MARK: contextvars.ContextVar[str] = contextvars.ContextVar("mark", default="fresh")


def test_calls_run_on_another_thread_that_is_kept_for_the_next_call() -> None:
    first = call_with_timeout(threading.get_ident, 5, "first")
    second = call_with_timeout(threading.get_ident, 5, "second")
    assert first != threading.get_ident()
    assert first == second


def test_errors_reach_the_caller_and_the_thread_stays_usable() -> None:
    def fail() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        call_with_timeout(fail, 5, "failing")
    assert call_with_timeout(lambda: 42, 5, "after") == 42


def test_a_hung_call_times_out_and_the_next_call_does_not_wait_for_it() -> None:
    release, finished = threading.Event(), threading.Event()

    def hang() -> None:
        release.wait()
        finished.set()

    try:
        with pytest.raises(StageTimeout, match=r"hung took longer than timeout_s=0.05"):
            call_with_timeout(hang, 0.05, "hung")
        assert call_with_timeout(lambda: "next", 5, "next") == "next"
    finally:
        release.set()
        assert finished.wait(5)


def test_each_call_starts_with_a_fresh_context() -> None:
    def mark() -> str:
        seen = _MARK.get()
        _MARK.set("changed")
        return seen

    assert call_with_timeout(mark, 5, "one") == "fresh"
    assert call_with_timeout(mark, 5, "two") == "fresh"


def test_without_a_limit_the_call_runs_in_the_callers_thread() -> None:
    assert call_with_timeout(threading.get_ident, None, "inline") == threading.get_ident()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_starts_its_own_threads() -> None:
    call_with_timeout(lambda: None, 5, "parent")  # the parent now keeps an idle thread
    pid = os.fork()
    if pid == 0:  # the child: the parent's idle thread does not exist here
        try:
            os._exit(0 if call_with_timeout(lambda: 7, 2, "child") == 7 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
