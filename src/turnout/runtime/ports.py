"""Ports: the protocols the service layer needs from its adapters. Storage and the job queue
(`UnitOfWork` and its repositories) are implemented by `turnout.persistence` on SQLAlchemy, so
nothing in `runtime` knows which database is behind them; a module's call (`ModuleCall`) and the
start of an isolated one (`ProcessIsolation`, implemented by `turnout.isolation`) are wired by
bootstrap."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from turnout.domain.artifacts import Artifact
from turnout.domain.audit_chain import ChainedEvent
from turnout.domain.configuration import ConfigStatus, LivePointers, ModuleConfiguration
from turnout.domain.contracts import CapabilityContract
from turnout.domain.events import ConfigurationChangeEvent
from turnout.domain.guard import Figures, Guard
from turnout.domain.modules import Artifacts, ModuleRecord, ModuleSpec, RunContext, StageModule
from turnout.domain.profiles import IssuerProfile, ProfileAction, ProfileVersion
from turnout.domain.review import ReviewFilter, ReviewItem, ReviewRecord
from turnout.domain.runs import AttemptStats, Run, RunStatus, StageAttempt, StageResult
from turnout.domain.stages import ProcessingStage
from turnout.domain.trial import Trial, TrialScope
from turnout.domain.users import Role, User
from turnout.domain.vendors import StoredVendor, Vendor


class StageRepository(Protocol):
    def save_contract(self, contract: CapabilityContract) -> None:
        """Insert or update a contract by contract_id."""

    def save_stage(self, stage: ProcessingStage) -> None:
        """Insert or update a stage by stage_id (its contract must be saved first)."""

    def contracts(self) -> list[CapabilityContract]: ...

    def stages(self) -> list[ProcessingStage]:
        """All stages ordered by `order`, each with its contract."""


class ModuleRepository(Protocol):
    def save(self, module: ModuleRecord) -> None:
        """Insert or update by module_id (status, is_fallback, metadata may change)."""

    def get(self, module_id: str) -> ModuleRecord | None: ...

    def list(self, stage_id: str | None = None) -> list[ModuleRecord]:
        """Ordered by stage order, then module_id."""


class ConfigurationRepository(Protocol):
    def add(self, config: ModuleConfiguration) -> None:
        """Insert a new version with its selections and policies (never overwrites)."""

    def next_version(self) -> int: ...

    def get(self, version: int) -> ModuleConfiguration | None:
        """By version number, with selections and policies."""

    def get_by_id(self, config_id: str) -> ModuleConfiguration | None: ...

    def with_status(self, status: ConfigStatus) -> list[ModuleConfiguration]: ...

    def list(self) -> list[ModuleConfiguration]:
        """Every version, newest first (selections and policies included)."""

    def save_status(self, config: ModuleConfiguration) -> None:
        """Persist `status` and `activated_at`, the only mutable columns."""

    def approve(self, config_id: str, actor: str, at: dt.datetime) -> bool:
        """Record `actor`'s approval of a version (four eyes); False if they approved it before."""

    def approvals(self, config_id: str) -> builtins.list[tuple[str, dt.datetime]]:
        """Who approved the version, and when, oldest first."""

    def pointers(self) -> LivePointers:
        """The active and the pending version, in one cheap query (no selections loaded)."""


