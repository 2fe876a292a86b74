"""`einvoice.xml`: UBL 2.1, UN/CEFACT CII and ZUGFeRD 1 e-invoices → the canonical invoice.

The default module of the einvoice stage. Reads the XML intake found (the file itself, or the XML
embedded in a Factur-X / ZUGFeRD / XRechnung PDF) with the hardened parser of
`turnout.modules.xmlsafe`: no DTD, no entities, no network, bounded size. Every business term of
EN 16931 the XML carries is mapped (see `ubl`, `cii` and `zugferd1` for ZUGFeRD 1.0
`CrossIndustryDocument`); a missing element leaves its field None, and an element the syntax
binding has no term for is kept verbatim in `invoice.extensions`, never dropped. A document without e-invoice XML is not applicable (the
text path takes over); XML that is broken, carries a DTD or is none of these is rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    EINVOICE,
    Artifact,
    Artifacts,
    Document,
    DocumentKind,
    EInvoice,
    FieldSource,
    InputRejected,
    ModuleSpec,
    NotApplicable,
    RunContext,
    StageModule,
    settings_with_defaults,
)
from turnout.modules.einvoice.cii import read_cii
from turnout.modules.einvoice.provenance import stamp_provenance
from turnout.modules.einvoice.siblings import forget
from turnout.modules.einvoice.syntax import (
    ACCEPTED_XML,
    ZUGFERD1_DOCUMENT,
    describe_root,
    identify,
)
from turnout.modules.einvoice.ubl import read_ubl
from turnout.modules.einvoice.zugferd1 import read_zugferd1
from turnout.modules.xmlsafe import parse_xml

MODULE_ID = "einvoice.xml"
DEFAULT_MAX_BYTES = 10_000_000


class XmlEInvoice(StageModule):
    """Parse a UBL Invoice / CreditNote, a CII or a ZUGFeRD 1 invoice into the canonical invoice."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        EINVOICE,
        module_id=MODULE_ID,
        name="XML e-invoice (UBL, CII, ZUGFeRD 1)",
        version="1.0.0",
        description="UBL 2.1 Invoice and CreditNote, UN/CEFACT CII (Factur-X, ZUGFeRD 2, "
        "XRechnung) and ZUGFeRD 1.0 (BASIC, COMFORT, EXTENDED) into the canonical invoice, "
        "with a hardened XML parser (no DTD, no entities, no network, bounded size).",
        settings_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "max_bytes": {
                    "type": "integer",
                    "minimum": 1,
                    "default": DEFAULT_MAX_BYTES,
                    "description": "XML larger than this many bytes is rejected; "
                    f"default {DEFAULT_MAX_BYTES}",
                },
            },
        },
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.max_bytes = int(with_defaults["max_bytes"])

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return the `EInvoice` of the document's XML; not applicable when it carries none."""
        return (self.parse(inputs.require(Document)),)

    def parse(self, document: Document) -> EInvoice:
        """The `EInvoice` read from one document's e-invoice XML."""
        if document.xml is None:
            raise NotApplicable(
                f"not an e-invoice: {_what(document)} carries no UBL, CII or ZUGFeRD 1 XML"
            )
        what = f"the embedded `{document.xml_name}`" if document.xml_name else "the XML"
        root = parse_xml(document.xml, max_bytes=self.max_bytes, what=what)
        syntax = identify(root)
        if syntax is None:
            raise InputRejected(
                f"{what} is not an e-invoice: its root element is {describe_root(root)}; "
                f"einvoice.xml reads {ACCEPTED_XML}"
            )
        try:
            if syntax.kind is DocumentKind.UBL:
                profile, invoice = read_ubl(root, syntax.document_type)
            elif syntax.document_type == ZUGFERD1_DOCUMENT:
                profile, invoice = read_zugferd1(root)
            else:
                profile, invoice = read_cii(root)
        finally:
            forget()  # what the checks kept per parent would keep a refused document's tree alive
        stamp_provenance(invoice, FieldSource(MODULE_ID, 1.0))
        return EInvoice(
            syntax=str(syntax.kind),
            document_type=syntax.document_type,
            profile=profile,
            invoice=invoice,
        )


def _what(document: Document) -> str:
    if document.kind is DocumentKind.PDF:
        return "the PDF (no Factur-X / ZUGFeRD / XRechnung attachment)"
    return f"the {document.kind} document"
