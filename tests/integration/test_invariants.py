"""The data model's invariants hold in the database itself, whatever SQL is sent.

Every statement here is raw SQL on a plain connection: nothing goes through the repositories, so
these tests prove the indexes and triggers, not the Python code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.persistence import Database

ConfigFactory = Callable[..., ModuleConfiguration]

INSERT_CONFIG = (
    "INSERT INTO module_configurations (config_id, version, status, created_by, created_at, summary)"
    " VALUES (:id, :version, :status, 'alice', CURRENT_TIMESTAMP, 'raw')"
)


def execute(db: Database, statement: str, **params: Any) -> int:
    """Run one statement in its own committed transaction; return the rows it touched."""
    with db.engine.begin() as conn:
        return conn.execute(text(statement), params).rowcount


def refused(db: Database, statement: str, **params: Any) -> str:
    """Run one statement, expect the database to refuse it, and return its message."""
    with db.engine.connect() as conn, pytest.raises(IntegrityError) as info:
        conn.execute(text(statement), params)
    return str(info.value.orig)


@pytest.fixture
def stored(catalog_db: Database, make_config: ConfigFactory) -> Database:
    """Version 1 active, version 2 a draft, one audit event."""
    with catalog_db.unit_of_work() as uow:
        uow.configurations.add(make_config(1, ConfigStatus.ACTIVE, config_id="c1"))
        uow.configurations.add(make_config(2, config_id="c2"))
        uow.commit()
    execute(
        catalog_db,
        "INSERT INTO configuration_change_events (config_id, config_version, action, actor,"
        " result, message, created_at)"
        " VALUES ('c1', 1, 'activate', 'alice', 'ok', 'activated', CURRENT_TIMESTAMP)",
    )
    return catalog_db


def test_a_second_active_configuration_is_refused(stored: Database) -> None:
    refused(stored, INSERT_CONFIG, id="c3", version=3, status="active")
    refused(stored, "UPDATE module_configurations SET status = 'active' WHERE version = 2")
    assert execute(stored, INSERT_CONFIG, id="c3", version=3, status="superseded") == 1


def test_a_second_pending_configuration_is_refused(stored: Database) -> None:
    assert execute(stored, INSERT_CONFIG, id="c3", version=3, status="pending") == 1
    refused(stored, INSERT_CONFIG, id="c4", version=4, status="pending")
    refused(stored, "UPDATE module_configurations SET status = 'pending' WHERE version = 2")


def test_a_configuration_version_number_is_never_reused(stored: Database) -> None:
    refused(stored, INSERT_CONFIG, id="c9", version=2, status="draft")


def test_a_configuration_status_outside_the_lifecycle_is_refused(stored: Database) -> None:
    refused(stored, INSERT_CONFIG, id="c3", version=3, status="approved")


def test_version_and_summary_of_a_configuration_cannot_change(stored: Database) -> None:
    for assignment in (
        "version = 7",
        "summary = 'rewritten'",
        "created_by = 'mallory'",
        "created_at = CURRENT_TIMESTAMP",
        "rolled_back_from = 1",
        "config_id = 'c9'",
    ):
        message = refused(
            stored, f"UPDATE module_configurations SET {assignment} WHERE version = 2"
        )
        assert "immutable" in message


def test_status_and_activation_time_of_a_configuration_may_change(stored: Database) -> None:
    changed = execute(
        stored,
        "UPDATE module_configurations SET status = 'validated', activated_at = CURRENT_TIMESTAMP"
        " WHERE version = 2",
    )
    assert changed == 1


def test_a_configuration_version_cannot_be_deleted(stored: Database) -> None:
    assert "append-only" in refused(stored, "DELETE FROM module_configurations WHERE version = 2")


def test_a_second_selection_for_a_stage_of_one_configuration_is_refused(stored: Database) -> None:
    refused(
        stored,
        "INSERT INTO module_selections (selection_id, config_id, stage_id, module_id, settings)"
        " VALUES ('s-dup', 'c2', 'text', 'text.ocr', '{}')",
    )


def test_selections_cannot_be_updated_or_deleted(stored: Database) -> None:
    update = "UPDATE module_selections SET module_id = 'text.ocr' WHERE stage_id = 'text'"
    assert "append-only" in refused(stored, update)
    assert "append-only" in refused(stored, "DELETE FROM module_selections")


def test_fallback_policies_cannot_be_duplicated_updated_or_deleted(stored: Database) -> None:
    refused(
        stored,
        "INSERT INTO fallback_policies (policy_id, config_id, stage_id, fallback_module_id,"
        " trigger_conditions, actions) VALUES ('p-dup', 'c2', 'text', NULL, '[]', '{}')",
    )
    update = "UPDATE fallback_policies SET fallback_module_id = NULL"
    assert "append-only" in refused(stored, update)
    assert "append-only" in refused(stored, "DELETE FROM fallback_policies")


def test_audit_events_cannot_be_updated_or_deleted(stored: Database) -> None:
    update = "UPDATE configuration_change_events SET message = 'nothing happened'"
    assert "append-only" in refused(stored, update)
    delete = "DELETE FROM configuration_change_events"
    assert "append-only" in refused(stored, delete)


def test_a_selection_of_an_unknown_module_is_refused(stored: Database) -> None:
    refused(
        stored,
        "INSERT INTO module_selections (selection_id, config_id, stage_id, module_id, settings)"
        " VALUES ('s-x', 'c1', 'match', 'match.nowhere', '{}')",
    )


INSERT_MODULE = (
    "INSERT INTO modules (module_id, name, stage_id, capability_contract_id, status,"
    " is_fallback, metadata) VALUES (:id, 'x', 'text', 'text-v1', :status, TRUE, '{}')"
)


def test_a_second_active_fallback_module_for_a_stage_is_refused(catalog_db: Database) -> None:
    # catalog_db already has text.ocr as the text stage's fallback
    refused(catalog_db, INSERT_MODULE, id="text.other", status="available")
    refused(catalog_db, INSERT_MODULE, id="text.other", status="unavailable")
    refused(catalog_db, "UPDATE modules SET is_fallback = TRUE WHERE module_id = 'text.default'")


def test_a_deprecated_fallback_module_does_not_count(catalog_db: Database) -> None:
    assert execute(catalog_db, INSERT_MODULE, id="text.old", status="deprecated") == 1
    execute(catalog_db, "UPDATE modules SET status = 'deprecated' WHERE module_id = 'text.ocr'")
    assert execute(catalog_db, INSERT_MODULE, id="text.new", status="available") == 1


def test_a_module_status_outside_the_known_ones_is_refused(catalog_db: Database) -> None:
    refused(catalog_db, INSERT_MODULE, id="text.odd", status="broken")
