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
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from turnout.authoring.identifiers import compact_iban, compact_vat_id, read_vendor_csv
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
        InvalidConfiguration,
        ModuleError,
        ModuleUnavailable,
        NotApplicable,
        Problem,
    )
    from turnout.domain.history import MatchedOn, PriorInvoice, invoice_number_key, seller_key
    from turnout.domain.invoice import (
        CREDIT_NOTE_CODES,
        TOTALS_NAMES,
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
        is_blank,
        value_at,
    )
    from turnout.domain.invoice_schema import SCHEMA_ID
    from turnout.domain.invoice_shape import Shape, shape_of
    from turnout.domain.modules import (
        Artifacts,
        ModuleSpec,
        RunContext,
        StageModule,
        settings_with_defaults,
    )
    from turnout.domain.page import Box, Word, boxes_of
    from turnout.domain.profiles import (
        IssuerProfile,
        compact_id,
        issuer_keys,
        normalised_name,
        read_key,
        same_issuer,
    )
    from turnout.domain.rendering import PageImage, PageNotFound, PageUnrenderable
    from turnout.domain.stages import (
        DEDUPE,
        EINVOICE,
        EXPORT,
        EXTRACT,
        INTAKE,
        MATCH,
        NORMALIZE,
        ROUTE,
        TEXT,
        VALIDATE,
        ProcessingStage,
    )
    from turnout.domain.vendors import Vendor, VendorDirectory

# Where each published name lives. The names are imported on first use, not with the package, so
# that a part of it (`turnout.authoring.quiet`, which the command line loads first) costs no more
# than itself: `turnout --help` must not load the canonical invoice.
_HOMES: dict[str, str] = {
    name: home
    for home, names in {
        "turnout.domain.artifacts": (
            "Artifact",
            "ArtifactRef",
            "Decision",
            "Document",
            "DocumentKind",
            "Duplicate",
            "EInvoice",
            "ExtractedField",
            "Fields",
            "Finding",
            "Findings",
            "InvoiceArtifact",
            "Match",
            "Outcome",
            "Receipt",
            "Severity",
            "Source",
            "Text",
        ),
        "turnout.domain.contracts": (
            "CapabilityContract",
            "InputGroup",
            "needs",
        ),
        "turnout.domain.errors": (
            "InputRejected",
            "InvalidConfiguration",
            "ModuleError",
            "ModuleUnavailable",
            "NotApplicable",
            "Problem",
        ),
        "turnout.domain.history": (
            "MatchedOn",
            "PriorInvoice",
            "invoice_number_key",
            "seller_key",
        ),
        "turnout.domain.invoice": (
            "Address",
            "AllowanceCharge",
            "Attachment",
            "CREDIT_NOTE_CODES",
            "Card",
            "Classification",
            "Contact",
            "CreditTransfer",
            "Delivery",
            "DirectDebit",
            "Extension",
            "FieldSource",
            "Identifier",
            "Invoice",
            "InvoiceLine",
            "ItemAttribute",
            "Note",
            "Party",
            "Payee",
            "Payment",
            "Period",
            "PrecedingInvoice",
            "SupportingDocument",
            "TOTALS_NAMES",
            "TaxRepresentative",
            "Totals",
            "VatBreakdown",
            "is_blank",
            "value_at",
        ),
        "turnout.domain.invoice_schema": ("SCHEMA_ID",),
        "turnout.domain.invoice_shape": (
            "Shape",
            "shape_of",
        ),
        "turnout.domain.modules": (
            "Artifacts",
            "ModuleSpec",
            "RunContext",
            "StageModule",
            "settings_with_defaults",
        ),
        "turnout.domain.page": (
            "Box",
            "Word",
            "boxes_of",
        ),
        "turnout.domain.profiles": (
            "IssuerProfile",
            "compact_id",
            "issuer_keys",
            "normalised_name",
            "read_key",
            "same_issuer",
        ),
        "turnout.domain.rendering": (
            "PageImage",
            "PageNotFound",
            "PageUnrenderable",
        ),
        "turnout.domain.stages": (
            "DEDUPE",
            "EINVOICE",
            "EXPORT",
            "EXTRACT",
            "INTAKE",
            "MATCH",
            "NORMALIZE",
            "ProcessingStage",
            "ROUTE",
            "TEXT",
            "VALIDATE",
        ),
        "turnout.domain.vendors": (
            "Vendor",
            "VendorDirectory",
        ),
        "turnout.authoring.identifiers": (
            "compact_iban",
            "compact_vat_id",
            "read_vendor_csv",
        ),
        "turnout.authoring.quiet": (
            "quiet_loggers",
            "telemetry_off",
        ),
    }.items()
    for name in names
}

__all__ = [
    "CREDIT_NOTE_CODES",
    "DEDUPE",
    "EINVOICE",
    "EXPORT",
    "EXTRACT",
    "INTAKE",
    "MATCH",
    "NORMALIZE",
    "ROUTE",
    "SCHEMA_ID",
    "TEXT",
    "TOTALS_NAMES",
    "VALIDATE",
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
    "InvalidConfiguration",
    "Invoice",
    "InvoiceArtifact",
    "InvoiceLine",
    "IssuerProfile",
    "ItemAttribute",
    "Match",
    "MatchedOn",
    "ModuleError",
    "ModuleSpec",
    "ModuleUnavailable",
    "NotApplicable",
    "Note",
    "Outcome",
    "PageImage",
    "PageNotFound",
    "PageUnrenderable",
    "Party",
    "Payee",
    "Payment",
    "Period",
    "PrecedingInvoice",
    "PriorInvoice",
    "Problem",
    "ProcessingStage",
    "Receipt",
    "RunContext",
    "Severity",
    "Shape",
    "Source",
    "StageModule",
    "SupportingDocument",
    "TaxRepresentative",
    "Text",
    "Totals",
    "VatBreakdown",
    "Vendor",
    "VendorDirectory",
    "Word",
    "boxes_of",
    "compact_iban",
    "compact_id",
    "compact_vat_id",
    "invoice_number_key",
    "is_blank",
    "issuer_keys",
    "needs",
    "normalised_name",
    "quiet_loggers",
    "read_key",
    "read_vendor_csv",
    "same_issuer",
    "seller_key",
    "settings_with_defaults",
    "shape_of",
    "telemetry_off",
    "value_at",
]


if not TYPE_CHECKING:  # type checkers see the imports above, and an unknown name stays an error

    def __getattr__(name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module `turnout.authoring` has no attribute `{name}`")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value  # found once, then an ordinary attribute
        return value

    def __dir__() -> list[str]:
        return [*__all__, *(m.name for m in pkgutil.iter_modules(__path__))]
