"""`turnout settings`: the installation's settings (four eyes, source retention, trial share,
guard webhook), how many source files are kept, and pruning them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app
from turnout.domain.installation import DESCRIPTIONS

app = typer.Typer(
    help="The installation's settings (admins change them) and the source files kept. "
    "Settings: " + "; ".join(f"{k}: {v}" for k, v in DESCRIPTIONS.items()) + ".",
)


@app.callback(invoke_without_command=True)
def settings(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Every setting with its value, default and what it does, and the source files kept."""
    if ctx.invoked_subcommand is not None:
        return
    from turnout.runtime.installation import settings_view

    service = get_app().installation
    view = settings_view(service.show(), service.sources())
    if json_:
        emit_json(view)
        return
    table = Table("setting", "value", "default", "what it does")
    for key, item in view["settings"].items():
        table.add_row(key, _text(item["value"]), _text(item["default"]), item["description"])
    console.print(table)
    kept = view["sources"]
    oldest = (
        f", the oldest stored {kept['oldest'][:19].replace('T', ' ')} UTC" if kept["oldest"] else ""
    )
    console.print(
        f"source files kept: {kept['files']} ({_size(kept['bytes'])}{oldest}); change a setting "
        "with `turnout settings set KEY VALUE` (admins)",
        markup=False,
    )


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="The setting: " + ", ".join(DESCRIPTIONS) + ".")],
    value: Annotated[str, typer.Argument(help="Its new value (`none` to unset).")],
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Change one installation setting (admins only; audited with the old and new value)."""
    from turnout.runtime.installation import settings_view

    service = get_app().installation
    changed = service.set(key, value, actor(as_))
    if json_:
        emit_json(settings_view(changed, service.sources()))
        return
    console.print(f"{key} = {_text(getattr(changed, key))}", markup=False)
    if key == "four_eyes":
        console.print(
            "activating a version now needs the approval of a maintainer other than its author: "
            "another maintainer approves it with `turnout config approve VERSION`; rollbacks "
            "need none. On the command line the acting user is the one --as or TURNOUT_ACTOR "
            "names, so four eyes there are only as strong as access to this machine (the API "
            "and the dashboard act as the signed-in user)"
            if changed.four_eyes
            else "activations need no approval",
            markup=False,
        )
    elif key == "source_retention_days":
        console.print(
            "source files are kept for ever"
            if changed.source_retention_days is None
            else f"source files older than {changed.source_retention_days} day(s) that no run "
            "needs are deleted by `turnout serve`, `turnout worker` and `turnout process` (at "
            "most once an hour), or now by `turnout settings prune-sources`",
            markup=False,
        )


@app.command("prune-sources")
def prune_sources(as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Delete now the source files older than `source_retention_days` that no run needs."""
    service = get_app().installation
    retention = service.show().source_retention_days
    deleted = service.prune_sources(actor(as_))
    kept = service.sources()
    if json_:
        emit_json(
            {"deleted": deleted, "source_retention_days": retention, "sources": kept.to_dict()}
        )
        return
    if retention is None:
        console.print(
            "source_retention_days is none: source files are kept for ever, nothing was deleted "
            "(an admin sets it: `turnout settings set source_retention_days 90`)",
            markup=False,
        )
        return
    console.print(
        f"deleted {deleted} source file(s) older than {retention} day(s); "
        f"{kept.files} kept ({_size(kept.bytes)})",
        markup=False,
    )


def _text(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    size = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024 or unit == "GiB":
            break
    return f"{size:.1f} {unit}"
