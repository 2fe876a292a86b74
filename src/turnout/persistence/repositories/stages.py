"""Stages and their capability contracts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, select

from turnout.domain.contracts import CapabilityContract
from turnout.domain.stages import ProcessingStage
from turnout.persistence.repositories.upsert import upsert
from turnout.persistence.tables import capability_contracts, processing_stages


class SqlStageRepository:
    """The processing stages and capability contracts (`StageRepository` port)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def save_contract(self, contract: CapabilityContract) -> None:
        """Insert or update a contract by contract_id."""
        data = contract.to_dict()
        upsert(self._conn, capability_contracts, data, ["contract_id"])

    def save_stage(self, stage: ProcessingStage) -> None:
        """Insert or update a stage by stage_id (its contract must be saved first)."""
        values = {
            "stage_id": stage.stage_id,
            "name": stage.name,
            "order": stage.order,
            "capability_contract_id": stage.capability_contract_id,
            "is_required": stage.is_required,
        }
        upsert(self._conn, processing_stages, values, ["stage_id"])

    def contracts(self) -> list[CapabilityContract]:
        """Every contract, by contract_id."""
        rows = self._conn.execute(
            select(capability_contracts).order_by(capability_contracts.c.contract_id)
        ).mappings()
        return [contract_from_row(row) for row in rows]

    def stages(self) -> list[ProcessingStage]:
        """All stages ordered by `order`, each with its contract."""
        contract_columns = [c for c in capability_contracts.c if c.name != "name"]
        rows = self._conn.execute(
            select(
                processing_stages,
                capability_contracts.c.name.label("contract_name"),
                *contract_columns,
            )
            .join(capability_contracts)
            .order_by(processing_stages.c.order, processing_stages.c.stage_id)
        ).mappings()
        return [
            ProcessingStage(
                stage_id=row["stage_id"],
                name=row["name"],
                order=row["order"],
                contract=contract_from_row(row, name_key="contract_name"),
                is_required=bool(row["is_required"]),
            )
            for row in rows
        ]


def contract_from_row(row: RowMapping, name_key: str = "name") -> CapabilityContract:
    """A contract from a row holding the capability_contracts columns."""
    data: dict[str, Any] = {
        "contract_id": row["contract_id"],
        "name": row[name_key],
        "inputs": row["inputs"],
        "outputs": row["outputs"],
        "guarantees": row["guarantees"],
        "constraints": row["constraints"],
        "skip_when_present": row["skip_when_present"],
    }
    return CapabilityContract.from_dict(data)
