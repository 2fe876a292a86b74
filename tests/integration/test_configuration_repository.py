"""Configuration versions round-trip with their selections and policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError

from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.lifecycle import Transition, transition
from turnout.persistence import Database

ConfigFactory = Callable[..., ModuleConfiguration]
NOW = dt.datetime(2025, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_the_first_version_is_1_then_one_more_than_the_highest(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    with catalog_db.unit_of_work() as uow:
        assert uow.configurations.next_version() == 1
        uow.configurations.add(make_config(1))
        uow.configurations.add(make_config(5))
        assert uow.configurations.next_version() == 6


def test_a_configuration_round_trips_every_field(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    config = make_config(
        3,
        ConfigStatus.ACTIVE,
        summary="OCR when the text layer is empty — «ümlauts» too",
        activated_at=dt.datetime(2025, 3, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        rolled_back_from=1,
    )
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(config)
        uow.commit()
    with catalog_db.unit_of_work() as uow:
        by_version = uow.configurations.get(3)
        by_id = uow.configurations.get_by_id(config.config_id)
    assert by_version == config
    assert by_id == config
    assert by_version is not None and by_version.activated_at is not None
    assert by_version.activated_at.tzinfo == dt.UTC
    assert by_version.selections["intake"].settings == {"level": 3}
    assert by_version.policies["text"].trigger_conditions == ("error", "timeout", "empty_output")
    assert by_version.policies["extract"].fallback_module_id is None


def test_a_configuration_without_selections_or_policies_round_trips(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    config = make_config(1, selections={}, policies={})
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(config)
        assert uow.configurations.get(1) == config


def test_unknown_versions_are_none(catalog_db: Database) -> None:
    with catalog_db.unit_of_work() as uow:
        assert uow.configurations.get(42) is None
        assert uow.configurations.get_by_id("no-such-id") is None


def test_list_and_with_status_return_newest_first(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    configs = [
        make_config(1, ConfigStatus.SUPERSEDED),
        make_config(2, ConfigStatus.ACTIVE),
        make_config(3, ConfigStatus.DRAFT),
        make_config(4, ConfigStatus.SUPERSEDED),
    ]
    with catalog_db.unit_of_work() as uow:
        for config in configs:
            uow.configurations.add(config)
        uow.commit()
    with catalog_db.unit_of_work() as uow:
        assert uow.configurations.list() == configs[::-1]
        superseded = uow.configurations.with_status(ConfigStatus.SUPERSEDED)
        assert [c.version for c in superseded] == [4, 1]
        assert superseded[0].selections == configs[3].selections
        assert uow.configurations.with_status(ConfigStatus.PENDING) == []


def test_save_status_persists_a_lifecycle_transition(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    old, new = make_config(1, ConfigStatus.ACTIVE), make_config(2, ConfigStatus.VALIDATED)
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(old)
        uow.configurations.add(new)
        uow.commit()
    with catalog_db.unit_of_work() as uow:
        # supersede first: the database allows one active version at any moment
        transition(old, Transition.SUPERSEDE, NOW)
        uow.configurations.save_status(old)
        transition(new, Transition.ACTIVATE, NOW)
        uow.configurations.save_status(new)
        uow.commit()
    with catalog_db.unit_of_work() as uow:
        assert uow.configurations.get(1) == old
        stored = uow.configurations.get(2)
    assert stored is not None
    assert (stored.status, stored.activated_at) == (ConfigStatus.ACTIVE, NOW)


def test_activating_before_superseding_is_refused_by_the_database(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    new = make_config(2, ConfigStatus.VALIDATED)
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, ConfigStatus.ACTIVE))
        uow.configurations.add(new)
        uow.commit()
    with catalog_db.unit_of_work() as uow, pytest.raises(IntegrityError):
        transition(new, Transition.ACTIVATE, NOW)
        uow.configurations.save_status(new)


def test_adding_an_existing_version_again_is_refused(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1))
        with pytest.raises(IntegrityError):
            uow.configurations.add(make_config(1))


def test_saving_the_status_of_an_unstored_configuration_fails(
    catalog_db: Database, make_config: ConfigFactory
) -> None:
    with catalog_db.unit_of_work() as uow, pytest.raises(LookupError, match="add it"):
        uow.configurations.save_status(make_config(9))
