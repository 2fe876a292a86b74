"""`turnout config ...`: create, validate, activate, rollback, cancel, delete, show, diff, history,
export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from turnout.cli import four_eyes
from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, fail, get_app
from turnout.cli.guard import guard as guard_status
from turnout.cli.tables import fitted, folded, narrow, one_line
from turnout.cli.trial import try_
from turnout.domain.errors import InvalidConfiguration, Problem

if TYPE_CHECKING:
    from turnout.domain.configuration import ModuleConfiguration
    from turnout.runtime.results import ActivationResult

app = typer.Typer(
    help="Create, check, activate and roll back configuration versions.", no_args_is_help=True
)

VersionArg = Annotated[
    int, typer.Argument(help="Configuration version number.", min=1, metavar="VERSION")
]
FromArg = Annotated[int, typer.Argument(help="The version to compare from.", min=1, metavar="FROM")]
ToArg = Annotated[int, typer.Argument(help="The version to compare to.", min=1, metavar="TO")]


@app.command()
def create(
    file: Annotated[Path, typer.Option("--file", "-f", help="YAML or JSON configuration file.")],
    summary: Annotated[
        str | None, typer.Option(help="One line saying what this version changes.")
    ] = None,
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Store a configuration file as a new version, validated at once, and print its version.

    Exit 0: stored and validated, ready to activate. Exit 2: stored as a draft with problems,
    every one listed on stdout (also with --json, in `problems`), so scripts notice; or refused
    (unknown stages or modules, a file that is not a configuration), nothing stored, the
    problems on stderr.
    """
    from turnout.runtime.config_document import load_document
    from turnout.runtime.validation import checks_for
    from turnout.views import create_to_dict

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror}; check the path") from exc
    try:
        app = get_app()
        doc = load_document(
            text, summary=summary, source=str(file), checks=checks_for(app.registry)
        )
        created = app.configurations.create(doc, actor(as_))
    except InvalidConfiguration as exc:
        if not json_:
            raise
        # refused, nothing stored: every problem, as a list too
        emit_json(
            {
                "error": type(exc).__name__,
                "detail": str(exc),
                "problems": [p.to_dict() for p in exc.problems],
            }
        )
        raise fail(str(exc)) from exc
    config = created.config
    if json_:
        emit_json(create_to_dict(created))
    elif created.valid:
        console.print(
            f"created version [bold]{config.version}[/bold] and [green]validated[/green] it; "
            f"next: `turnout config try {config.version}` or "
            f"`turnout config activate {config.version}`"
        )
    else:
        console.print(
            f"created version [bold]{config.version}[/bold] as a [red]draft[/red] with "
            f"{len(created.problems)} problem(s) to fix:"
        )
        _print_problems(created.problems)
        console.print(
            f"next: fix {file} and `turnout config create -f {file}` again; "
            f"`turnout config delete {config.version}` puts this draft away",
            markup=False,
        )
    if not created.valid:
        raise typer.Exit(2)


def _print_problems(problems: tuple[Problem, ...]) -> None:
    for p in problems:
        console.print(f"  - {p}", markup=False, highlight=False)


