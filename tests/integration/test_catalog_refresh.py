"""The module catalog follows the installed packages without `turnout init`: `refresh_catalog`
(what `turnout modules` and GET /modules call) registers new modules, updates changed ones, marks
removed ones unavailable, and writes nothing when the rows are current."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from support.fakes import fake_module
from support.pipelines import base_modules
from turnout.domain.modules import ModuleStatus
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.runtime.catalog import refresh_catalog, register_catalog
from turnout.runtime.config_document import ConfigDocument, SelectionDoc
from turnout.runtime.configurations import ConfigurationService
from turnout.runtime.registry import ModuleRegistry


def _stored(db: Database) -> dict[str, tuple[ModuleStatus, bool]]:
    with db.unit_of_work() as uow:
        return {m.module_id: (m.status, m.is_fallback) for m in uow.modules.list()}


def test_refresh_registers_new_packages_and_marks_removed_ones_unavailable(db: Database) -> None:
    first = ModuleRegistry.from_classes([*base_modules(), fake_module("text", "old")])
    with db.unit_of_work() as uow:
        register_catalog(uow, first)
        uow.commit()

    installed = [
        *base_modules(),
        fake_module("text", "new", is_fallback=True),
        fake_module("validate", "sick", healthy=False),
    ]
    refresh_catalog(db.unit_of_work, ModuleRegistry.from_classes(installed))

    stored = _stored(db)
    assert stored["text.new"] == (ModuleStatus.AVAILABLE, True)
    assert stored["validate.sick"] == (ModuleStatus.UNAVAILABLE, False)
    assert stored["text.old"] == (ModuleStatus.UNAVAILABLE, False)
    with db.unit_of_work() as uow:
        sick = uow.modules.get("validate.sick")
    assert sick is not None and "health check failed" in sick.metadata["unavailable_reason"]


def test_refresh_writes_nothing_when_the_catalog_is_current(db: Database) -> None:
    registry = ModuleRegistry.from_classes(base_modules())
    refresh_catalog(db.unit_of_work, registry)
    writes: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        refresh_catalog(db.unit_of_work, registry)
        assert writes == []

        extra = ModuleRegistry.from_classes([*base_modules(), fake_module("text", "more")])
        refresh_catalog(db.unit_of_work, extra)
        assert writes  # a difference is written
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert _stored(db)["text.more"] == (ModuleStatus.AVAILABLE, False)


def test_creating_a_configuration_registers_a_module_installed_since_the_catalog(
    db: Database,
) -> None:
    """`turnout config create` (and the API and dashboard, through the service) right after a
    package was installed into an existing home: no `turnout modules` in between."""
    with db.unit_of_work() as uow:
        register_catalog(uow, ModuleRegistry.from_classes(base_modules()))
        uow.users.add_role("ann", Role.MAINTAINER)
        uow.commit()
    new = fake_module("text", "installed_later")
    registry = ModuleRegistry.from_classes([*base_modules(), new])
    selections = {m.spec.stage_id: SelectionDoc(m.spec.module_id) for m in base_modules()}
    selections["text"] = SelectionDoc(new.spec.module_id)

    created = ConfigurationService(db.unit_of_work, registry).create(
        ConfigDocument("uses the new module", selections), "ann"
    )

    assert created.config.selections["text"].module_id == "text.installed_later"
    assert _stored(db)["text.installed_later"] == (ModuleStatus.AVAILABLE, False)
