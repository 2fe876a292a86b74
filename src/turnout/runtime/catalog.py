"""The module catalog: the stored rows of the stage contracts, the stages and every installed
module. `turnout init` writes it; `turnout modules` and GET /modules refresh it
(`refresh_catalog`), and creating a configuration registers it again when the document selects a
module installed since (`register_selected`), so a package installed after `turnout init` is
found without running it again."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from turnout.domain.modules import ModuleRecord, ModuleStatus
from turnout.domain.stages import STAGES
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.registry import ModuleRegistry


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


def register_selected(uow: UnitOfWork, registry: ModuleRegistry, module_ids: Iterable[str]) -> None:
    """Register the catalog again (in `uow`'s transaction) when one of `module_ids` has no stored
    row yet, a module installed after the catalog was last written: a configuration's selections
    and fallbacks refer to their modules' rows."""
    stored = {m.module_id for m in uow.modules.list()}
    if any(module_id not in stored for module_id in module_ids):
        register_catalog(uow, registry)


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
