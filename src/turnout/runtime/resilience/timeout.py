"""Calling a module with a time limit.

An inline module runs in a daemon thread that the runner stops waiting for when the limit passes:
Python cannot kill a thread, so a hung inline call keeps its thread until it returns. Modules that
may hang for good belong in a worker process (`isolation: process`), which is killed instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from turnout.domain.errors import StageTimeout

T = TypeVar("T")


def call_with_timeout(fn: Callable[[], T], timeout_s: float | None, what: str) -> T:
    """`fn()`, or StageTimeout when it has not returned after `timeout_s` seconds."""
    if timeout_s is None:
        return fn()
    box: dict[str, object] = {}
    done = threading.Event()

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=target, name=f"turnout-attempt-{what}", daemon=True)
    thread.start()
    if not done.wait(timeout_s):
        raise StageTimeout(
            f"{what} took longer than timeout_s={timeout_s:g}; the attempt was abandoned "
            "(use `isolation: process` to have hung attempts killed)"
        )
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
