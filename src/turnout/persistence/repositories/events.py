"""The audit trail: configuration change events, insert-only."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, RowMapping, func, insert, select, text

from turnout.domain.audit_chain import GENESIS_HASH, ChainedEvent, canonical_fields, chain_hash
from turnout.domain.events import ConfigurationChangeEvent, EventAction, EventResult
from turnout.persistence.tables import configuration_change_events

E = configuration_change_events.c
# The configuration lifecycle's advisory lock (unit_of_work.LIFECYCLE_LOCK_KEY): an event is
# chained under it, so that two processes never chain to the same previous event. Most events are
# recorded under it already, and one lock cannot deadlock with itself.
CHAIN_LOCK_KEY = 0x7475726E_0002
CHAIN_BATCH = 1000


class SqlEventRepository:
    """The configuration_change_events table (`EventRepository` port).

    There is no update nor delete here, and the database refuses both.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, event: ConfigurationChangeEvent) -> int:
        """Insert, chained after the last event, and return the new event_id (the event's own
        event_id is ignored). The chain stays locked until the transaction ends: PostgreSQL
        holds an advisory lock, SQLite's writer already holds the database's write lock."""
        if self._conn.dialect.name == "postgresql":
            self._conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
        last = self._conn.execute(
            select(E.hash).order_by(E.event_id.desc()).limit(1)
        ).scalar_one_or_none()
        prev_hash = last or GENESIS_HASH
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
                prev_hash=prev_hash,
                hash=chain_hash(event, prev_hash),
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

    def chain(self) -> Iterator[ChainedEvent]:
        """Every event with its hashes, oldest first (read in batches, for `verify`)."""
        after = None
        while True:
            query = select(configuration_change_events).order_by(E.event_id).limit(CHAIN_BATCH)
            if after is not None:
                query = query.where(E.event_id > after)
            rows = self._conn.execute(query).mappings().all()
            for row in rows:
                yield _chained(row)
            if len(rows) < CHAIN_BATCH:
                return
            after = rows[-1]["event_id"]

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


def _chained(row: RowMapping) -> ChainedEvent:
    fields = canonical_fields(
        row["config_id"],
        row["config_version"],
        row["action"],
        row["actor"],
        row["result"],
        row["message"],
        row["created_at"],
    )
    return ChainedEvent(row["event_id"], fields, row["prev_hash"], row["hash"])
