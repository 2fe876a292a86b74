"""The audit trail: configuration change events, insert-only."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, func, insert, select

from turnout.domain.events import ConfigurationChangeEvent, EventAction, EventResult
from turnout.persistence.tables import configuration_change_events

E = configuration_change_events.c


class SqlEventRepository:
    """The configuration_change_events table (`EventRepository` port).

    There is no update nor delete here, and the database refuses both.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, event: ConfigurationChangeEvent) -> int:
        """Insert and return the new event_id (the event's own event_id is ignored)."""
        result = self._conn.execute(
            insert(configuration_change_events)
            .values(
                config_id=event.config_id,
                config_version=event.config_version,
                action=event.action.value,
                actor=event.actor,
                result=event.result.value,
                message=event.message,
                created_at=event.created_at,
            )
            .returning(E.event_id)
        )
        return int(result.scalar_one())

    def list(
        self,
        *,
        config_id: str | None = None,
        action: str | None = None,
        actor: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[ConfigurationChangeEvent]:
        """Newest first (by insertion order), filtered by whichever of the arguments are given."""
        query = select(configuration_change_events)
        if config_id is not None:
            query = query.where(E.config_id == config_id)
        if action is not None:
            query = query.where(E.action == action)
        if actor is not None:
            query = query.where(E.actor == actor)
        query = query.order_by(E.event_id.desc()).limit(limit).offset(offset)
        return [_event(row) for row in self._conn.execute(query).mappings()]

    def count(self) -> int:
        """How many events the trail holds."""
        return int(
            self._conn.execute(
                select(func.count()).select_from(configuration_change_events)
            ).scalar_one()
        )


def _event(row: RowMapping) -> ConfigurationChangeEvent:
    return ConfigurationChangeEvent(
        event_id=row["event_id"],
        config_id=row["config_id"],
        action=EventAction(row["action"]),
        actor=row["actor"],
        result=EventResult(row["result"]),
        message=row["message"],
        created_at=row["created_at"],
        config_version=row["config_version"],
    )
