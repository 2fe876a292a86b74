"""`turnout events`: the audit trail; `turnout events verify`: its hash chain.

`turnout events verify` exits 0 when the chain is intact and 3 when it is broken (the first
broken link is printed: which event, and what differs)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from turnout.cli.common import JsonOpt, console, emit_json, err_console, fail, get_app
from turnout.cli.tables import fitted, folded, one_line

# Exit code of `turnout events verify` when the chain is broken (0: intact).
CHAIN_BROKEN_EXIT = 3

app = typer.Typer(help="The audit trail, newest first: every action and every refusal.")


@app.callback(invoke_without_command=True)
def events(
    ctx: typer.Context,
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
    """The audit trail, newest first: every action and every refusal.

    `turnout events verify` checks its hash chain."""
    if ctx.invoked_subcommand is not None:
        return
    turnout = get_app()
    with turnout.unit_of_work() as uow:
        config_id = None
        if config is not None:
            found = uow.configurations.get(config)
            if found is None:
                raise fail(f"configuration version {config} does not exist")
            config_id = found.config_id
        items = uow.events.list(config_id=config_id, action=action, actor=actor, limit=limit)
    from turnout.views import event_to_dict

    data: list[dict[str, Any]] = [event_to_dict(e) for e in items]
    if json_:
        emit_json(data)
        return
    table = fitted(
        *(one_line(h) for h in ("id", "when", "version", "action", "actor", "result")),
        folded("message"),
    )
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


@app.command()
def verify(json_: JsonOpt = False) -> None:
    """Check the audit trail's hash chain, oldest event first: exit 0 when it is intact, 3 at
    the first broken link (an event changed, deleted or written outside Turnout)."""
    from turnout.runtime.audit import verify_chain

    turnout = get_app()
    with turnout.database.reader() as uow:
        report = verify_chain(uow)
    if json_:
        emit_json(report.to_dict())
    elif report.broken is None:
        console.print(
            f"the audit trail is intact: {report.checked} event(s) chained, "
            f"last hash {report.head_hash}",
            highlight=False,
        )
    else:
        err_console.print(
            f"the audit trail is broken at event {report.broken.event_id}: "
            f"{report.broken.problem}. The {report.checked} event(s) before it are intact "
            f"(last good hash {report.head_hash}); restore the trail from a backup and find "
            "who changed the database",
            highlight=False,
            markup=False,
        )
    if not report.intact:
        raise typer.Exit(CHAIN_BROKEN_EXIT)
