"""`turnout tokens ...`: bearer tokens of the REST API (admins only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app
from turnout.cli.tables import fitted, narrow, one_line

if TYPE_CHECKING:
    from turnout.runtime.ports import ApiToken

app = typer.Typer(help="Issue and revoke REST API tokens (admins only).", no_args_is_help=True)


def _token_dict(t: ApiToken) -> dict[str, str | None]:
    return {
        "token_id": t.token_id,
        "user": t.name,
        "created_at": t.created_at.isoformat(),
        "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
        "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
    }


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="The user the token acts as (must exist).")],
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Issue a token for NAME and print it once; only its hash is stored."""
    issued = get_app().tokens.create(name, actor(as_))
    if json_:
        emit_json({**_token_dict(issued.record), "token": issued.token})
        return
    console.print(
        f"token {issued.record.token_id} for user {name} (shown only now; keep it secret):",
        markup=False,
    )
    typer.echo(issued.token)


@app.command()
def revoke(
    token_id: Annotated[str, typer.Argument(help="The token id (see `turnout tokens list`).")],
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Revoke a token: requests carrying it are refused from now on."""
    revoked = get_app().tokens.revoke(token_id, actor(as_))
    if json_:
        emit_json(_token_dict(revoked))
    else:
        console.print(f"token {revoked.token_id} (user {revoked.name}) revoked", markup=False)


@app.command("list")
def list_tokens(json_: JsonOpt = False) -> None:
    """Every token id with its user and when it was last used (never the token itself)."""
    tokens = get_app().tokens.list()
    if json_:
        emit_json([_token_dict(t) for t in tokens])
        return
    # Below 100 columns the token id stays whole (`tokens revoke` takes it): the times are days,
    # a long user name is cut and `last used` is left out.
    wide = not narrow()
    cut = 19 if wide else 10
    heads = ("token id", "user", "created", "last used", "revoked")
    table = fitted(
        *(
            one_line(h, **({} if wide or h != "user" else {"max_width": 20}))
            for h in heads
            if wide or h != "last used"
        )
    )
    for t in tokens:
        d = _token_dict(t)
        used = [str(d["last_used_at"] or "")[:cut]] if wide else []
        table.add_row(
            t.token_id,
            t.name,
            str(d["created_at"])[:cut],
            *used,
            str(d["revoked_at"] or "")[:cut],
        )
    console.print(table)
