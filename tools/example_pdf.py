"""Draw an example invoice as a one-page PDF and attach its CII XML as factur-x.xml.

The drawing is reportlab's (invariant mode, so no dates or random ids); the attachment is added
with pypdfium2's attachment API. Used by make_xml_examples.py.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
from example_writers import s
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from turnout.domain.invoice import Invoice

if TYPE_CHECKING:
    from make_xml_examples import Case


def write_facturx_pdf(case: Case, inv: Invoice, xml: bytes) -> bytes:
    """A one-page invoice drawn with reportlab, with `xml` attached as factur-x.xml."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(f"Facture {case.number}")
    c.setAuthor(case.seller.name)
    width, height = A4
    y = height - 60
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, y, case.seller.name)
    c.setFont("Helvetica", 9)
    for text in (
        f"{case.seller.street}, {case.seller.postcode} {case.seller.city}",
        f"TVA : {case.seller.vat_id}",
    ):
        y -= 13
        c.drawString(50, y, text)
    c.setFont("Helvetica-Bold", 20)
    c.drawRightString(width - 50, height - 60, "FACTURE")
    c.setFont("Helvetica", 10)
    meta = [
        ("N° de facture", case.number),
        ("Date", case.issue.strftime("%d/%m/%Y")),
        ("Échéance", case.due.strftime("%d/%m/%Y")),
        ("Commande", case.order_reference),
        ("Réf. acheteur", case.buyer_reference),
    ]
    my = height - 85
    for label, value in meta:
        c.drawRightString(width - 150, my, label + " :")
        c.drawRightString(width - 50, my, value)
        my -= 14
    y = height - 190
    c.setFont("Helvetica-Bold", 10)
    c.drawString(50, y, "Facturé à")
    c.setFont("Helvetica", 10)
    for text in (
        case.buyer.name,
        case.buyer.street,
        f"{case.buyer.postcode} {case.buyer.city}",
        f"TVA : {case.buyer.vat_id}",
    ):
        y -= 14
        c.drawString(50, y, text)
    y -= 40
    cols = [50, 300, 360, 420, 480, width - 50]
    c.setFont("Helvetica-Bold", 9)
    for x, title in zip(cols[:5], ("Désignation", "Qté", "Unité", "PU HT", "TVA"), strict=True):
        c.drawString(x, y, title)
    c.drawRightString(cols[5], y, "Montant HT")
    c.line(50, y - 4, width - 50, y - 4)
    c.setFont("Helvetica", 9)
    for line in inv.lines:
        y -= 16
        c.drawString(cols[0], y, s(line.name))
        c.drawString(cols[1], y, s(line.quantity))
        c.drawString(cols[2], y, s(line.unit))
        c.drawString(cols[3], y, s(line.net_price))
        c.drawString(cols[4], y, f"{s(line.vat_rate)} %")
        c.drawRightString(cols[5], y, s(line.net_amount))
    for adj in case.adjustments:
        y -= 16
        sign = "" if adj.charge else "-"
        c.drawString(cols[0], y, adj.reason)
        c.drawString(cols[4], y, f"{s(adj.rate)} %")
        c.drawRightString(cols[5], y, f"{sign}{s(adj.amount)}")
    y -= 30
    t = inv.totals
    rows = [
        ("Total HT lignes", t.line_net),
        ("Remises", t.allowances),
        ("Total HT", t.tax_exclusive),
    ]
    rows += [(f"TVA {s(v.rate)} % sur {s(v.taxable)}", v.tax) for v in inv.vat_breakdown]
    rows += [
        ("Total TTC", t.tax_inclusive),
        ("Acompte versé", t.prepaid),
        ("Net à payer (EUR)", t.payable),
    ]
    for label, value in rows:
        if value is None:
            continue
        c.setFont("Helvetica-Bold" if label.startswith("Net") else "Helvetica", 10)
        c.drawRightString(width - 150, y, label)
        c.drawRightString(width - 50, y, s(value))
        y -= 15
    y -= 25
    c.setFont("Helvetica", 9)
    c.drawString(50, y, f"Paiement par virement : IBAN {case.iban}  BIC {case.bic}")
    c.drawString(50, y - 13, case.note)
    c.drawString(
        50,
        40,
        "Facture électronique Factur-X (profil EN 16931) : données XML jointes (factur-x.xml).",
    )
    c.showPage()
    c.save()
    return _attach(buf.getvalue(), "factur-x.xml", xml, case.issue)


def _attach(pdf_bytes: bytes, name: str, data: bytes, issue: dt.date) -> bytes:
    pdf = pdfium.PdfDocument(pdf_bytes)
    attachment = pdf.new_attachment(name)
    attachment.set_data(data)
    # PDFium stamps the attachment with the current time; use the invoice's own date instead.
    attachment.set_str_value("CreationDate", f"D:{issue:%Y%m%d}120000")
    attachment.set_desc("Factur-X invoice data (EN 16931 profile)")
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    # PDFium writes a random second file identifier; repeat the first so reruns are identical.
    saved = out.getvalue()
    fixed = re.sub(
        rb"(/ID\[<([0-9A-Fa-f]+)><)[0-9A-Fa-f]+(>\])", lambda m: m[1] + m[2] + m[3], saved
    )
    assert len(fixed) == len(saved), "the /ID rewrite must keep byte offsets"
    return fixed
