"""Audited actions: run an action in one locked transaction; if it is refused, roll it back and
record the refusal in a transaction of its own, so every refusal leaves an event."""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable
from typing import TypeVar

from turnout.domain.audit_chain import ChainReport, first_break
from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.errors import NotFound, RequestError
from turnout.domain.events import ConfigurationChangeEvent, EventAction, EventResult
from turnout.runtime.ports import UnitOfWork

T = TypeVar("T")
Clock = Callable[[], dt.datetime]
log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record_event(
    uow: UnitOfWork,
    config: ModuleConfiguration | None,
    action: EventAction,
    actor: str,
    result: EventResult,
    message: str,
    now: dt.datetime,
) -> None:
    """Add one audit event to the unit of work's transaction."""
    uow.events.add(
        ConfigurationChangeEvent(
            event_id=None,
            config_id=config.config_id if config else None,
            config_version=config.version if config else None,
            action=action,
            actor=actor,
            result=result,
            message=message,
            created_at=now,
        )
    )


def run_audited(
    uow_factory: Callable[[], UnitOfWork],
    action: EventAction,
    actor: str,
    act: Callable[[UnitOfWork], T],
    *,
    version: int | None = None,
    clock: Clock = utcnow,
) -> T:
    """`act` must record its own event on success; a RequestError it raises is audited here."""
    with uow_factory() as uow:
        uow.lock_lifecycle()
        try:
            result = act(uow)
        except RequestError as exc:
            uow.rollback()
            refusal = exc
        else:
            uow.commit()
            return result
    with uow_factory() as uow:
        config = uow.configurations.get(version) if version is not None else None
        record_event(uow, config, action, actor, EventResult.REFUSED, str(refusal), clock())
        uow.commit()
    raise refusal


def audit_trail(
    uow: UnitOfWork,
    *,
    version: int | None,
    action: str | None,
    actor: str | None,
    limit: int,
    offset: int,
    versions_listed_by: str,
) -> list[ConfigurationChangeEvent]:
    """Events newest first, of one configuration version (NotFound naming where the versions
    are listed when it does not exist), one action, one actor, when given."""
    config_id = None
    if version is not None:
        found = uow.configurations.get(version)
        if found is None:
            raise NotFound(
                f"configuration version {version} does not exist; {versions_listed_by} lists them"
            )
        config_id = found.config_id
    return uow.events.list(
        config_id=config_id, action=action, actor=actor, limit=limit, offset=offset
    )


_BREAKER_MOVES = {
    "open": "opened: its calls are refused until it lets one trial call through",
    "half_open": "is half-open: one trial call goes through",
    "closed": "closed: calls go through again",
}


class BreakerAudit:
    """Records circuit breakers moving (open, half-open, closed) as audit events.

    The breaker reports a move under its own lock, on the path of a run: the event is written on a
    thread of this object's, so that no attempt waits for the database. The thread exists only
    while there is something to write; `close()` writes what is left."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock = utcnow) -> None:
        self._uow = uow_factory
        self._now = clock
        self._queue: queue.SimpleQueue[tuple[str, str, str, dt.datetime]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def record(self, stage_id: str, module_id: str, state: str) -> None:
        """Queue the event of one move (returns at once)."""
        self._queue.put((stage_id, module_id, str(state), self._now()))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._write, daemon=True, name="turnout-breaker-audit"
                )
                self._thread.start()

    def close(self) -> None:
        """Wait (a few seconds at most) until every queued event is written."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def _write(self) -> None:
        while True:
            try:
                stage_id, module_id, state, at = self._queue.get(timeout=0.2)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():  # idle: end; the next move starts another thread
                        self._thread = None
                        return
                continue
            move = _BREAKER_MOVES.get(state, state)
            try:
                with self._uow() as uow:
                    record_event(
                        uow,
                        None,
                        EventAction.BREAKER_CHANGED,
                        "turnout",
                        EventResult.OK,
                        f"stage `{stage_id}`, module `{module_id}`: the circuit breaker {move} "
                        f"(state {state})",
                        at,
                    )
                    uow.commit()
            except Exception as exc:  # the audit trail is away: the log line still says it
                log.warning(
                    "cannot record the circuit breaker of %s/%s moving to %s: %s",
                    stage_id,
                    module_id,
                    state,
                    exc,
                )


def verify_chain(uow: UnitOfWork) -> ChainReport:
    """Walk the audit trail's hash chain, oldest first, up to its first broken link."""
    return first_break(uow.events.chain())
