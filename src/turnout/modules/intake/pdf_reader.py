"""What intake needs to know about a PDF, read through pypdfium2 and bounded by the page limit.

`open_pdf` is the one place pypdfium2 opens untrusted bytes: it turns PDFium's load errors into
`InputRejected` with a reason (encrypted, damaged). `read_pdf` checks the page count before any
heavier work (text layer, attachments) so a 10,000-page file costs one call. The document is
opened, read and closed under `PDFIUM_LOCK` (PDFium is not thread-safe).
"""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from turnout.authoring import InputRejected
from turnout.modules.intake.pdf_attachments import EmbeddedXml, find_einvoice_xml
from turnout.modules.pdfium_lock import PDFIUM_LOCK

_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_FILE: "the file could not be read",
    pdfium_c.FPDF_ERR_FORMAT: "it is damaged or truncated (PDFium: data format error)",
    pdfium_c.FPDF_ERR_UNKNOWN: "PDFium could not load it (unknown error)",
}


@dataclass(frozen=True)
class PdfFacts:
    """Page count, text layer and the embedded e-invoice XML of one PDF."""

    pages: int
    text_layer: bool
    embedded: EmbeddedXml | None


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open PDF bytes, or raise `InputRejected` saying why they cannot be opened.

    Call it holding `PDFIUM_LOCK`, and close the document before releasing it.
    """
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = exc.err_code
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise InputRejected(
                "encrypted PDF: it needs a password (or uses an unsupported security handler) "
                "and cannot be read; ask the sender for an unprotected copy"
            ) from exc
        reason = _LOAD_ERRORS.get(code, f"PDFium could not load it ({exc})")
        raise InputRejected(
            f"the PDF cannot be opened: {reason}; ask the sender for the file again"
        ) from exc


def read_pdf(data: bytes, *, max_pages: int, max_xml_bytes: int) -> PdfFacts:
    """Open the PDF, enforce `max_pages`, then find its text layer and embedded e-invoice."""
    with PDFIUM_LOCK:
        pdf = open_pdf(data)
        try:
            pages = len(pdf)
            if pages > max_pages:
                raise InputRejected(
                    f"the PDF has {pages} pages, over the limit of {max_pages}; "
                    "raise the intake.standard setting `max_pages` if such files are expected"
                )
            return PdfFacts(
                pages=pages,
                text_layer=_has_text_layer(pdf),
                embedded=find_einvoice_xml(pdf, max_bytes=max_xml_bytes),
            )
        finally:
            pdf.close()  # closes its pages and text pages too, inside the lock


def _has_text_layer(pdf: pdfium.PdfDocument) -> bool:
    for index in range(len(pdf)):
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                if textpage.count_chars() > 0:
                    return True
            finally:
                textpage.close()
        finally:
            page.close()
    return False
