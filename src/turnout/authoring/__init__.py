"""What a pipeline module author imports: the one published surface for writing a module.

    from turnout.authoring import Artifacts, ModuleSpec, RunContext, StageModule

    class Upper(StageModule):
        spec = ModuleSpec.for_stage("text", module_id="text.upper", name=..., ...)

A module imports only `turnout.authoring` (and `turnout.domain`), never the runtime: the
names below are kept stable across releases, and a test pins this list. The guide is
docs/module-authors.md.
"""

from __future__ import annotations

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
    "settings_with_defaults",
]
