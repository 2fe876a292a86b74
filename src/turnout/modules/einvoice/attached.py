"""Attached documents (BT-125) as the canonical invoice keeps them: by reference.

An attachment's bytes stay in the source document; the invoice holds its MIME code, file name,
SHA-256 and size, which is how an XML export finds the bytes again to embed them
(`turnout.modules.export.attachments`). UBL (`cbc:EmbeddedDocumentBinaryObject`) and CII
(`ram:AttachmentBinaryObject`) write it the same way: base64 text with `mimeCode` and `filename`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from lxml import etree

from turnout.authoring import Attachment
from turnout.modules.einvoice.reading import attribute_of


def decode_binary(text: str | None) -> bytes | None:
    """The bytes of a base64 binary object's text, or None when it is not base64."""
    if not text:
        return None
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def attachment_of(binary: etree._Element | None) -> Attachment | None:
    """BT-125 by reference, or None when the document attaches nothing. Bytes that are not base64
    cannot be found again: their hash and size stay empty, and an export will not write them."""
    if binary is None:
        return None
    data = decode_binary(binary.text)
    return Attachment(
        mime_code=attribute_of(binary, "mimeCode"),
        filename=attribute_of(binary, "filename"),
        sha256=hashlib.sha256(data).hexdigest() if data is not None else None,
        size=len(data) if data is not None else None,
    )
