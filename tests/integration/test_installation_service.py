"""Installation settings through the service, on SQLite and PostgreSQL: defaults, typed values,
admins only, and every change and refusal in the audit trail."""

from __future__ import annotations

import re

import pytest

from turnout.domain.errors import PermissionDenied, RequestError
from turnout.domain.installation import MAX_RETENTION_DAYS
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.runtime.installation import InstallationService, StoredSources, settings_view


@pytest.fixture
def service(db: Database) -> InstallationService:
    with db.unit_of_work() as uow:
        uow.users.add_role("ada", Role.ADMIN)
        uow.users.add_role("mo", Role.MAINTAINER)
        uow.commit()
    return InstallationService(db.unit_of_work)


def setting_events(db: Database) -> list[tuple[str, str, str]]:
    """(result, actor, message) of the `setting` events, oldest first."""
    with db.unit_of_work() as uow:
        found = uow.events.list(action="setting", limit=100)
    return [(e.result, e.actor, e.message) for e in reversed(found)]


def test_a_fresh_installation_has_the_defaults_and_keeps_no_source(
    service: InstallationService,
) -> None:
    settings = service.show()
    assert settings.four_eyes is False and settings.source_retention_days is None
    assert settings.trial_share == 0.25 and settings.guard_webhook_url is None
    assert service.sources() == StoredSources(0, 0, None)


def test_each_setting_is_stored_typed_and_read_back(
    service: InstallationService, db: Database
) -> None:
    service.set("four_eyes", "yes", "ada")
    service.set("source_retention_days", " 90 ", "ada")
    service.set("trial_share", "0.5", "ada")
    service.set("guard_webhook_url", "https://hooks.example/turnout", "ada")
    again = InstallationService(db.unit_of_work).show()
    assert again.to_dict() == {
        "four_eyes": True,
        "source_retention_days": 90,
        "trial_share": 0.5,
        "guard_webhook_url": "https://hooks.example/turnout",
    }
    service.set("source_retention_days", "none", "ada")
    assert service.show().source_retention_days is None
    messages = [m for _, _, m in setting_events(db)]
    assert messages[1] == "installation setting source_retention_days: none -> 90"
    assert messages[-1] == "installation setting source_retention_days: 90 -> none"


def test_setting_the_same_value_again_is_recorded_as_unchanged(
    service: InstallationService, db: Database
) -> None:
    service.set("trial_share", "0.25", "ada")
    assert setting_events(db) == [
        ("ok", "ada", "installation setting trial_share: 0.25 (unchanged)")
    ]


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("four_eye", "true", "did you mean `four_eyes`?"),
        ("four_eyes", "maybe", "four_eyes must be true or false"),
        ("source_retention_days", "0", "whole number of days from 1 to 36500"),
        ("source_retention_days", str(MAX_RETENTION_DAYS + 1), "or none (kept for ever)"),
        ("source_retention_days", "-3", "whole number of days"),
        ("trial_share", "2", "from 0.01 to 1"),
        ("trial_share", "nan", "from 0.01 to 1"),
        ("guard_webhook_url", "ftp://x", "http:// or https:// URL"),
        ("guard_webhook_url", "https://u:p@hooks.example/", "without user:password"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_with_the_expected_form_and_audited(
    service: InstallationService, db: Database, key: str, value: str, says: str
) -> None:
    with pytest.raises(RequestError, match=re.escape(says)):
        service.set(key, value, "ada")
    assert service.show().source_retention_days is None and service.show().four_eyes is False
    [(result, actor, message)] = setting_events(db)
    assert (result, actor) == ("refused", "ada") and says in message


@pytest.mark.parametrize("who", ["mo", "stranger"])
def test_only_an_admin_changes_a_setting(
    service: InstallationService, db: Database, who: str
) -> None:
    with pytest.raises(PermissionDenied, match="admin"):
        service.set("four_eyes", "true", who)
    assert service.show().four_eyes is False
    [(result, actor, message)] = setting_events(db)
    assert (result, actor) == ("refused", who)
    assert f"turnout users add {who} --role admin" in message


def test_the_view_lists_every_setting_with_its_default_and_description(
    service: InstallationService,
) -> None:
    service.set("source_retention_days", "30", "ada")
    view = settings_view(service.show(), service.sources())
    assert list(view["settings"]) == [
        "four_eyes",
        "source_retention_days",
        "trial_share",
        "guard_webhook_url",
    ]
    retention = view["settings"]["source_retention_days"]
    assert retention["value"] == 30 and retention["default"] is None
    assert "source files" in retention["description"]
    assert view["sources"] == {"files": 0, "bytes": 0, "oldest": None}
