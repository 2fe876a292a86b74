"""The e-invoice syntaxes Turnout reads, recognised by the root element's namespace and name.

Shared by `intake.standard` (to sniff a file or a PDF attachment) and `einvoice.xml` (to pick
the mapping). Only the root decides: file names and extensions never do. ZUGFeRD 1.0
(`CrossIndustryDocument`) is an older UN/CEFACT CII vocabulary: its kind is CII and its document
type `CrossIndustryDocument` picks its own mapping (`zugferd1`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from turnout.authoring import DocumentKind
from turnout.modules.xmlsafe import local_name

UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZUGFERD1_NS = "urn:ferd:CrossIndustryDocument:invoice:1p0"
ZUGFERD1_DOCUMENT = "CrossIndustryDocument"

ACCEPTED_XML = (
    "UBL 2.1 Invoice or CreditNote, UN/CEFACT Cross Industry Invoice (CII D16B: "
    "Factur-X, ZUGFeRD 2, XRechnung), or ZUGFeRD 1.0 (CrossIndustryDocument)"
)


@dataclass(frozen=True)
class Syntax:
    """An e-invoice syntax: the document kind and the root element's local name."""

    kind: DocumentKind  # UBL or CII (ZUGFeRD 1 included: an older UN/CEFACT CII vocabulary)
    # "Invoice" | "CreditNote" | "CrossIndustryInvoice" | "CrossIndustryDocument" (ZUGFeRD 1)
    document_type: str

    @property
    def preferred(self) -> bool:
        """Whether an attachment in this syntax wins over others in the same PDF (UBL, CII D16B).

        A PDF that carries both a ZUGFeRD 1 and a ZUGFeRD 2 / Factur-X XML is read from the
        newer one.
        """
        return self.document_type != ZUGFERD1_DOCUMENT


_ROOTS: dict[tuple[str, str], Syntax] = {
    (UBL_INVOICE_NS, "Invoice"): Syntax(DocumentKind.UBL, "Invoice"),
    (UBL_CREDIT_NOTE_NS, "CreditNote"): Syntax(DocumentKind.UBL, "CreditNote"),
    (CII_NS, "CrossIndustryInvoice"): Syntax(DocumentKind.CII, "CrossIndustryInvoice"),
    (ZUGFERD1_NS, ZUGFERD1_DOCUMENT): Syntax(DocumentKind.CII, ZUGFERD1_DOCUMENT),
}


def identify(root: etree._Element) -> Syntax | None:
    """The syntax of a parsed document, or None when its root is no invoice Turnout reads."""
    return _ROOTS.get(local_name(root))


def describe_root(root: etree._Element) -> str:
    """`{namespace}Name` of the root, for messages that say what was found."""
    namespace, name = local_name(root)
    return f"{{{namespace}}}{name}" if namespace else f"{name} (no namespace)"
