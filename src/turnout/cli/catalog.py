"""`turnout stages`, `turnout modules`, `turnout contracts`: what the pipeline is made of."""

from __future__ import annotations

from typing import Annotated

import typer

from turnout.cli.common import JsonOpt, console, emit_json, get_app
from turnout.cli.tables import fitted, folded, narrow, one_line


def stages(json_: JsonOpt = False) -> None:
    """The stages in order, with their contract and the module the active configuration selects."""
    from turnout.views import stages_view

    data = stages_view(get_app().unit_of_work)
    if json_:
        emit_json(data)
        return
    table = fitted(
        *(one_line(h) for h in ("#", "stage", "required", "contract", "selected (active)")),
        one_line("fallback"),
    )
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
    from turnout.views import modules_view

    app = get_app()
    data = modules_view(app.unit_of_work, app.registry, stage)
    if json_:
        emit_json(data)
        return
    table = fitted(*(one_line(h) for h in ("module", "stage", "status", "fallback")))
    wide = not narrow()
    if not wide:  # the settings a line each, the note cut to the width the others leave
        table.add_column("settings", overflow="fold", max_width=18)
        kept = ("module_id", "stage_id", "status")
        used = sum(max((len(str(d[k])) for d in data), default=0) for k in kept) + 8 + 18 + 5
        note_width = max(12, console.width - used)
    else:
        table.add_column("settings")
        note_width = 60
    table.add_column("note", overflow="ellipsis", no_wrap=True, max_width=note_width)
    for d in data:
        props = (d["metadata"].get("settings_schema") or {}).get("properties") or {}
        table.add_row(
            d["module_id"],
            d["stage_id"],
            d["status"],
            "yes" if d["is_fallback"] else "",
            (", " if wide else "\n").join(props) or "-",
            d["metadata"].get("unavailable_reason") or d["metadata"].get("description", ""),
        )
    console.print(table)


def contracts(json_: JsonOpt = False) -> None:
    """The capability contract of every stage: inputs, outputs, guarantees, constraints."""
    from turnout.views import contracts_view

    data = contracts_view(get_app().unit_of_work)
    if json_:
        emit_json(data)
        return
    table = fitted(one_line("contract"), "inputs", "outputs", "guarantees", folded("constraints"))
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
