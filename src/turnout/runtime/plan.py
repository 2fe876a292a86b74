"""An execution plan: the stages of one configuration version, each with its module instance.

Plans are built once per version and per process (module constructors are cheap, `warm_up` loads
heavy state once), then reused by every run pinned to that version.
"""

from __future__ import annotations

from dataclasses import dataclass

from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.modules import StageModule
from turnout.domain.stages import STAGES, ProcessingStage
from turnout.runtime.registry import ModuleRegistry


@dataclass(frozen=True)
class PlannedStage:
    stage: ProcessingStage
    module_id: str | None  # None: optional stage with no selection
    module: StageModule | None
    unavailable: str | None = None  # why the selected module cannot be used in this process


@dataclass(frozen=True)
class Plan:
    config_id: str
    version: int
    stages: tuple[PlannedStage, ...]


def build_plan(config: ModuleConfiguration, registry: ModuleRegistry) -> Plan:
    """Instantiate and warm up the selected module of every stage of `config`."""
    planned: list[PlannedStage] = []
    for stage in STAGES:
        sel = config.selections.get(stage.stage_id)
        if sel is None:
            planned.append(PlannedStage(stage, None, None))
            continue
        entry = registry.get(sel.module_id)
        if entry is None or entry.cls is None or not entry.available:
            reason = "not installed" if entry is None else (entry.reason or "unavailable")
            planned.append(PlannedStage(stage, sel.module_id, None, reason))
            continue
        module = entry.cls(sel.settings)
        module.warm_up()
        planned.append(PlannedStage(stage, sel.module_id, module))
    return Plan(config.config_id, config.version, tuple(planned))
