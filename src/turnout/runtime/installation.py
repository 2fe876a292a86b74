"""Installation settings (`turnout.domain.installation`) and source file retention.

`InstallationService.set` is for admins only: each change is audited (`setting`, the old and the
new value), and so is each refusal. `prune_sources` deletes the stored source files older than
`source_retention_days` that no run needs any more (audited `retention` when it deleted some);
`SourcePruning` does it now and then every hour on a thread of its own, for the long-lived
processes (`turnout serve`, `turnout worker`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from turnout.domain.events import EventAction, EventResult
from turnout.domain.installation import DESCRIPTIONS, InstallationSettings
from turnout.runtime.audit import Clock, record_event, run_audited, utcnow
from turnout.runtime.authorization import require_settings_admin
from turnout.runtime.leases import Every
from turnout.runtime.ports import UnitOfWork

log = logging.getLogger(__name__)

PRUNE_BATCH = 500  # sources deleted per transaction: a run's writes never wait long behind it
PRUNE_EVERY_S = 3600.0


@dataclass(frozen=True)
class StoredSources:
    """The source files stored now: how many, their bytes, when the oldest was stored."""

    files: int
    bytes: int
    oldest: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "bytes": self.bytes,
            "oldest": self.oldest.isoformat() if self.oldest else None,
        }


def settings_view(settings: InstallationSettings, kept: StoredSources) -> dict[str, Any]:
    """`turnout settings --json` and `GET /api/v1/settings`: each setting's value, default and
    what it does, and the source files kept."""
    default = InstallationSettings()
    return {
        "settings": {
            f.name: {
                "value": getattr(settings, f.name),
                "default": getattr(default, f.name),
                "description": DESCRIPTIONS[f.name],
            }
            for f in fields(InstallationSettings)
        },
        "sources": kept.to_dict(),
    }


class InstallationService:
    """Reads and changes the installation's settings; prunes source files past retention."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock = utcnow) -> None:
        self._uow = uow_factory
        self._now = clock

    def show(self) -> InstallationSettings:
        """The settings in force (a setting never set has its default)."""
        with self._uow() as uow:
            return InstallationSettings.from_stored(uow.settings.all())

    def sources(self) -> StoredSources:
        """How many source files are kept, and their bytes."""
        with self._uow() as uow:
            return StoredSources(*uow.sources.kept())

    def set(self, key: str, text: str, actor: str) -> InstallationSettings:
        """Set `key` from `text` as a person typed it (admins only); the settings now. A refusal
        (not an admin, no such setting, a value that does not fit) changes nothing and is
        audited, as is the change (old and new value)."""

        def act(uow: UnitOfWork) -> InstallationSettings:
            require_settings_admin(uow, actor)
            before = InstallationSettings.from_stored(uow.settings.all())
            after = before.with_value(key, text)
            old, new = getattr(before, key), getattr(after, key)
            uow.settings.put(key, new, actor, self._now())
            message = (
                f"installation setting {key}: {_shown(old)} -> {_shown(new)}"
                if old != new
                else f"installation setting {key}: {_shown(new)} (unchanged)"
            )
            record_event(
                uow, None, EventAction.SETTING, actor, EventResult.OK, message, self._now()
            )
            return after

        return run_audited(self._uow, EventAction.SETTING, actor, act, clock=self._now)

    def prune_sources(self, actor: str = "turnout") -> int:
        """Delete, a batch per transaction, the source files stored more than
        `source_retention_days` ago that no run queued, running or waiting for a person needs
        and no run created within the retention uses; how many were deleted (0 when the
        retention is not set: kept for ever). Audited (`retention`) when it deleted any."""
        days = self.show().source_retention_days
        if days is None:
            return 0
        before = self._now() - dt.timedelta(days=days)
        deleted = 0
        while True:
            with self._uow() as uow:
                batch = uow.sources.prune(before, limit=PRUNE_BATCH)
                uow.commit()
            deleted += batch
            if batch < PRUNE_BATCH:
                break
        if deleted:
            with self._uow() as uow:
                record_event(
                    uow,
                    None,
                    EventAction.RETENTION,
                    actor,
                    EventResult.OK,
                    f"deleted {deleted} source file(s) stored before "
                    f"{before:%Y-%m-%d %H:%M} UTC (source_retention_days = {days}); runs queued, "
                    "running or waiting for a person keep theirs; the runs of the deleted files "
                    "stay in the records, but can no longer be tried or re-run",
                    self._now(),
                )
                uow.commit()
        return deleted


def prune_quietly(service: InstallationService) -> int:
    """`prune_sources`, a failure logged instead of raised (pruning is housekeeping: the command
    or server it runs in goes on)."""
    try:
        return service.prune_sources()
    except Exception as exc:
        log.warning("cannot delete the source files past their retention: %s", exc)
        return 0


class SourcePruning(Every):
    """Prunes the source files past retention at once, then every `period_s` (an hour), on a
    daemon thread, until `stop()`: at most once an hour per process."""

    def __init__(self, service: InstallationService, period_s: float = PRUNE_EVERY_S) -> None:
        super().__init__(period_s, lambda: prune_quietly(service), "turnout-retention")
        self._service = service

    def _loop(self) -> None:
        prune_quietly(self._service)  # a process that starts prunes at once, not in an hour
        super()._loop()


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
