"""Test modules of our own making: small real StageModule classes, built per stage.

They are not mocks: they go through the same registry, validation and runner as any module.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from turnout.domain.artifacts import (
    Artifact,
    ArtifactRef,
    Decision,
    Document,
    DocumentKind,
    ExtractedField,
    Fields,
    Findings,
    InvoiceArtifact,
    Outcome,
    Receipt,
    Source,
    Text,
)
from turnout.domain.contracts import InputGroup
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.domain.stages import STAGES_BY_ID

Process = Callable[[Artifacts, RunContext], Iterable[Artifact]]


def _noop_outputs(stage_id: str, inputs: Artifacts, context: RunContext) -> list[Artifact]:
    if stage_id == "intake":
        src = inputs.require(Source)
        return [
            Document(
                src.filename,
                DocumentKind.PDF,
                "application/pdf",
                hashlib.sha256(src.data).hexdigest(),
                len(src.data),
                src.data,
                pages=1,
            )
        ]
    if stage_id == "text":
        return [Text(("INVOICE 1",), "fake", (1.0,))]
    if stage_id == "extract":
        return [Fields({"invoice_number": ExtractedField("1", 1.0, context.module_id)})]
    if stage_id == "normalize":
        return [InvoiceArtifact(Invoice(invoice_number="1"))]
    if stage_id == "validate":
        return [Findings((), "fake")]
    if stage_id == "route":
        return [Decision(Outcome.APPROVE, ("fake",))]
    if stage_id == "export":
        return [Receipt("nowhere", "-", context.idempotency_key)]
    raise AssertionError(f"no fake output for stage {stage_id}")


def fake_module(
    stage_id: str,
    name: str = "fake",
    *,
    inputs: tuple[InputGroup, ...] | None = None,
    outputs: tuple[ArtifactRef, ...] | None = None,
    settings_schema: Mapping[str, Any] | None = None,
    is_fallback: bool = False,
    process: Process | None = None,
    healthy: bool = True,
) -> type[StageModule]:
    """A module class for `stage_id` that meets its contract unless told otherwise."""
    stage = STAGES_BY_ID[stage_id]
    spec = ModuleSpec.for_stage(
        stage,
        module_id=f"{stage_id}.{name}",
        name=f"fake {stage_id}",
        version="0",
        description="a test module",
        settings_schema=settings_schema or None,
        is_fallback=is_fallback,
    )
    if inputs is not None or outputs is not None:  # a module that breaks its contract
        spec = dataclasses.replace(
            spec,
            inputs=spec.inputs if inputs is None else inputs,
            outputs=spec.outputs if outputs is None else outputs,
        )

    class Fake(StageModule):
        def process(self, inputs_: Artifacts, context: RunContext) -> Iterable[Artifact]:
            if process is not None:
                return process(inputs_, context)
            return _noop_outputs(spec.stage_id, inputs_, context)

        @classmethod
        def health_check(cls) -> None:
            if not healthy:
                raise RuntimeError("fake dependency missing")

    Fake.spec = spec
    Fake.__name__ = Fake.__qualname__ = f"Fake_{stage_id}_{name}"
    return Fake
