"""What the parent and a worker process say to each other over their pipe.

The parent sends a `Launch` once (as the process's argument), then one pickled `Attempt` at a
time, or `None` to stop. The worker answers `Ready` after it has warmed the module up, then one
`Produced` or `Raised` per attempt. Exceptions travel as text (`Raised`): a module's exception
may not be picklable, and its class may not exist in the parent.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from turnout.domain import errors
from turnout.domain.artifacts import Artifact
from turnout.domain.modules import Artifacts, RunContext
from turnout.isolation.locate import ClassPath


@dataclass(frozen=True)
class Launch:
    """Everything a fresh worker needs to build the module: class, settings, import path, limit."""

    module_id: str
    class_path: ClassPath
    settings: Mapping[str, Any]
    sys_path: tuple[str, ...]
    memory_limit_mb: int | None
    parent_pid: int


@dataclass(frozen=True)
class Ready:
    """The worker built the module and warmed it up."""

    pid: int


@dataclass(frozen=True)
class Attempt:
    """One call of the module's `process`."""

    inputs: Artifacts
    context: RunContext


@dataclass(frozen=True)
class Produced:
    """The artifacts an attempt returned."""

    artifacts: tuple[Artifact, ...]


@dataclass(frozen=True)
class Raised:
    """An exception raised in the worker, as text, with what the parent needs to rebuild it."""

    type_name: str
    message: str
    traceback: str
    # the nearest `turnout.domain.errors.ModuleError` class in the exception's MRO, by name
    domain_class: str | None = None
    out_of_memory: bool = False

    @classmethod
    def describe(cls, exc: BaseException, context: str | None = None) -> Raised:
        """Describe `exc`; `context` is prepended to its message (what the worker was doing)."""
        message = _message_of(exc)
        if context:
            message = f"{context}: {message}" if message else context
        return cls(
            type_name=type(exc).__name__,
            message=message,
            traceback="".join(traceback.format_exception(exc)),
            domain_class=_domain_class(type(exc)),
            out_of_memory=isinstance(exc, MemoryError),
        )

    def summary(self) -> str:
        """`TypeName: message`, the way the runner records a failed attempt."""
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker process, attached as `__cause__`."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f"\n\nin the worker process:\n{self.text}"


def rebuild(raised: Raised) -> errors.ModuleError:
    """The parent-side error for an attempt's exception.

    A `ModuleError` (or a subclass defined by the module) comes back as its nearest class from
    `turnout.domain.errors` with the same message, so the runner still sees `NotApplicable` or
    `InputRejected`; anything else becomes `ModuleError("TypeName: message")`.
    """
    error_class = getattr(errors, raised.domain_class or "", None)
    if isinstance(error_class, type) and issubclass(error_class, errors.ModuleError):
        error: errors.ModuleError = error_class(raised.message)
    else:
        error = errors.ModuleError(raised.summary())
    error.__cause__ = RemoteTraceback(raised.traceback)
    return error


def _domain_class(kind: type[BaseException]) -> str | None:
    for klass in kind.__mro__:
        if klass.__module__ == errors.__name__ and issubclass(klass, errors.ModuleError):
            return klass.__name__
    return None


def _message_of(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a broken __str__ must not hide the failure itself
        return f"<{type(exc).__name__} whose message cannot be shown>"
