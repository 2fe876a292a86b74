"""Find the e-invoice XML embedded in a hybrid PDF (Factur-X, ZUGFeRD, XRechnung) by any name.

Attachments with one of the names the standards use are tried first; any other attachment that
starts like XML is recognised by content (its root is an invoice `einvoice.syntax` knows). The
first one whose root is UBL or CII D16B wins. A ZUGFeRD 1.0 XML (`CrossIndustryDocument`) is
taken only when the PDF carries no UBL or CII D16B one: a PDF made for both ZUGFeRD 1 and
ZUGFeRD 2 / Factur-X is read from the newer XML.

An attachment with a standard e-invoice name that is too large, carries a DTD or is not
well-formed makes the whole file rejected: the sender declared it the invoice, and it is unusable
or hostile. Other attachments that are not usable XML are simply not e-invoices and are ignored.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from turnout.authoring import InputRejected
from turnout.modules.einvoice.syntax import identify
from turnout.modules.intake.sniff import looks_like_xml
from turnout.modules.xmlsafe import parse_xml

STANDARD_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml")


@dataclass(frozen=True)
class EmbeddedXml:
    """The e-invoice XML found in a PDF and the attachment's name."""

    name: str
    data: bytes


def find_einvoice_xml(pdf: pdfium.PdfDocument, *, max_bytes: int) -> EmbeddedXml | None:
    """The first UBL or CII attachment, standard names first; else the first ZUGFeRD 1 one.

    Call it holding `turnout.modules.pdfium_lock.PDFIUM_LOCK`, like every use of `pdf`.
    """
    attachments = [pdf.get_attachment(i) for i in range(pdf.count_attachments())]
    named = [(_name(a), a) for a in attachments]
    named.sort(key=lambda item: not _is_standard(item[0]))  # stable: keeps document order
    fallback: EmbeddedXml | None = None
    for name, attachment in named:
        standard = _is_standard(name)
        data = _data(attachment, name, max_bytes, strict=standard)
        if data is None or not looks_like_xml(data):
            continue
        what = f"the embedded attachment `{name}`"
        if standard:
            root = parse_xml(data, max_bytes=max_bytes, what=what)
        else:
            try:
                root = parse_xml(data, max_bytes=max_bytes, what=what)
            except InputRejected:
                continue  # an unrelated attachment that happens to be bad XML
        syntax = identify(root)
        if syntax is None:
            continue
        if syntax.preferred:
            return EmbeddedXml(name, data)
        if fallback is None:
            fallback = EmbeddedXml(name, data)
    return fallback


def _is_standard(name: str) -> bool:
    return name.casefold() in STANDARD_NAMES


def _name(attachment: pdfium.PdfAttachment) -> str:
    try:
        return str(attachment.get_name())
    except pdfium.PdfiumError:
        return ""


def _data(
    attachment: pdfium.PdfAttachment, name: str, max_bytes: int, *, strict: bool
) -> bytes | None:
    # Ask for the size first so an oversized attachment is never copied into Python.
    size = ctypes.c_ulong()
    if not pdfium_c.FPDFAttachment_GetFile(attachment, None, 0, size) or size.value == 0:
        return None
    if size.value > max_bytes:
        if strict:
            raise InputRejected(
                f"the embedded attachment `{name}` is {size.value:,} bytes, over the limit of "
                f"{max_bytes:,}; raise the intake.standard setting `max_bytes` if this is expected"
            )
        return None
    try:
        return bytes(attachment.get_data())
    except pdfium.PdfiumError as exc:
        if strict:
            raise InputRejected(
                f"the embedded attachment `{name}` cannot be read ({exc}); "
                "ask the sender for the file again"
            ) from exc
        return None
