"""Module configurations: immutable, versioned selections of a module (and settings) per stage.

Only `status` and `activated_at` of a configuration ever change, and only through
`turnout.domain.lifecycle`. Selections and fallback policies belong to one version and are never
edited: a change is a new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from turnout.domain.fallback import PolicyActions
from turnout.domain.stages import STAGES_BY_ID

__all__ = [
    "ConfigStatus",
    "FallbackPolicy",
    "LivePointers",
    "ModuleConfiguration",
    "ModuleSelection",
    "VersionRef",
    "in_pipeline_order",
]


class ConfigStatus(StrEnum):
    DRAFT = "draft"
    VALIDATED = "validated"
    PENDING = "pending"
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    ROLLED_BACK = "rolled_back"
    ARCHIVED = "archived"  # a draft (or a refused version) put away: audited, hidden from lists


@dataclass(frozen=True)
class ModuleSelection:
    """The module chosen for one stage in one configuration, with its settings."""

    selection_id: str
    config_id: str
    stage_id: str
    module_id: str
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FallbackPolicy:
    """What the runner does when the stage's module fails (the README's "When a module fails").

    `fallback_module_id` is None when the policy only retries, skips or reviews.
    `actions` is the document's form, as stored; `read_actions()` is its typed form
    (`turnout.domain.fallback.PolicyActions`, where each default is written).
    """

    policy_id: str
    config_id: str
    stage_id: str
    fallback_module_id: str | None
    trigger_conditions: tuple[str, ...]
    actions: Mapping[str, Any] = field(default_factory=dict)

    def read_actions(self) -> PolicyActions:
        """The typed actions (the document was validated when the version was created)."""
        return PolicyActions.read(self.actions)


@dataclass(frozen=True)
class VersionRef:
    """A configuration version named by id and number, without its selections (cheap to read)."""

    config_id: str
    version: int


@dataclass(frozen=True)
class LivePointers:
    """Which version is active and which (if any) is pending activation, right now."""

    active: VersionRef | None
    pending: VersionRef | None


@dataclass
class ModuleConfiguration:
    """One version of the pipeline configuration (stored in the `module_configurations` table)."""

    config_id: str
    version: int
    status: ConfigStatus
    created_by: str
    created_at: dt.datetime
    summary: str
    activated_at: dt.datetime | None = None
    # when its activation was asked for while runs were in flight (it became pending): the
    # switch reports the wait from it, and the drain deadline counts from it
    activation_requested_at: dt.datetime | None = None
    selections: dict[str, ModuleSelection] = field(default_factory=dict)
    policies: dict[str, FallbackPolicy] = field(default_factory=dict)
    rolled_back_from: int | None = None  # for a rollback version: the version it copies
    # the document's `guard:` block (`turnout.domain.guard.GuardSpec.to_dict()`), stored with the
    # version: activating it watches the first runs and rolls back by itself when a limit trips
    guard: Mapping[str, Any] | None = None

    def document(self) -> dict[str, Any]:
        """The configuration in the file format of `turnout config create -f` (for export and diff),
        stages in pipeline order."""
        selections: dict[str, Any] = {}
        for stage_id, sel in in_pipeline_order(self.selections):
            entry: dict[str, Any] = {"module": sel.module_id}
            if sel.settings:
                entry["settings"] = dict(sel.settings)
            selections[stage_id] = entry
        policies: dict[str, Any] = {}
        for stage_id, pol in in_pipeline_order(self.policies):
            p: dict[str, Any] = {"triggers": list(pol.trigger_conditions)}
            if pol.fallback_module_id:
                p["fallback"] = pol.fallback_module_id
            if pol.actions:
                p["actions"] = dict(pol.actions)
            policies[stage_id] = p
        doc: dict[str, Any] = {"summary": self.summary, "selections": selections}
        if policies:
            doc["policies"] = policies
        if self.guard:
            doc["guard"] = dict(self.guard)
        return doc


V = TypeVar("V")


def in_pipeline_order(by_stage: Mapping[str, V]) -> list[tuple[str, V]]:
    """`by_stage`'s items in the order the pipeline runs the stages (unknown stages last, by name)."""

    def key(item: tuple[str, V]) -> tuple[int, str]:
        stage = STAGES_BY_ID.get(item[0])
        return (stage.order if stage else 1_000, item[0])

    return sorted(by_stage.items(), key=key)
