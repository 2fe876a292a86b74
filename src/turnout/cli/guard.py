"""`turnout config guard`: the guard watching now (or the newest one) and where it stands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app
from turnout.cli.tables import fitted, one_line


def guard(
    json_: JsonOpt = False,
    rerun: Annotated[
        bool,
        typer.Option(
            "--rerun",
            help="Run again now, on the restored version, every failed run a tripped guard "
            "still owes a re-run (audited). Turnout does it by itself on the reaper's beat.",
        ),
    ] = False,
    as_: ActorOpt = None,
) -> None:
    """The guard watching the active version now, else the newest one: its window's progress
    (runs seen of the window, time left), its figures against the limits, the baseline they
    come from, and its decision once taken. With --rerun, first re-run what tripped guards
    owe."""
    app = get_app()
    if rerun:
        app.runner  # noqa: B018 - this process runs files: local failed runs can be re-run here
        done = app.guards.rerun_owed(actor(as_))
        if json_:
            emit_json({"rerun": done})
            return
        console.print(
            f"re-ran {done} failed run(s) that tripped guards owed"
            if done
            else "no tripped guard owes a re-run",
            highlight=False,
        )
        return
    view = app.guards.status()
    if json_:
        emit_json(None if view is None else view.to_dict())
        return
    if view is None:
        console.print(
            "no guard was ever armed; activate a version with one: "
            "`turnout config activate V --guard` (or give the version a `guard:` block)"
        )
        return
    _print(view.to_dict())


def _print(d: dict[str, Any]) -> None:
    window = " or ".join(
        w
        for w in (
            f"the first {d['window']['runs']} runs" if d["window"]["runs"] else "",
            f"{d['window']['minutes']:g} minutes" if d["window"]["minutes"] else "",
        )
        if w
    )
    base = (
        f"version {d['previous_version']}'s last {d['baseline']['runs']} run(s)"
        if d["previous_version"] is not None
        else "no earlier version"
    )
    if d.get("baseline_kind") == "absolute":
        base += " (no baseline: absolute limits, the points alone)"
    console.print(
        f"guard on version {d['version']}: [bold]{d['status']}[/bold] "
        f"(armed by {d['armed_by']}, window {window}, against {base})",
        highlight=False,
    )
    progress = f"{d['runs_seen']} run(s) seen"
    if d["window"]["runs"]:
        progress += f" of {d['window']['runs']}"
    if d["time_left_s"] is not None:
        progress += f", {d['time_left_s']:.0f} s left"
    if d["started_at"] is None and d["status"] == "watching":
        progress += " (its activation is pending: the window starts at the switch)"
    if d.get("waiting"):
        progress += f"; {d['waiting']}"
    console.print(progress, highlight=False)
    figures, baseline, limits = d["figures"], d["baseline"], d["limits"]
    absolute = d.get("baseline_kind") == "absolute"  # too few runs before: no baseline shown

    def before(value: float | None, unit: str = " %", digits: int = 1) -> str:
        return "-" if absolute or value is None else f"{value:.{digits}f}{unit}"

    table = fitted(one_line("figure"), *(one_line(h) for h in ("now", "limit", "baseline")))
    table.add_row(
        "failure rate",
        f"{figures['failure_rate']:.1f} %",
        f"{limits['failure_rate']:.1f} %",
        before(baseline["failure_rate"]),
    )
    table.add_row(
        "review rate",
        f"{figures['review_rate']:.1f} %",
        f"{limits['review_rate']:.1f} %",
        before(baseline["review_rate"]),
    )
    for stage, limit in d["fallback_rate_limits"].items():
        table.add_row(
            f"fallback rate at {stage}",
            f"{figures['fallback_rate'].get(stage, 0.0):.1f} %",
            f"{limit:.1f} %",
            before(baseline["fallback_rate"].get(stage, 0.0)),
        )
    table.add_row(
        "p95 run time",
        "-" if figures["p95_ms"] is None else f"{figures['p95_ms']:.0f} ms",
        "-" if "p95_ms" not in limits else f"{limits['p95_ms']:.0f} ms",
        before(baseline["p95_ms"], " ms", 0),
    )
    console.print(table)
    if d["message"]:
        console.print(d["message"], markup=False, highlight=False)
