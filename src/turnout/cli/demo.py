"""`turnout demo`: initialise, process the bundled examples, then change the configuration and roll
it back, printing what each stage did. Run again in the same home, it tells the story it told
the first time, from the stored runs, versions and audit trail: nothing is run or stored again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Column, Table

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app
from turnout.cli.tables import fitted, narrow, one_line
from turnout.domain.runs import Run

if TYPE_CHECKING:
    import datetime as dt

    from turnout.bootstrap import App
    from turnout.runtime.results import ActivationResult

DEMO_SUMMARY = "demo: send every invoice above 100.00 to review"

_MARK = {
    "ok": "[green]ok[/green]",
    "skipped": "[dim]skip[/dim]",
    "fallback": "[yellow]fallback[/yellow]",
}


@dataclass(frozen=True)
class _Story:
    """What the demo did: the examples' runs on the base version, the stricter version made and
    activated, one example run on it, and the rollback to the base version."""

    base_version: int
    runs: list[Run]
    draft_version: int
    activation: ActivationResult
    swapped: Run
    rollback: ActivationResult
    told_at: dt.datetime | None = None  # set when the story is read back from an earlier demo


def demo(as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Initialise Turnout, process the bundled example invoices, and show a configuration change
    activated and rolled back."""
    from turnout.bootstrap import bundled_examples
    from turnout.views import run_to_dict

    who = actor(as_)
    app = get_app(initialized=False)
    app.init(who)
    examples = bundled_examples()
    story = _told_before(app, examples) or _tell(app, examples, who)
    if json_:
        emit_json(
            {
                "runs": [run_to_dict(r) for r in story.runs],
                "change": {
                    "activation": story.activation.to_dict(),
                    "run": run_to_dict(story.swapped),
                    "rollback": story.rollback.to_dict(),
                },
                "told_before": story.told_at.isoformat() if story.told_at else None,
            }
        )
        return
    if story.told_at is not None:
        console.print(
            f"The demo ran in this home on {story.told_at:%Y-%m-%d %H:%M} UTC; this is what it "
            "did (nothing was run or stored again).\n",
            markup=False,
        )
    _stage_table(story.runs, f"bundled examples on configuration version {story.base_version}")
    _invoice_table(story.runs)
    console.print(
        f"\n[bold]A configuration change[/bold]: version {story.draft_version} ({DEMO_SUMMARY})"
    )
    activation, swapped, rollback = story.activation, story.swapped, story.rollback
    console.print(f"  activate → {activation.status}: ", end="")
    console.print(activation.message, markup=False)
    console.print(
        f"  {swapped.file_name} on version {swapped.config_version}: decision "
        f"{(swapped.decision or {}).get('outcome')} — {'; '.join((swapped.decision or {}).get('reasons', []))}",
        markup=False,
    )
    console.print(f"  rollback to version {story.base_version} → {rollback.status}: ", end="")
    console.print(rollback.message, markup=False)
    console.print(
        f"\nexports in {Path(app.settings.home) / 'exports'}; "
        "try `turnout config history`, `turnout events`, `turnout runs`",
        markup=False,
    )


def _tell(app: App, examples: list[Path], who: str) -> _Story:
    """The story, made: the examples run, a stricter version made, activated, used and rolled
    back."""
    from turnout.runtime.config_document import ConfigDocument, SelectionDoc
    from turnout.runtime.validation import document_of

    runs = [app.runner.run_path(p) for p in examples]
    service = app.configurations
    active = service.get(None)
    doc = document_of(active)
    route = doc.selections.get("route") or SelectionDoc("route.rules")
    stricter = ConfigDocument(
        summary=DEMO_SUMMARY,
        selections={
            **doc.selections,
            "route": SelectionDoc(route.module, {**route.settings, "review_above": "100.00"}),
        },
        policies=doc.policies,
    )
    draft = service.create(stricter, who).config
    activation = service.activate(draft.version, who)
    swapped = app.runner.run_path(examples[0])
    rollback = service.rollback(active.version, who)
    return _Story(active.version, runs, draft.version, activation, swapped, rollback)


