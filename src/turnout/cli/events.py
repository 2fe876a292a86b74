"""`turnout events`: the audit trail."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from turnout.cli.common import JsonOpt, console, emit_json, fail, get_app
from turnout.runtime.serialize import event_to_dict


def events(
    config: Annotated[
        int | None, typer.Option("--config", help="Only events of this version.")
    ] = None,
    action: Annotated[
        str | None, typer.Option(help="Only this action (create, validate, activate ...).")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Only events by this user.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    json_: JsonOpt = False,
) -> None:
    """The audit trail, newest first: every action and every refusal."""
    app = get_app()
    with app.unit_of_work() as uow:
        config_id = None
        if config is not None:
            found = uow.configurations.get(config)
            if found is None:
                raise fail(f"configuration version {config} does not exist")
            config_id = found.config_id
        items = uow.events.list(config_id=config_id, action=action, actor=actor, limit=limit)
    data: list[dict[str, Any]] = [event_to_dict(e) for e in items]
    if json_:
        emit_json(data)
        return
    table = Table("id", "when", "version", "action", "actor", "result", "message")
    for d in data:
        table.add_row(
            str(d["event_id"]),
            d["created_at"][:19].replace("T", " "),
            str(d["config_version"] or "-"),
            d["action"],
            d["actor"],
            d["result"],
            d["message"],
        )
    console.print(table)
