"""An execution plan: the stages of one configuration version, each with its module, its
fallback and its policy, ready to call.

Plans are built once per version and per process: module constructors are cheap and `warm_up`
loads heavy state once. A selected module that is unavailable in this process is replaced by the
stage's fallback (the policy's, else the stage's designated one): the plan records the
substitution so that it is logged, counted and audited.

A selection with `isolation: process` is started by the `ProcessIsolation` port the plan is
given (bootstrap gives `turnout.isolation.IsolatedCall`); the runtime holds no subprocess
plumbing. Without it, such a selection is unavailable, never run inline.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from turnout.domain.artifacts import Artifact
from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.errors import ModuleUnavailable
from turnout.domain.framework_settings import (
    FrameworkSettings,
    Isolation,
    split_framework_settings,
)
from turnout.domain.modules import Artifacts, RunContext, StageModule
from turnout.domain.stages import STAGES, ProcessingStage
from turnout.runtime.ports import ModuleCall, ProcessIsolation
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.resilience.policy import StagePolicy, read_policy
from turnout.runtime.resilience.timeout import call_with_timeout


class InlineCall:
    """A module called in the runner's own process (a thread when there is a time limit)."""

    def __init__(self, module: StageModule) -> None:
        self.module = module
        self.spec = module.spec
        self._warmed = False
        self._warm_lock = threading.Lock()

    def __call__(
        self, inputs: Artifacts, context: RunContext, timeout_s: float | None
    ) -> list[Artifact]:
        if not self._warmed:  # a fallback is warmed up on first use, not at start-up
            self.warm_up()
        # `or ()`: a module returning None returned nothing, an empty output like `[]`
        if timeout_s is None:
            return list(self.module.process(inputs, context) or ())
        return call_with_timeout(
            lambda: list(self.module.process(inputs, context) or ()),
            timeout_s,
            f"module `{self.spec.module_id}`",
            key=(context.stage_id, context.module_id),  # a retry waits for an abandoned attempt
        )

    def warm_up(self) -> None:
        with self._warm_lock:
            if not self._warmed:
                self.module.warm_up()
                self._warmed = True

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Slot:
    """One module of a stage (primary or fallback): ready to call, or unavailable with the reason."""

    module_id: str
    call: ModuleCall | None
    unavailable: str | None = None


@dataclass(frozen=True)
class Substitution:
    stage_id: str
    module_id: str
    replacement: str | None
    reason: str


@dataclass(frozen=True)
class PlannedStage:
    stage: ProcessingStage
    primary: Slot | None  # None: optional stage with no selection
    fallback: Slot | None
    policy: StagePolicy

    @property
    def module_id(self) -> str | None:
        return self.primary.module_id if self.primary else None


@dataclass(frozen=True)
class Plan:
    config_id: str
    version: int
    stages: tuple[PlannedStage, ...]
    substitutions: tuple[Substitution, ...] = ()

    def close(self) -> None:
        for planned in self.stages:
            for slot in (planned.primary, planned.fallback):
                if slot is not None and slot.call is not None:
                    slot.call.close()


def build_plan(
    config: ModuleConfiguration,
    registry: ModuleRegistry,
    *,
    isolation: ProcessIsolation | None,
) -> Plan:
    """Make every selected module and fallback of `config` ready to call in this process;
    `isolation` starts the selections with `isolation: process` (required: a caller that
    means to have none says `isolation=None`, and those selections are unavailable)."""
    planned: list[PlannedStage] = []
    substitutions: list[Substitution] = []
    for stage in STAGES:
        sel = config.selections.get(stage.stage_id)
        policy = read_policy(config.policies.get(stage.stage_id))
        if sel is None:
            planned.append(PlannedStage(stage, None, None, policy))
            continue
        primary = _slot(registry, isolation, sel.module_id, sel.settings, warm=True)
        fallback = (
            _slot(
                registry,
                isolation,
                policy.fallback_module_id,
                policy.actions.fallback_settings or {},
            )
            if policy.fallback_module_id
            else None
        )
        if primary.call is None:
            replacement = _replacement(registry, isolation, stage.stage_id, sel.module_id, fallback)
            substitutions.append(
                Substitution(
                    stage.stage_id,
                    sel.module_id,
                    replacement.module_id if replacement else None,
                    primary.unavailable or "unavailable",
                )
            )
            if replacement is not None:
                primary = replacement
                fallback = (
                    None
                    if fallback is not None and fallback.module_id == replacement.module_id
                    else fallback
                )
        planned.append(PlannedStage(stage, primary, fallback, policy))
    return Plan(config.config_id, config.version, tuple(planned), tuple(substitutions))


def _replacement(
    registry: ModuleRegistry,
    isolation: ProcessIsolation | None,
    stage_id: str,
    module_id: str,
    fallback: Slot | None,
) -> Slot | None:
    if fallback is not None and fallback.call is not None:
        return fallback
    designated = registry.designated_fallback(stage_id)
    if designated is None or designated == module_id:
        return None
    slot = _slot(registry, isolation, designated, {})
    return slot if slot.call is not None else None


def _slot(
    registry: ModuleRegistry,
    isolation: ProcessIsolation | None,
    module_id: str,
    settings: Mapping[str, Any],
    *,
    warm: bool = False,
) -> Slot:
    entry = registry.get(module_id)
    if entry is None:
        return Slot(module_id, None, "not installed")
    if entry.cls is None or not entry.available:
        return Slot(module_id, None, entry.reason or "unavailable")
    try:
        module_settings, framework = split_framework_settings(settings, module_id=module_id)
        call = _call(entry.cls, module_settings, framework, isolation)
        if warm:
            call.warm_up()
    except Exception as exc:  # a module that cannot start is unavailable here, never fatal
        return Slot(module_id, None, f"could not start: {type(exc).__name__}: {exc}")
    return Slot(module_id, call)


def _call(
    cls: type[StageModule],
    module_settings: Mapping[str, Any],
    framework: FrameworkSettings,
    isolation: ProcessIsolation | None,
) -> ModuleCall:
    if framework.isolation is Isolation.PROCESS:
        if isolation is None:
            raise ModuleUnavailable(
                "`isolation: process` needs worker processes, and none were wired in this "
                "process; start Turnout through its commands or `turnout.bootstrap`"
            )
        return isolation(
            cls,
            module_settings,
            memory_limit_mb=framework.memory_limit_mb,
            workers=framework.workers,
            start_timeout_s=framework.start_timeout_s,
        )
    return InlineCall(cls(module_settings))
