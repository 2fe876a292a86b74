"""Settings, read from the environment when asked for (never at import time).

TURNOUT_HOME          where the embedded database, exports and caches live (default ./.turnout)
TURNOUT_DATABASE_URL  a PostgreSQL URL (postgresql://user@host:port/db); default SQLite in TURNOUT_HOME
TURNOUT_DATABASE_OWNER_URL  PostgreSQL only: the role `turnout init` migrates as, owning the tables;
                      the role of TURNOUT_DATABASE_URL then only reads and writes rows (it cannot
                      TRUNCATE the audit trail nor disable its triggers)
TURNOUT_ACTOR         who is acting on the command line, when --as is not given (default: OS user)
TURNOUT_MODULE_IMPORT_TIMEOUT_S  how long one module package may take to import (default 15)
TURNOUT_LEASE_S       the lease of every run `turnout process` / `turnout serve` execute, in seconds
                      (default 30): renewed every third of it; a run whose process died is reaped
                      (ended failed) once its lease has expired
TURNOUT_DRAIN_DEADLINE_S, TURNOUT_CONCURRENCY, TURNOUT_LOG_LEVEL: see docs/environment.md, which
lists every variable Turnout reads (tests/docs/test_environment.py keeps it complete)
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from turnout.domain.errors import RequestError
from turnout.domain.runs import DEFAULT_LEASE_S


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    drain_deadline_s: float = 600.0
    concurrency: int = 0  # 0: the CPU count
    log_level: str = "WARNING"
    module_import_timeout_s: float = 15.0
    lease_s: float = DEFAULT_LEASE_S
    database_owner_url: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        home = Path(env.get("TURNOUT_HOME") or ".turnout").expanduser().resolve()
        url = env.get("TURNOUT_DATABASE_URL") or f"sqlite:///{home / 'turnout.db'}"
        return cls(
            home=home,
            database_url=url,
            drain_deadline_s=float(env.get("TURNOUT_DRAIN_DEADLINE_S") or 600),
            concurrency=int(env.get("TURNOUT_CONCURRENCY") or 0),
            log_level=env.get("TURNOUT_LOG_LEVEL") or "WARNING",
            module_import_timeout_s=float(env.get("TURNOUT_MODULE_IMPORT_TIMEOUT_S") or 15),
            lease_s=_lease_s(env.get("TURNOUT_LEASE_S")),
            database_owner_url=env.get("TURNOUT_DATABASE_OWNER_URL") or None,
        )

    @property
    def sqlite_file(self) -> Path | None:
        """The file of an on-disk SQLite database (None for PostgreSQL or an in-memory one)."""
        if not self.database_url.startswith("sqlite:///"):
            return None
        name = self.database_url.removeprefix("sqlite:///").partition("?")[0]
        if not name or name == ":memory:" or name.startswith("file:"):
            return None
        return Path(name).expanduser()

    @property
    def workers(self) -> int:
        """How many runs `turnout process` runs at once."""
        return self.concurrency if self.concurrency > 0 else (os.cpu_count() or 1)


def _lease_s(value: str | None) -> float:
    if not value:
        return DEFAULT_LEASE_S
    try:
        lease_s = float(value)
    except ValueError:
        lease_s = 0.0
    if not lease_s > 0:
        raise RequestError(
            f"TURNOUT_LEASE_S={value!r} is not a number of seconds above 0; set it to e.g. 30 "
            "or unset it"
        )
    return lease_s


def default_actor(explicit: str | None = None, environ: dict[str, str] | None = None) -> str:
    """The acting user: `--as`, else TURNOUT_ACTOR, else the OS user."""
    env = os.environ if environ is None else environ
    if explicit:
        return explicit
    if env.get("TURNOUT_ACTOR"):
        return env["TURNOUT_ACTOR"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
