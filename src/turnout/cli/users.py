"""`turnout users ...`: who may do what (roles: viewer, reviewer, operator, maintainer, admin)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app
from turnout.domain.users import Role

ROLES_HELP = (
    "viewer reads; reviewer corrects, approves and rejects runs waiting for a person "
    "(`turnout review`) and changes nothing else; operator changes configurations and reviews; "
    "maintainer changes configurations and keeps the vendor table; admin manages users and "
    "keeps the vendor table."
)

app = typer.Typer(
    help=f"Manage users and their roles (admins only). Roles: {ROLES_HELP}", no_args_is_help=True
)


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="The user name (as given to --as or TURNOUT_ACTOR).")],
    role: Annotated[
        Role,
        typer.Option("--role", help=f"The role to grant. {ROLES_HELP}"),
    ],
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Create a user if needed and grant a role."""
    user = get_app().users.grant(name, role, actor(as_))
    if json_:
        emit_json({"name": user.name, "roles": sorted(user.roles)})
    else:
        console.print(f"user {user.name}: {', '.join(sorted(user.roles))}", markup=False)


@app.command()
def revoke(
    name: Annotated[str, typer.Argument(help="The user name (see `turnout users list`).")],
    role: Annotated[Role, typer.Argument(help="The role to take away.")],
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Take a role away from a user (admins only; audited). The last admin keeps the admin role."""
    user = get_app().users.revoke(name, role, actor(as_))
    if json_:
        emit_json({"name": user.name, "roles": sorted(user.roles)})
    else:
        console.print(
            f"user {user.name}: {', '.join(sorted(user.roles)) or 'no role'}", markup=False
        )


@app.command("list")
def list_users(json_: JsonOpt = False) -> None:
    """Every user and their roles."""
    users = get_app().users.list()
    if json_:
        emit_json([{"name": u.name, "roles": sorted(u.roles)} for u in users])
        return
    table = Table("user", "roles")
    for u in users:
        table.add_row(u.name, ", ".join(sorted(u.roles)))
    console.print(table)
