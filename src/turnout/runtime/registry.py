"""The module registry: discovers modules through the `turnout.modules` entry points, once per
process, and checks each against its stage's contract before any invoice runs.

A module whose import fails, whose spec does not meet its contract, or whose health check raises is
kept in the registry as `unavailable` with the reason; it never crashes the process.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from turnout.domain.errors import ModuleUnavailable, NotFound
from turnout.domain.modules import ModuleRecord, ModuleSpec, ModuleStatus, StageModule
from turnout.domain.stages import STAGES_BY_ID, ProcessingStage

ENTRY_POINT_GROUP = "turnout.modules"


@dataclass(frozen=True)
class RegisteredModule:
    """What the registry knows of one module: its class and spec when it loaded, its status."""

    module_id: str
    stage_id: str
    status: ModuleStatus
    cls: type[StageModule] | None = None
    reason: str | None = None
    source: str | None = None  # entry-point value or class path

    @property
    def spec(self) -> ModuleSpec | None:
        return self.cls.spec if self.cls is not None else None

    @property
    def available(self) -> bool:
        return self.status is ModuleStatus.AVAILABLE

    def record(self, is_fallback: bool) -> ModuleRecord:
        spec = self.spec
        metadata: dict[str, Any] = spec.metadata() if spec else {}
        if self.reason:
            metadata["unavailable_reason"] = self.reason
        if self.source:
            metadata["source"] = self.source
        return ModuleRecord(
            module_id=self.module_id,
            name=spec.name if spec else self.module_id,
            stage_id=self.stage_id,
            capability_contract_id=spec.contract_id if spec else f"{self.stage_id}-v1",
            status=self.status,
            is_fallback=is_fallback,
            metadata=metadata,
        )


def contract_problems(spec: ModuleSpec, stage: ProcessingStage) -> list[str]:
    """Why `spec` does not meet `stage`'s contract (empty when it does)."""
    problems: list[str] = []
    contract = stage.contract
    if spec.contract_id != contract.contract_id:
        problems.append(
            f"declares contract `{spec.contract_id}` but stage `{stage.stage_id}` needs `{contract.contract_id}`"
        )
    for out in contract.outputs:
        if not any(out.satisfied_by(o) for o in spec.outputs):
            problems.append(
                f"does not produce `{out}`, which the `{stage.stage_id}` contract requires"
            )
    missing = contract.guarantees - spec.guarantees
    if missing:
        problems.append(f"does not guarantee {', '.join(sorted(missing))}")
    return problems


class ModuleRegistry:
    """The modules known to this process, by module_id."""

    def __init__(self, modules: Iterable[RegisteredModule]) -> None:
        self._modules = {m.module_id: m for m in modules}

    @classmethod
    def discover(cls) -> ModuleRegistry:
        """Modules from the entry-point group, loaded once per process."""
        return _discovered()

    @classmethod
    def from_classes(cls, classes: Iterable[type[StageModule]]) -> ModuleRegistry:
        """A registry of explicit classes (embedding, tests of third-party modules)."""
        return cls(
            _register(c.spec.module_id, lambda c=c: c, f"{c.__module__}.{c.__qualname__}")
            for c in classes
        )

    def with_classes(self, classes: Iterable[type[StageModule]]) -> ModuleRegistry:
        extra = ModuleRegistry.from_classes(classes)
        return ModuleRegistry([*self._modules.values(), *extra.all()])

    def get(self, module_id: str) -> RegisteredModule | None:
        return self._modules.get(module_id)

    def require(self, module_id: str) -> RegisteredModule:
        module = self._modules.get(module_id)
        if module is None:
            raise NotFound(
                f"module `{module_id}` is not installed; `turnout modules` lists those that are"
            )
        return module

    def all(self) -> list[RegisteredModule]:
        order = {s: st.order for s, st in STAGES_BY_ID.items()}
        return sorted(
            self._modules.values(), key=lambda m: (order.get(m.stage_id, 99), m.module_id)
        )

    def for_stage(self, stage_id: str) -> list[RegisteredModule]:
        return [m for m in self.all() if m.stage_id == stage_id]

    def designated_fallback(self, stage_id: str) -> str | None:
        """The one module of the stage marked `is_fallback` (built-in modules win a tie)."""
        claims = [m for m in self.for_stage(stage_id) if m.spec is not None and m.spec.is_fallback]
        claims.sort(key=lambda m: (not (m.source or "").startswith("turnout."), m.module_id))
        return claims[0].module_id if claims else None

    def records(self) -> list[ModuleRecord]:
        """Module rows to store, with exactly one designated fallback per stage at most."""
        fallbacks = {s: self.designated_fallback(s) for s in STAGES_BY_ID}
        return [
            m.record(is_fallback=fallbacks.get(m.stage_id) == m.module_id)
            for m in self.all()
            if m.stage_id in STAGES_BY_ID
        ]

    def instantiate(self, module_id: str, settings: Mapping[str, Any]) -> StageModule:
        module = self.require(module_id)
        if module.cls is None or not module.available:
            raise ModuleUnavailable(f"module `{module_id}` is unavailable: {module.reason}")
        return module.cls(settings)


@functools.cache
def _discovered() -> ModuleRegistry:
    entries = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    return ModuleRegistry(_register(ep.name, ep.load, ep.value) for ep in entries)


def _register(module_id: str, load: Any, source: str) -> RegisteredModule:
    stage_id = module_id.split(".", 1)[0]
    try:
        cls = load()
    except Exception as exc:  # any import failure makes the module unavailable, never the process
        return RegisteredModule(
            module_id,
            stage_id,
            ModuleStatus.UNAVAILABLE,
            None,
            f"import failed: {type(exc).__name__}: {exc}",
            source,
        )
    spec = getattr(cls, "spec", None)
    if not (
        isinstance(cls, type) and issubclass(cls, StageModule) and isinstance(spec, ModuleSpec)
    ):
        return RegisteredModule(
            module_id,
            stage_id,
            ModuleStatus.UNAVAILABLE,
            None,
            "not a StageModule subclass with a ModuleSpec `spec`",
            source,
        )
    if spec.module_id != module_id:
        return RegisteredModule(
            module_id,
            stage_id,
            ModuleStatus.UNAVAILABLE,
            None,
            f"entry point `{module_id}` loads a module whose spec says `{spec.module_id}`",
            source,
        )
    stage = STAGES_BY_ID.get(spec.stage_id)
    if stage is None:
        return RegisteredModule(
            module_id,
            spec.stage_id,
            ModuleStatus.UNAVAILABLE,
            cls,
            f"unknown stage `{spec.stage_id}`",
            source,
        )
    problems = contract_problems(spec, stage)
    if problems:
        return RegisteredModule(
            module_id,
            spec.stage_id,
            ModuleStatus.UNAVAILABLE,
            cls,
            "does not meet its contract: " + "; ".join(problems),
            source,
        )
    try:
        cls.health_check()
    except Exception as exc:  # a failing health check marks the module unavailable
        return RegisteredModule(
            module_id,
            spec.stage_id,
            ModuleStatus.UNAVAILABLE,
            cls,
            f"health check failed: {exc}",
            source,
        )
    return RegisteredModule(module_id, spec.stage_id, ModuleStatus.AVAILABLE, cls, None, source)
