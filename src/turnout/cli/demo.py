"""`turnout demo`: initialise, process the bundled examples, then change the configuration and roll
it back, printing what each stage did."""

from __future__ import annotations

from pathlib import Path

from rich.table import Column, Table

from turnout.cli.common import ActorOpt, JsonOpt, actor, console, emit_json, get_app
from turnout.domain.runs import Run

_MARK = {
    "ok": "[green]ok[/green]",
    "skipped": "[dim]skip[/dim]",
    "fallback": "[yellow]fallback[/yellow]",
}


def demo(as_: ActorOpt = None, json_: JsonOpt = False) -> None:
    """Initialise Turnout, process the bundled example invoices, and show a configuration change
    activated and rolled back."""
    from turnout.bootstrap import bundled_examples
    from turnout.runtime.config_document import ConfigDocument, SelectionDoc
    from turnout.runtime.validation import document_of
    from turnout.views import run_to_dict

    who = actor(as_)
    app = get_app(initialized=False)
    app.init(who)
    examples = bundled_examples()
    runs = [app.runner.run_path(p) for p in examples]
    service = app.configurations
    active = service.get(None)
    doc = document_of(active)
    route = doc.selections.get("route") or SelectionDoc("route.rules")
    stricter = ConfigDocument(
        summary="demo: send every invoice above 100.00 to review",
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
    if json_:
        emit_json(
            {
                "runs": [run_to_dict(r) for r in runs],
                "change": {
                    "activation": activation.to_dict(),
                    "run": run_to_dict(swapped),
                    "rollback": rollback.to_dict(),
                },
            }
        )
        return
    _stage_table(runs, f"bundled examples on configuration version {active.version}")
    _invoice_table(runs)
    console.print(
        f"\n[bold]A configuration change[/bold]: version {draft.version} ({draft.summary})"
    )
    console.print(f"  activate → {activation.status}: ", end="")
    console.print(activation.message, markup=False)
    console.print(
        f"  {swapped.file_name} on version {swapped.config_version}: decision "
        f"{(swapped.decision or {}).get('outcome')} — {'; '.join((swapped.decision or {}).get('reasons', []))}",
        markup=False,
    )
    console.print(f"  rollback to version {active.version} → {rollback.status}: ", end="")
    console.print(rollback.message, markup=False)
    console.print(
        f"\nexports in {Path(app.settings.home) / 'exports'}; "
        "try `turnout config history`, `turnout events`, `turnout runs`",
        markup=False,
    )


def _stage_table(runs: list[Run], title: str) -> None:
    stage_ids: list[str] = []
    for r in runs:
        for a in r.attempts:
            if a.stage_id not in stage_ids:
                stage_ids.append(a.stage_id)
    table = Table(Column("file", no_wrap=True), *stage_ids, "run", title=title)
    for r in runs:
        by_stage = {a.stage_id: a for a in r.attempts}
        cells = []
        for s in stage_ids:
            found = by_stage.get(s)
            cells.append(
                ""
                if found is None
                else _MARK.get(str(found.outcome), f"[red]{found.outcome}[/red]")
            )
        table.add_row(r.file_name, *cells, str(r.status))
    console.print(table)


def _invoice_table(runs: list[Run]) -> None:
    table = Table("file", "invoice", "date", "seller", "total", "findings", "decision")
    for r in runs:
        inv = r.invoice or {}
        totals = inv.get("totals") or {}
        seller = (inv.get("seller") or {}).get("name") or ""
        total = f"{totals.get('payable') or ''} {inv.get('currency') or ''}".strip()
        findings = len(r.findings or [])
        table.add_row(
            r.file_name,
            inv.get("invoice_number") or "",
            inv.get("issue_date") or "",
            seller,
            total,
            str(findings),
            (r.decision or {}).get("outcome", r.reason or ""),
        )
    console.print(table)
