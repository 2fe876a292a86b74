"""The composition root: the one place that wires settings, database, registry and services.

Nothing is opened at import time; `bootstrap()` builds an `App` when a command or server asks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from turnout.distributed.run_pool import RunPool
from turnout.domain.errors import StorageError
from turnout.domain.rendering import PageRenderer
from turnout.domain.runs import Run
from turnout.isolation import IsolatedCall
from turnout.observability.logging import make_logger
from turnout.observability.metrics import TurnoutMetrics
from turnout.observability.observer import MetricsAndLogsObserver
from turnout.persistence.database import Database
from turnout.persistence.history import SqlInvoiceHistory
from turnout.persistence.roles import grant_runtime_role, runtime_can_truncate_audit
from turnout.persistence.vendors import SqlVendorDirectory
from turnout.runtime.audit import BreakerAudit, Clock, utcnow
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.execution import Executors
from turnout.runtime.guard import GuardService
from turnout.runtime.initialization import InitReport, initialize
from turnout.runtime.installation import InstallationService
from turnout.runtime.issuer_profiles import StoredProfiles
from turnout.runtime.leases import DEFAULT_LEASE_S, LeaseKeeper, holder_name, reap_orphans
from turnout.runtime.lifecycle import AdmissionGate, Plans, RunLifecycle
from turnout.runtime.observer import NullObserver, RunObserver
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.profiles import ProfileService
from turnout.runtime.queue_worker import QueueWorker
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.resilience.breaker import BreakerBoard, BreakerState, BreakerView
from turnout.runtime.review import ReviewService
from turnout.runtime.runner import Runner
from turnout.runtime.sessions import SessionService
from turnout.runtime.tokens import TokenService
from turnout.runtime.trial import TrialService
from turnout.runtime.users import UserService
from turnout.settings import Settings

if TYPE_CHECKING:
    from turnout.runtime.vendors import VendorService

log = logging.getLogger(__name__)


@dataclass
class App:
    """Turnout wired for one process."""

    settings: Settings
    database: Database
    registry: ModuleRegistry
    _runs: Runs | None = field(default=None, repr=False)
    _reviews: ReviewService | None = field(default=None, repr=False)
    _guards: GuardService | None = field(default=None, repr=False)
    _trials: TrialService | None = field(default=None, repr=False)
    metrics: TurnoutMetrics = field(default_factory=TurnoutMetrics, repr=False)

    def unit_of_work(self) -> UnitOfWork:
        return self.database.unit_of_work()

    @property
    def configurations(self) -> ConfigurationService:
        return ConfigurationService(self.unit_of_work, self.registry)

    @property
    def users(self) -> UserService:
        """Users and their roles (`turnout.runtime.users`)."""
        return UserService(self.unit_of_work)

    @property
    def tokens(self) -> TokenService:
        """API tokens (`turnout.runtime.tokens`)."""
        return TokenService(self.unit_of_work)

    @property
    def sessions(self) -> SessionService:
        """Dashboard sessions (`turnout.runtime.sessions`); resuming one only reads."""
        return SessionService(self.unit_of_work, reader_factory=self.database.reader)

    @property
    def vendors(self) -> VendorService:
        """The vendor master (`turnout.runtime.vendors`)."""
        from turnout.authoring.identifiers import read_vendor_csv  # schwifty, stdnum: when asked
        from turnout.runtime.vendors import VendorService

        return VendorService(self.unit_of_work, read_vendor_csv)

    @property
    def installation(self) -> InstallationService:
        """The installation's settings (four eyes, source retention, ...) and source pruning."""
        return InstallationService(self.unit_of_work)

    @property
    def pages(self) -> PageRenderer:
        """Page images of stored source files, for the review screen (`turnout.domain.rendering`)."""
        from turnout.modules.text.render import PdfiumPageRenderer  # Pillow, pdfium: when asked

        return PdfiumPageRenderer()

    @property
    def profiles(self) -> ProfileService:
        """Issuer profiles learned from reviews (`turnout.runtime.profiles`), with the rules of
        `extract.learned`."""
        from turnout.modules.extract.learned.learner import LearnedProfiles

        return ProfileService(self.unit_of_work, LearnedProfiles())

    @property
    def clock(self) -> Clock:
        """This process's clock (what submissions and runs are stamped with); wires nothing."""
        return utcnow

    def breakers(self) -> list[BreakerView]:
        """The circuit breakers of this process's production runs."""
        return self.lifecycle.breakers()

    @property
    def executors(self) -> Executors:
        """How this process builds plan executors (production's and each trial's)."""
        return Executors(
            self.settings.home,
            history=SqlInvoiceHistory(self.database),
            vendors=SqlVendorDirectory(self.database),
            profiles=StoredProfiles(self.database.reader),
        )

    @property
    def lifecycle(self) -> RunLifecycle:
        """The run lifecycle of this process (admit, execute, finish, switch, guard), shared by
        its runner and its queue worker."""
        return self._wired().lifecycle

    @property
    def runner(self) -> Runner:
        return self._wired().runner

    def _wired(self) -> Runs:
        if self._runs is None:
            self._runs = wire_runs(
                self.unit_of_work,
                self.registry,
                self.executors,
                drain_deadline_s=self.settings.drain_deadline_s,
                reader_factory=self.database.reader,
                observer=MetricsAndLogsObserver(self.metrics, make_logger(self.settings.log_level)),
                lease_s=self.settings.lease_s,
                guards=self.guards,
            )
        return self._runs

    @property
    def guards(self) -> GuardService:
        """Guarded activation after arming (`turnout.runtime.guard`): judging, the rollback,
        re-runs, the webhook; shared with this process's runner."""
        if self._guards is None:
            from turnout.distributed.guard_webhook import HttpGuardWebhook

            self._guards = GuardService(
                self.unit_of_work,
                self.configurations,
                observer=MetricsAndLogsObserver(self.metrics, make_logger(self.settings.log_level)),
                webhook=HttpGuardWebhook(),
                reader_factory=self.database.reader,
            )
        return self._guards

    @property
    def reviews(self) -> ReviewService:
        """The review queue and reviews (`turnout.runtime.review`), on this process's runner; a
        review teaches the issuer's profile afterwards (`App.profiles`)."""
        if self._reviews is None:
            self._reviews = ReviewService(
                self.unit_of_work,
                self.runner,
                plan_for=self.lifecycle.plan_for,
                reader_factory=self.database.reader,
                on_reviewed=self.profiles.learn_from_review,
            )
        return self._reviews

    @property
    def trials(self) -> TrialService:
        """Trial runs of versions in shadow (`turnout.runtime.trial`), one service per process
        (its trial runs share the process's trial slots)."""
        if self._trials is None:
            self._trials = TrialService(
                self.unit_of_work,
                self.registry,
                self.executors,
                concurrency=self.settings.workers,
                runner_holder=lambda: None if self._runs is None else self._runs.runner.holder,
                lease_s=self.settings.lease_s,
                isolation=IsolatedCall,
            )
        return self._trials

    def reap_orphans(self) -> list[Run]:
        """End `failed` the local runs whose process died (expired leases) and apply a pending
        activation that this drained; every command does it when it opens the database. One
        read when there is nothing to reap. Trials whose process stopped end `failed` too."""
        self.trials.reap()
        if self._runs is not None:
            return self._runs.lifecycle.reap_orphans()
        orphans = reap_orphans(self.unit_of_work, self.database.reader, utcnow)
        if orphans:
            self.configurations.switch_if_drained()
        self.guards.tick()  # guarded activation: a time window ends on a quiet system too
        return orphans

    def init(self, actor: str) -> InitReport:
        """Create or upgrade the schema, then register the catalog and the default configuration."""
        self.settings.home.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner-only
        owner_url = self.settings.database_owner_url
        if self.database.dialect != "postgresql":
            if owner_url:
                raise StorageError(
                    "TURNOUT_DATABASE_OWNER_URL applies to PostgreSQL only; unset it, or set "
                    "TURNOUT_DATABASE_URL to a PostgreSQL database"
                )
            self.database.upgrade()
        elif owner_url:
            self._init_as_owner(owner_url)
        else:
            self.database.upgrade()
            self._ensure_queue(self.settings.database_url)
            if runtime_can_truncate_audit(self.database):
                log.warning(
                    "Turnout connects to PostgreSQL as `%s`, which owns the tables (or is a "
                    "superuser): it could TRUNCATE the audit trail or disable its triggers. Set "
                    "TURNOUT_DATABASE_OWNER_URL to the owner's URL and TURNOUT_DATABASE_URL to a "
                    "role of Turnout's own, then run `turnout init` again",
                    self.database.url.username,
                )
        return initialize(self.unit_of_work, self.registry, actor)

    def _init_as_owner(self, owner_url: str) -> None:
        """Migrate as the owner role, then leave the application's role row access only."""
        owner = Database(owner_url)
        try:
            owner.upgrade()
            self._ensure_queue(owner_url)
            grant_runtime_role(owner, self.database.url)
        finally:
            owner.dispose()

    @staticmethod
    def _ensure_queue(url: str) -> None:
        # the worker queue (Procrastinate), imported here: only PostgreSQL set-ups need it
        from turnout.distributed.queue import ensure_schema

        ensure_schema(url)

    def require_initialized(self) -> None:
        try:
            current = self.database.current_revision()
        except Exception as exc:
            raise StorageError(
                f"cannot reach the database at {self.database.display_url}: {exc}; "
                "check TURNOUT_DATABASE_URL or TURNOUT_HOME"
            ) from exc
        if current is None:
            raise StorageError(
                f"the database at {self.database.display_url} is not initialised; run `turnout init`"
            )
        if current != self.database.head_revision():
            raise StorageError(
                f"the database schema is at {current}, this Turnout needs {self.database.head_revision()}; "
                "run `turnout init` to upgrade it"
            )

    def queue_worker(self, lease_s: float = DEFAULT_LEASE_S) -> QueueWorker:
        """The queue worker of this process (`turnout worker`), on this process's lifecycle."""
        return QueueWorker(self.lifecycle, self.unit_of_work, lease_s=lease_s)

    def run_pool(self, processes: int, concurrency: int) -> RunPool:
        """A batch run in this process and `processes - 1` children built by `pool_child`."""
        entry = f"{__name__}:{pool_child.__name__}"
        return RunPool(self.runner, entry, self.settings, processes, concurrency)

    def close(self) -> None:
        if self._runs is not None:
            self._runs.runner.close()  # and the lifecycle
        if self._trials is not None:
            self._trials.close()
        if self._guards is not None:  # a guard's webhook still being sent: sent, or audited
            self._guards.close()
        self.database.dispose()


