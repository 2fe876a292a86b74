"""No refusal sends a user in a circle: for every status a version can have and every lifecycle
action, on SQLite and PostgreSQL, each `turnout config ...` step a refusal names is accepted when
taken in turn (the CLI and the API print the service's messages as they are)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable

import pytest

from support.fakes import fake_module
from turnout.domain.configuration import ConfigStatus
from turnout.domain.errors import RequestError
from turnout.domain.runs import Run, RunStatus
from turnout.domain.stages import STAGES
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.runtime.catalog import register_catalog
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.validation import document_of

S = ConfigStatus
REQUIRED = [s.stage_id for s in STAGES if s.is_required]
STRICT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"review_above": {"type": "string"}},
}
MODULES = [fake_module(s) for s in REQUIRED] + [
    fake_module("route", "strict", settings_schema=STRICT)
]
ACTIONS = ("validate", "activate", "rollback", "delete", "approve", "cancel")
STEP = re.compile(r"`turnout config (\w+)((?: [^`>]+)?)(?: > [^`]+)?`")


def doc(summary: str, **settings: object) -> ConfigDocument:
    selections = {s: SelectionDoc(f"{s}.fake") for s in REQUIRED}
    selections["route"] = SelectionDoc("route.strict", dict(settings))
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
        uow.commit()
    service = ConfigurationService(db.unit_of_work, registry)
    first = service.create(doc("first"), "ann").config.version
    assert service.activate(first, "ann").status == "active"
    return service


def _run_in_flight(db: Database, version: int) -> None:
    with db.unit_of_work() as uow:
        config = uow.configurations.get(version)
        assert config is not None
        now = dt.datetime.now(dt.UTC)
        run = Run(str(uuid.uuid4()), "x.pdf", config.config_id, version, RunStatus.RUNNING, now)
        uow.runs.add(run)
        uow.commit()


def version_in(
    status: ConfigStatus, service: ConfigurationService, db: Database, registry: ModuleRegistry
) -> int:
    """A version in `status`, with version 1 or a later one active and nothing else pending."""
    if status is S.ACTIVE:
        return 1
    if status is S.DRAFT:
        return service.create(doc("bad", review_above=5), "ann").config.version
    v = service.create(doc("next", review_above="50"), "ann").config.version
    if status is S.VALIDATED:
        return v
    if status is S.ARCHIVED:
        service.delete(v, "ann")
        return v
    if status is S.PENDING:
        _run_in_flight(db, 1)
        assert service.activate(v, "ann").status == "pending"
        return v
    if status is S.REJECTED:
        without = ModuleRegistry.from_classes(m for m in MODULES if "strict" not in str(m))
        narrower = ConfigurationService(db.unit_of_work, without)
        assert narrower.activate(v, "ann").status == "rejected"
        return v
    assert service.activate(v, "ann").status == "active"
    if status is S.SUPERSEDED:
        return 1
    assert service.rollback(1, "ann").status == "active"  # status is ROLLED_BACK
    return v


def act(service: ConfigurationService, action: str, version: int) -> object:
    calls: dict[str, Callable[[], object]] = {
        "validate": lambda: service.validate(version, "ann"),
        "activate": lambda: service.activate(version, "ann"),
        "rollback": lambda: service.rollback(version, "ann"),
        "delete": lambda: service.delete(version, "ann"),
        "approve": lambda: service.approve(version, "otto"),
        "cancel": lambda: service.cancel("ann"),
    }
    return calls[action]()


def take(service: ConfigurationService, step: str, args: str, exported: list[int]) -> None:
    """Carry out one step a message names, as the CLI would."""
    numbers = [int(n) for n in re.findall(r"\b\d+\b", args)]
    if step == "export":
        service.get(numbers[0]).document()
        exported.append(numbers[0])
    elif step == "create":  # `-f vN.yaml`, the file the export before it wrote
        service.create(document_of(service.get(exported[-1])), "ann")
    elif step == "history":
        service.history(archived="--all" in args)
    elif step in ("show", "diff", "try", "guard"):
        pass  # reading never refuses a version that exists
    else:
        act(service, step, numbers[0] if numbers else 0)


# the walk is about words, the same on both databases: one database (the lifecycle's storage
# runs on both in test_configuration_service.py)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", list(S))
def test_every_step_a_refusal_names_is_accepted(
    status: ConfigStatus,
    action: str,
    service: ConfigurationService,
    db: Database,
    registry: ModuleRegistry,
) -> None:
    version = version_in(status, service, db, registry)
    assert service.get(version).status is status
    try:
        act(service, action, version)
    except RequestError as refusal:
        message = str(refusal)
    else:
        return  # accepted: nothing to follow
    steps = STEP.findall(message)
    exported: list[int] = []
    for step, args in steps:
        try:
            take(service, step, args, exported)
        except RequestError as again:
            pytest.fail(
                f"{action} on a {status} version says {message!r}; "
                f"then `turnout config {step}{args}` is refused: {again}"
            )


def test_the_walk_reaches_refusals_that_name_a_step(
    service: ConfigurationService, db: Database, registry: ModuleRegistry
) -> None:
    """The walk above is not vacuous: refusals with a named step exist and are followed."""
    draft = version_in(S.DRAFT, service, db, registry)
    with pytest.raises(RequestError, match=f"`turnout config validate {draft}`"):
        service.activate(draft, "ann")
    pending = version_in(S.PENDING, service, db, registry)
    with pytest.raises(RequestError, match="`turnout config cancel`") as info:
        service.validate(pending, "ann")
    assert [step for step, _ in STEP.findall(str(info.value))] == ["cancel"]
    service.cancel("ann")
    assert service.delete(pending, "ann").status is S.ARCHIVED
