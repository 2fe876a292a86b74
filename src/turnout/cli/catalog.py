"""`turnout stages`, `turnout modules`, `turnout contracts`: what the pipeline is made of."""

from __future__ import annotations

from typing import Annotated

import typer

from turnout.cli.common import JsonOpt, console, emit_json, get_app
from turnout.cli.tables import fitted, folded, narrow, one_line


def stages(json_: JsonOpt = False) -> None:
    """The stages in order, with their contract, the module the active configuration selects and
    the module its fallback policy falls back to ("none": the policy has no fallback module)."""
    from turnout.views import stages_view

    data = stages_view(get_app().unit_of_work)
    if json_:
        emit_json(data)
        return
    table = fitted(
        *(one_line(h) for h in ("#", "stage", "required", "contract", "selected (active)")),
        one_line("fallback (active)"),
    )
    for d in data:
        selected = d["selected_module"]
        table.add_row(
            str(d["order"]),
            d["stage_id"],
            "yes" if d["is_required"] else "no",
            d["capability_contract_id"],
            selected or "-",
            # the fallback the active configuration's policy uses, not the registry's designated one
            d["fallback_module"] or ("none" if selected else "-"),
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
    names = [
        list((d["metadata"].get("settings_schema") or {}).get("properties") or {}) for d in data
    ]
    # a setting name is never split: the settings column is as wide as the longest name, and it
    # wraps at the spaces after commas only
    longest = max((len(n) for ns in names for n in ns), default=1)
    fixed = sum(
        max([len(h), *(len(str(d[k])) for d in data)])
        for h, k in (("module", "module_id"), ("stage", "stage_id"), ("status", "status"))
    ) + len("fallback")
    wide = not narrow()
    if wide:  # boxed: six columns take 7 borders and 2 spaces of padding each
        left = console.width - fixed - 7 - 2 * 6
        settings_width = max(longest, len("settings"), left // 2)
    else:  # one space between columns, the settings a line each
        left = console.width - fixed - 5
        settings_width = max(longest, len("settings"))
    table.add_column("settings", width=settings_width, overflow="fold")
    note_width = left - settings_width
    show_note = note_width >= 6  # the note is cut to the width the others leave, or left out
    if show_note:
        table.add_column("note", overflow="ellipsis", no_wrap=True, width=note_width)
    for d, props in zip(data, names, strict=True):
        note = d["metadata"].get("unavailable_reason") or d["metadata"].get("description", "")
        table.add_row(
            d["module_id"],
            d["stage_id"],
            d["status"],
            "yes" if d["is_fallback"] else "",
            (", " if wide else "\n").join(props) or "-",
            *([note] if show_note else []),
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
