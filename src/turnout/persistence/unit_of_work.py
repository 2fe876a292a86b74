"""The unit of work on SQLAlchemy: one connection, one transaction, every repository on it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from turnout.domain.errors import StorageError
from turnout.persistence.repositories import (
    SqlConfigurationRepository,
    SqlEventRepository,
    SqlJobQueue,
    SqlModuleRepository,
    SqlRunRepository,
    SqlSessionRepository,
    SqlSourceRepository,
    SqlStageRepository,
    SqlStageResultRepository,
    SqlTokenRepository,
    SqlUserRepository,
    SqlVendorRepository,
)
from turnout.persistence.repositories.guards import SqlGuardRepository
from turnout.persistence.repositories.profiles import SqlProfileRepository
from turnout.persistence.repositories.reviews import SqlReviewRepository
from turnout.persistence.repositories.settings import SqlSettingsRepository
from turnout.persistence.repositories.trials import SqlTrialRepository
from turnout.runtime.ports import (
    ConfigurationRepository,
    EventRepository,
    GuardRepository,
    JobQueue,
    ModuleRepository,
    ProfileRepository,
    ReviewRepository,
    RunRepository,
    SessionRepository,
    SettingsRepository,
    SourceRepository,
    StageRepository,
    StageResultRepository,
    TokenRepository,
    TrialRepository,
    UserRepository,
    VendorRepository,
)

# pg_advisory_xact_lock key of the configuration lifecycle ("turn" + 2).
LIFECYCLE_LOCK_KEY = 0x7475726E_0002
# Execution option marking a read-only unit of work (SQLite then begins DEFERRED, see Database).
READ_ONLY_OPTION = "turnout_read_only"


class SqlUnitOfWork:
    """`with uow:` opens a transaction; `commit()` keeps it; leaving without commit rolls back.

    After `commit()` the same unit of work may go on: the next statement starts a new
    transaction. On SQLite every transaction begins IMMEDIATE (see `Database`), so writers queue
    for the write lock instead of failing halfway.
    """

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
    settings: SettingsRepository
    guards: GuardRepository
    trials: TrialRepository
    reviews: ReviewRepository
    profiles: ProfileRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._conn: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._conn is not None:
            raise RuntimeError("this unit of work is already open; use a new one per `with` block")
        try:
            conn = self._engine.connect()
            if self._read_only:
                conn = conn.execution_options(**{READ_ONLY_OPTION: True})
            conn.begin()
        except OperationalError as exc:
            raise StorageError(
                f"cannot open a transaction on {self._engine.url.render_as_string()}: "
                f"{exc.orig}; check the database URL and that the server is running"
            ) from exc
        self._conn = conn
        self.stages = SqlStageRepository(conn)
        self.modules = SqlModuleRepository(conn)
        self.configurations = SqlConfigurationRepository(conn)
        self.events = SqlEventRepository(conn)
        self.runs = SqlRunRepository(conn)
        self.users = SqlUserRepository(conn)
        self.tokens = SqlTokenRepository(conn)
        self.sessions = SqlSessionRepository(conn)
        self.sources = SqlSourceRepository(conn)
        self.stage_results = SqlStageResultRepository(conn)
        self.jobs = SqlJobQueue(conn)
        self.vendors = SqlVendorRepository(conn)
        self.reviews = SqlReviewRepository(conn)
        self.profiles = SqlProfileRepository(conn)
        self.settings = SqlSettingsRepository(conn)
        self.guards = SqlGuardRepository(conn)
        self.trials = SqlTrialRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
        finally:
            conn.close()

    @property
    def connection(self) -> Connection:
        """The open connection, for queries no repository offers (reports, tests)."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open; use it as `with uow:`")
        return self._conn

    def lock_lifecycle(self) -> None:
        """Serialise configuration lifecycle changes across processes until commit or rollback.

        PostgreSQL takes a transaction-scoped advisory lock. SQLite already holds the database's
        write lock since BEGIN IMMEDIATE, which serialises every writer.
        """
        conn = self.connection
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LIFECYCLE_LOCK_KEY})

    def commit(self) -> None:
        """Make the transaction's changes permanent."""
        self.connection.commit()

    def rollback(self) -> None:
        """Discard the transaction's changes."""
        self.connection.rollback()
