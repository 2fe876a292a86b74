"""The error tree. Catch the narrowest class that fits.

Most classes live here; a few live beside the code that raises them (their module is named after
the description). `tests/docs/test_error_tree.py` checks this tree against the classes.

    TurnoutError                     every error Turnout raises on purpose
    ├── RequestError                 the caller asked for something that cannot be done (CLI exit 2)
    │   ├── NotFound                 no such configuration, run, module, stage or user
    │   │   └── PageNotFound         the document has no such page (domain.rendering)
    │   ├── PermissionDenied         the actor's role does not allow the action
    │   │   └── NoRole               the token's user has no role (api.auth)
    │   ├── InvalidTransition        the configuration's status does not allow the action
    │   ├── ActivationPending        another activation is already pending
    │   ├── InvalidConfiguration     a configuration file or version fails validation
    │   ├── QueueUnavailable         the worker queue was asked for on a database without one
    │   ├── PageUnrenderable         the document cannot be shown as images (domain.rendering)
    │   ├── ReviewConflict           someone else reviewed the run first (domain.review)
    │   ├── NotReviewable            the run is not waiting for a person (domain.review)
    │   ├── InvalidCorrection        a correction names an unknown field or an unfit value
    │   │                            (domain.review)
    │   ├── TrialsBusy               this process runs as many trials as it keeps (domain.trial)
    │   ├── NoDatabase               a command needs the database and there is none yet (cli.common)
    │   └── PayloadTooLarge          an upload is larger than the server accepts (api.errors)
    ├── ModuleError                  raised by, or about, a pipeline module
    │   ├── ModuleUnavailable        its import or health check failed
    │   ├── NotApplicable            the stage does not apply to this document (recorded as skipped)
    │   ├── InputRejected            the module refuses this input with a reason (bad file, bad XML)
    │   ├── StageTimeout             an attempt took longer than its policy's timeout_s
    │   └── ModuleCrashed            the worker process running an isolated attempt died
    ├── StorageError                 the database could not be reached or is not initialised
    ├── LeaseLost                    a worker no longer holds the run it was executing
    └── Unauthenticated              no bearer token, or an unknown or revoked one (api.errors)

Every message says what went wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class TurnoutError(Exception):
    """Base class of every error Turnout raises on purpose."""


class RequestError(TurnoutError):
    """The request cannot be carried out as asked; the message says why and what to do."""


class NotFound(RequestError):
    """The configuration, run, module, stage or user does not exist."""


class PermissionDenied(RequestError):
    """The actor's role does not allow the action."""


class InvalidTransition(RequestError):
    """The configuration's current status does not allow the action."""


class ActivationPending(RequestError):
    """Another activation is already pending; only one may be at a time."""


@dataclass(frozen=True)
class Problem:
    """One reason a configuration is not valid: where, what, and the fix."""

    stage: str | None
    module: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = []
        if self.stage:
            where.append(f"stage `{self.stage}`")
        if self.module:
            where.append(f"module `{self.module}`")
        prefix = (", ".join(where) + ": ") if where else ""
        return f"{prefix}{self.message}; fix: {self.fix}"

    def to_dict(self) -> dict[str, str | None]:
        return {
            "stage": self.stage,
            "module": self.module,
            "message": self.message,
            "fix": self.fix,
        }


class InvalidConfiguration(RequestError):
    """A configuration document or version fails validation; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem], headline: str = "configuration is not valid"):
        self.problems = tuple(problems)
        lines = [headline + ":"] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ModuleError(TurnoutError):
    """Raised by, or about, a pipeline module."""


class ModuleUnavailable(ModuleError):
    """The module cannot be used here: its import or health check failed."""


class NotApplicable(ModuleError):
    """The stage does not apply to this document; the runner records the stage as skipped."""


class InputRejected(ModuleError):
    """The module refuses this input (truncated PDF, XML with a DTD, file too large ...)."""


class StageTimeout(ModuleError):
    """An attempt took longer than the stage policy's `timeout_s` (it was abandoned or killed)."""


class ModuleCrashed(ModuleError):
    """The worker process of an isolated attempt died (segfault, os._exit, memory limit)."""


class StorageError(TurnoutError):
    """The database cannot be reached, or has not been initialised (run `turnout init`)."""


class QueueUnavailable(RequestError):
    """The worker queue was asked for on a database that has none (it needs PostgreSQL)."""

    @classmethod
    def on(cls, backend: str) -> QueueUnavailable:
        return cls(
            f"the worker queue needs PostgreSQL, not {backend}: set TURNOUT_DATABASE_URL to a "
            "postgresql:// URL and run `turnout init` (on SQLite, `turnout process` runs invoices "
            "in one process)"
        )


class LeaseLost(TurnoutError):
    """A worker no longer holds the run it was executing (its lease expired and another worker
    took the run over); it must stop and keep nothing of its own."""