class EventRepository(Protocol):
    def add(self, event: ConfigurationChangeEvent) -> int:
        """Insert and return the new event_id."""

    def list(
        self,
        *,
        config_id: str | None = None,
        action: str | None = None,
        actor: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[ConfigurationChangeEvent]:
        """Newest first."""

    def chain(self) -> Iterator[ChainedEvent]:
        """Every event with its hashes, oldest first (the audit chain, for verification)."""

    def count(self) -> int: ...


class RunRepository(Protocol):
    def add(self, run: Run, *, lease_s: float | None = None) -> None:
        """Insert a run row (admission); with `lease_s`, `run.worker` holds its lease that long."""

    def finish(self, run: Run, *, held_by: str | None = None) -> bool:
        """Persist the run's final status, results and every attempt in `run.attempts`; with
        `held_by`, only while that worker holds the run's lease (False when it lost it)."""

    def add_attempts(self, attempts: Sequence[StageAttempt]) -> None: ...

    def get(self, run_id: str) -> Run | None:
        """With its attempts in order."""

    def list(
        self, *, status: RunStatus | None = None, limit: int = 50, offset: int = 0
    ) -> list[Run]:
        """Newest first, without attempts."""

    def ids_starting(self, prefix: str, limit: int = 2) -> builtins.list[str]:
        """The ids of runs that start with `prefix` (a short run id), at most `limit`, sorted."""

    def in_flight(self, config_version: int | None = None) -> int:
        """How many admitted runs are running or waiting to resume (on that version, when
        given); submitted runs no worker has admitted yet do not count."""

    def admit_queued(
        self,
        run_id: str,
        config_id: str,
        config_version: int,
        worker: str,
        now: dt.datetime,
        lease_s: float,
    ) -> bool:
        """Admit a submitted run under a version with `worker` holding its lease `lease_s`."""

    def take_over(self, run_id: str, worker: str, lease_s: float) -> bool:
        """Resume an admitted run that was handed back, reaped, or is held by `worker`."""

    def renew_lease(self, run_id: str, worker: str, lease_s: float) -> bool: ...

    def renew_leases(self, worker: str, lease_s: float, run_ids: Sequence[str]) -> int: ...

    def hand_back(self, run_id: str, worker: str) -> bool: ...

    def reap(self, now: dt.datetime, limit: int = 100) -> builtins.list[str]:
        """Queue again the running queued-origin runs whose lease expired; their ids."""

    def expired_local(self, now: dt.datetime) -> int:
        """How many local runs are running on an expired lease (one read)."""

    def reap_local(self, now: dt.datetime, limit: int = 100) -> builtins.list[Run]:
        """End `failed` the local runs whose lease expired; them, as ended."""

    def with_source(self, sha256: str) -> builtins.list[Run]: ...

    def attempt_stats(
        self, since: dt.datetime | None = None, config_version: int | None = None
    ) -> builtins.list[AttemptStats]:
        """Attempt counts per stage and module (started at or after `since`, of runs on
        `config_version`, when given), in stage order, then module_id."""

    def attempt_counts(
        self, boundaries: Sequence[dt.datetime]
    ) -> builtins.list[tuple[int, int, int]]:
        """(ran, fell back, failed) per period between consecutive `boundaries`, skips excluded."""


class UserRepository(Protocol):
    def get(self, name: str) -> User | None: ...

    def add_role(self, name: str, role: Role) -> None:
        """Create the user if needed and grant the role (idempotent)."""

    def remove_role(self, name: str, role: Role) -> None:
        """Take the role away from the user (nothing when the user does not hold it)."""

    def list(self) -> list[User]: ...


@dataclass(frozen=True)
class ApiToken:
    """An API token as stored: never the token itself, only who it acts as and when it was used."""

    token_id: str
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class TokenRepository(Protocol):
    def add(self, token: ApiToken, token_hash: str) -> None:
        """Insert a token row (its user must exist); `token_hash` must be unique."""

    def get(self, token_id: str) -> ApiToken | None: ...

    def by_hash(self, token_hash: str) -> ApiToken | None:
        """The token whose hash this is (revoked or not), or None."""

    def touch(self, token_id: str, when: dt.datetime) -> None:
        """Record that the token was used at `when`."""

    def revoke(self, token_id: str, when: dt.datetime) -> None:
        """Mark the token revoked at `when` (idempotent: the first revocation time is kept)."""

    def list(self, name: str | None = None) -> builtins.list[ApiToken]:
        """Every token (of `name`, when given), oldest first."""


@dataclass(frozen=True)
class DashboardSession:
    """A dashboard sign-in as stored: the token it was made with, never the session id itself."""

    token_id: str
    csrf: str
    created_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None = None


class SessionRepository(Protocol):
    def add(self, session: DashboardSession, session_hash: str) -> None:
        """Insert a session row (its token must exist); `session_hash` must be unique."""

    def live(self, session_hash: str, now: dt.datetime) -> tuple[DashboardSession, ApiToken] | None:
        """The session and its token, when the session has not ended or expired at `now`."""

    def end(self, session_hash: str, when: dt.datetime) -> None:
        """Mark the session ended at `when` (idempotent)."""

    def purge(self, before: dt.datetime) -> int:
        """Delete sessions that expired or ended before `before`; how many went."""


@dataclass(frozen=True)
class VendorChanges:
    """What an upsert of the vendor master did, counted by vendor_id."""

    created: int
    updated: int
    unchanged: int


class VendorRepository(Protocol):
    def upsert(self, vendors: Sequence[Vendor], when: dt.datetime) -> VendorChanges:
        """Insert new vendor_ids, update changed ones (`updated_at` = `when`), keep the rest."""

    def list(self) -> builtins.list[StoredVendor]:
        """Every vendor, ordered by vendor_id."""


class SourceRepository(Protocol):
    def put(self, sha256: str, data: bytes, now: dt.datetime) -> bool:
        """Store the bytes unless already stored; True when they were new."""

    def get(self, sha256: str) -> bytes | None: ...

    def prune(self, before: dt.datetime, limit: int = 500) -> int:
        """Delete at most `limit` sources stored before `before` that no unfinished run (queued,
        running, waiting for a person) needs; how many were deleted."""

    def kept(self) -> tuple[int, int, dt.datetime | None]:
        """How many source files are stored, their bytes, and when the oldest was stored."""


class SettingsRepository(Protocol):
    """Installation settings (`turnout.domain.installation`): the values an admin set."""

    def all(self) -> dict[str, Any]:
        """Every stored setting's value by key (a setting never set is absent)."""

    def put(self, key: str, value: Any, actor: str, at: dt.datetime) -> None:
        """Set one setting (insert or update)."""


class GuardRepository(Protocol):
    """Guards on activated versions (`turnout.domain.guard`)."""

    def add(self, guard: Guard) -> None: ...

    def get(self, guard_id: str) -> Guard | None: ...

    def for_version(self, version: int) -> Guard | None:
        """The newest guard armed on `version`, whatever its status."""

    def watching(self) -> builtins.list[Guard]:
        """Guards still watching, newest first."""

    def list(self, limit: int = 20) -> builtins.list[Guard]:
        """The newest guards first."""

    def start(self, guard_id: str, at: dt.datetime) -> bool:
        """Mark when the guarded version became active (the window's start), once."""

    def decide(self, guard: Guard) -> bool:
        """Store `guard`'s decision (status, decided_at, figures, breaches, rollback_version,
        message) only if it is still `watching`: True for the one caller that decided."""

    def record_outcome(self, guard_id: str, rollback_version: int | None, message: str) -> None:
        """Complete a decided guard: the version its rollback made (if any), and what happened."""

    def rerun_by(self, run_id: str) -> str | None:
        """The run that re-runs `run_id`, if one does."""

    def figures(
        self, version: int, *, last: int | None = None, first: int | None = None
    ) -> Figures:
        """The figures of the finished runs of `version` (with `last`: its newest `last` ones;
        with `first`: the first `first` to finish): counts, runs per stage that used a
        fallback, p95 duration."""

    def failed_not_rerun(
        self, version: int, limit: int = 500, *, skip: int = 0
    ) -> builtins.list[Run]:
        """Failed runs of `version` with a stored source that no run re-runs yet, oldest first
        (past the first `skip`)."""

    def owing_reruns(self) -> builtins.list[Guard]:
        """Tripped guards whose rollback is in force and whose version still has failed runs
        that no run re-runs yet."""

    def tripped(self) -> int:
        """How many guards ever tripped in the installation."""

    def reruns_of(self, run_ids: builtins.list[str]) -> dict[str, Run]:
        """The runs that re-run these runs (a guard's re-runs), by the run they re-run."""


class TrialRepository(Protocol):
    """Trials of versions in shadow (`turnout.domain.trial`), the leases of the processes
    running them, and the recorded runs they use."""

    def add(self, trial: Trial, *, holder: str | None = None, lease_s: float | None = None) -> None:
        """Insert a trial; with `holder` and `lease_s`, that process holds it for `lease_s`."""

    def save(self, trial: Trial, *, held_by: str | None = None) -> bool:
        """Store the trial's progress, status, report and error. With `held_by`: only while
        that process still holds the running trial (False: a reaper ended it meanwhile)."""

    def renew(self, holder: str, lease_s: float, trial_ids: builtins.list[str]) -> int:
        """The heartbeat: extend the leases `holder` holds on these running trials."""

    def reap(self, now: dt.datetime, limit: int = 100) -> builtins.list[Trial]:
        """End `failed` the running trials whose lease expired; returns them as ended."""

    def get(self, trial_id: str) -> Trial | None: ...

    def list(self, limit: int = 20) -> builtins.list[Trial]:
        """The newest trials first."""

    def recorded(self, scope: TrialScope, limit: int = 5_000) -> builtins.list[Run]:
        """The finished runs a trial of `scope` runs on (`last` / `since`), newest first, each
        with its attempts; a run whose source file is no longer stored has `source_sha256`
        None (the trial skips it). Runs of a trial's own never exist."""

    def newest_of_sources(self, sha256s: builtins.list[str]) -> dict[str, Run]:
        """The newest finished run of each given source file (SHA-256) that has one, with its
        attempts (a trial on given files compares each with it)."""

    def in_flight(self, holder: str) -> int:
        """How many runs `holder` (a process's runner) is running now."""


class ReviewRepository(Protocol):
    """The review queue and the recorded review actions (`turnout.domain.review`)."""

    def queue(self, criteria: ReviewFilter) -> builtins.list[ReviewItem]:
        """Runs waiting for a person, newest first, filtered by `criteria`."""

    def count(self) -> int:
        """How many runs wait for a person (the dashboard's navigation badge)."""

    def add(self, records: Sequence[ReviewRecord]) -> None:
        """Insert the records (insert-only)."""

    def for_run(self, run_id: str) -> builtins.list[ReviewRecord]:
        """The run's records, oldest first."""

    def claim(
        self,
        run_id: str,
        expected_revision: int,
        worker: str,
        lease_s: float,
        *,
        machine_invoice: dict[str, Any] | None = None,
        final_decision: dict[str, Any] | None = None,
    ) -> bool:
        """Take a finished run back to `running` under `worker`'s lease for a review, raising its
        `review_revision` by one, only if it still has `expected_revision`, is finished and has
        no final decision: True when taken (exactly one of concurrent claims wins). In the same
        statement the run keeps `machine_invoice` unless it has one, and takes `final_decision`
        (a person's approve or reject)."""


class ProfileRepository(Protocol):
    """Issuer profiles and their versions (`turnout.domain.profiles`)."""

    def find(self, keys: Sequence[str]) -> IssuerProfile | None:
        """The profile known by the first of `keys` that any profile knows."""

    def get(self, issuer_key: str) -> IssuerProfile | None: ...

    def list(self) -> builtins.list[IssuerProfile]:
        """Every profile, by issuer key."""

    def save(
        self,
        profile: IssuerProfile,
        action: ProfileAction,
        *,
        run_id: str | None = None,
    ) -> IssuerProfile:
        """Store `profile` as its issuer's next version (`profile.version` is ignored; the stored
        one is returned), record the version, and point its `keys` at it."""

    def versions(self, issuer_key: str) -> builtins.list[ProfileVersion]:
        """Every version of one issuer's profile, oldest first."""


class StageResultRepository(Protocol):
    def put(self, result: StageResult, now: dt.datetime, *, held_by: str | None = None) -> bool:
        """Store the stage's result unless it has one (with `held_by`: only while that worker
        holds the run); True when this one was stored."""

    def for_run(self, run_id: str) -> builtins.list[StageResult]:
        """The run's stored stage results, in stage order."""

    def replace(self, run_id: str, results: Sequence[StageResult], now: dt.datetime) -> None:
        """Make `results` the run's only stored results (a review: the reading stages' results,
        the extract one holding the corrected invoice; the later stages run again)."""


# The queue and task every Turnout worker serves, and the channel announcing activation switches.
QUEUE_NAME = "turnout"
TASK_NAME = "turnout.process_run"
NOTIFY_CHANNEL = "turnout_activation"


class JobQueue(Protocol):
    def defer(self, run_ids: Sequence[str], *, priority: int = 0, delay_s: float = 0.0) -> int:
        """Queue one job per run in this transaction (higher `priority` fetched first, none
        before `delay_s` from now); `QueueUnavailable` without a queue."""

    def clear_stalled(self, stale_s: float) -> int:
        """Remove jobs stuck on worker processes that stopped beating `stale_s` ago."""

    def orphaned_runs(self, limit: int = 100) -> builtins.list[str]:
        """Queued runs with no job waiting or running (the queue lost them)."""

    def announce_switch(self, version: int) -> None:
        """Tell listening workers that `version` became active (at commit)."""


class UnitOfWork(Protocol):
    """One transaction. `with uow:` begins it; `commit()` keeps it; leaving without commit
    rolls back."""

    stages: StageRepository
    modules: ModuleRepository
    configurations: ConfigurationRepository
    events: EventRepository
    runs: RunRepository
    users: UserRepository
    tokens: TokenRepository
    sessions: SessionRepository
    vendors: VendorRepository
    sources: SourceRepository
    stage_results: StageResultRepository
    jobs: JobQueue
    reviews: ReviewRepository
    profiles: ProfileRepository
    settings: SettingsRepository
    guards: GuardRepository
    trials: TrialRepository

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def lock_lifecycle(self) -> None:
        """Serialise configuration lifecycle changes across processes for this transaction."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class ModuleCall(Protocol):
    """A ready module: call it with the run's artifacts and an optional time limit."""

    spec: ModuleSpec

    def __call__(
        self, inputs: Artifacts, context: RunContext, timeout_s: float | None
    ) -> list[Artifact]: ...

    def warm_up(self) -> None: ...

    def close(self) -> None: ...


class ProcessIsolation(Protocol):
    """Starts a module selected with `isolation: process`: its attempts run in worker processes
    (the adapter is `turnout.isolation.IsolatedCall`, which bootstrap hands to the plans it
    wires: `build_plan(..., isolation=...)`)."""

    def __call__(
        self,
        cls: type[StageModule],
        settings: Mapping[str, Any],
        *,
        memory_limit_mb: int | None,
        workers: int | None,
        start_timeout_s: float,
    ) -> ModuleCall: ...
