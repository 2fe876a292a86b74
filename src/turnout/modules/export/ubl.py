"""`export.ubl`: one UBL 2.1 Invoice or CreditNote per run, written atomically and idempotently.

For a run it writes `<directory>/<run_id>.xml`, the canonical invoice as UBL 2.1 (see
`turnout.modules.export.ubl_builder`: schema element order, EN 16931 paths, amounts exactly as
the Decimals are). Reading that file back with `einvoice.xml` gives the same canonical invoice.
Re-running the same run writes the same bytes to the same file. An invoice lacking what UBL
requires (number, issue date, currency, amount due, lines) is rejected with the list of gaps.

Where the file may go follows `turnout.modules.export.files`, exactly as for `export.json`.

Settings:
- `directory` (string, default "exports/ubl"): where the files go.
- `customization_id` (string, default "urn:cen.eu:en16931:2017"): the specification identifier
  written as `cbc:CustomizationID` (BT-24), e.g. an XRechnung CIUS identifier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.domain.artifacts import Artifact, ArtifactRef, InvoiceArtifact
from turnout.domain.contracts import needs
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.modules.export.files import check_directory_setting, directory_setting, export_file
from turnout.modules.export.ubl_builder import EN16931, build_ubl, document_type

MODULE_ID = "export.ubl"
DEFAULT_DIRECTORY = "exports/ubl"

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "directory": directory_setting(DEFAULT_DIRECTORY),
        "customization_id": {
            "type": "string",
            "minLength": 1,
            "pattern": r"^\S+$",
            "default": EN16931,
            "description": f"cbc:CustomizationID (BT-24); default {EN16931!r}.",
        },
    },
}


class UblExport(StageModule):
    """Write the invoice as a UBL 2.1 Invoice or CreditNote to `<directory>/<run_id>.xml`."""

    spec: ClassVar[ModuleSpec] = ModuleSpec(
        module_id=MODULE_ID,
        name="UBL 2.1 files",
        stage_id="export",
        contract_id="export-v1",
        version="1.0.0",
        description="One UBL 2.1 Invoice or CreditNote per invoice named after the run id, "
        "written atomically; reading it with einvoice.xml gives the same canonical invoice.",
        inputs=(needs("invoice/v1"), needs("decision/v1")),
        outputs=(ArtifactRef("receipt", 1),),
        guarantees=frozenset({"idempotent", "deterministic", "offline"}),
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.directory = str(self.settings.get("directory", DEFAULT_DIRECTORY))
        self.customization_id = str(self.settings.get("customization_id", EN16931))
        check_directory_setting(MODULE_ID, self.directory)

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Write the file and return a `Receipt` with its absolute path and the idempotency key."""
        invoice = inputs.require(InvoiceArtifact).invoice
        data = build_ubl(invoice, self.customization_id)
        details = {"document_type": document_type(invoice)}
        return [export_file(MODULE_ID, self.directory, context, ".xml", data, **details)]
