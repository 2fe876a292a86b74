"""`turnout stats`: how often each module falls back or fails, from the stored stage attempts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import typer
from rich.table import Column

from turnout.cli.common import JsonOpt, console, emit_json, fail, get_app
from turnout.cli.tables import fitted, narrow, one_line
from turnout.domain.runs import AttemptStats

_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
COMPACT_BELOW = 125  # columns: narrower, the compact borderless table (the boxed one is cut)


def parse_since(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """`24h`, `7d`, `30m`, `2w` (back from now) or an ISO date or datetime (UTC unless it says
    otherwise) as an aware datetime."""
    now = now or dt.datetime.now(dt.UTC)
    text = value.strip()
    if match := _DURATION.fullmatch(text.lower()):
        amount, unit = match.groups()
        return now - dt.timedelta(**{_UNITS[unit]: int(amount)})
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise fail(
            f"--since `{value}` is neither a duration such as 24h, 7d or 30m nor an ISO date "
            "such as 2025-04-01 or 2025-04-01T09:00"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def stats_to_dict(item: AttemptStats) -> dict[str, Any]:
    """The `stats --json` shape of one stage and module."""
    return {
        "stage": item.stage_id,
        "module": item.module_id,
        "attempts": item.attempts,
        "ok": item.ok,
        "fallback": item.fallback,
        "failed": item.failed,
        "skipped": item.skipped,
        # null when nothing ran: no rate rather than a reassuring 0
        "fallback_rate": round(item.fallback_rate, 4) if item.ran else None,
        "failure_rate": round(item.failure_rate, 4) if item.ran else None,
        "mean_duration_ms": round(item.mean_duration_ms, 3),
    }


def stats(
    since: Annotated[
        str | None,
        typer.Option(
            help="Only attempts since: a duration back from now (24h, 7d) or an ISO date."
        ),
    ] = None,
    version: Annotated[
        int | None, typer.Option(help="Only runs on this configuration version.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Fallback and failure rates per stage and module, from every stored run.

    Rates are shares of the attempts that ran (skips excluded); failed counts failed, rejected,
    timeout and contract_violation attempts.
    """
    start = parse_since(since) if since is not None else None
    with get_app().unit_of_work() as uow:
        if version is not None and uow.configurations.get(version) is None:
            raise fail(f"configuration version {version} does not exist; `turnout config history`")
        items = uow.runs.attempt_stats(since=start, config_version=version)
    if json_:
        emit_json([stats_to_dict(i) for i in items])
        return
    if not items:
        console.print("no stage attempts recorded yet; `turnout process FILE` makes some")
        return
    # Below 125 columns the module id says the stage (`<stage>.<name>`; a stage without one reads
    # `match (none)`), `ok` is left out (attempts less the others), the rates' headers shorten and
    # the borders go: the boxed ten columns need about 121 and cut every header at 100.
    wide = not narrow(COMPACT_BELOW)
    numbers = (
        ("attempts", "ok", "fallback", "failed", "skipped")
        if wide
        else ("attempts", "fallback", "failed", "skipped")
    )
    rates = (
        ("fallback rate", "failure rate", "mean ms") if wide else ("fallback %", "failure %", "ms")
    )
    table = fitted(
        *((one_line("stage"), one_line("module")) if wide else (one_line("module"),)),
        *(Column(name, justify="right") for name in numbers + rates),
        title="stage attempts"
        + (f" since {start.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" if start else ""),
        below=COMPACT_BELOW,
    )
    for i in items:
        module = i.module_id or ("-" if wide else f"{i.stage_id} (none)")
        table.add_row(
            *((i.stage_id, module) if wide else (module,)),
            str(i.attempts),
            *((str(i.ok),) if wide else ()),
            str(i.fallback),
            _red_if(i.failed),
            str(i.skipped),
            f"{i.fallback_rate:.1%}" if i.ran else "-",
            f"{i.failure_rate:.1%}" if i.ran else "-",
            f"{i.mean_duration_ms:.1f}" if i.ran else "-",
        )
    console.print(table)


def _red_if(count: int) -> str:
    return f"[red]{count}[/red]" if count else "0"
