"""The audit trail's hash chain: each event's hash covers its fields and the previous hash.

    hash = SHA-256( previous hash + "\\n" + canonical JSON of the event's fields )

The first event follows `GENESIS_HASH`. Changing an event's fields, deleting an event or
inserting one outside Turnout breaks the chain at that point, which `first_break` finds. The
format is frozen: events already written are verified with it for ever.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from turnout.domain.events import ConfigurationChangeEvent

GENESIS_HASH = "0" * 64


def canonical_fields(
    config_id: str | None,
    config_version: int | None,
    action: str,
    actor: str,
    result: str,
    message: str,
    created_at: dt.datetime,
) -> str:
    """The fields a hash covers, as compact JSON (the time in UTC, to the microsecond)."""
    if created_at.tzinfo is None:  # stored as naive UTC (SQLite)
        created_at = created_at.replace(tzinfo=dt.UTC)
    when = created_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    fields = [config_id, config_version, str(action), actor, str(result), message, when]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def event_fields(event: ConfigurationChangeEvent) -> str:
    """`canonical_fields` of an event."""
    return canonical_fields(
        event.config_id,
        event.config_version,
        event.action,
        event.actor,
        event.result,
        event.message,
        event.created_at,
    )


def link_hash(fields: str, prev_hash: str) -> str:
    """The hash of canonical `fields` chained after an event whose hash is `prev_hash`."""
    return hashlib.sha256(f"{prev_hash}\n{fields}".encode()).hexdigest()


def chain_hash(event: ConfigurationChangeEvent, prev_hash: str) -> str:
    """The hash of `event` chained after an event whose hash is `prev_hash`."""
    return link_hash(event_fields(event), prev_hash)


@dataclass(frozen=True)
class ChainedEvent:
    """An event as stored: its id, its canonical fields, the hash it was chained to and its own
    hash (read as raw values, so that a row changed into nonsense is still reported)."""

    event_id: int
    fields: str
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True)
class ChainBreak:
    """The first broken link: which event, and what differs."""

    event_id: int
    problem: str


@dataclass(frozen=True)
class ChainReport:
    """The outcome of walking the chain: intact when `broken` is None."""

    checked: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def to_dict(self) -> dict[str, Any]:
        """As `turnout events verify --json` and `GET /api/v1/events/verify` give it."""
        broken = self.broken
        return {
            "intact": self.intact,
            "checked": self.checked,
            "head_hash": self.head_hash,
            "broken": None
            if broken is None
            else {"event_id": broken.event_id, "problem": broken.problem},
        }


def first_break(events: Iterable[ChainedEvent]) -> ChainReport:
    """Walk `events` in insertion order (event_id ascending) and stop at the first broken link."""
    previous_hash, previous_id, checked = GENESIS_HASH, None, 0
    for item in events:
        event_id = item.event_id
        broken = _check(item, previous_hash, previous_id)
        if broken is not None:
            return ChainReport(checked, previous_hash, ChainBreak(event_id, broken))
        assert item.hash is not None
        previous_hash, previous_id, checked = item.hash, event_id, checked + 1
    return ChainReport(checked, previous_hash, None)


def _check(item: ChainedEvent, previous_hash: str, previous_id: int | None) -> str | None:
    after = f"event {previous_id}" if previous_id is not None else "the start of the trail"
    if item.hash is None or item.prev_hash is None:
        return (
            "it has no hash: it was written outside Turnout (raw SQL), not through the audit trail"
        )
    if item.prev_hash != previous_hash:
        if previous_id is None:
            return (
                f"it is the first event but is chained to {item.prev_hash[:12]}…, not to the "
                "start of the trail: the events before it were deleted"
            )
        return (
            f"it is chained to {item.prev_hash[:12]}…, but the event before it ({after}) hashes "
            f"to {previous_hash[:12]}…: an event between them was deleted, or {after} was "
            "replaced"
        )
    expected = link_hash(item.fields, item.prev_hash)
    if expected != item.hash:
        return (
            f"its fields (config, action, actor, result, message, time) hash to {expected[:12]}…, "
            f"not to its stored hash {item.hash[:12]}…: it was changed after it was written"
        )
    return None
