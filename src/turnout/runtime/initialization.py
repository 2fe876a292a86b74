"""`turnout init`: register stages, contracts and modules; bootstrap the first user and the default
configuration. Idempotent: running it again only refreshes the module catalog.

`turnout modules` and GET /modules refresh the module catalog too (`refresh_catalog`, in
`turnout.runtime.catalog`), so a package installed after `turnout init` shows up without running
it again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from turnout.domain.errors import InvalidConfiguration
from turnout.domain.modules import ModuleRecord, ModuleStatus
from turnout.domain.stages import STAGES
from turnout.domain.users import Role
from turnout.runtime.catalog import register_catalog
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.defaults import default_document
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.registry import ModuleRegistry


@dataclass(frozen=True)
class InitReport:
    stages: int
    modules_available: int
    modules_unavailable: tuple[str, ...]
    admin_created: str | None
    activated_version: int | None
    default_problems: tuple[str, ...] = ()  # why the default configuration could not be activated


def initialize(
    uow_factory: Callable[[], UnitOfWork], registry: ModuleRegistry, actor: str
) -> InitReport:
    """Create or refresh everything `turnout init` promises (the schema is upgraded by the caller)."""
    admin: str | None = None
    with uow_factory() as uow:
        uow.lock_lifecycle()
        records = register_catalog(uow, registry)
        if not uow.users.list():
            uow.users.add_role(actor, Role.ADMIN)
            uow.users.add_role(actor, Role.MAINTAINER)
            admin = actor
        has_config = bool(uow.configurations.list())
        uow.commit()
    activated: int | None = None
    problems: tuple[str, ...] = ()
    if not has_config:
        service = ConfigurationService(uow_factory, registry)
        try:
            created = service.create(default_document(), actor)
        except (
            InvalidConfiguration
        ) as exc:  # a built-in default is not installed: say so, don't crash
            return _report(records, admin, None, tuple(str(p) for p in exc.problems))
        if created.valid:
            activated = service.activate(created.config.version, actor).version
        else:
            problems = tuple(str(p) for p in created.problems)
    return _report(records, admin, activated, problems)


def _report(
    records: list[ModuleRecord], admin: str | None, activated: int | None, problems: tuple[str, ...]
) -> InitReport:
    return InitReport(
        stages=len(STAGES),
        modules_available=sum(r.status is ModuleStatus.AVAILABLE for r in records),
        modules_unavailable=tuple(
            r.module_id for r in records if r.status is not ModuleStatus.AVAILABLE
        ),
        admin_created=admin,
        activated_version=activated,
        default_problems=problems,
    )
