"""Capability contracts: what a stage needs, what it produces, what it promises.

A contract is written once and is the source of truth for its stage. `inputs` are groups of
alternatives: the stage runs when every required group has at least one of its artifacts present
(`normalize` needs `fields` *or* `einvoice`). `skip_when_present` names artifacts whose presence
makes the stage not applicable (no `text` stage for an XML e-invoice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from turnout.domain.artifacts import ArtifactRef


@dataclass(frozen=True)
class InputGroup:
    """One input a stage needs: any one of `alternatives`; optional groups never block."""

    alternatives: tuple[ArtifactRef, ...]
    required: bool = True

    def satisfied_by(self, produced: Iterable[ArtifactRef]) -> bool:
        have = tuple(produced)
        return any(alt.satisfied_by(p) for alt in self.alternatives for p in have)

    def __str__(self) -> str:
        text = " or ".join(str(a) for a in self.alternatives)
        return text if self.required else f"{text} (optional)"

    def to_dict(self) -> dict[str, Any]:
        return {"any_of": [str(a) for a in self.alternatives], "required": self.required}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InputGroup:
        return cls(
            tuple(ArtifactRef.parse(a) for a in data["any_of"]), bool(data.get("required", True))
        )


def needs(*refs: str, required: bool = True) -> InputGroup:
    """`needs("fields/v1", "einvoice/v1")`: an input group of alternatives."""
    return InputGroup(tuple(ArtifactRef.parse(r) for r in refs), required)


@dataclass(frozen=True)
class CapabilityContract:
    """The capability contract of one stage (stored in the `capability_contracts` table)."""

    contract_id: str
    name: str
    inputs: tuple[InputGroup, ...]
    outputs: tuple[ArtifactRef, ...]
    guarantees: frozenset[str] = frozenset()
    constraints: Mapping[str, Any] = field(default_factory=dict)
    skip_when_present: tuple[ArtifactRef, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "name": self.name,
            "inputs": [g.to_dict() for g in self.inputs],
            "outputs": [str(o) for o in self.outputs],
            "guarantees": sorted(self.guarantees),
            "constraints": dict(self.constraints),
            "skip_when_present": [str(a) for a in self.skip_when_present],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CapabilityContract:
        return cls(
            contract_id=data["contract_id"],
            name=data["name"],
            inputs=tuple(InputGroup.from_dict(g) for g in data["inputs"]),
            outputs=tuple(ArtifactRef.parse(o) for o in data["outputs"]),
            guarantees=frozenset(data.get("guarantees", ())),
            constraints=dict(data.get("constraints", {})),
            skip_when_present=tuple(
                ArtifactRef.parse(a) for a in data.get("skip_when_present", ())
            ),
        )
