"""`turnout stages`, `turnout modules`, `turnout contracts`: what the pipeline is made of."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Column, Table

from turnout.cli.common import JsonOpt, console, emit_json, get_app
from turnout.domain.configuration import ConfigStatus
from turnout.runtime.initialization import refresh_catalog
from turnout.runtime.serialize import module_to_dict, stage_to_dict


def stages(json_: JsonOpt = False) -> None:
    """The stages in order, with their contract and the module the active configuration selects."""
    app = get_app()
    with app.unit_of_work() as uow:
        rows = uow.stages.stages()
        active = uow.configurations.with_status(ConfigStatus.ACTIVE)
        fallbacks = {m.stage_id: m.module_id for m in uow.modules.list() if m.is_fallback}
    selections = active[0].selections if active else {}
    data: list[dict[str, Any]] = [
        stage_to_dict(
            s,
            selections[s.stage_id].module_id if s.stage_id in selections else None,
            fallbacks.get(s.stage_id),
        )
        for s in rows
    ]
    if json_:
        emit_json(data)
        return
    table = Table("#", "stage", "required", "contract", "selected (active)", "fallback")
    for d in data:
        table.add_row(
            str(d["order"]),
            d["stage_id"],
            "yes" if d["is_required"] else "no",
            d["capability_contract_id"],
            d["selected_module"] or "-",
            d["fallback_module"] or "-",
        )
    console.print(table)


def modules(
    stage: Annotated[str | None, typer.Option(help="Only the modules of this stage.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Registered modules with their status, contract and settings (installed packages included)."""
    app = get_app()
    refresh_catalog(app.unit_of_work, app.registry)
    with app.unit_of_work() as uow:
        records = uow.modules.list(stage)
    data: list[dict[str, Any]] = [module_to_dict(m) for m in records]
    if json_:
        emit_json(data)
        return
    table = Table(Column("module", no_wrap=True), "stage", "status", "fallback", "settings")
    table.add_column("note", overflow="ellipsis", no_wrap=True, max_width=60)
    for d in data:
        props = (d["metadata"].get("settings_schema") or {}).get("properties") or {}
        table.add_row(
            d["module_id"],
            d["stage_id"],
            d["status"],
            "yes" if d["is_fallback"] else "",
            ", ".join(props) or "-",
            d["metadata"].get("unavailable_reason") or d["metadata"].get("description", ""),
        )
    console.print(table)


def contracts(json_: JsonOpt = False) -> None:
    """The capability contract of every stage: inputs, outputs, guarantees, constraints."""
    with get_app().unit_of_work() as uow:
        found = uow.stages.contracts()
    data = [c.to_dict() for c in found]
    if json_:
        emit_json(data)
        return
    table = Table("contract", "inputs", "outputs", "guarantees", "constraints")
    for d in data:
        inputs = "; ".join(
            " or ".join(g["any_of"]) + ("" if g["required"] else " (optional)") for g in d["inputs"]
        )
        table.add_row(
            d["contract_id"],
            inputs,
            ", ".join(d["outputs"]),
            ", ".join(d["guarantees"]),
            ", ".join(f"{k}={v}" for k, v in d["constraints"].items()),
        )
    console.print(table)