class Runs(NamedTuple):
    """The run lifecycle of one process and the runner that runs files through it."""

    lifecycle: RunLifecycle
    runner: Runner


def wire_runs(
    uow_factory: Callable[[], UnitOfWork],
    registry: ModuleRegistry,
    executors: Executors,
    *,
    observer: RunObserver | None = None,
    drain_deadline_s: float | None = None,
    poll_s: float = 0.02,
    reader_factory: Callable[[], UnitOfWork] | None = None,
    lease_s: float = DEFAULT_LEASE_S,
    guards: GuardService | None = None,
) -> Runs:
    """Build and wire the services a process runs files with: the configurations (which switch
    a drained activation), the admission gate, the executor and its breakers, the plans, the
    guards, the run lifecycle that holds them, and the runner with its lease heartbeat."""
    clock = executors.clock
    observer = observer or NullObserver()
    configurations = ConfigurationService(uow_factory, registry, clock)
    guards = guards or GuardService(
        uow_factory, configurations, clock=clock, observer=observer, reader_factory=reader_factory
    )
    breaker_audit = BreakerAudit(uow_factory, clock)

    def breaker_changed(stage_id: str, module_id: str, state: BreakerState) -> None:
        observer.breaker_changed(stage_id, module_id, state)
        breaker_audit.record(stage_id, module_id, state)

    lifecycle = RunLifecycle(
        uow_factory,
        gate=AdmissionGate(
            uow_factory,
            clock,
            observer,
            poll_s=poll_s,
            drain_deadline_s=drain_deadline_s,
            reader_factory=reader_factory,
            reap_every_s=min(1.0, lease_s / 4),
        ),
        executor=executors.production(BreakerBoard(on_change=breaker_changed), observer),
        plans=Plans(uow_factory, registry, observer, clock, isolation=IsolatedCall),
        configurations=configurations,
        guards=guards,
        observer=observer,
        clock=clock,
        reader_factory=reader_factory,
        breaker_audit=breaker_audit,
    )
    runner = Runner(uow_factory, lifecycle, LeaseKeeper(uow_factory, holder_name(), lease_s))
    guards.bind_runner(runner.rerun)  # a guard's rollback re-runs failed runs on this runner
    return Runs(lifecycle, runner)


def bootstrap(settings: Settings | None = None, registry: ModuleRegistry | None = None) -> App:
    settings = settings or Settings.from_env()
    return App(
        settings=settings,
        database=Database(settings.database_url),
        registry=registry or ModuleRegistry.discover(settings.module_import_timeout_s),
    )


def pool_child(settings: Settings) -> App:
    """Turnout wired in a child process of a `RunPool`, on the parent's settings."""
    app = bootstrap(settings)
    app.require_initialized()
    return app


def bundled_examples() -> list[Path]:
    """The example invoices shipped with Turnout (made by the project itself)."""
    from importlib.resources import files

    root = Path(str(files("turnout") / "examples"))
    return sorted(p for p in root.iterdir() if p.suffix in {".pdf", ".xml"} and p.is_file())
