"""The configuration lifecycle through the service, on SQLite and PostgreSQL: every transition of
the state machine, every refusal, rollback, and exactly one audit event per action."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from support.fakes import fake_module
from turnout.domain.configuration import ConfigStatus
from turnout.domain.contracts import needs
from turnout.domain.errors import (
    ActivationPending,
    InvalidConfiguration,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from turnout.domain.events import ConfigurationChangeEvent, EventAction, EventResult
from turnout.domain.runs import Run, RunStatus
from turnout.domain.stages import STAGES
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.runtime.catalog import register_catalog
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.registry import ModuleRegistry

REQUIRED = [s.stage_id for s in STAGES if s.is_required]
MODULES = [fake_module(s) for s in REQUIRED] + [
    fake_module(
        "route",
        "strict",
        settings_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {"review_above": {"type": "string"}},
        },
    ),
    fake_module("export", "flaky"),
]


def make_doc(summary: str = "v", **modules: str) -> ConfigDocument:
    selections = {s: SelectionDoc(f"{s}.fake") for s in REQUIRED}
    for stage, module in modules.items():
        selections[stage] = SelectionDoc(module)
    return ConfigDocument(summary, selections)


@pytest.fixture
def registry() -> ModuleRegistry:
    return ModuleRegistry.from_classes(MODULES)


@pytest.fixture
def service(db: Database, registry: ModuleRegistry) -> ConfigurationService:
    with db.unit_of_work() as uow:
        register_catalog(uow, registry)
        uow.users.add_role("ann", Role.MAINTAINER)
        uow.users.add_role("otto", Role.OPERATOR)
        uow.users.add_role("vera", Role.VIEWER)
        uow.commit()
    return ConfigurationService(db.unit_of_work, registry)


def events(db: Database) -> list[tuple[str, str, str, int | None]]:
    with db.unit_of_work() as uow:
        return [
            (e.action, e.result, e.actor, e.config_version)
            for e in reversed(uow.events.list(limit=1000))
        ]


def status(db: Database, version: int) -> ConfigStatus:
    with db.unit_of_work() as uow:
        config = uow.configurations.get(version)
        assert config is not None
        return config.status


def active_version(service: ConfigurationService) -> int:
    return service.get(None).version


def activate_new(service: ConfigurationService, doc: ConfigDocument, actor: str = "ann") -> int:
    version = service.create(doc, actor).config.version
    assert service.validate(version, actor).valid
    assert service.activate(version, actor).status == "active"
    return version


def test_create_validates_at_once_and_leaves_one_event(
    service: ConfigurationService, db: Database
) -> None:
    created = service.create(make_doc(), "ann")
    assert (created.config.version, created.config.status) == (1, ConfigStatus.VALIDATED)
    assert created.valid and created.problems == ()
    assert events(db) == [("create", "ok", "ann", 1)]


def test_validate_moves_draft_to_validated(service: ConfigurationService, db: Database) -> None:
    v = service.create(make_doc(), "ann").config.version
    report = service.validate(v, "otto")
    assert report.valid and status(db, v) is ConfigStatus.VALIDATED
    assert events(db)[-1] == ("validate", "ok", "otto", v)


def test_invalid_draft_stays_draft_with_reasons(
    service: ConfigurationService, db: Database
) -> None:
    doc = make_doc()
    doc = ConfigDocument(
        "bad", {**doc.selections, "route": SelectionDoc("route.strict", {"review_above": 5})}
    )
    v = service.create(doc, "ann").config.version
    report = service.validate(v, "ann")
    assert not report.valid and status(db, v) is ConfigStatus.DRAFT
    assert any(
        p.stage == "route" and p.module == "route.strict" and "review_above" in p.message
        for p in report.problems
    )
    action, result, _, _ = events(db)[-1]
    assert (action, result) == ("validate", "failed")
    with pytest.raises(InvalidTransition) as refused:
        service.activate(v, "ann")
    # validating again would only repeat the problems: the fix is a new version from the file
    assert f"turnout config export {v} > v{v}.yaml" in str(refused.value)
    assert f"turnout config create -f v{v}.yaml" in str(refused.value)
    assert f"turnout config delete {v}" in str(refused.value)
    assert "validate it first" not in str(refused.value)
    assert events(db)[-1][:2] == ("activate", "refused")


def test_activate_supersedes_the_previous_version(
    service: ConfigurationService, db: Database
) -> None:
    v1 = activate_new(service, make_doc("first"))
    v2 = activate_new(service, make_doc("second", export="export.flaky"))
    assert status(db, v1) is ConfigStatus.SUPERSEDED
    assert status(db, v2) is ConfigStatus.ACTIVE
    assert active_version(service) == v2
    assert service.get(v2).activated_at is not None


def test_every_action_leaves_exactly_one_event(service: ConfigurationService, db: Database) -> None:
    v1 = service.create(make_doc(), "ann").config.version
    service.validate(v1, "ann")
    service.activate(v1, "ann")
    v2 = service.create(make_doc(export="export.flaky"), "otto").config.version
    service.validate(v2, "otto")
    service.activate(v2, "otto")
    service.rollback(v1, "ann")
    assert [e[:2] for e in events(db)] == [
        ("create", "ok"),
        ("validate", "ok"),
        ("activate", "ok"),
        ("create", "ok"),
        ("validate", "ok"),
        ("activate", "ok"),
        ("rollback", "ok"),
    ]


def test_activation_that_fails_revalidation_is_rejected_and_active_unchanged(
    service: ConfigurationService, db: Database
) -> None:
    v1 = activate_new(service, make_doc())
    v2 = service.create(make_doc(export="export.flaky"), "ann").config.version
    assert service.validate(v2, "ann").valid
    # the module breaks between validation and activation (its package was uninstalled)
    broken = ModuleRegistry.from_classes(
        [m for m in MODULES if m.spec.module_id != "export.flaky"]
        + [fake_module("export", "flaky", healthy=False)]
    )
    result = ConfigurationService(db.unit_of_work, broken).activate(v2, "ann")
    assert result.status == "rejected" and "export.flaky" in result.message
    assert status(db, v2) is ConfigStatus.REJECTED
    assert active_version(service) == v1
    assert events(db)[-1][:2] == ("activate", "rejected")


def test_rollback_creates_a_new_version_with_the_old_selections(
    service: ConfigurationService, db: Database
) -> None:
    doc1 = ConfigDocument(
        "one",
        {
            **make_doc().selections,
            "route": SelectionDoc("route.strict", {"review_above": "100.00"}),
        },
    )
    v1 = activate_new(service, doc1)
    v2 = activate_new(service, make_doc("two", export="export.flaky"))
    result = service.rollback(v1, "otto")
    assert result.status == "active" and result.version == v2 + 1
    restored = service.get(result.version)
    original = service.get(v1)
    assert {s: (x.module_id, dict(x.settings)) for s, x in restored.selections.items()} == {
        s: (x.module_id, dict(x.settings)) for s, x in original.selections.items()
    }
    assert restored.rolled_back_from == v1 and restored.created_by == "otto"
    assert status(db, v2) is ConfigStatus.ROLLED_BACK
    assert status(db, v1) is ConfigStatus.SUPERSEDED  # the old version itself never changes back
    assert restored.config_id != original.config_id


def test_rollback_to_a_version_that_never_worked_is_refused(
    service: ConfigurationService, db: Database
) -> None:
    activate_new(service, make_doc())
    draft = service.create(make_doc(), "ann").config.version
    with pytest.raises(InvalidTransition, match="never the working configuration"):
        service.rollback(draft, "ann")
    with pytest.raises(NotFound):
        service.rollback(99, "ann")
    assert [e[:2] for e in events(db)[-2:]] == [("rollback", "refused"), ("rollback", "refused")]


def test_viewer_is_refused_and_the_refusal_is_audited(
    service: ConfigurationService, db: Database
) -> None:
    with pytest.raises(PermissionDenied, match="operator or maintainer"):
        service.create(make_doc(), "vera")
    with pytest.raises(PermissionDenied, match="not registered"):
        service.create(make_doc(), "mallory")
    assert events(db) == [
        ("create", "refused", "vera", None),
        ("create", "refused", "mallory", None),
    ]
    with db.unit_of_work() as uow:
        assert uow.configurations.list() == []


def test_unknown_module_is_refused_at_creation(service: ConfigurationService, db: Database) -> None:
    with pytest.raises(InvalidConfiguration) as info:
        service.create(make_doc(text="text.telepathy"), "ann")
    [problem] = info.value.problems
    assert (problem.stage, problem.module) == ("text", "text.telepathy")
    assert "text.fake" in problem.fix
    assert events(db) == [("create", "refused", "ann", None)]


def _running_run(db: Database, version: int) -> str:
    with db.unit_of_work() as uow:
        config = uow.configurations.get(version)
        assert config is not None
        run = Run(
            str(uuid.uuid4()),
            "x.pdf",
            config.config_id,
            version,
            RunStatus.RUNNING,
            dt.datetime.now(dt.UTC),
        )
        uow.runs.add(run)
        uow.commit()
    return run.run_id


def _finish(db: Database, run_id: str) -> None:
    with db.unit_of_work() as uow:
        run = uow.runs.get(run_id)
        assert run is not None
        run.status = RunStatus.COMPLETED
        run.finished_at = dt.datetime.now(dt.UTC)
        uow.runs.finish(run)
        uow.commit()


def test_activation_with_runs_in_flight_is_pending_until_they_finish(
    service: ConfigurationService, db: Database
) -> None:
    v1 = activate_new(service, make_doc())
    run_id = _running_run(db, v1)
    v2 = service.create(make_doc(export="export.flaky"), "ann").config.version
    service.validate(v2, "ann")
    result = service.activate(v2, "ann")
    assert result.status == "pending" and status(db, v2) is ConfigStatus.PENDING
    assert active_version(service) == v1
    assert service.switch_if_drained() is None  # still in flight
    _finish(db, run_id)
    switched = service.switch_if_drained()
    assert switched is not None and switched.status == "active"
    assert active_version(service) == v2 and status(db, v1) is ConfigStatus.SUPERSEDED
    assert events(db)[-1][:2] == ("switch", "ok")


def test_the_switch_reports_its_wait_from_the_stored_request_however_busy_the_audit_trail(
    service: ConfigurationService, db: Database
) -> None:
    v1 = activate_new(service, make_doc())
    run_id = _running_run(db, v1)
    v2 = service.create(make_doc(export="export.flaky"), "ann").config.version
    service.validate(v2, "ann")
    before = dt.datetime.now(dt.UTC)
    assert service.activate(v2, "ann").status == "pending"
    requested = service.get(v2).activation_requested_at
    assert requested is not None and requested >= before
    pending = service.get(v2)
    with db.unit_of_work() as uow:  # more events on the version than any "last N" would read
        for n in range(25):
            uow.events.add(
                ConfigurationChangeEvent(
                    event_id=None,
                    config_id=pending.config_id,
                    action=EventAction.VALIDATE,
                    actor="otto",
                    result=EventResult.OK,
                    message=f"looked again ({n})",
                    created_at=dt.datetime.now(dt.UTC),
                    config_version=v2,
                )
            )
        uow.commit()
    _finish(db, run_id)
    switched = service.switch_if_drained()
    assert switched is not None and switched.waited_s is not None
    elapsed = (dt.datetime.now(dt.UTC) - requested).total_seconds()
    assert 0 <= switched.waited_s <= elapsed
    assert service.get(v2).activation_requested_at is None  # no request once it left pending


def test_second_activation_while_one_is_pending_is_refused_naming_it(
    service: ConfigurationService, db: Database
) -> None:
    v1 = activate_new(service, make_doc())
    _running_run(db, v1)
    v2 = service.create(make_doc(export="export.flaky"), "ann").config.version
    v3 = service.create(make_doc(), "ann").config.version
    service.validate(v2, "ann")
    service.validate(v3, "ann")
    assert service.activate(v2, "ann").status == "pending"
    with pytest.raises(ActivationPending, match=f"version {v2} is already pending"):
        service.activate(v3, "ann")
    assert events(db)[-1][:2] == ("activate", "refused")
    cancelled = service.cancel("otto")
    assert cancelled.version == v2 and status(db, v2) is ConfigStatus.VALIDATED
    assert service.activate(v3, "ann").status == "pending"


def test_cancel_without_pending_is_refused(service: ConfigurationService, db: Database) -> None:
    with pytest.raises(InvalidTransition, match="nothing to cancel"):
        service.cancel("ann")
    assert events(db) == [("cancel", "refused", "ann", None)]


def test_stored_versions_never_change(service: ConfigurationService, db: Database) -> None:
    v1 = activate_new(service, make_doc("first"))
    before = service.get(v1)
    activate_new(service, make_doc("second", export="export.flaky"))
    service.rollback(v1, "ann")
    after = service.get(v1)
    assert after.document() == before.document()
    assert (after.created_by, after.created_at, after.summary) == (
        before.created_by,
        before.created_at,
        before.summary,
    )


def test_events_record_each_result_kind(service: ConfigurationService, db: Database) -> None:
    activate_new(service, make_doc())
    results = {r for _, r, _, _ in events(db)}
    assert results == {EventResult.OK}
    assert {a for a, _, _, _ in events(db)} == {
        EventAction.CREATE,
        EventAction.VALIDATE,
        EventAction.ACTIVATE,
    }


NEEDY = fake_module("route", "needy", inputs=(needs("invoice/v1"), needs("match/v1")))
INVALID = {
    "missing required stage": ({"export": None}, "export", None, "required stage has no selection"),
    "module of another stage's contract": (
        {"extract": "text.fake"},
        "extract",
        "text.fake",
        "serves stage `text`",
    ),
    "data-flow gap": ({"route": "route.needy"}, "route", "route.needy", "data-flow gap"),
    "bad settings": (
        {"route": ("route.strict", {"review_above": 12})},
        "route",
        "route.strict",
        "review_above",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_configuration_is_refused_and_the_active_one_is_unchanged(
    db: Database, case: str
) -> None:
    registry = ModuleRegistry.from_classes([*MODULES, NEEDY])
    with db.unit_of_work() as uow:
        register_catalog(uow, registry)
        uow.users.add_role("ann", Role.MAINTAINER)
        uow.commit()
    service = ConfigurationService(db.unit_of_work, registry)
    v1 = activate_new(service, make_doc())
    changes, stage, module, text = INVALID[case]
    selections = dict(make_doc().selections)
    for stage_id, choice in changes.items():
        if choice is None:
            selections.pop(stage_id)
        elif isinstance(choice, tuple):
            selections[stage_id] = SelectionDoc(choice[0], choice[1])
        else:
            selections[stage_id] = SelectionDoc(choice)
    bad = service.create(ConfigDocument(case, selections), "ann").config.version
    report = service.validate(bad, "ann")
    [problem] = [p for p in report.problems if p.stage == stage]
    assert problem.module == module and text in problem.message and problem.fix
    with pytest.raises(InvalidTransition):
        service.activate(bad, "ann")
    assert active_version(service) == v1 and status(db, bad) is ConfigStatus.DRAFT
    assert [e[:2] for e in events(db)[-2:]] == [("validate", "failed"), ("activate", "refused")]
