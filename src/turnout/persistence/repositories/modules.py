"""Registered modules (`turnout.domain.modules.ModuleRecord`)."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, select

from turnout.domain.modules import ModuleRecord, ModuleStatus
from turnout.persistence.repositories.upsert import upsert
from turnout.persistence.tables import modules, processing_stages


class SqlModuleRepository:
    """The modules table (`ModuleRepository` port)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def save(self, module: ModuleRecord) -> None:
        """Insert or update by module_id (status, is_fallback, metadata may change)."""
        values = {
            "module_id": module.module_id,
            "name": module.name,
            "stage_id": module.stage_id,
            "capability_contract_id": module.capability_contract_id,
            "status": module.status.value,
            "is_fallback": module.is_fallback,
            "metadata": dict(module.metadata),
        }
        upsert(self._conn, modules, values, ["module_id"])

    def get(self, module_id: str) -> ModuleRecord | None:
        """The module, or None when it was never registered."""
        row = (
            self._conn.execute(select(modules).where(modules.c.module_id == module_id))
            .mappings()
            .first()
        )
        return None if row is None else _module(row)

    def list(self, stage_id: str | None = None) -> list[ModuleRecord]:
        """Ordered by stage order, then module_id."""
        query = (
            select(modules)
            .join(processing_stages, processing_stages.c.stage_id == modules.c.stage_id)
            .order_by(processing_stages.c.order, modules.c.module_id)
        )
        if stage_id is not None:
            query = query.where(modules.c.stage_id == stage_id)
        return [_module(row) for row in self._conn.execute(query).mappings()]


def _module(row: RowMapping) -> ModuleRecord:
    return ModuleRecord(
        module_id=row["module_id"],
        name=row["name"],
        stage_id=row["stage_id"],
        capability_contract_id=row["capability_contract_id"],
        status=ModuleStatus(row["status"]),
        is_fallback=bool(row["is_fallback"]),
        metadata=row["metadata"],
    )
