"""Build a runner over our own test modules, with a configuration activated the real way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from support.fakes import fake_module
from turnout.bootstrap import wire_runs
from turnout.domain.modules import StageModule
from turnout.domain.stages import STAGES
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.runtime.catalog import register_catalog
from turnout.runtime.config_document import ConfigDocument, PolicyDoc, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.execution import Executors
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.runner import Runner

REQUIRED = [s.stage_id for s in STAGES if s.is_required]


def base_modules() -> list[type[StageModule]]:
    return [fake_module(s) for s in REQUIRED]


def activate(
    db: Database,
    registry: ModuleRegistry,
    selections: Mapping[str, str | tuple[str, Mapping[str, Any]]] | None = None,
    policies: Mapping[str, PolicyDoc] | None = None,
    actor: str = "ann",
) -> int:
    """Create, validate and activate a version selecting `<stage>.fake` unless told otherwise."""
    chosen: dict[str, SelectionDoc] = {s: SelectionDoc(f"{s}.fake") for s in REQUIRED}
    for stage, choice in (selections or {}).items():
        chosen[stage] = (
            SelectionDoc(choice[0], choice[1])
            if isinstance(choice, tuple)
            else SelectionDoc(choice)
        )
    service = ConfigurationService(db.unit_of_work, registry)
    version = service.create(
        ConfigDocument("test", chosen, dict(policies or {})), actor
    ).config.version
    report = service.validate(version, actor)
    assert report.valid, report.problems
    result = service.activate(version, actor)
    assert result.status in {"active", "pending"}, result.message
    return version


def make_runner(
    db: Database,
    workspace: Path,
    extra: Iterable[type[StageModule]] = (),
    selections: Mapping[str, str | tuple[str, Mapping[str, Any]]] | None = None,
    policies: Mapping[str, PolicyDoc] | None = None,
    **runner_options: Any,
) -> tuple[Runner, ModuleRegistry]:
    registry = ModuleRegistry.from_classes([*base_modules(), *extra])
    with db.unit_of_work() as uow:
        register_catalog(uow, registry)
        uow.users.add_role("ann", Role.MAINTAINER)
        uow.commit()
    activate(db, registry, selections, policies)
    return runner_on(db, registry, workspace, **runner_options), registry


def runner_on(db: Database, registry: ModuleRegistry, workspace: Path, **options: Any) -> Runner:
    """A runner on `db` wired as bootstrap wires a process's (its own lifecycle and guards
    unless `guards` is given)."""
    return wire_runs(db.unit_of_work, registry, Executors(workspace), **options).runner
