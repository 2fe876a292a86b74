"""Runs of one file through the pipeline, and the attempts of each stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class RunStatus(StrEnum):
    # submitted, waiting for a worker; not admitted yet (no version) unless a worker that died
    # had admitted it, and then it resumes on that version from its last completed stage
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    COMPLETED_WITH_FALLBACK = "completed_with_fallback"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self not in (RunStatus.QUEUED, RunStatus.RUNNING)


# How long a run's (or a trial's) lease lasts unless its process renews it (`Settings.lease_s`).
DEFAULT_LEASE_S = 30.0
# The largest file `turnout submit` queues unless told otherwise (`--max-mb`).
DEFAULT_MAX_SUBMIT_BYTES = 50 * 1024 * 1024


class RunOrigin(StrEnum):
    """Who executes a run, which decides what happens when its lease expires (the process holding
    it stopped): a `local` run (`turnout process`, `turnout serve`) ends `failed`, its stage
    attempts stored so far kept, and the file is processed again by hand; a `queue` run
    (`turnout submit`) goes back to the queue and resumes on another worker from its stored
    stages."""

    LOCAL = "local"
    QUEUE = "queue"


class AttemptOutcome(StrEnum):
    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"
    REJECTED = "rejected"  # the module refused the input (InputRejected)
    FALLBACK = "fallback"  # this attempt was made by a fallback module and succeeded
    TIMEOUT = "timeout"
    CONTRACT_VIOLATION = "contract_violation"


class SkipKind(StrEnum):
    """Why a stage was skipped (a skip is never a failure). The value starts the skipped
    attempt's `reason` (`summary["reason"]`), which is how a stored attempt keeps it."""

    NOT_SELECTED = "no module selected"  # an optional stage without a selection
    NOT_APPLICABLE = "not applicable"  # the module declined, or its input is not there
    BLOCKED = "blocked"  # its input was not produced because an earlier stage failed

    def reason(self, detail: str) -> str:
        """The attempt's reason: this kind, then `detail`."""
        if self is SkipKind.NOT_SELECTED:
            return f"{self.value} ({detail})"
        return f"{self.value}: {detail}"

    @classmethod
    def of(cls, reason: object) -> SkipKind | None:
        """The kind a skipped attempt's stored `reason` names; None for another reason."""
        text = str(reason or "")
        return next((kind for kind in cls if text.startswith(kind.value)), None)


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
    """One file through the pipeline, pinned to the configuration version it was admitted under.

    A run submitted to the worker queue (`turnout submit`) has no version until a worker admits
    it: `config_id` and `config_version` are None while it is queued and never admitted.
    """

    run_id: str
    file_name: str
    config_id: str | None
    config_version: int | None
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
    worker: str | None = None  # the process that holds (or last held) the run's lease
    lease_expires_at: dt.datetime | None = None  # while running
    origin: RunOrigin = RunOrigin.LOCAL
    # review by a person (`turnout.domain.review`): how many reviews changed the run, the
    # machine's invoice as first read (kept once a person corrects it; never overwritten), and
    # the person's final decision ({"outcome", "by", "comment", "at"}), which the `route` stage's
    # decision gives way to when the run continues
    review_revision: int = 0
    machine_invoice: dict[str, Any] | None = None
    final_decision: dict[str, Any] | None = None
    # the run this one runs again (a guard's rollback re-runs the failed runs of the version it
    # rolled back, on the restored version); at most one run re-runs any run
    rerun_of: str | None = None

    @property
    def version(self) -> int:
        """The version the run was admitted under (a run being executed always has one)."""
        if self.config_version is None:
            raise ValueError(f"run {self.run_id} is queued and was never admitted to a version")
        return self.config_version


@dataclass
class StageResult:
    """What one stage of one run produced, stored once per (run, stage) by distributed workers so
    that a redelivered or resumed run reuses it instead of running the stage again.

    `outputs` are the artifacts encoded as JSON (see `turnout.runtime.checkpoint`); `failure` and
    `review` are the reasons the stage failed or sent the run to review; `blocks` says the review
    withheld the stage's outputs.
    """

    run_id: str
    stage_id: str
    position: int
    attempts: list[StageAttempt]
    outputs: list[dict[str, Any]]
    failure: str | None = None
    review: str | None = None
    blocks: bool = False
    used_fallback: bool = False
    worker: str | None = None


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
