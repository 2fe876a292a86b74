"""Real PDFs made on the spot for tests: drawn with reportlab, attachments added with pypdfium2."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas


def make_pdf(
    pages: int = 1, *, text: str = "Invoice 4711", user_password: str | None = None
) -> bytes:
    """A PDF of `pages` pages, each with `text` (empty `text`: no text layer), maybe encrypted."""
    buf = io.BytesIO()
    encrypt = (
        pdfencrypt.StandardEncryption(user_password, ownerPassword="owner-secret")
        if user_password is not None
        else None
    )
    c = canvas.Canvas(buf, invariant=1, encrypt=encrypt)
    for page in range(pages):
        if text:
            c.drawString(72, 720, f"{text} - page {page + 1}")
        else:
            c.rect(72, 600, 200, 100, fill=1)  # a drawing, no characters
        c.showPage()
    c.save()
    return buf.getvalue()


def with_attachments(pdf_bytes: bytes, attachments: dict[str, bytes]) -> bytes:
    """The PDF with each (name, data) embedded as a file attachment, in the order given."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        for name, data in attachments.items():
            pdf.new_attachment(name).set_data(data)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
    finally:
        pdf.close()
