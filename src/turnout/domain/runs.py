"""Runs of one file through the pipeline, and the attempts of each stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class RunStatus(StrEnum):
    QUEUED = "queued"  # admitted, waiting for a worker
    RUNNING = "running"
    COMPLETED = "completed"
    COMPLETED_WITH_FALLBACK = "completed_with_fallback"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self not in (RunStatus.QUEUED, RunStatus.RUNNING)


class AttemptOutcome(StrEnum):
    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"
    REJECTED = "rejected"  # the module refused the input (InputRejected)
    FALLBACK = "fallback"  # this attempt was made by a fallback module and succeeded
    TIMEOUT = "timeout"
    CONTRACT_VIOLATION = "contract_violation"


@dataclass
class StageAttempt:
    """One call of one module for one stage of one run (skips are recorded too)."""

    run_id: str
    stage_id: str
    module_id: str | None
    attempt: int
    outcome: AttemptOutcome
    duration_ms: float
    started_at: dt.datetime
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run:
    """One file through the pipeline, pinned to the configuration version it was admitted under."""

    run_id: str
    file_name: str
    config_id: str
    config_version: int
    status: RunStatus
    created_at: dt.datetime
    source_sha256: str | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    reason: str | None = None
    invoice: dict[str, Any] | None = None
    findings: list[dict[str, Any]] | None = None
    decision: dict[str, Any] | None = None
    attempts: list[StageAttempt] = field(default_factory=list)


# The outcomes `turnout stats` counts as a failure of the module.
FAILURE_OUTCOMES = frozenset(
    {
        AttemptOutcome.FAILED,
        AttemptOutcome.REJECTED,
        AttemptOutcome.TIMEOUT,
        AttemptOutcome.CONTRACT_VIOLATION,
    }
)


@dataclass(frozen=True)
class AttemptStats:
    """How the attempts of one module at one stage ended (`module_id` None: no selection)."""

    stage_id: str
    module_id: str | None
    attempts: int
    ok: int
    fallback: int
    failed: int  # failed, rejected, timeout and contract_violation (FAILURE_OUTCOMES)
    skipped: int
    mean_duration_ms: float  # over the attempts that ran, skips excluded

    @property
    def ran(self) -> int:
        """Attempts that called the module (not skipped)."""
        return self.attempts - self.skipped

    @property
    def fallback_rate(self) -> float:
        """Share of the attempts that ran which were made by a fallback module."""
        return self.fallback / self.ran if self.ran else 0.0

    @property
    def failure_rate(self) -> float:
        """Share of the attempts that ran which failed."""
        return self.failed / self.ran if self.ran else 0.0
