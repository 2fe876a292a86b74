"""Recognise a file's real type from its first bytes; the name and extension are never trusted.

`sniff_binary` knows the binary formats intake accepts (PDF, PNG, JPEG, TIFF); `looks_like_xml`
says whether the bytes should be handed to the XML parser; `describe_unaccepted` names what an
unaccepted file appears to be, so the rejection message can say what was found.
"""

from __future__ import annotations

from dataclasses import dataclass

from turnout.authoring import DocumentKind

# PDF readers look for the header within the first KiB and ignore what comes before it.
PDF_HEADER_WINDOW = 1024

ACCEPTED_FILES = (
    "PDF, PNG, JPEG, TIFF, or e-invoice XML (UBL 2.1 Invoice/CreditNote, UN/CEFACT CII)"
)


@dataclass(frozen=True)
class BinaryType:
    """A recognised binary format."""

    kind: DocumentKind
    media_type: str
    label: str


PDF = BinaryType(DocumentKind.PDF, "application/pdf", "PDF")
PNG = BinaryType(DocumentKind.IMAGE, "image/png", "PNG image")
JPEG = BinaryType(DocumentKind.IMAGE, "image/jpeg", "JPEG image")
TIFF = BinaryType(DocumentKind.IMAGE, "image/tiff", "TIFF image")

_MAGIC: tuple[tuple[bytes, BinaryType], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),  # little-endian
    (b"MM\x00*", TIFF),  # big-endian
)

# Formats we do not accept but can name, so the operator knows what arrived.
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)

_UTF8_BOM = b"\xef\xbb\xbf"


def sniff_binary(data: bytes) -> BinaryType | None:
    """The accepted binary format the bytes are in, or None."""
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return PDF
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def looks_like_xml(data: bytes) -> bool:
    """Whether the bytes start like an XML document (after a BOM and white space)."""
    head = data[:256]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        return True  # UTF-16; the parser decides
    if head.startswith(_UTF8_BOM):
        head = head[len(_UTF8_BOM) :]
    return head.lstrip().startswith(b"<") and not looks_like_html(data)


def looks_like_html(data: bytes) -> bool:
    """Whether the bytes start like an HTML page."""
    head = data[:512].lstrip(_UTF8_BOM + b" \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (
        head.startswith(b"<!--") and b"<html" in head
    )


def describe_unaccepted(data: bytes) -> str:
    """What an unaccepted file appears to be: empty, HTML, text, a known format, or binary."""
    if not data:
        return "an empty file (0 bytes)"
    if looks_like_html(data):
        return "an HTML page"
    for magic, label in _OTHER_MAGIC:
        if data.startswith(magic):
            return label
    if _is_text(data[:4096]):
        return "plain text"
    return f"unrecognised binary data (first bytes {data[:8].hex(' ')})"


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the window is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t\f")
    return printable >= 0.95 * max(len(text), 1)
