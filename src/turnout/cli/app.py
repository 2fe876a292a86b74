"""The `turnout` command. Exit codes: 0 success, 2 refused or invalid request (reason on stderr),
1 internal error."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
import typer

from turnout.cli import (
    catalog,
    check,
    config,
    demo,
    events,
    runs,
    serve,
    setup,
    stats,
    tokens,
    users,
    vendors,
    work,
)
from turnout.cli.common import emit_json, err_console
from turnout.domain.errors import RequestError, TurnoutError

app = typer.Typer(
    name="turnout",
    help="Run accounts-payable invoices through a pipeline chosen by versioned configuration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(setup.init)
app.command()(demo.demo)
app.command()(runs.process)
app.add_typer(runs.runs_app, name="runs")
app.command()(catalog.stages)
app.command()(catalog.modules)
app.command()(catalog.contracts)
app.command()(check.check)
app.add_typer(config.app, name="config")
app.command()(events.events)
app.command()(stats.stats)
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(vendors.app, name="vendors")
app.command()(serve.serve)
app.command()(work.submit)
app.command()(work.worker)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command and map errors to exit codes."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    try:
        result = app(args=args, standalone_mode=False, prog_name="turnout")
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        err_console.print("aborted")
        return 1
    except click.ClickException as exc:
        exc.show()
        return 2
    except RequestError as exc:
        return _report(exc, 2, as_json)
    except TurnoutError as exc:
        return _report(exc, 1, as_json)
    except Exception as exc:  # the last line of defence: say what happened, exit 1
        err_console.print_exception(show_locals=False)
        return _report(exc, 1, as_json)
    return result if isinstance(result, int) else 0


def _report(exc: BaseException, code: int, as_json: bool) -> int:
    if as_json:
        emit_json({"error": type(exc).__name__, "detail": str(exc)})
    err_console.print(f"error: {exc}", markup=False, highlight=False, style="red")
    return code


def run() -> NoReturn:
    """Console-script entry point."""
    sys.exit(main())
