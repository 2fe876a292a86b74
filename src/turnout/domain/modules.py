"""The module interface: what a pipeline module declares and how the runner calls it.

A module is a class with a class attribute `spec` (its `ModuleSpec`) and three methods:

- `health_check()` (classmethod): raise `ModuleUnavailable` when the module cannot run here
  (missing dependency, missing model file). Called once per process by the registry.
- `__init__(settings)`: cheap; store settings already validated against `spec.settings_schema`.
- `warm_up()`: load heavy state once (an OCR model); the runner calls it before the first run.
- `process(inputs, context)`: read artifacts from `inputs`, return the produced artifacts.
  Raise `NotApplicable` to be recorded as skipped, `InputRejected` for a bad input, anything else
  for a failure. Never swallow an error: fallback is the runner's job.

Modules are published through the entry-point group `turnout.modules`, name = `spec.module_id`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from turnout.domain.artifacts import Artifact, ArtifactRef
from turnout.domain.contracts import InputGroup
from turnout.domain.history import InvoiceHistory
from turnout.domain.profiles import IssuerProfiles
from turnout.domain.vendors import VendorDirectory

A = TypeVar("A", bound=Artifact)


class ModuleStatus(StrEnum):
    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"
    DEPRECATED = "deprecated"


@dataclass(frozen=True)
class ModuleSpec:
    """What a module declares about itself. The registry checks it against the stage contract."""

    module_id: str  # "<stage>.<name>", stable forever
    name: str
    stage_id: str
    contract_id: str
    version: str
    description: str
    inputs: tuple[InputGroup, ...]
    outputs: tuple[ArtifactRef, ...]
    guarantees: frozenset[str] = frozenset()
    settings_schema: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "additionalProperties": False, "properties": {}}
    )
    is_fallback: bool = False

    def metadata(self) -> dict[str, Any]:
        """The JSON stored in Module.metadata."""
        return {
            "version": self.version,
            "description": self.description,
            "inputs": [g.to_dict() for g in self.inputs],
            "outputs": [str(o) for o in self.outputs],
            "guarantees": sorted(self.guarantees),
            "settings_schema": dict(self.settings_schema),
        }


@dataclass(frozen=True)
class RunContext:
    """What a module may know about the run it serves."""

    run_id: str
    config_version: int
    stage_id: str
    module_id: str
    workspace: Path  # $TURNOUT_HOME: relative output paths resolve against it
    history: InvoiceHistory | None = None  # invoices seen before (dedupe); None when unknown
    vendors: VendorDirectory | None = None  # the vendors table (match); None outside a database
    file_name: str | None = None  # the source file's name, as received (exports carry it)
    profiles: IssuerProfiles | None = None  # learned issuer profiles (extract.learned)
    revision: int = 0  # the run's review revision: 0 as first run, N after the Nth review
    # a trial run (`turnout config try`): nothing may leave it. Export modules build what they
    # would deliver and deliver nothing (no file written, no request sent); a module that has
    # side effects and cannot hold them back must raise `NotApplicable` when this is set.
    trial: bool = False

    @property
    def idempotency_key(self) -> str:
        """`run_id:stage`, carried by every external side effect; `run_id:stage:rN` when the run
        continues after its Nth review (the corrected invoice is delivered once more, once)."""
        base = f"{self.run_id}:{self.stage_id}"
        return f"{base}:r{self.revision}" if self.revision else base


class Artifacts:
    """The artifacts a run has produced so far, looked up by artifact class."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[Artifact] = ()) -> None:
        self._items: dict[str, Artifact] = {}
        for item in items:
            self.add(item)

    def add(self, item: Artifact) -> None:
        self._items[item.NAME] = item

    def get(self, kind: type[A]) -> A | None:
        item = self._items.get(kind.NAME)
        return item if isinstance(item, kind) else None

    def require(self, kind: type[A]) -> A:
        item = self.get(kind)
        if item is None:
            raise LookupError(f"artifact `{kind.NAME}` is not available to this stage")
        return item

    def refs(self) -> tuple[ArtifactRef, ...]:
        return tuple(item.ref() for item in self._items.values())

    def __contains__(self, kind: type[Artifact]) -> bool:
        return kind.NAME in self._items


class StageModule:
    """Base class of pipeline modules; subclasses set `spec` and implement `process`."""

    spec: ClassVar[ModuleSpec]

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self.settings: Mapping[str, Any] = dict(settings or {})

    @classmethod
    def health_check(cls) -> None:
        """Raise `ModuleUnavailable` when this module cannot run in this process."""

    def warm_up(self) -> None:
        """Load heavy state once per process."""

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        raise NotImplementedError(f"{type(self).__name__}.process")


@dataclass(frozen=True)
class ModuleRecord:
    """A registered module as stored (the seed's Module entity)."""

    module_id: str
    name: str
    stage_id: str
    capability_contract_id: str
    status: ModuleStatus
    is_fallback: bool
    metadata: Mapping[str, Any] = field(default_factory=dict)
