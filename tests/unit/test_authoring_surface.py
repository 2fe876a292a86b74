"""The names module authors import from `turnout.authoring` are pinned: removing or renaming one
breaks third-party modules, so it must be a deliberate change to this list."""

from __future__ import annotations

import subprocess
import sys

import turnout.authoring

PUBLISHED = [
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


def _isort_order(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (the order ruff keeps `__all__` in)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_the_authoring_surface_is_sorted():
    assert turnout.authoring.__all__ == sorted(turnout.authoring.__all__, key=_isort_order)


def test_each_published_name_has_one_home_and_dir_lists_the_parts_too():
    assert sorted(turnout.authoring._HOMES) == sorted(turnout.authoring.__all__)
    assert {"identifiers", "quiet"} <= set(dir(turnout.authoring))


def test_the_authoring_surface_is_exactly_the_published_names():
    assert turnout.authoring.__all__ == PUBLISHED


def test_every_published_name_is_importable():
    missing = [name for name in PUBLISHED if not hasattr(turnout.authoring, name)]
    assert missing == []


def test_the_public_names_are_those_of_the_domain():
    """A module written against `turnout.domain` before the surface existed keeps working: the
    surface re-exports the very same objects, it does not copy them."""
    from turnout.domain.modules import ModuleSpec, StageModule

    assert turnout.authoring.ModuleSpec is ModuleSpec
    assert turnout.authoring.StageModule is StageModule


def test_the_quiet_helpers_load_without_the_rest_of_the_surface() -> None:
    """The command line imports `turnout.authoring.quiet` first thing; the canonical invoice and
    the module interface load only when a name of them is used."""
    probe = "import sys, turnout.authoring.quiet; print(sorted(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert "turnout.authoring.quiet" in loaded
    assert "turnout.domain" not in loaded
