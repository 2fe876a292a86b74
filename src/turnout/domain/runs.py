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