@app.command()
def validate(version: VersionArg, as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Check a version against the contracts and installed modules: a valid draft becomes
    validated, a validated version is checked again. Exit 2 when it is not valid."""
    report = get_app().configurations.validate(version, actor(as_))
    if json_:
        emit_json(report.to_dict())
    elif report.valid:
        console.print(
            f"version {version} is [green]valid[/green] ({report.status}); "
            f"next: `turnout config try {version}` or `turnout config activate {version}`"
        )
    else:
        still = "stays a draft" if report.status == "draft" else f"is {report.status}"
        console.print(
            f"version {version} [red]is not valid[/red] and {still}; "
            f"{len(report.problems)} problem(s):"
        )
        _print_problems(report.problems)
        console.print(
            f"next: `turnout config export {version} > v{version}.yaml`, fix the file, "
            f"`turnout config create -f v{version}.yaml`, and "
            f"`turnout config delete {version}` to put this version away",
            markup=False,
        )
    if not report.valid:
        raise typer.Exit(2)


def _print_activation(result: ActivationResult, json_: bool) -> None:
    if json_:
        emit_json(result.to_dict())
    else:
        colour = {"done": "green", "waiting": "yellow", "refused": "red"}[result.status.outcome]
        # one text, wrapped as a whole: printed apart, the message's first line overran by the
        # status's width
        console.print(Text.assemble((str(result.status), colour), ": ", result.message))
    if result.rejected:
        raise typer.Exit(2)


@app.command()
def activate(
    version: VersionArg,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Switch now even with runs in flight (they finish on their own version).",
        ),
    ] = False,
    guard: Annotated[
        bool,
        typer.Option(
            "--guard",
            help="Watch the first runs on the version and roll back by itself if they do clearly "
            "worse than the version before (the version's `guard:` block, else the defaults).",
        ),
    ] = False,
    guard_runs: Annotated[
        int | None,
        typer.Option("--guard-runs", min=1, help="With --guard: the window, in runs."),
    ] = None,
    guard_minutes: Annotated[
        float | None,
        typer.Option("--guard-minutes", min=0.1, help="With --guard: the window, in minutes."),
    ] = None,
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Activate a validated version (pending while runs are in flight)."""
    from turnout.runtime.guard import requested_spec

    service = get_app().configurations
    spec = None
    if guard or guard_runs is not None or guard_minutes is not None:
        spec = requested_spec(service.get(version), guard_runs, guard_minutes)
    _print_activation(service.activate(version, actor(as_), force=force, guard=spec), json_)


app.command("try")(try_)
app.command("guard")(guard_status)


app.command()(four_eyes.approve)


@app.command()
def rollback(version: VersionArg, as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Make a new version copying VERSION and activate it; the active one becomes rolled_back."""
    _print_activation(get_app().configurations.rollback(version, actor(as_)), json_)


@app.command()
def cancel(as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Cancel the pending activation."""
    _print_activation(get_app().configurations.cancel(actor(as_)), json_)


@app.command()
def delete(version: VersionArg, as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Delete (archive) a draft, validated or rejected version: hidden from `config history`
    (see it with --all), still shown by `config show`, kept in the audit trail."""
    from turnout.views import config_summary

    config = get_app().configurations.delete(version, actor(as_))
    if json_:
        emit_json(config_summary(config))
        return
    console.print(
        f"version {version} deleted: it is {config.status}, hidden from `turnout config history` "
        "(`--all` lists it) and kept in the audit trail",
        markup=False,
    )


def _resolve(ref: str) -> ModuleConfiguration:
    service = get_app().configurations
    if ref == "active":
        return service.get(None)
    if not ref.isdigit():
        raise fail(f"`{ref}` is not a version; give a number or `active`")
    return service.get(int(ref))


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="A version number or `active`.")],
    json_: JsonOpt = False,
) -> None:
    """Show one version: status, its stages in pipeline order with modules, settings and
    policies, its guard and its approvals."""
    import yaml

    from turnout.domain.configuration import in_pipeline_order
    from turnout.views import config_detail

    config = _resolve(ref)
    approvals = get_app().configurations.approvals(config.version)
    if json_:
        emit_json(config_detail(config, approvals))
        return
    console.print(
        f"[bold]version {config.version}[/bold] — {config.status}  ({config.summary})",
        highlight=False,
    )
    table = Table("stage", "module", "settings", "fallback policy")
    for stage_id, sel in in_pipeline_order(config.selections):
        pol = config.policies.get(stage_id)
        policy = (
            f"{pol.fallback_module_id or '-'} on {', '.join(pol.trigger_conditions)}" if pol else ""
        )
        settings = (
            yaml.safe_dump(dict(sel.settings), default_flow_style=True, sort_keys=False).strip()
            if sel.settings
            else ""
        )
        # Text, not markup: `[eur]` in a setting is a value, not a style
        table.add_row(stage_id, sel.module_id, Text(settings), Text(policy))
    console.print(table)
    if config.guard:
        block = yaml.safe_dump(dict(config.guard), default_flow_style=True, sort_keys=False)
        console.print(f"guard: {block.strip()}", markup=False, highlight=False)
    else:
        console.print("guard: none (`turnout config activate --guard` arms one)", markup=False)
    if approvals:
        who = ", ".join(f"{by} ({at:%Y-%m-%d %H:%M})" for by, at in approvals)
        console.print(f"approved by: {who}", markup=False, highlight=False)
    elif get_app().installation.show().four_eyes:  # with four eyes off, no approval is needed
        console.print("approved by: nobody yet", markup=False)


@app.command()
def diff(a: FromArg, b: ToArg, json_: JsonOpt = False) -> None:
    """What changes from version A to version B."""
    from turnout.runtime.diff import diff_configurations

    left, right = _resolve(str(a)), _resolve(str(b))
    changes = diff_configurations(left, right)
    if json_:
        emit_json({"from": a, "to": b, "changes": [c.to_dict() for c in changes]})
        return
    if not changes:
        console.print(f"versions {a} and {b} select the same modules, settings and policies")
        return
    table = Table("path", f"version {a}", f"version {b}")
    for c in changes:
        table.add_row(
            c.path,
            Text("" if c.before is None else str(c.before)),
            Text("" if c.after is None else str(c.after)),
        )
    console.print(table)


@app.command()
def history(
    all_: Annotated[
        bool, typer.Option("--all", help="Also list deleted (archived) versions.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Every version, newest first (deleted ones only with --all)."""
    from turnout.views import config_summary

    configs = get_app().configurations.history(archived=all_)
    if json_:
        emit_json([config_summary(c) for c in configs])
        return
    # below 100 columns the summary needs the room; `config show VERSION` says when it was activated
    activated = not narrow()
    heads = ("version", "status", "created by", "created at", "activated at")
    table = fitted(
        *(one_line(h) for h in heads if activated or h != "activated at"), folded("summary")
    )
    for c in configs:
        when = c.activated_at.strftime("%Y-%m-%d %H:%M:%S") if c.activated_at else ""
        table.add_row(
            str(c.version),
            str(c.status),
            c.created_by,
            c.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            *([when] if activated else []),
            c.summary,
        )
    console.print(table)


@app.command()
def export(
    ref: Annotated[str, typer.Argument(help="A version number or `active`.")],
    json_: JsonOpt = False,
) -> None:
    """Print a version as a configuration file (YAML, or JSON with --json) to edit and create anew."""
    import yaml

    doc = _resolve(ref).document()
    if json_:
        emit_json(doc)
    else:
        typer.echo(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), nl=False)
