"""`export.cii`: one UN/CEFACT CII D16B invoice per run, written atomically and idempotently.

For a run it writes `<directory>/<run_id>.xml`, the canonical invoice as a Cross Industry Invoice
in the EN 16931-3-3 binding, the one the Factur-X / ZUGFeRD EN 16931 profile and XRechnung's CII
syntax use (see `turnout.modules.export.cii_builder`: schema element order, amounts exactly as the
Decimals are). Reading that file back with `einvoice.xml` gives the same canonical invoice.
Re-running the same run writes the same bytes to the same file.

Before writing, the document is checked with the EN 16931 rules (`conformance.require_valid`):
an invoice that cannot make a valid document fails the stage naming the rules it breaks, and one
lacking what CII requires (number, type code, issue date, currency, amount due, lines) is rejected
with the list of gaps. Those rules are EN 16931's only: the rules a CIUS or extension adds are not
checked yet, and the receipt says so rather than claim them: its details carry the `profile`
written, the `customization_id`, the `unchecked_rules` (see `turnout.modules.export.profiles`)
and how many `extensions` (elements beyond EN 16931 the source carried, reported on the run) the
file leaves out.

Attached documents (BT-125) are embedded again from their bytes in the run's `document` artifact
(the e-invoice XML the run read); an attachment whose bytes are not there is refused.

Where the file may go follows `turnout.modules.export.files`, exactly as for `export.json`.

Settings:
- `directory` (string, default "exports/cii"): where the files go.
- `customization_id` (string, default "urn:cen.eu:en16931:2017"): the specification identifier
  written as `ram:GuidelineSpecifiedDocumentContextParameter/ram:ID` (BT-24): EN 16931 core,
  XRechnung 3.0, Peppol BIS Billing 3.0 (which also writes its business process BT-23 when the
  invoice has none) or any other identifier, whose own rules are then all named unchecked.
- `max_xml_bytes` (integer, default 20000000): the largest e-invoice XML read for attachments.
- `explain` (boolean, default false): add the run's source file name, matched vendor id, decision
  and its reasons as one more invoice note (BT-22 with subject code ACB, "Turnout: decision ...").
  Off by default: CII has no extension point, and a note is part of the invoice's content, as if
  the seller had written it; it is there for a receiver that wants the explanation in the file
  (`export.json`, `export.csv` and `export.webhook` always carry it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from turnout.authoring import Invoice, ModuleSpec
from turnout.modules.export.cii_builder import build_cii
from turnout.modules.export.explanation import Explanation
from turnout.modules.export.profiles import Profile
from turnout.modules.export.xml_export import XmlExport, xml_export_settings, xml_export_spec

MODULE_ID = "export.cii"
DEFAULT_DIRECTORY = "exports/cii"
DOCUMENT_TYPE = "CrossIndustryInvoice"

SETTINGS_SCHEMA: dict[str, Any] = xml_export_settings(
    DEFAULT_DIRECTORY,
    "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    explain=False,
    explained_as="an invoice note (BT-22, subject code ACB)",
)


class CiiExport(XmlExport):
    """Write the invoice as a UN/CEFACT CII D16B document to `<directory>/<run_id>.xml`."""

    syntax = "CII"
    spec: ClassVar[ModuleSpec] = xml_export_spec(
        MODULE_ID,
        name="UN/CEFACT CII D16B files",
        version="1.1.0",
        description="One Cross Industry Invoice (EN 16931, as Factur-X EN 16931 and XRechnung "
        "use it) per invoice named after the run id, checked with the EN 16931 rules and "
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
        if explanation is not None:
            invoice = explanation.noted(invoice)
        return build_cii(invoice, profile.id, attachments, profile.business_process_default)

    def document_type(self, invoice: Invoice) -> str:
        return DOCUMENT_TYPE
