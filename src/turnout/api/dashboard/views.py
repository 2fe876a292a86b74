"""What the dashboard pages show, gathered from the same repositories and services the API reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import SequenceMatcher

from turnout.bootstrap import App
from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.runtime.audit import pending_requested_at, utcnow


@dataclass(frozen=True)
class ModuleState:
    module_id: str
    available: bool
    reason: str | None
    breaker: str  # closed, half_open or open (closed until the module is first called)


@dataclass(frozen=True)
class StageRow:
    stage_id: str
    name: str
    required: bool
    selected: ModuleState | None
    fallback: ModuleState | None
    fallback_is_designated: bool  # no policy names one: the stage's designated fallback module


@dataclass(frozen=True)
class Drain:
    """A pending activation waiting for the runs of the active version to finish."""

    version: int
    summary: str
    requested_at: dt.datetime | None
    in_flight: int
    deadline_s: float


@dataclass(frozen=True)
class Overview:
    stages: list[StageRow]
    active: ModuleConfiguration | None
    pending: Drain | None
    in_flight: int
    modules_total: int
    modules_unavailable: list[ModuleState]


def overview(app: App) -> Overview:
    """Stages with their selected and fallback module, availability and breaker state; the active
    and pending configuration with the drain state."""
    with app.unit_of_work() as uow:
        stages = uow.stages.stages()
        actives = uow.configurations.with_status(ConfigStatus.ACTIVE)
        pendings = uow.configurations.with_status(ConfigStatus.PENDING)
        designated = {m.stage_id: m.module_id for m in uow.modules.list() if m.is_fallback}
        in_flight = uow.runs.in_flight()
        requested = pending_requested_at(uow, pendings[0].config_id) if pendings else None
    breakers = {(b.stage_id, b.module_id): str(b.state) for b in app.runner.breakers()}

    def state(stage_id: str, module_id: str | None) -> ModuleState | None:
        if module_id is None:
            return None
        found = app.registry.get(module_id)
        return ModuleState(
            module_id,
            found is not None and found.available,
            (found.reason if found else "not installed"),
            breakers.get((stage_id, module_id), "closed"),
        )

    active = actives[0] if actives else None
    rows = []
    for s in stages:
        selection = active.selections.get(s.stage_id) if active else None
        policy = active.policies.get(s.stage_id) if active else None
        fallback = policy.fallback_module_id if policy else None
        rows.append(
            StageRow(
                s.stage_id,
                s.name,
                s.is_required,
                state(s.stage_id, selection.module_id if selection else None),
                state(s.stage_id, fallback or designated.get(s.stage_id)),
                fallback is None and s.stage_id in designated,
            )
        )
    pending = None
    if pendings:
        p = pendings[0]
        pending = Drain(p.version, p.summary, requested, in_flight, app.settings.drain_deadline_s)
    modules = app.registry.all()
    unavailable = [
        ModuleState(m.module_id, False, m.reason, "closed") for m in modules if not m.available
    ]
    return Overview(rows, active, pending, in_flight, len(modules), unavailable)


@dataclass(frozen=True)
class Bucket:
    """Stage attempts that started in [start, start + width): how many ran, fell back, failed."""

    start: dt.datetime
    ran: int
    fallback: int
    failed: int

    @property
    def fallback_rate(self) -> float:
        return self.fallback / self.ran if self.ran else 0.0

    @property
    def failure_rate(self) -> float:
        return self.failed / self.ran if self.ran else 0.0


def rate_buckets(
    app: App, hours: int, buckets: int = 24, now: dt.datetime | None = None
) -> list[Bucket]:
    """Fallback and failure counts of stage attempts in `buckets` equal slices of the last
    `hours` hours, oldest first (one query grouping the attempts by slice)."""
    now = now or utcnow()
    end = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    width = dt.timedelta(hours=hours) / buckets
    starts = [end - width * (buckets - i) for i in range(buckets + 1)]
    with app.unit_of_work() as uow:
        counts = uow.runs.attempt_counts(starts)
    return [Bucket(starts[i], *counts[i]) for i in range(buckets)]


@dataclass(frozen=True)
class DiffLine:
    left: str | None
    right: str | None
    kind: str  # same, replace, delete or insert


def side_by_side(left: str, right: str) -> list[DiffLine]:
    """Two documents line by line, aligned, each pair marked same or changed."""
    a, b = left.splitlines(), right.splitlines()
    rows: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffLine(x, y, "same") for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
            continue
        lefts, rights = a[i1:i2], b[j1:j2]
        for k in range(max(len(lefts), len(rights))):
            rows.append(
                DiffLine(
                    lefts[k] if k < len(lefts) else None,
                    rights[k] if k < len(rights) else None,
                    tag,
                )
            )
    return rows
