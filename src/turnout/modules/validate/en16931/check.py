"""Check one file against EN 16931 without a pipeline or a database (`turnout check`).

The file is identified from its bytes by `intake.standard` (UBL, CII, or a PDF with an embedded
Factur-X / ZUGFeRD / XRechnung XML); the e-invoice XML is then run through every rule, as
`validate.en16931` runs them in a pipeline. A ZUGFeRD 1.0 XML, which predates EN 16931, is read
into the canonical invoice by `einvoice.xml` and gets the canonical-model rules, fatal ones as
warnings.
"""

from __future__ import annotations

from lxml import etree

from turnout.authoring import InputRejected, InvoiceArtifact, Source
from turnout.modules.einvoice.syntax import ZUGFERD1_NS
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.validate.en16931.engine import Report
from turnout.modules.validate.en16931.module import En16931Validate
from turnout.modules.xmlsafe import MAX_XML_BYTES, parse_xml


class Checker:
    """Checks files one after another with one intake and one validator, as `turnout check`
    does over a folder (building the validator is a tenth of checking a small file)."""

    def __init__(self) -> None:
        self._intake = StandardIntake()
        self._validate = En16931Validate({"max_xml_bytes": MAX_XML_BYTES})

    def check(self, filename: str, data: bytes) -> Report:
        """The EN 16931 report for a file's bytes; `InputRejected` when it holds no e-invoice XML."""
        document = self._intake.identify(Source(filename, data))
        if not document.xml:
            raise InputRejected(
                f"{filename} is a {document.kind.value.upper()} without e-invoice XML; `turnout "
                "check` reads UBL, CII and PDFs with embedded XML (Factur-X, ZUGFeRD, XRechnung); "
                "run `turnout process` to read other invoices"
            )
        what = document.xml_name or filename
        root = parse_xml(document.xml, max_bytes=MAX_XML_BYTES, what=what)
        # ZUGFeRD 1 has no EN 16931 binding: its rules run on the invoice einvoice.xml reads from it
        invoice = None
        if etree.QName(root).namespace == ZUGFERD1_NS:
            from turnout.modules.einvoice.xml import XmlEInvoice  # the XML reader, when needed

            invoice = InvoiceArtifact(XmlEInvoice().parse(document).invoice)
        return self._validate.check_xml(root, what, invoice)


def check_bytes(filename: str, data: bytes) -> Report:
    """The EN 16931 report for one file's bytes (`Checker` checks many)."""
    return Checker().check(filename, data)
