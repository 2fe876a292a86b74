"""`export.ubl`: one UBL 2.1 Invoice or CreditNote per run, written atomically and idempotently.

For a run it writes `<directory>/<run_id>.xml`, the canonical invoice as UBL 2.1 (see
`turnout.modules.export.ubl_builder`: schema element order, EN 16931 paths, amounts exactly as
the Decimals are). Reading that file back with `einvoice.xml` gives the same canonical invoice.
Re-running the same run writes the same bytes to the same file. An invoice lacking what UBL
requires (number, issue date, currency, amount due, lines) is rejected with the list of gaps.

Before writing, the document is checked with the EN 16931 rules of `validate.en16931`
(`conformance.require_valid`): an invoice that cannot make a valid document fails the stage with
the rules it breaks, and the stage's fallback or review takes over. Those rules are EN 16931's
only: the rules a CIUS or extension adds (XRechnung BR-DE-*, Peppol PEPPOL-EN16931-R*, ...) are
not checked yet, and the receipt says so rather than claim them: its details carry the
`profile` written, the `customization_id` and the `unchecked_rules` (see
`turnout.modules.export.profiles`), and how many `extensions` (elements beyond EN 16931 the
source carried, reported on the run) the file leaves out.

Attached documents (BT-125) are embedded again from their bytes in the run's `document` artifact
(the e-invoice XML the run read); an attachment whose bytes are not there is refused.

Where the file may go follows `turnout.modules.export.files`, exactly as for `export.json`.

Settings:
- `directory` (string, default "exports/ubl"): where the files go.
- `customization_id` (string, default "urn:cen.eu:en16931:2017"): the specification identifier
  written as `cbc:CustomizationID` (BT-24): EN 16931 core, XRechnung 3.0
  (`...#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0`), Peppol BIS Billing 3.0
  (`...#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0`, which also writes its business
  process BT-23 when the invoice has none) or any other identifier, whose own rules are then all
  named unchecked.
- `max_xml_bytes` (integer, default 20000000): the largest e-invoice XML read for attachments.
- `explain` (boolean, default true): write the run's source file name, matched vendor id,
  decision and its reasons as a UBL extension (`ext:UBLExtensions`, see
  `turnout.modules.export.ubl_explanation`). On by default: an extension is UBL's place for what
  its elements do not hold, receivers skip one they do not know, and the invoice's business terms
  stay exactly as they are (the file reads back to the same canonical invoice). EN 16931 only
  warns about it (UBL-CR-001, "should not include extensions", never fatal); set it to false for
  a receiver that refuses any warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from turnout.authoring import Invoice, ModuleSpec
from turnout.modules.export.explanation import Explanation
from turnout.modules.export.profiles import Profile
from turnout.modules.export.ubl_builder import build_ubl, document_type
from turnout.modules.export.xml_export import XmlExport, xml_export_settings, xml_export_spec

MODULE_ID = "export.ubl"
DEFAULT_DIRECTORY = "exports/ubl"

SETTINGS_SCHEMA: dict[str, Any] = xml_export_settings(
    DEFAULT_DIRECTORY, "cbc:CustomizationID", explain=True, explained_as="a UBL extension"
)


class UblExport(XmlExport):
    """Write the invoice as a UBL 2.1 Invoice or CreditNote to `<directory>/<run_id>.xml`."""

    syntax = "UBL"
    spec: ClassVar[ModuleSpec] = xml_export_spec(
        MODULE_ID,
        name="UBL 2.1 files",
        version="2.1.0",
        description="One UBL 2.1 Invoice or CreditNote per invoice named after the run id, "
        "every EN 16931 term the invoice holds, checked with the EN 16931 rules before it is "
        "written atomically; reading it with einvoice.xml gives the same canonical invoice.",
        settings_schema=SETTINGS_SCHEMA,
    )

    def build(
        self,
        invoice: Invoice,
        profile: Profile,
        attachments: Mapping[str, bytes],
        explanation: Explanation | None,
    ) -> bytes:
        return build_ubl(invoice, profile.id, attachments, explanation)

    def document_type(self, invoice: Invoice) -> str:
        return document_type(invoice)
