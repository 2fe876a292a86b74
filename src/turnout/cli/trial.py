"""`turnout config try V [--last N | --since 24h | PATH...] [--json]`: run a version in shadow
over recent invoices (or given files) and show what it would change. Nothing leaves a trial."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Annotated, Any

import typer

from turnout.cli.batch import collect
from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, fail, get_app
from turnout.cli.tables import fitted, narrow, one_line
from turnout.domain.trial import Trial, TrialStatus

SHOWN_RUNS = 20  # changed runs listed with their field changes; the rest are in --json
SHOWN_FIELDS = 10  # most often changed fields listed
SHOWN_CHANGES = 8  # field changes listed per run


def try_(
    version: Annotated[int, typer.Argument(help="The version to try.", min=1, metavar="VERSION")],
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files to try it on (each compared with its newest recorded run, if any).",
            metavar="[PATH]...",
            show_default=False,
        ),
    ] = None,
    last: Annotated[
        int | None,
        typer.Option("--last", help="The last N recorded runs (default 50, at most 5,000)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="The runs since: 24h, 90m, 7d, or an ISO time."),
    ] = None,
    as_: ActorOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Try a version on recent invoices in shadow and compare each with its recorded run.

    Nothing leaves a trial: no export is written or sent, no run is stored (no statistics, no
    duplicate history), no vendor or profile changes. Exit code 0 when the trial ran."""
    from turnout.runtime.trial import trial_scope

    files = collect(paths).files if paths else []  # folders as `turnout process` reads them
    if paths and not files:
        raise fail(
            f"no invoice file in {', '.join(map(str, paths))}; give invoice files or folders, "
            "or --last N / --since 24h"
        )
    scope = trial_scope(last, since, [str(p) for p in files])
    app = get_app()
    from rich.progress import (  # a bar only when files are processed: not at start-up
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=json_ or not console.is_terminal,  # no bar (nor its blank line) in a pipe
    ) as progress:
        task = progress.add_task(f"trying version {version}", total=None)

        def advance(trial: Trial) -> None:
            progress.update(task, completed=trial.done, total=trial.total or None)

        trial = app.trials.run(version, scope, actor(as_), on_progress=advance)
    if trial.status is not TrialStatus.DONE or trial.report is None:
        raise fail(
            f"trial {trial.trial_id} of version {version} failed: {trial.error}; nothing was "
            "delivered or stored as a run",
            code=1,
        )
    if json_:
        emit_json(trial.report)
        return
    print_report(trial, trial.report)


def print_report(trial: Trial, report: dict[str, Any]) -> None:
    runs, changed = report["runs"], report["changed_runs"]
    console.print(
        f"version [bold]{report['version']}[/bold] tried on {trial.scope.describe()}: "
        f"{runs} run(s), [bold]{changed}[/bold] changed (trial {trial.trial_id}); nothing was "
        "delivered or stored as a run"
    )
    skipped = report.get("skipped") or []
    if skipped:
        console.print(
            f"{len(skipped)} recorded run(s) skipped: their source file is no longer stored "
            "(deleted after source_retention_days, see `turnout settings`); --json lists them",
            markup=False,
            highlight=False,
        )
    if not runs:
        console.print("no recorded run with a stored source file to try it on")
        return
    _counts("status changes", report["status_changes"])
    _counts("decision changes", report["decision_changes"])
    fields = list(report["field_changes"].items())
    if fields:  # lines, not a table: a field's name is never cut, whatever the width
        console.print("[bold]most changed fields[/bold] (runs):")
        for name, n in fields[:SHOWN_FIELDS]:
            console.print(f"  {name}: {n}", markup=False, highlight=False)
        if len(fields) > SHOWN_FIELDS:
            console.print(f"{len(fields) - SHOWN_FIELDS} more field(s): --json")
    _stages(report["stages"])
    _changed_runs([d for d in report["runs_detail"] if d.get("changed")])


def _counts(title: str, counts: dict[str, int]) -> None:
    if not counts:
        console.print(f"{title}: none")
        return
    shown = ", ".join(f"{k.replace('->', ' → ')}: {n}" for k, n in counts.items())
    console.print(f"{title}: {shown}", markup=False, highlight=False)


def _stages(stages: dict[str, dict[str, Any]]) -> None:
    """Each stage's rates before and after; below NARROW columns a rate's pair shares a cell
    (`100 → 0`), so that no header is split over two lines nor a number cut."""
    rates = ("fallback_rate", "failure_rate", "p50_ms")
    if narrow():
        table = fitted(
            one_line("stage"),
            *(one_line(h, justify="right") for h in ("fallback %", "failure %", "p50 ms")),
            title="stages, before → after",
        )
        for stage, f in stages.items():
            pairs = (f"{_num(f[f'{r}_before'])} → {_num(f[f'{r}_after'])}" for r in rates)
            table.add_row(stage, *pairs)
        console.print(table)
        return
    table = fitted(
        "stage",
        "fallback % before",
        "after",
        "failure % before",
        "after",
        "p50 ms before",
        "after",
        title="stages, before → after",
    )
    for stage, f in stages.items():
        table.add_row(
            stage, *(_num(f[f"{r}_{when}"]) for r in rates for when in ("before", "after"))
        )
    console.print(table)


def _changed_runs(details: list[dict[str, Any]]) -> None:
    """Each changed run as a line, then its field changes and the decision's reasons indented:
    lines, so that no field name or value is cut at 80 columns."""
    if not details:
        console.print("no run changed")
        return
    console.print("[bold]changed runs[/bold]:")
    for d in details[:SHOWN_RUNS]:
        head = f"{(d['run_id'] or '-')[:8]} {d['file']}"
        moves = [
            f"{what} {_pair(d[f'{what}_before'], d[f'{what}_after'])}"
            for what in ("status", "decision")
            if d[f"{what}_before"] != d[f"{what}_after"]
        ]
        console.print(head + (": " + ", ".join(moves) if moves else ""), markup=False)
        changes = d["changes"]
        for c in changes[:SHOWN_CHANGES]:
            _indented(f"{c['field']}: {_value(c['before'])} → {_value(c['after'])}")
        if len(changes) > SHOWN_CHANGES:
            console.print(f"    … {len(changes) - SHOWN_CHANGES} more", highlight=False)
        if d["decision_before"] != d["decision_after"]:
            for reason in d.get("reasons_after") or []:
                _indented(f"why now: {reason}")
    if len(details) > SHOWN_RUNS:
        console.print(f"{len(details) - SHOWN_RUNS} more: --json")


def _indented(line: str) -> None:
    """A line under its run, indented by four, its wrapped lines too (at 80 columns a reason
    wraps under itself, not at the margin)."""
    indent = "    "
    wrapped = textwrap.fill(
        line,
        width=console.width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    console.print(wrapped, markup=False, highlight=False)


def _pair(before: str | None, after: str | None) -> str:
    return str(after or "-") if before == after else f"{before or '-'} → {after or '-'}"


def _value(value: Any) -> str:
    text = "null" if value is None else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
