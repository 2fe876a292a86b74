"""What a pipeline module author imports: the one published surface for writing a module.

    from turnout.authoring import Artifacts, ModuleSpec, RunContext, StageModule

    class Upper(StageModule):
        spec = ModuleSpec.for_stage("text", module_id="text.upper", name=..., ...)

A module imports only `turnout.authoring` (and `turnout.domain`), never the runtime: the
names below are kept stable across releases, and a test pins this list. The guide is
docs/module-authors.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from turnout.authoring.quiet import quiet_loggers, telemetry_off
    from turnout.domain.artifacts import (
        Artifact,
        ArtifactRef,
        Decision,
        Document,
        DocumentKind,
        Duplicate,
        EInvoice,
        ExtractedField,
        Fields,
        Finding,
        Findings,
        InvoiceArtifact,
        Match,
        Outcome,
        Receipt,
        Severity,
        Source,
        Text,
    )
    from turnout.domain.contracts import CapabilityContract, InputGroup, needs
    from turnout.domain.errors import (
        InputRejected,
        ModuleError,
        ModuleUnavailable,
        NotApplicable,
    )
    from turnout.domain.invoice import (
        Address,
        AllowanceCharge,
        Attachment,
        Card,
        Classification,
        Contact,
        CreditTransfer,
        Delivery,
        DirectDebit,
        Extension,
        FieldSource,
        Identifier,
        Invoice,
        InvoiceLine,
        ItemAttribute,
        Note,
        Party,
        Payee,
        Payment,
        Period,
        PrecedingInvoice,
        SupportingDocument,
        TaxRepresentative,
        Totals,
        VatBreakdown,
    )
    from turnout.domain.modules import (
        Artifacts,
        ModuleSpec,
        RunContext,
        StageModule,
        settings_with_defaults,
    )
    from turnout.domain.page import Box, Word
    from turnout.domain.stages import ProcessingStage

# Where the published names live. They are imported on first use, not with the package, so that a
# part of it (`turnout.authoring.quiet`, which the command line loads first) costs no more than
# itself: `turnout --help` must not load the canonical invoice.
_HOMES = (
    "turnout.domain.artifacts",
    "turnout.domain.contracts",
    "turnout.domain.errors",
    "turnout.domain.invoice",
    "turnout.domain.modules",
    "turnout.domain.page",
    "turnout.domain.stages",
    "turnout.authoring.quiet",
)

__all__ = [
    "Address",
    "AllowanceCharge",
    "Artifact",
    "ArtifactRef",
    "Artifacts",
    "Attachment",
    "Box",
    "CapabilityContract",
    "Card",
    "Classification",
    "Contact",
    "CreditTransfer",
    "Decision",
    "Delivery",
    "DirectDebit",
    "Document",
    "DocumentKind",
    "Duplicate",
    "EInvoice",
    "Extension",
    "ExtractedField",
    "FieldSource",
    "Fields",
    "Finding",
    "Findings",
    "Identifier",
    "InputGroup",
    "InputRejected",
    "Invoice",
    "InvoiceArtifact",
    "InvoiceLine",
    "ItemAttribute",
    "Match",
    "ModuleError",
    "ModuleSpec",
    "ModuleUnavailable",
    "NotApplicable",
    "Note",
    "Outcome",
    "Party",
    "Payee",
    "Payment",
    "Period",
    "PrecedingInvoice",
    "ProcessingStage",
    "Receipt",
    "RunContext",
    "Severity",
    "Source",
    "StageModule",
    "SupportingDocument",
    "TaxRepresentative",
    "Text",
    "Totals",
    "VatBreakdown",
    "Word",
    "needs",
    "quiet_loggers",
    "settings_with_defaults",
    "telemetry_off",
]


if not TYPE_CHECKING:  # type checkers see the imports above, and an unknown name stays an error

    def __getattr__(name: str) -> Any:
        if name in __all__:
            for home in _HOMES:
                value = getattr(importlib.import_module(home), name, _MISSING)
                if value is not _MISSING:
                    globals()[name] = value  # found once, then an ordinary attribute
                    return value
        raise AttributeError(f"module `turnout.authoring` has no attribute `{name}`")

    def __dir__() -> list[str]:
        return list(__all__)

    _MISSING = object()
