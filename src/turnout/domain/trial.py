"""Trial runs: a configuration version run in shadow over the stored source files of recent runs
(or given files), compared invoice by invoice with what was recorded.

Nothing leaves a trial: no export is delivered, no run is stored (so no duplicate-detection history
and no statistics), no vendor or issuer profile changes. What is stored is the trial itself, with
its report, and an audit event (action `trial`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from turnout.domain.errors import RequestError


class TrialStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # the trial itself could not run (not a run of it failing)


@dataclass(frozen=True)
class TrialScope:
    """What a trial runs on: the last N recorded runs, the runs since a time, or given files."""

    last: int | None = None
    since: dt.datetime | None = None
    files: tuple[str, ...] = ()  # paths given on the command line (names only are stored)

    def describe(self) -> str:
        if self.files:
            return f"{len(self.files)} given file(s)"
        if self.since is not None:
            return f"the runs since {self.since.isoformat(timespec='seconds')}"
        return f"the last {self.last} run(s)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "last": self.last,
            "since": None if self.since is None else self.since.isoformat(),
            "files": list(self.files),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialScope:
        since = data.get("since")
        return cls(
            last=data.get("last"),
            since=dt.datetime.fromisoformat(since) if since else None,
            files=tuple(data.get("files") or ()),
        )


@dataclass
class Trial:
    """One trial of a version: who ran it, on what, and its report (the `config try --json`
    shape) once done."""

    trial_id: str
    version: int
    actor: str
    scope: TrialScope
    created_at: dt.datetime
    status: TrialStatus = TrialStatus.RUNNING
    finished_at: dt.datetime | None = None
    done: int = 0  # runs tried so far
    total: int = 0  # runs to try
    report: dict[str, Any] | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "trial_id": self.trial_id,
            "version": self.version,
            "actor": self.actor,
            "scope": self.scope.to_dict(),
            "created_at": self.created_at.isoformat(),
            "status": str(self.status),
            "finished_at": None if self.finished_at is None else self.finished_at.isoformat(),
            "done": self.done,
            "total": self.total,
            "report": self.report,
            "error": self.error,
        }


class TrialsBusy(RequestError):
    """This process already runs a trial and has as many waiting as it keeps: the trial was not
    started (HTTP 409); try again once one has finished."""
