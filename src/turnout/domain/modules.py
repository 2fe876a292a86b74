"""The module interface: what a pipeline module declares and how the runner calls it.

A module is a class with a class attribute `spec` (its `ModuleSpec`, from
`ModuleSpec.for_stage`: the stage's contract plus what is the module's own) and three methods:

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

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from turnout.domain.artifacts import Artifact, ArtifactRef
from turnout.domain.contracts import InputGroup
from turnout.domain.history import InvoiceHistory
from turnout.domain.profiles import IssuerProfiles
from turnout.domain.stages import STAGES_BY_ID, ProcessingStage
from turnout.domain.vendors import VendorDirectory

A = TypeVar("A", bound=Artifact)


class ModuleStatus(StrEnum):
    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"
    DEPRECATED = "deprecated"


def _no_settings() -> Mapping[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": {}}


def _stage_named(stage_id: str) -> ProcessingStage:
    stage = STAGES_BY_ID.get(stage_id)
    if stage is None:
        raise ValueError(f"unknown stage `{stage_id}`; the stages are {', '.join(STAGES_BY_ID)}")
    return stage


@dataclass(frozen=True)
class ModuleSpec:
    """What a module declares about itself; built with `for_stage`, which takes the contract from
    the stage. The registry checks it against the stage contract all the same (a spec may also be
    written out in full)."""

    module_id: str  # "<stage>.<name>", stable forever
    name: str
    stage_id: str
    contract_id: str
    version: str
    description: str
    inputs: tuple[InputGroup, ...]
    outputs: tuple[ArtifactRef, ...]
    guarantees: frozenset[str] = frozenset()
    settings_schema: Mapping[str, Any] = field(default_factory=_no_settings)
    is_fallback: bool = False

    @classmethod
    def for_stage(
        cls,
        stage: ProcessingStage | str,
        *,
        module_id: str,
        name: str,
        version: str,
        description: str,
        extra_inputs: tuple[InputGroup, ...] = (),
        extra_guarantees: Iterable[str] = (),
        settings_schema: Mapping[str, Any] | None = None,
        is_fallback: bool = False,
    ) -> ModuleSpec:
        """The spec of a module of `stage` (a stage or its id, `"export"`): the contract, inputs,
        outputs and guarantees are the stage's; a module declares only what is its own, an input
        it also reads (`extra_inputs`, after the stage's) or a promise beyond the stage's
        (`extra_guarantees`).
        """
        if isinstance(stage, str):
            stage = _stage_named(stage)
        if isinstance(extra_guarantees, str):
            raise TypeError(
                f"extra_guarantees of `{module_id}` is the string {extra_guarantees!r}; "
                f"give a collection of guarantees, e.g. ({extra_guarantees!r},)"
            )
        prefix, dot, own = module_id.partition(".")
        if prefix != stage.stage_id or not dot or not own:
            raise ValueError(
                f"module id `{module_id}` does not name its stage; write it "
                f"`{stage.stage_id}.<name>`"
            )
        contract = stage.contract
        return cls(
            module_id=module_id,
            name=name,
            stage_id=stage.stage_id,
            contract_id=contract.contract_id,
            version=version,
            description=description,
            inputs=(*contract.inputs, *extra_inputs),
            outputs=contract.outputs,
            guarantees=contract.guarantees | frozenset(extra_guarantees),
            settings_schema=settings_schema if settings_schema is not None else _no_settings(),
            is_fallback=is_fallback,
        )

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


def settings_with_defaults(
    schema: Mapping[str, Any], given: Mapping[str, Any] | None
) -> dict[str, Any]:
    """`given` with the `default` of every top-level property of `schema` it leaves out, so that
    each default is written once, in the settings schema."""
    filled = {
        key: copy.deepcopy(prop["default"])  # a module may change its own list or mapping
        for key, prop in schema.get("properties", {}).items()
        if isinstance(prop, Mapping) and "default" in prop
    }
    filled.update(given or {})
    return filled


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
    """A registered module as stored (a row of the `modules` table)."""

    module_id: str
    name: str
    stage_id: str
    capability_contract_id: str
    status: ModuleStatus
    is_fallback: bool
    metadata: Mapping[str, Any] = field(default_factory=dict)
