"""The names module authors import from `turnout.authoring` are pinned: removing or renaming one
breaks third-party modules, so it must be a deliberate change to this list."""

from __future__ import annotations

import subprocess
import sys

import turnout.authoring

PUBLISHED = [
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


def test_the_authoring_surface_is_sorted():
    assert turnout.authoring.__all__ == sorted(turnout.authoring.__all__)


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
