"""What every command shares: the --json and --as options, output, and the app for this process."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from turnout.domain.errors import RequestError
from turnout.settings import Settings, default_actor

if TYPE_CHECKING:  # the application is built on first use: `turnout check` needs no database
    from collections.abc import Sequence

    from turnout.bootstrap import App

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
ActorOpt = Annotated[
    str | None,
    typer.Option("--as", help="Act as this user (default: $TURNOUT_ACTOR, else the OS user)."),
]

# In a terminal Rich uses its width; piped output (CI logs, `make demo | less`) gets 150 columns
# rather than Rich's 80 so that the stage tables stay readable. COLUMNS still wins when set.
_PIPED_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 150
console = Console(width=_PIPED_WIDTH)
err_console = Console(stderr=True)

_app: App | None = None
_reaped = False


def get_app(*, initialized: bool = True) -> App:
    """The wired application, built on first use; checks the database is initialised and, once
    per process, ends the runs of dead processes (expired leases: one read when there are none)."""
    global _app, _reaped
    if _app is None:
        settings = Settings.from_env()
        if initialized:
            _refuse_without_database(settings)
        from turnout.bootstrap import bootstrap

        _app = bootstrap(settings)
    if initialized:
        _app.require_initialized()
        if not _reaped:
            _reaped = True
            try:
                _app.reap_orphans()
            except Exception as exc:  # reaping is a courtesy here; the command itself goes on
                err_console.print(
                    f"warning: cannot end the runs of stopped processes: {exc}", markup=False
                )
    return _app


def close_app() -> None:
    """Close the application `get_app()` wired (its runner, trials, guards and database
    connections) and forget it: a later `get_app()` wires a new one from the settings of that
    moment, and reaps once more. For a host that runs several commands in one process."""
    global _app, _reaped
    app, _app, _reaped = _app, None, False
    if app is not None:
        app.close()


class NoDatabase(RequestError):
    """A command that needs the database was run where there is none: a refused request (exit 2),
    not an internal error."""


def _refuse_without_database(settings: Settings) -> None:
    """A command that needs the database says so when there is none, creating nothing (opening
    an SQLite file that is not there would make it, and its folder)."""
    found = settings.sqlite_file
    if found is not None and not found.exists():
        raise NoDatabase(
            f"no Turnout database at {found}; run `turnout init` "
            "(or set TURNOUT_HOME / TURNOUT_DATABASE_URL)"
        )


def actor(value: str | None) -> str:
    return default_actor(value)


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def emit_json_records(records: Sequence[Any]) -> None:
    """A JSON list of many records, one compact record a line: with an indent, `json.dumps`
    runs its pure-Python encoder (half a second for 600 files' findings), without one its C
    encoder."""
    lines = ",\n".join(
        "  " + json.dumps(record, default=str, ensure_ascii=False) for record in records
    )
    typer.echo(f"[\n{lines}\n]" if lines else "[]")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `message` on stderr and return the Exit to raise."""
    err_console.print(Text.assemble(("error: ", "bold red"), message), highlight=False)
    return typer.Exit(code)
