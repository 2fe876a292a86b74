"""How a run reads on the command line: its short id, why it ended as it did, the invoice's fields
(each with how sure the reading was and where on the page it was read: `p1 (0.062,0.104)-(0.310,
0.121)` is the page, then left, top, right, bottom as fractions of the page, or `no box` for a
value that has no place on a page, an e-invoice's), its findings and its decision."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rich.table import Column, Table
from rich.text import Text

from turnout.cli.tables import fitted, narrow
from turnout.domain.page import Box
from turnout.domain.runs import Run

NO_BOX = "no box"
SHORT_ID = 8  # characters of a run id that `turnout runs` shows and every RUN argument accepts


def short_id(run_id: str) -> str:
    """The first characters of a run id: unique in practice, and accepted wherever RUN is."""
    return run_id[:SHORT_ID]


def reasons(run: Run) -> list[str]:
    """Why the run ended as it did, as the review queue says it (`reasons_of`): the decision's
    reasons, the run's own reason first when it stopped the run (needs_review, failed) and last
    when it is a note (a fallback used)."""
    from turnout.persistence.repositories.reviews import reasons_of

    return list(reasons_of(str(run.status), run.reason, run.decision))


def decision_label(run: Run) -> str:
    """The decision's outcome, marked when a person took it (`approve (alice)`)."""
    decision = run.decision or {}
    outcome = str(decision.get("outcome") or "")
    by = decision.get("decided_by")
    return f"{outcome} ({by})" if outcome and by else outcome


def total(invoice: Mapping[str, Any] | None) -> str:
    """The amount due with its currency (`1200.00 GBP`), or empty when it was not read."""
    inv = invoice or {}
    payable = (inv.get("totals") or {}).get("payable")
    return f"{payable} {inv.get('currency') or ''}".strip() if payable is not None else ""


def seller(invoice: Mapping[str, Any] | None) -> str:
    return str(((invoice or {}).get("seller") or {}).get("name") or "")


def field_rows(invoice: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(path, value, confidence, module, where) for every value the invoice holds, in its order.

    `invoice` is the JSON form of the canonical invoice (`Invoice.to_dict()`), provenance included.
    """
    provenance: Mapping[str, Any] = invoice.get("provenance") or {}
    rows = []
    for path, value in _leaves({k: v for k, v in invoice.items() if k != "provenance"}):
        source = provenance.get(path) or {}
        confidence = source.get("confidence")
        rows.append(
            (
                path,
                str(value),
                f"{confidence:.2f}" if isinstance(confidence, int | float) else "-",
                str(source.get("module") or "-"),
                where(source.get("boxes")),
            )
        )
    return rows


def where(boxes: Any) -> str:
    """The boxes a value was read from, as `str(Box)`, or `no box`."""
    if not boxes:
        return NO_BOX
    return " ".join(str(Box.from_dict(b)) for b in boxes)


def fields_table(invoice: Mapping[str, Any], title: str = "invoice") -> Table:
    """The invoice's fields as a table: value, confidence, module and where it was read (below
    100 columns the field, its value and confidence: `--json` has the rest)."""
    wide = not narrow()
    table = fitted(
        Column("field", no_wrap=True),
        Column("value", overflow="fold"),
        Column("confidence", justify="right", no_wrap=True),
        *((Column("read by", no_wrap=True), Column("where", no_wrap=True)) if wide else ()),
        title=title,
    )
    for row in field_rows(invoice):
        cells = row if wide else row[:3]
        table.add_row(*(Text(cell) for cell in cells))  # values are data, never markup
    return table


def findings_table(findings: list[dict[str, Any]]) -> Table:
    """The validation findings, the worst first: severity, rule, where, what it says."""
    order = {"fatal": 0, "warning": 1}
    table = fitted(
        Column("severity", no_wrap=True),
        Column("rule", no_wrap=True),
        Column("where", no_wrap=not narrow(), overflow="fold"),  # a path folds when narrow
        Column("message", overflow="fold"),
        title=f"findings ({len(findings)})",
    )
    ranked = sorted(findings, key=lambda f: order.get(str(f.get("severity")), 2))
    for f in ranked:
        severity = str(f.get("severity") or "")
        colour = {"fatal": "red", "warning": "yellow"}.get(severity, "")
        table.add_row(
            Text(severity, style=colour),
            Text(str(f.get("rule") or "")),
            Text(str(f.get("path") or "")),
            Text(str(f.get("message") or "")),
        )
    return table


def correction_path(provenance_path: str) -> str:
    """A provenance path as a correction names it: `lines[0].net_amount` → `lines.0.net_amount`."""
    return provenance_path.replace("[", ".").replace("]", "")


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Each set value under `value` with its provenance path (`seller.name`, `lines[0].name`)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{prefix}[{index}]")
    elif value is not None and value != "":
        yield prefix, value
