"""Distinct invoice PDFs of our own making, for runs of many PDFs at once (tests and benchmarks).

Each invoice has its own number, dates, lines and totals (so duplicate detection lets it through),
in one of two layouts and languages (English, German); every third has a second page of terms,
and every tenth is a Factur-X hybrid carrying the bundled CII invoice under its own number. The
PDFs are drawn with reportlab's invariant mode, so the same index always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from support.pdfs import with_attachments

_CENT = Decimal("0.01")
_SELLERS = (
    ("Acme Robotics, Inc.", "en"),
    ("Müller Feinmechanik GmbH", "de"),
    ("Northwind Parts Ltd", "en"),
    ("Schmidt Werkzeugbau KG", "de"),
)


def invoice_pdf(index: int) -> bytes:
    """Invoice number `index`: a text PDF (every tenth a Factur-X hybrid), the same bytes each time."""
    seller, language = _SELLERS[index % len(_SELLERS)]
    issued = dt.date(2024, 1, 1) + dt.timedelta(days=index % 300)
    lines = [
        (
            f"Item {chr(65 + (index + k) % 26)}-{index % 97:02d}",
            1 + (index + k) % 7,
            _price(index, k),
        )
        for k in range(1 + index % 4)
    ]
    net = sum((qty * price for _, qty, price in lines), Decimal(0)).quantize(_CENT)
    vat = (net * Decimal("0.19")).quantize(_CENT)
    number = f"INV-{2024}-{index:05d}"
    buf = io.BytesIO()
    canvas = Canvas(buf, invariant=1)
    text = canvas.beginText(60, 780)
    german = language == "de"
    head = [
        seller,
        "Hauptstrasse 1, 70565 Stuttgart" if german else "1200 Innovation Way, Boston, MA 02110",
        "",
        "Rechnung" if german else "INVOICE",
        f"{'Rechnungsnummer' if german else 'Invoice number'}: {number}",
        f"{'Rechnungsdatum' if german else 'Invoice date'}: "
        + (issued.strftime("%d.%m.%Y") if german else issued.isoformat()),
        "",
    ]
    body = [
        f"{name}   {qty}   {_money(price, german)}   {_money(qty * price, german)}"
        for name, qty, price in lines
    ]
    foot = [
        "",
        f"{'Nettobetrag' if german else 'Subtotal'}: {_money(net, german)}",
        f"{'USt 19 %' if german else 'VAT 19%'}: {_money(vat, german)}",
        f"{'Gesamtbetrag' if german else 'Total due'}: {_money(net + vat, german)} EUR",
    ]
    for line in head + body + foot:
        text.textLine(line)
    canvas.drawText(text)
    canvas.showPage()
    if index % 3 == 2:
        canvas.drawString(60, 780, f"{number}: payment within 30 days, no deduction.")
        canvas.showPage()
    canvas.save()
    pdf = buf.getvalue()
    if index % 10 == 9:
        return with_attachments(pdf, {"factur-x.xml": _cii_xml(number)})
    return pdf


def write_invoice_pdfs(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    """Write invoices `start` .. `start + count - 1` as `invoice-NNNNN.pdf` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(start, start + count):
        path = folder / f"invoice-{index:05d}.pdf"
        path.write_bytes(invoice_pdf(index))
        paths.append(path)
    return paths


def _price(index: int, k: int) -> Decimal:
    return (Decimal(10 + (index * 7 + k * 13) % 900) + Decimal((index + k) % 100) / 100).quantize(
        _CENT
    )


def _money(amount: Decimal, german: bool) -> str:
    text = f"{amount.quantize(_CENT):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") if german else text


def _cii_xml(number: str) -> bytes:
    cii = files("turnout") / "examples" / "cii-invoice.xml"
    return cii.read_bytes().replace(b"AVR-24-00317", number.encode())
