"""What the configuration pages show about a safe change: a draft's problems, the trial of a
version and its report, approvals, the guard watching an activation, a guard's rollback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from turnout.bootstrap import App
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration, in_pipeline_order
from turnout.domain.errors import Problem
from turnout.domain.guard import Guard, GuardStatus, fallback_limit
from turnout.domain.stages import STAGES_BY_ID
from turnout.domain.trial import Trial
from turnout.runtime.audit import utcnow
from turnout.runtime.diff import Change
from turnout.runtime.guard import GuardView
from turnout.runtime.validation import document_of, validate_document

ROLLBACK_SHOWN_FOR = dt.timedelta(hours=24)  # a guard's rollback stays on the overview this long


def draft_problems(app: App, config: ModuleConfiguration) -> tuple[Problem, ...]:
    """What keeps a draft from being valid, checked now against the installed modules (no event:
    reading a page changes nothing)."""
    if config.status is not ConfigStatus.DRAFT:
        return ()
    return tuple(validate_document(document_of(config), app.registry))


def trial_of(app: App, version: int, trial_id: str | None) -> Trial | None:
    """The trial asked for (`?trial=`), else the newest trial of `version`, if any."""
    if trial_id:
        trial = app.trials.get(trial_id)
        return trial if trial.version == version else None
    return next((t for t in app.trials.list(limit=50) if t.version == version), None)


@dataclass(frozen=True)
class StageFigures:
    stage_id: str
    figures: dict[str, Any]


def report_stages(report: dict[str, Any] | None) -> list[StageFigures]:
    """The report's per-stage figures in pipeline order."""
    stages = (report or {}).get("stages") or {}
    return [StageFigures(stage, dict(figures)) for stage, figures in in_pipeline_order(stages)]


def changed_runs(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The runs whose status, decision or fields changed (the report lists every run)."""
    rows = (report or {}).get("runs_detail") or []
    return [
        r
        for r in rows
        if r.get("changed")
        or r.get("changes")
        or r.get("status_before") != r.get("status_after")
        or r.get("decision_before") != r.get("decision_after")
    ]


def guard_status(app: App) -> GuardView | None:
    """The guard watching now, else the newest one (`App.guards.status()`), or None."""
    return app.guards.status()


def recent_rollback(app: App, now: dt.datetime | None = None) -> GuardView | None:
    """The newest guard, when it tripped and rolled back in the last day: the overview's banner."""
    view = guard_status(app)
    if view is None or view.guard.status is not GuardStatus.TRIPPED:
        return None
    decided = view.guard.decided_at
    if decided is None or (now or utcnow()) - decided > ROLLBACK_SHOWN_FOR:
        return None
    return view


_SECTIONS = {"selections": 0, "policies": 1, "guard": 2}


def in_pipeline_order_changes(changes: Sequence[Change]) -> list[Change]:
    """A diff's changes by section (selections, policies, guard), then stage in pipeline order;
    within a stage, as found."""

    def key(item: tuple[int, Change]) -> tuple[int, int, int]:
        index, change = item
        parts = change.path.split(".")
        section = _SECTIONS.get(parts[0], len(_SECTIONS))
        stage = STAGES_BY_ID.get(parts[1]) if len(parts) > 1 else None
        return (section, stage.order if stage else 1_000, index)

    return [c for _, c in sorted(enumerate(changes), key=key)]


@dataclass(frozen=True)
class GuardRow:
    """One figure a guard watches: its baseline, its value now, and its limit."""

    what: str
    unit: str
    baseline: float | None
    now: float | None
    limit: float | None

    @property
    def over(self) -> bool:
        return self.now is not None and self.limit is not None and self.now > self.limit


@dataclass(frozen=True)
class GuardPanel:
    """A guard as the pages show it: the view (`App.guards.status()`) and its figures by row."""

    view: GuardView
    rows: list[GuardRow]

    @property
    def guard(self) -> Guard:
        return self.view.guard

    @property
    def watching(self) -> bool:
        return self.view.guard.status is GuardStatus.WATCHING


def guard_panel(view: GuardView | None) -> GuardPanel | None:
    """The rows of a guard's figures against its limits (None without a guard). Without a
    baseline (too few runs before) the limits are absolute and no baseline is shown."""
    if view is None:
        return None
    guard, figures, limits = view.guard, view.figures, dict(view.limits or {})
    base = guard.baseline
    shown = None if view.absolute else base
    rows = [
        GuardRow(
            "failure rate",
            "%",
            shown.failure_rate if shown else None,
            figures.failure_rate,
            limits.get("failure_rate"),
        ),
        GuardRow(
            "review rate",
            "%",
            shown.review_rate if shown else None,
            figures.review_rate,
            limits.get("review_rate"),
        ),
    ]
    stages = dict.fromkeys((*base.fallback, *figures.fallback), 0)
    for stage, _ in in_pipeline_order(stages):
        rows.append(
            GuardRow(
                f"fallback rate of {stage}",
                "%",
                shown.fallback_rate(stage) if shown else None,
                figures.fallback_rate(stage),
                fallback_limit(guard.spec, base, stage),
            )
        )
    rows.append(
        GuardRow(
            "p95 run time",
            "ms",
            shown.p95_ms if shown else None,
            figures.p95_ms,
            limits.get("p95_ms"),
        )
    )
    return GuardPanel(view, rows)
