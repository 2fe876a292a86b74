"""`turnout init`: register stages, contracts and modules; bootstrap the first user and the default
configuration. Idempotent: running it again only refreshes the module catalog.

`turnout modules` and GET /modules refresh the module catalog too (`refresh_catalog`), so a
package installed after `turnout init` shows up without running it again."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from turnout.domain.errors import InvalidConfiguration
from turnout.domain.modules import ModuleRecord, ModuleStatus
from turnout.domain.stages import STAGES
from turnout.domain.users import Role
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


def register_catalog(uow: UnitOfWork, registry: ModuleRegistry) -> list[ModuleRecord]:
    """Store the stage contracts, the stages, and every module the registry knows.

    Modules stored earlier but no longer installed are kept (configurations refer to them) and
    marked unavailable. Fallback flags are cleared before they are set so that the one-fallback
    index never sees two at once.
    """
    for stage in STAGES:
        uow.stages.save_contract(stage.contract)
        uow.stages.save_stage(stage)
    records = registry.records()
    known = {r.module_id for r in records}
    stale = [m for m in uow.modules.list() if m.module_id not in known]
    for old in [*stale, *(m for m in uow.modules.list() if m.module_id in known and m.is_fallback)]:
        uow.modules.save(
            _with(
                old,
                is_fallback=False,
                status=ModuleStatus.UNAVAILABLE if old.module_id not in known else old.status,
            )
        )
    for record in records:
        uow.modules.save(record)
    return records


def refresh_catalog(uow_factory: Callable[[], UnitOfWork], registry: ModuleRegistry) -> None:
    """Bring the stored module rows up to date with the installed packages.

    Every module is loaded (guarded); the rows are written only when something differs, so that
    reading the catalog does not take the write lock each time.
    """
    records = registry.records()
    with uow_factory() as uow:
        stored = uow.modules.list()
    if _current(stored, records):
        return
    with uow_factory() as uow:
        uow.lock_lifecycle()
        register_catalog(uow, registry)
        uow.commit()


def _current(stored: list[ModuleRecord], records: list[ModuleRecord]) -> bool:
    """Whether the stored rows are what `register_catalog` would write."""
    known = {r.module_id for r in records}
    if any(
        m.module_id not in known and (m.is_fallback or m.status is not ModuleStatus.UNAVAILABLE)
        for m in stored
    ):
        return False
    rows = {m.module_id: _comparable(m) for m in stored}
    return all(rows.get(r.module_id) == _comparable(r) for r in records)


def _comparable(record: ModuleRecord) -> str:
    # metadata went through JSON in the database: compare both sides as JSON
    return json.dumps(
        [
            record.name,
            record.stage_id,
            record.capability_contract_id,
            record.status.value,
            record.is_fallback,
            record.metadata,
        ],
        sort_keys=True,
        default=str,
    )


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


def _with(record: ModuleRecord, *, is_fallback: bool, status: ModuleStatus) -> ModuleRecord:
    return ModuleRecord(
        record.module_id,
        record.name,
        record.stage_id,
        record.capability_contract_id,
        status,
        is_fallback,
        record.metadata,
    )
