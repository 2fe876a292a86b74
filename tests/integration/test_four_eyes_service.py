"""Four eyes through the services, on SQLite and PostgreSQL: an admin turns it on, the author's
activation waits for another maintainer's approval, every refusal is audited, and rollbacks
(a person's or Turnout's own) are exempt but say so."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from support.fakes import fake_module
from support.runs import running_run
from turnout.domain.configuration import ConfigStatus
from turnout.domain.errors import InvalidTransition, PermissionDenied
from turnout.domain.stages import STAGES
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.persistence.tables import user_roles
from turnout.runtime.catalog import register_catalog
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.installation import InstallationService
from turnout.runtime.registry import ModuleRegistry

REQUIRED = [s.stage_id for s in STAGES if s.is_required]
MODULES = [fake_module(s) for s in REQUIRED] + [fake_module("export", "other")]


def doc(summary: str, export: str = "export.fake") -> ConfigDocument:
    selections = {s: SelectionDoc(f"{s}.fake") for s in REQUIRED}
    selections["export"] = SelectionDoc(export)
    return ConfigDocument(summary, selections)


@pytest.fixture
def configs(db: Database) -> ConfigurationService:
    """ann and bob maintain, otto operates, vera views, ada administers; version 1 is active
    (written by ann, four eyes off)."""
    registry = ModuleRegistry.from_classes(MODULES)
    with db.unit_of_work() as uow:
        register_catalog(uow, registry)
        for name, role in [
            ("ann", Role.MAINTAINER),
            ("bob", Role.MAINTAINER),
            ("otto", Role.OPERATOR),
            ("vera", Role.VIEWER),
            ("ada", Role.ADMIN),
        ]:
            uow.users.add_role(name, role)
        uow.commit()
    service = ConfigurationService(db.unit_of_work, registry)
    v1 = service.create(doc("first"), "ann").config.version
    assert service.activate(v1, "ann").status == "active"
    return service


@pytest.fixture
def installation(db: Database) -> InstallationService:
    return InstallationService(db.unit_of_work)


def events(db: Database, action: str | None = None) -> list[tuple[str, str, str, int | None, str]]:
    """(action, result, actor, version, message), oldest first."""
    with db.unit_of_work() as uow:
        found = uow.events.list(action=action, limit=1000)
    return [(e.action, e.result, e.actor, e.config_version, e.message) for e in reversed(found)]


def status(configs: ConfigurationService, version: int) -> ConfigStatus:
    return configs.get(version).status


def four_eyes_on(installation: InstallationService) -> None:
    assert installation.set("four_eyes", "true", "ada").four_eyes


def test_with_four_eyes_off_the_author_activates_as_before(
    configs: ConfigurationService, db: Database
) -> None:
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    assert configs.activate(v2, "ann").status == "active"
    assert configs.get(None).version == v2
    assert events(db, "request") == []


def test_the_authors_activation_waits_for_approval_and_changes_nothing(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    four_eyes_on(installation)
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    result = configs.activate(v2, "ann")
    assert result.status == "awaiting_approval" and result.version == v2
    assert "turnout config approve 2" in result.message
    assert status(configs, v2) is ConfigStatus.VALIDATED
    assert configs.get(None).version == 1
    [request] = events(db, "request")
    assert request[:4] == ("request", "pending", "ann", v2)
    assert "approval of a maintainer other than its author" in request[4]
    # another person asking does not count as an approval either
    assert configs.activate(v2, "bob").status == "awaiting_approval"
    assert configs.get(None).version == 1


def test_the_author_may_not_approve_their_own_version_and_the_refusal_is_audited(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    four_eyes_on(installation)
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    with pytest.raises(PermissionDenied, match="wrote version 2, so may not approve it"):
        configs.approve(v2, "ann")
    assert configs.approvals(v2) == []
    assert events(db, "approve")[-1][:4] == ("approve", "refused", "ann", v2)
    assert configs.activate(v2, "ann").status == "awaiting_approval"


def test_another_maintainer_approves_then_the_activation_goes_through(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    four_eyes_on(installation)
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    approved = configs.approve(v2, "bob")
    assert approved.approved_by == ("bob",)
    assert "turnout config activate 2" in approved.message
    assert events(db, "approve")[-1][:4] == ("approve", "ok", "bob", v2)
    assert [by for by, _ in configs.approvals(v2)] == ["bob"]
    result = configs.activate(v2, "ann")
    assert result.status == "active"
    assert configs.get(None).version == v2 and status(configs, 1) is ConfigStatus.SUPERSEDED


def test_an_operator_may_not_approve_and_the_refusal_is_audited(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    four_eyes_on(installation)
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    with pytest.raises(PermissionDenied, match=r"`otto` \(operator\) may not approve") as refused:
        configs.approve(v2, "otto")
    assert "turnout users add otto --role maintainer" in str(refused.value)
    assert events(db, "approve")[-1][:4] == ("approve", "refused", "otto", v2)
    assert configs.approvals(v2) == []
    assert configs.activate(v2, "ann").status == "awaiting_approval"


def test_approving_twice_says_so(
    configs: ConfigurationService, installation: InstallationService
) -> None:
    four_eyes_on(installation)
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    assert configs.approve(v2, "bob").approved_by == ("bob",)
    again = configs.approve(v2, "bob")
    assert again.approved_by == ("bob",) and "approved by them before" in again.message


def test_an_approval_by_a_user_who_is_no_maintainer_any_more_does_not_count(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    four_eyes_on(installation)
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    configs.approve(v2, "bob")
    with db.engine.begin() as conn:  # an admin takes bob's maintainer role away in the database
        conn.execute(
            delete(user_roles).where(user_roles.c.name == "bob", user_roles.c.role == "maintainer")
        )
    result = configs.activate(v2, "ann")
    assert result.status == "awaiting_approval"
    assert "the approval by `bob` no longer counts (no maintainer any more)" in result.message
    assert "another maintainer approves it with `turnout config approve 2`" in result.message
    assert configs.get(None).version == 1
    with db.unit_of_work() as uow:
        uow.users.add_role("cleo", Role.MAINTAINER)
        uow.commit()
    configs.approve(v2, "cleo")
    assert configs.activate(v2, "ann").status == "active"


def test_a_viewer_may_not_approve_and_the_refusal_is_audited(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    four_eyes_on(installation)
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    with pytest.raises(PermissionDenied, match="vera"):
        configs.approve(v2, "vera")
    assert events(db, "approve")[-1][:4] == ("approve", "refused", "vera", v2)
    assert configs.approvals(v2) == []


def test_an_active_version_is_not_approved(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    four_eyes_on(installation)
    with pytest.raises(InvalidTransition, match="only a draft or validated version"):
        configs.approve(1, "bob")
    assert events(db, "approve")[-1][:2] == ("approve", "refused")


def test_a_rollback_under_four_eyes_is_not_held_and_its_event_says_it_was_exempt(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    assert configs.activate(v2, "ann").status == "active"
    four_eyes_on(installation)
    result = configs.rollback(1, "ann")
    assert result.status == "active" and configs.get(None).version == result.version
    action, outcome, actor, version, message = events(db, "rollback")[-1]
    assert (action, outcome, actor, version) == ("rollback", "ok", "ann", result.version)
    assert "four eyes: a rollback needs no approval" in message
    assert events(db, "request") == []


def test_turnouts_own_rollback_under_four_eyes_is_exempt_too(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    assert configs.activate(v2, "ann").status == "active"
    four_eyes_on(installation)
    result = configs.rollback(1, "guard", system=True, note="failure rate +40 points")
    assert result.status == "active"
    message = events(db, "rollback")[-1][4]
    assert "failure rate +40 points" in message and "needs no approval" in message


def test_a_pending_activation_is_not_held_when_four_eyes_were_turned_on_after_it(
    configs: ConfigurationService, installation: InstallationService, db: Database
) -> None:
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    with db.unit_of_work() as uow:
        running_run(uow, 1)
        uow.commit()
    assert configs.activate(v2, "ann").status == "pending"
    four_eyes_on(installation)
    assert configs.activate(v2, "ann", force=True).status == "active"


def test_turning_four_eyes_on_and_off_needs_an_admin_and_is_audited(
    installation: InstallationService, configs: ConfigurationService, db: Database
) -> None:
    for who in ("ann", "nobody"):
        with pytest.raises(PermissionDenied, match="may not change installation settings"):
            installation.set("four_eyes", "true", who)
    assert installation.show().four_eyes is False
    assert [e[:3] for e in events(db, "setting")] == [
        ("setting", "refused", "ann"),
        ("setting", "refused", "nobody"),
    ]
    four_eyes_on(installation)
    assert installation.set("four_eyes", "off", "ada").four_eyes is False
    assert [e[4] for e in events(db, "setting")[2:]] == [
        "installation setting four_eyes: false -> true",
        "installation setting four_eyes: true -> false",
    ]
    # the configuration service reads the same stored setting
    assert configs.installation().four_eyes is False


def test_an_unapproved_activation_tells_each_user_who_may_approve_it(
    configs: ConfigurationService, installation: InstallationService
) -> None:
    four_eyes_on(installation)
    v2 = configs.create(doc("second", "export.other"), "ann").config.version
    author = configs.activate(v2, "ann").message
    assert f"another maintainer approves it with `turnout config approve {v2}`" in author
    # bob maintains and did not write it: he may approve it himself, and is told so
    other = configs.activate(v2, "bob")
    assert other.status == "awaiting_approval"
    assert (
        f"you are a maintainer who did not write it: approve it yourself with "
        f"`turnout config approve {v2}`" in other.message
    )
    assert "another maintainer" not in other.message
    # otto operates: a maintainer other than the author approves it
    operator = configs.activate(v2, "otto").message
    assert f"a maintainer other than `ann` approves it with `turnout config approve {v2}`" in (
        operator
    )
    configs.approve(v2, "bob")
    assert configs.activate(v2, "otto").status == "active"
