"""The e-invoice syntaxes Turnout reads, recognised by the root element's namespace and name.

Shared by `intake.standard` (to sniff a file or a PDF attachment) and `einvoice.xml` (to pick
the mapping). Only the root decides: file names and extensions never do.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from turnout.domain.artifacts import DocumentKind
from turnout.modules.xmlsafe import local_name

UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

ACCEPTED_XML = (
    "UBL 2.1 Invoice or CreditNote, or UN/CEFACT Cross Industry Invoice (CII D16B: "
    "Factur-X, ZUGFeRD 2, XRechnung)"
)


@dataclass(frozen=True)
class Syntax:
    """An e-invoice syntax: the document kind and the root element's local name."""

    kind: DocumentKind  # UBL or CII
    document_type: str  # "Invoice" | "CreditNote" | "CrossIndustryInvoice"


_ROOTS: dict[tuple[str, str], Syntax] = {
    (UBL_INVOICE_NS, "Invoice"): Syntax(DocumentKind.UBL, "Invoice"),
    (UBL_CREDIT_NOTE_NS, "CreditNote"): Syntax(DocumentKind.UBL, "CreditNote"),
    (CII_NS, "CrossIndustryInvoice"): Syntax(DocumentKind.CII, "CrossIndustryInvoice"),
}


def identify(root: etree._Element) -> Syntax | None:
    """The syntax of a parsed document, or None when its root is not a UBL or CII invoice."""
    return _ROOTS.get(local_name(root))


def describe_root(root: etree._Element) -> str:
    """`{namespace}Name` of the root, for messages that say what was found."""
    namespace, name = local_name(root)
    return f"{{{namespace}}}{name}" if namespace else f"{name} (no namespace)"
