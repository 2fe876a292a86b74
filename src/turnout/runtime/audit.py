"""Audited actions: run an action in one locked transaction; if it is refused, roll it back and
record the refusal in a transaction of its own, so every refusal leaves an event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.errors import NotFound, RequestError
from turnout.domain.events import ConfigurationChangeEvent, EventAction, EventResult
from turnout.runtime.ports import UnitOfWork

T = TypeVar("T")
Clock = Callable[[], dt.datetime]


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


def pending_requested_at(uow: UnitOfWork, config_id: str) -> dt.datetime | None:
    """When the activation now pending for `config_id` was requested (its `pending` event)."""
    events = uow.events.list(config_id=config_id, limit=20)
    return next((e.created_at for e in events if e.result is EventResult.PENDING), None)


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
