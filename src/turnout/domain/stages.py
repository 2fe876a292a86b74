"""Processing stages and the catalog of the ten built-in stages with their contracts."""

from __future__ import annotations

from dataclasses import dataclass

from turnout.domain.artifacts import ArtifactRef
from turnout.domain.contracts import CapabilityContract, InputGroup, needs


@dataclass(frozen=True)
class ProcessingStage:
    """A discrete step of the invoice workflow (stored in the `processing_stages` table)."""

    stage_id: str
    name: str
    order: int
    contract: CapabilityContract
    is_required: bool

    @property
    def capability_contract_id(self) -> str:
        return self.contract.contract_id


def _contract(
    stage: str,
    name: str,
    inputs: tuple[InputGroup, ...],
    outputs: tuple[str, ...],
    guarantees: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
    **constraints: object,
) -> CapabilityContract:
    return CapabilityContract(
        contract_id=f"{stage}-v1",
        name=name,
        inputs=inputs,
        outputs=tuple(ArtifactRef.parse(o) for o in outputs),
        guarantees=frozenset(guarantees),
        constraints=constraints,
        skip_when_present=tuple(ArtifactRef.parse(s) for s in skip),
    )


STAGES: tuple[ProcessingStage, ...] = (
    ProcessingStage(
        "intake",
        "Intake",
        1,
        _contract(
            "intake",
            "Identify the file from its bytes and bound its size",
            (needs("source/v1"),),
            ("document/v1",),
            ("deterministic", "offline"),
            timeout_s=30,
            max_bytes=20_000_000,
            max_pages=50,
        ),
        True,
    ),
    ProcessingStage(
        "einvoice",
        "E-invoice parsing",
        2,
        _contract(
            "einvoice",
            "Parse a structured e-invoice (UBL, CII) into the canonical invoice",
            (needs("document/v1"),),
            ("einvoice/v1",),
            ("deterministic", "offline"),
            timeout_s=30,
        ),
        False,
    ),
    ProcessingStage(
        "text",
        "Text",
        3,
        _contract(
            "text",
            "Get the text of a PDF or image, page by page",
            (needs("document/v1"),),
            ("text/v1",),
            ("offline",),
            skip=("einvoice/v1",),
            timeout_s=120,
        ),
        True,
    ),
    ProcessingStage(
        "extract",
        "Field extraction",
        4,
        _contract(
            "extract",
            "Find invoice fields in the text",
            (needs("text/v1"),),
            ("fields/v1",),
            ("offline",),
            timeout_s=60,
        ),
        True,
    ),
    ProcessingStage(
        "normalize",
        "Normalisation",
        5,
        _contract(
            "normalize",
            "Turn raw fields or an e-invoice into the canonical invoice",
            (needs("fields/v1", "einvoice/v1"),),
            ("invoice/v1",),
            ("deterministic", "offline"),
            timeout_s=30,
        ),
        True,
    ),
    ProcessingStage(
        "validate",
        "Validation",
        6,
        _contract(
            "validate",
            "Check the invoice against business rules; findings, never exceptions",
            (needs("invoice/v1"), needs("document/v1", required=False)),
            ("findings/v1",),
            ("deterministic", "offline"),
            timeout_s=30,
        ),
        True,
    ),
    ProcessingStage(
        "dedupe",
        "Duplicate detection",
        7,
        _contract(
            "dedupe",
            "Recognise an invoice seen before",
            (needs("invoice/v1"), needs("document/v1", required=False)),
            ("duplicate/v1",),
            ("offline",),
            timeout_s=30,
        ),
        False,
    ),
    ProcessingStage(
        "match",
        "Vendor matching",
        8,
        _contract(
            "match",
            "Match the seller to the vendor master; never invent a vendor",
            (needs("invoice/v1"),),
            ("match/v1",),
            ("offline",),
            timeout_s=30,
        ),
        False,
    ),
    ProcessingStage(
        "route",
        "Routing",
        9,
        _contract(
            "route",
            "Decide approve, review or reject, with reasons",
            (
                needs("invoice/v1"),
                needs("findings/v1"),
                needs("duplicate/v1", required=False),
                needs("match/v1", required=False),
            ),
            ("decision/v1",),
            ("deterministic", "offline"),
            timeout_s=10,
        ),
        True,
    ),
    ProcessingStage(
        "export",
        "Export",
        10,
        _contract(
            "export",
            "Deliver the invoice and decision to the next system",
            (needs("invoice/v1"), needs("decision/v1")),
            ("receipt/v1",),
            ("idempotent",),
            timeout_s=60,
        ),
        True,
    ),
)

STAGES_BY_ID: dict[str, ProcessingStage] = {s.stage_id: s for s in STAGES}

# Each stage by name, for a module's spec: `ModuleSpec.for_stage(EXPORT, ...)`
INTAKE = STAGES_BY_ID["intake"]
EINVOICE = STAGES_BY_ID["einvoice"]
TEXT = STAGES_BY_ID["text"]
EXTRACT = STAGES_BY_ID["extract"]
NORMALIZE = STAGES_BY_ID["normalize"]
VALIDATE = STAGES_BY_ID["validate"]
DEDUPE = STAGES_BY_ID["dedupe"]
MATCH = STAGES_BY_ID["match"]
ROUTE = STAGES_BY_ID["route"]
EXPORT = STAGES_BY_ID["export"]
