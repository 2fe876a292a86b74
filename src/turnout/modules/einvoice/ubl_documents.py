"""UBL references, notes and supporting documents → the canonical invoice, per EN 16931-3-2.

`cac:AdditionalDocumentReference` is three terms in one element, told apart by its type code:
130 is the invoiced object identifier (BT-18); on a CreditNote, which has no
`cac:ProjectReference`, 50 is the project reference (BT-11); one without a type code is a
supporting document (BG-24). An attached document (BT-125) is kept by reference: its SHA-256 and size, while the bytes
stay in the source XML (`turnout.modules.export.attachments` finds them again).
"""

from __future__ import annotations

import re

from turnout.authoring import Identifier, Note, PrecedingInvoice, SupportingDocument
from turnout.modules.einvoice.attached import attachment_of
from turnout.modules.einvoice.reading import Element, text_of
from turnout.modules.einvoice.ubl_lines import INVOICED_OBJECT
from turnout.modules.einvoice.ubl_tree import UBL, identifier_of

PROJECT = "50"  # UNTDID 1001: the project reference of a CreditNote (BT-11)

# UBL writes a note's subject code (BT-21) in front of its text (BT-22): `#AAI#the text`. The
# code is a UNTDID 4451 code, three capital letters: any other text between hashes (`#1#: first
# delivery`) is the note's own text.
_SUBJECT = re.compile(r"#([A-Z]{3})#(.*)", re.DOTALL)


def notes(root: Element) -> list[Note]:
    """BG-1, one note per `cbc:Note` of the document, its subject code split off."""
    found: list[Note] = []
    for element in UBL.findall(root, "cbc:Note"):
        value = text_of(element)
        if value is None:
            continue
        coded = _SUBJECT.fullmatch(value)
        if coded:
            found.append(Note(coded[1], coded[2].strip() or None))
        else:
            found.append(Note(None, value))
    return found


def preceding_invoices(root: Element) -> list[PrecedingInvoice]:
    """BG-3, one per `cac:BillingReference/cac:InvoiceDocumentReference`."""
    return [
        PrecedingInvoice(
            number=UBL.text(reference, "cbc:ID"),
            issue_date=UBL.iso_date(reference, "cbc:IssueDate", "BT-26 preceding invoice date"),
        )
        for reference in UBL.findall(root, "cac:BillingReference/cac:InvoiceDocumentReference")
    ]


class DocumentReferences:
    """The additional document references of a document, sorted into BT-18, BT-11 and BG-24, and
    those the model has no place for (`unmapped`): a second invoiced object or project, and a
    reference with another type code, which UBL-SR-43 refuses in any case."""

    def __init__(self, root: Element, document_type: str) -> None:
        self.invoiced_object: Identifier | None = None
        self.project: str | None = None
        self.documents: list[SupportingDocument] = []
        self.unmapped: list[Element] = []
        credit_note = document_type == "CreditNote"
        for reference in UBL.findall(root, "cac:AdditionalDocumentReference"):
            code = UBL.text(reference, "cbc:DocumentTypeCode")
            if code is None:
                self.documents.append(_supporting_document(reference))
            elif code == INVOICED_OBJECT and self.invoiced_object is None:
                self.invoiced_object = identifier_of(UBL.find(reference, "cbc:ID"))
            elif code == PROJECT and credit_note and self.project is None:
                self.project = UBL.text(reference, "cbc:ID")
            else:
                self.unmapped.append(reference)


def _supporting_document(reference: Element) -> SupportingDocument:
    attachment = UBL.find(reference, "cac:Attachment")
    return SupportingDocument(
        reference=UBL.text(reference, "cbc:ID"),
        description=UBL.text(reference, "cbc:DocumentDescription"),
        uri=UBL.text(attachment, "cac:ExternalReference/cbc:URI"),
        attachment=attachment_of(UBL.find(attachment, "cbc:EmbeddedDocumentBinaryObject")),
    )
