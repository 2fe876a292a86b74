"""The bytes of an invoice's attached documents (BT-125), found again in the XML the run read.

The canonical invoice keeps an attachment by reference (`Attachment.sha256`, `size`): its bytes
stay in the source document. An XML export that writes the attachment again looks them up here, in
the `document` artifact's e-invoice XML, by their SHA-256.
"""

from __future__ import annotations

import hashlib

from lxml import etree

from turnout.modules.einvoice.attached import decode_binary
from turnout.modules.xmlsafe import parse_xml

# UBL `cbc:EmbeddedDocumentBinaryObject`, CII `ram:AttachmentBinaryObject`
_BINARY_NAMES = frozenset({"EmbeddedDocumentBinaryObject", "AttachmentBinaryObject"})


def attachment_bytes(xml: bytes | None, max_bytes: int) -> dict[str, bytes]:
    """SHA-256 (hex) → bytes of every attached document in e-invoice `xml` (empty without one)."""
    if not xml:
        return {}
    root = parse_xml(xml, max_bytes=max_bytes, what="the e-invoice the run read")
    found: dict[str, bytes] = {}
    for element in root.iter(etree.Element):
        if etree.QName(element).localname in _BINARY_NAMES:
            data = decode_binary(element.text)
            if data is not None:
                found[hashlib.sha256(data).hexdigest()] = data
    return found