def _told_before(app: App, examples: list[Path]) -> _Story | None:
    """The story an earlier demo in this home told, read back from what it stored: the first
    version with the demo's summary, the examples' first runs before it, the example run on it,
    its activation and the rollback after it (their events). None when there is none (or a part
    is missing, e.g. an activation that waited for approval)."""
    from turnout.domain.events import EventResult
    from turnout.runtime.results import ActivationResult, ActivationStatus

    configs = app.configurations.history(archived=True)
    made = sorted((c for c in configs if c.summary == DEMO_SUMMARY), key=lambda c: c.version)
    if not made:
        return None
    draft = made[0]
    with app.database.reader() as uow:
        first: list[Run] = []
        for path in examples:
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
            earlier = [
                r for r in uow.runs.with_source(sha256) if (r.config_version or 0) < draft.version
            ]
            if not earlier:
                return None
            first.append(min(earlier, key=lambda r: r.created_at))
        sha256 = hashlib.sha256(examples[0].read_bytes()).hexdigest()
        on_draft = [r for r in uow.runs.with_source(sha256) if r.config_version == draft.version]
        base = first[0].config_version or 0
        copies = [
            c
            for c in configs
            if c.version > draft.version and c.summary == f"rollback to version {base}"
        ]
        if not on_draft or not copies:
            return None
        copy = min(copies, key=lambda c: c.version)
        activated = uow.events.list(config_id=draft.config_id, action="activate", limit=20)
        rolled = uow.events.list(config_id=copy.config_id, action="rollback", limit=20)
        activation = next((e for e in activated if e.result is EventResult.OK), None)
        rollback = next((e for e in rolled if e.result is EventResult.OK), None)
        runs = [uow.runs.get(r.run_id) for r in first]
        swapped = uow.runs.get(min(on_draft, key=lambda r: r.created_at).run_id)
    if activation is None or rollback is None or swapped is None or None in runs:
        return None
    return _Story(
        base,
        [r for r in runs if r is not None],
        draft.version,
        ActivationResult(draft.version, ActivationStatus.ACTIVE, activation.message),
        swapped,
        ActivationResult(copy.version, ActivationStatus.ACTIVE, rollback.message),
        told_at=draft.created_at,
    )


def _stage_table(runs: list[Run], title: str) -> None:
    """What each stage did for each file. Below 100 columns the table is turned: a row a stage,
    a column a file (numbered; the files and their runs' status are listed under it)."""
    stage_ids: list[str] = []
    for r in runs:
        for a in r.attempts:
            if a.stage_id not in stage_ids:
                stage_ids.append(a.stage_id)
    marks = [_marks(r, stage_ids) for r in runs]
    if narrow():
        numbers = [Column(str(n), no_wrap=True) for n in range(1, len(runs) + 1)]
        table = fitted(one_line("stage"), *numbers, title=title)
        for i, stage_id in enumerate(stage_ids):
            table.add_row(stage_id, *(m[i] for m in marks))
        console.print(table)
        for n, r in enumerate(runs, 1):
            console.print(f"  {n} {r.file_name}: {r.status}", markup=False, highlight=False)
        return
    table = Table(Column("file", no_wrap=True), *stage_ids, "run", title=title)
    for r, cells in zip(runs, marks, strict=True):
        table.add_row(r.file_name, *cells, str(r.status))
    console.print(table)


def _marks(run: Run, stage_ids: list[str]) -> list[str]:
    by_stage = {a.stage_id: a for a in run.attempts}
    cells = []
    for s in stage_ids:
        found = by_stage.get(s)
        cells.append(
            "" if found is None else _MARK.get(str(found.outcome), f"[red]{found.outcome}[/red]")
        )
    return cells


def _invoice_table(runs: list[Run]) -> None:
    """The invoices read; below 100 columns a file is its number in the stage table."""
    wide = not narrow()
    first = one_line("file") if wide else one_line("#")
    table = fitted(
        first,
        one_line("invoice"),
        one_line("date"),
        "seller",
        one_line("total"),
        "findings",
        "decision",
    )
    for n, r in enumerate(runs, 1):
        inv = r.invoice or {}
        totals = inv.get("totals") or {}
        seller = (inv.get("seller") or {}).get("name") or ""
        total = f"{totals.get('payable') or ''} {inv.get('currency') or ''}".strip()
        findings = len(r.findings or [])
        table.add_row(
            r.file_name if wide else str(n),
            inv.get("invoice_number") or "",
            inv.get("issue_date") or "",
            seller,
            total,
            str(findings),
            (r.decision or {}).get("outcome", r.reason or ""),
        )
    console.print(table)
