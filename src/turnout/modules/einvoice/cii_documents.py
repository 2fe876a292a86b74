"""The header `ram:AdditionalReferencedDocument`s of a CII invoice (EN 16931-3-3): type 50 is the
tender or lot reference (BT-17), 130 the invoiced object (BT-18, its scheme the
`ram:ReferenceTypeCode`), 916 a supporting document (BG-24), as is one without a type code (as
in UBL, where a document reference without a type code is a supporting document).

An attached document (BT-125) is kept by reference: its MIME code, file name, and the SHA-256 and
size of its decoded bytes, which stay in the source XML (`turnout.modules.export.attachments`
finds them again there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from turnout.authoring import Identifier, SupportingDocument
from turnout.modules.einvoice.attached import attachment_of
from turnout.modules.einvoice.cii_common import Dialect
from turnout.modules.einvoice.reading import Element


@dataclass
class References:
    """What the header's referenced documents say, and the ones the model has no place for."""

    tender: str | None = None
    invoiced_object: Identifier | None = None
    documents: list[SupportingDocument] = field(default_factory=list)
    unmapped: list[Element] = field(default_factory=list)


def references(dialect: Dialect, agreement: Element | None) -> References:
    """Sort the `ram:AdditionalReferencedDocument`s of the header trade agreement by type."""
    reader = dialect.reader
    found = References()
    for document in reader.findall(agreement, "ram:AdditionalReferencedDocument"):
        kind = reader.text(document, "ram:TypeCode")
        number = reader.text(document, "ram:IssuerAssignedID")
        if kind == "50" and found.tender is None:
            found.tender = number
        elif kind == "130" and found.invoiced_object is None and number is not None:
            scheme = reader.text(document, "ram:ReferenceTypeCode")
            found.invoiced_object = Identifier(number, scheme)
        elif kind in ("916", None):  # without a type code, as a UBL reference is: BG-24
            found.documents.append(
                SupportingDocument(
                    reference=number,
                    description=reader.text(document, "ram:Name"),
                    uri=reader.text(document, "ram:URIID"),
                    attachment=attachment_of(reader.find(document, "ram:AttachmentBinaryObject")),
                )
            )
        else:  # another type, or a second tender / invoiced object the model holds once
            found.unmapped.append(document)
    return found
