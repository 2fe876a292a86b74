"""Guarded activation (`turnout.domain.guard`): arming a guard when a version is activated.

A guard is armed in the transaction that activates (or queues) its version, with the baseline
of the version active until then; its window starts when the version becomes active. A guard
whose version stops being active before its window ends is `ended` (not judged).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.guard import Figures, Guard, GuardSpec, GuardStatus
from turnout.runtime.ports import UnitOfWork


def requested_spec(
    config: ModuleConfiguration, runs: int | None = None, minutes: float | None = None
) -> GuardSpec:
    """The guard asked for with `--guard`: the version's own `guard:` block (else the defaults),
    with the window given, if any."""
    spec = own_spec(config) or GuardSpec()
    if runs is not None or minutes is not None:
        spec = replace(spec, runs=runs, minutes=minutes)
    return spec


def own_spec(config: ModuleConfiguration) -> GuardSpec | None:
    """The version's `guard:` block, if it has one."""
    return GuardSpec.parse(dict(config.guard))[0] if config.guard else None


def arm(
    uow: UnitOfWork,
    config: ModuleConfiguration,
    previous_version: int | None,
    spec: GuardSpec,
    actor: str,
    now: dt.datetime,
    *,
    active_now: bool,
) -> Guard:
    """Store a watching guard on `config`, its baseline the last runs of `previous_version`."""
    baseline = (
        uow.guards.figures(previous_version, last=spec.baseline_runs)
        if previous_version is not None
        else Figures()
    )
    guard = Guard(
        guard_id=str(uuid.uuid4()),
        config_id=config.config_id,
        version=config.version,
        previous_version=previous_version,
        spec=spec,
        baseline=baseline,
        armed_by=actor,
        armed_at=now,
        started_at=now if active_now else None,
    )
    uow.guards.add(guard)
    return guard


def end_watching(uow: UnitOfWork, version: int, now: dt.datetime, why: str) -> Guard | None:
    """End (unjudged) the guard still watching `version`, if any: its version stopped being
    active before the window ended."""
    guard = uow.guards.for_version(version)
    if guard is None or guard.status is not GuardStatus.WATCHING:
        return None
    guard.status = GuardStatus.ENDED
    guard.decided_at = now
    guard.message = why
    return guard if uow.guards.decide(guard) else None
