"""`turnout config approve`: four eyes, a second maintainer approves a version for activation."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app


def approve(
    version: Annotated[
        int, typer.Argument(help="Configuration version number.", min=1, metavar="VERSION")
    ],
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Approve a version for activation, as a maintainer who did not write it (needed when
    the installation setting `four_eyes` is on; the approval counts while the approver is a
    maintainer).

    On the command line the acting user is the one `--as` or TURNOUT_ACTOR names, so four eyes
    here are only as strong as access to this machine and its database; the API and the
    dashboard act as the authenticated user.
    """
    turnout = get_app()
    who = actor(as_)
    result = turnout.configurations.approve(version, who)
    four_eyes = turnout.installation.show().four_eyes
    if json_:
        emit_json({**result.to_dict(), "four_eyes": four_eyes})
        return
    others = [by for by in result.approved_by if by != who]
    console.print(
        f"version {version} [green]approved[/green] by {escape(who)}"
        + (" (approved by them before)" if result.again else "")
        + (f"; approved by {escape(', '.join(others))} too" if others else "")
        + f"; next: `turnout config activate {version}`",
        highlight=False,
    )
    if not four_eyes:
        console.print(
            "(four eyes are off, so its activation needed no approval; the approval is recorded)",
            markup=False,
        )
