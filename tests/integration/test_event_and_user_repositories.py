"""The audit trail and the users table through their repositories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.events import ConfigurationChangeEvent, EventAction, EventResult
from turnout.domain.users import Role, User
from turnout.persistence import Database

ConfigFactory = Callable[..., ModuleConfiguration]
T0 = dt.datetime(2025, 5, 1, 10, 0, tzinfo=dt.UTC)


def event(
    n: int, config_id: str | None, action: EventAction, actor: str
) -> ConfigurationChangeEvent:
    return ConfigurationChangeEvent(
        event_id=None,
        config_id=config_id,
        action=action,
        actor=actor,
        result=EventResult.REFUSED if n % 3 == 0 else EventResult.OK,
        message=f"event {n}: what happened and why",
        created_at=T0 + dt.timedelta(minutes=n),
        config_version=None if config_id is None else int(config_id[1:]),
    )


def test_events_get_increasing_ids_and_round_trip(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    written = [
        event(1, "c1", EventAction.CREATE, "alice"),
        event(2, None, EventAction.INIT, "root"),
    ]
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, config_id="c1"))
        ids = [uow.events.add(e) for e in written]
        uow.commit()
    assert ids[1] > ids[0]
    with catalog_db.unit_of_work() as uow:
        stored = uow.events.list()
        assert uow.events.count() == 2
    expected = [
        ConfigurationChangeEvent(**{**vars(e), "event_id": i})
        for e, i in zip(written, ids, strict=True)
    ]
    assert stored == expected[::-1]


def test_events_are_filtered_and_paged_newest_first(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, config_id="c1"))
        uow.configurations.add(make_config(2, config_id="c2"))
        for n in range(1, 13):
            config_id = "c1" if n % 2 else "c2"
            action = EventAction.VALIDATE if n % 4 else EventAction.ACTIVATE
            uow.events.add(event(n, config_id, action, "bob" if n > 6 else "alice"))
        uow.commit()
    with catalog_db.unit_of_work() as uow:
        messages = [e.message.split(":")[0] for e in uow.events.list(limit=3, offset=2)]
        assert messages == ["event 10", "event 9", "event 8"]
        assert [e.config_id for e in uow.events.list(config_id="c1")] == ["c1"] * 6
        activations = uow.events.list(action=EventAction.ACTIVATE, actor="bob")
        assert [e.message.split(":")[0] for e in activations] == ["event 12", "event 8"]
        assert uow.events.list(actor="nobody") == []


def test_granting_roles_creates_the_user_once_and_is_idempotent(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.users.add_role("alice", Role.ADMIN)
        uow.users.add_role("alice", Role.MAINTAINER)
        uow.users.add_role("alice", Role.ADMIN)
        uow.users.add_role("bob", Role.VIEWER)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.users.get("alice") == User("alice", frozenset({Role.ADMIN, Role.MAINTAINER}))
        assert uow.users.get("carol") is None
        assert uow.users.list() == [
            User("alice", frozenset({Role.ADMIN, Role.MAINTAINER})),
            User("bob", frozenset({Role.VIEWER})),
        ]
