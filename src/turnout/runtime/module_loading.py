"""Loading one module: its import, the checks against its stage's contract, its health check.

A third-party package runs its own code when it is imported, so loading is guarded: it happens on
a daemon thread with a time limit, and every exception is caught, `SystemExit`, `KeyboardInterrupt`
and `GeneratorExit` included. A package that exits, raises or hangs while loading is recorded
`unavailable` with the reason; it never ends or blocks a command that does not select it. A hung
import keeps its daemon thread (Python cannot stop it), which does not keep the interpreter from
exiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from turnout.domain.modules import ModuleRecord, ModuleSpec, ModuleStatus, StageModule
from turnout.domain.stages import STAGES_BY_ID, ProcessingStage

DEFAULT_IMPORT_TIMEOUT_S = 15.0  # the slowest built-in (text.ocr and ONNX Runtime) takes ~1 s cold


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


def stage_of(module_id: str) -> str:
    """The stage a module id names (`<stage>.<name>`)."""
    return module_id.split(".", 1)[0]


def unavailable(module_id: str, reason: str, source: str | None) -> RegisteredModule:
    """A module that could not be loaded, kept with the reason."""
    return RegisteredModule(
        module_id, stage_of(module_id), ModuleStatus.UNAVAILABLE, None, reason, source
    )


def load_guarded(
    module_id: str, load: Callable[[], Any], source: str, timeout_s: float | None
) -> RegisteredModule:
    """`register(...)` on a daemon thread, given up on after `timeout_s` (None: no limit)."""
    box: dict[str, RegisteredModule] = {}
    phase = ["import"]

    def target() -> None:
        # register() catches everything the module's code raises; this is the last line
        try:
            box["module"] = register(module_id, load, source, phase)
        except BaseException as exc:
            box["module"] = unavailable(module_id, describe(exc, "loading"), source)

    thread = threading.Thread(target=target, name=f"turnout-load-{module_id}", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if "module" in box:
        return box["module"]
    return unavailable(
        module_id,
        f"{phase[0]} did not finish within {timeout_s:g} s; fix or uninstall the package that "
        f"provides `{source}`, or raise TURNOUT_MODULE_IMPORT_TIMEOUT_S if it is only slow",
        source,
    )


def describe(exc: BaseException, during: str) -> str:
    """What an exception raised by a module's own code means, in one phrase."""
    if isinstance(exc, SystemExit):
        return f"{during} called sys.exit({'' if exc.code is None else repr(exc.code)})"
    if not isinstance(exc, Exception):  # KeyboardInterrupt, GeneratorExit, ...
        return f"{during} raised {type(exc).__name__}"
    return f"{during} failed: {type(exc).__name__}: {exc}"


def register(
    module_id: str, load: Callable[[], Any], source: str, phase: list[str] | None = None
) -> RegisteredModule:
    """Import the module, check it against its stage's contract, run its health check."""
    phase = phase if phase is not None else ["import"]
    try:
        cls = load()
    except (
        BaseException
    ) as exc:  # any import failure makes the module unavailable, never the process
        return unavailable(module_id, describe(exc, "import"), source)
    spec = getattr(cls, "spec", None)
    if not (
        isinstance(cls, type) and issubclass(cls, StageModule) and isinstance(spec, ModuleSpec)
    ):
        return unavailable(module_id, "not a StageModule subclass with a ModuleSpec `spec`", source)
    if spec.module_id != module_id:
        return unavailable(
            module_id,
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
    phase[0] = "health check"
    try:
        cls.health_check()
    except BaseException as exc:  # a failing health check marks the module unavailable
        reason = (
            f"health check failed: {exc}"
            if isinstance(exc, Exception)
            else describe(exc, "health check")
        )
        return RegisteredModule(
            module_id, spec.stage_id, ModuleStatus.UNAVAILABLE, cls, reason, source
        )
    return RegisteredModule(module_id, spec.stage_id, ModuleStatus.AVAILABLE, cls, None, source)
