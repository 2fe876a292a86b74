"""The `turnout` command. Exit codes: 0 success, 1 internal error, 2 usage error or refused
request (one line on stderr saying why, and the right usage), 3 `turnout process` ran the batch
but some runs failed or files were refused."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
import typer
from typer.core import DEFAULT_MARKUP_MODE

from turnout.authoring.quiet import quiet_dependencies
from turnout.cli.common import emit_json, err_console
from turnout.cli.lazy_group import LazyGroup
from turnout.domain.errors import RequestError, TurnoutError

# Every command, where it lives, in the order `turnout --help` lists them. A command's module is
# imported when the command is used (or listed), so that `turnout check` does not load the
# database layer and `turnout --help` loads no command's dependencies.
COMMANDS = {
    "init": "turnout.cli.setup:init",
    "demo": "turnout.cli.demo:demo",
    "process": "turnout.cli.runs:process",
    "stages": "turnout.cli.catalog:stages",
    "modules": "turnout.cli.catalog:modules",
    "contracts": "turnout.cli.catalog:contracts",
    "check": "turnout.cli.check:check",
    "stats": "turnout.cli.stats:stats",
    "serve": "turnout.cli.serve:serve",
    "submit": "turnout.cli.work:submit",
    "worker": "turnout.cli.work:worker",
    "runs": "turnout.cli.runs:runs_app",
    "review": "turnout.cli.review:app",
    "profiles": "turnout.cli.profiles:app",
    "config": "turnout.cli.config:app",
    "events": "turnout.cli.events:app",
    "users": "turnout.cli.users:app",
    "tokens": "turnout.cli.tokens:app",
    "vendors": "turnout.cli.vendors:app",
    "settings": "turnout.cli.settings:app",
}

app = LazyGroup(
    references=COMMANDS,
    name="turnout",
    help="Run accounts-payable invoices through a pipeline chosen by versioned configuration.",
    epilog="Exit codes: 0 success; 1 internal error; 2 usage error or refused request (one line "
    "on stderr says why); 3 `turnout process` ran its batch but some runs failed.",
    no_args_is_help=True,
    rich_markup_mode=DEFAULT_MARKUP_MODE,
)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command and map errors to exit codes."""
    quiet_dependencies()  # before any command imports them: telemetry off, no log chatter
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    try:
        result = app(args=args, standalone_mode=False, prog_name="turnout")
    except (click.exceptions.Exit, typer.Exit) as exc:
        return exc.exit_code
    except (click.exceptions.Abort, typer.Abort):
        err_console.print("aborted")
        return 1
    except (click.ClickException, typer.TyperException) as exc:
        # Typer parses with its own copy of click: both families carry the same interface
        return _usage_error(exc, as_json)
    except RequestError as exc:
        return _report(exc, 2, as_json)
    except TurnoutError as exc:
        return _report(exc, 1, as_json)
    except Exception as exc:  # the last line of defence: say what happened, exit 1
        err_console.print_exception(show_locals=False)
        return _report(exc, 1, as_json)
    return result if isinstance(result, int) else 0


def _usage_error(exc: click.ClickException | typer.TyperException, as_json: bool) -> int:
    """One line: what is wrong, then the right usage (a usage error's context knows it)."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        typer.echo(ctx.get_help(), err=True)  # `turnout` or a group alone: its help
        return 2
    message = " ".join(exc.format_message().split())
    if ctx is not None:
        usage = " ".join(ctx.get_usage().split()).removeprefix("Usage: ")
        message = f"{message.rstrip('.')}. Usage: {usage} (see {ctx.command_path} --help)"
    if as_json:
        emit_json({"error": "UsageError", "detail": message})
    err_console.print(
        f"error: {message}", markup=False, highlight=False, style="red", soft_wrap=True
    )
    code = getattr(exc, "exit_code", 2)
    return code if isinstance(code, int) and code > 1 else 2


def _report(exc: BaseException, code: int, as_json: bool) -> int:
    if as_json:
        emit_json({"error": type(exc).__name__, "detail": str(exc)})
    err_console.print(f"error: {exc}", markup=False, highlight=False, style="red")
    return code


def run() -> NoReturn:
    """Console-script entry point."""
    sys.exit(main())
