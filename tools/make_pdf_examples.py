"""Write the bundled text-PDF example invoices and their expected values.

Three one-page invoices of our own making, in three layouts and languages, go to
src/turnout/examples/ with a `<name>.expected.json` next to each holding the canonical values the
generator used (dotted paths as in the `fields` artifact; amounts as decimal strings, ISO dates).
Amounts add up; VAT numbers and IBANs carry valid check digits computed here with python-stdnum
and schwifty. The PDFs are written with reportlab's invariant mode, so reruns give the same bytes.

    .venv/bin/python tools/make_pdf_examples.py
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle
from schwifty import IBAN
from stdnum import luhn
from stdnum.iso7064 import mod_11_10

from turnout.domain.invoice import Invoice, InvoiceLine, Party, Payment, Totals, VatBreakdown

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "turnout" / "examples"
CENT = Decimal("0.01")
# the printed units as UN/ECE Recommendation 20 codes (BT-130)
UNIT_CODES = {
    "pcs": "H87",
    "Stk": "H87",
    "h": "HUR",
    "Std": "HUR",
    "jour": "DAY",
    "psch": "C62",
    "forfait": "C62",
}


def german_vat_id(serial: str) -> str:
    """`DE` + 8 digits + the ISO 7064 mod 11,10 check digit."""
    return "DE" + serial + mod_11_10.calc_check_digit(serial)


def french_vat_id(siren_base: str) -> str:
    """`FR` + the two-digit key + a SIREN whose last digit is its Luhn check digit."""
    siren = siren_base + luhn.calc_check_digit(siren_base)
    key = int(siren + "12") % 97
    return f"FR{key:02d}{siren}"


@dataclass
class Line:
    name: str
    quantity: Decimal
    unit: str
    price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.price).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Example:
    name: str
    invoice_number: str
    issue_date: dt.date
    due_date: dt.date
    currency: str
    seller: str
    buyer: str
    tax_rate: Decimal  # percent
    lines: list[Line]
    order_reference: str | None = None
    seller_vat_id: str | None = None
    buyer_vat_id: str | None = None
    seller_country: str | None = None
    buyer_country: str | None = None
    iban: IBAN | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def tax(self) -> Decimal:
        return (self.net * self.tax_rate / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return self.net + self.tax

    def expected(self) -> dict[str, Any]:
        """The canonical invoice (its JSON form) this example prints."""
        vat = self.seller_vat_id is not None  # the US example charges sales tax, not VAT
        invoice = Invoice(
            invoice_number=self.invoice_number,
            issue_date=self.issue_date,
            type_code="380",
            currency=self.currency,
            due_date=self.due_date,
            order_reference=self.order_reference,
            seller=Party(self.seller, self.seller_vat_id, self.seller_country),
            buyer=Party(self.buyer, self.buyer_vat_id, self.buyer_country),
            payment=Payment(
                self.iban.compact if self.iban else None,
                str(self.iban.bic) if self.iban and self.iban.bic else None,
            ),
            totals=Totals(
                line_net=self.net,
                tax_exclusive=self.net,
                tax=self.tax,
                tax_inclusive=self.total,
                payable=self.total,
            ),
            vat_breakdown=([VatBreakdown("S", self.tax_rate, self.net, self.tax)] if vat else []),
            lines=[
                InvoiceLine(
                    id=str(number),
                    name=line.name,
                    quantity=line.quantity,
                    unit=UNIT_CODES[line.unit],
                    net_price=line.price,
                    net_amount=line.amount,
                    vat_category="S" if vat else None,
                    vat_rate=self.tax_rate if vat else None,
                )
                for number, line in enumerate(self.lines, start=1)
            ],
        )
        data = invoice.to_dict()
        del data["provenance"]
        return data


def us_money(value: Decimal) -> str:
    return f"{value:,.2f}"


def de_money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def fr_money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def table(
    canvas: Canvas,
    rows: Sequence[Sequence[str]],
    widths: list[float],
    x: float,
    y: float,
    style: list[tuple[object, ...]],
) -> float:
    """Draw a table whose top-left corner is (x, y); return the y of its bottom."""
    t = Table([list(r) for r in rows], colWidths=widths)
    t.setStyle(TableStyle(style))
    _, height = t.wrapOn(canvas, sum(widths), 600)
    t.drawOn(canvas, x, y - height)
    return y - height


def acme_en() -> Example:
    return Example(
        name="invoice-acme-en",
        invoice_number="ACM-24-0173",
        issue_date=dt.date(2024, 3, 12),
        due_date=dt.date(2024, 4, 26),
        currency="USD",
        seller="Acme Robotics, Inc.",
        seller_country="US",
        buyer="Northwind Traders LLC",
        buyer_country="US",
        order_reference="PO-55102",
        tax_rate=Decimal("6.25"),
        lines=[
            Line("RX-200 Servo Controller", Decimal(4), "pcs", Decimal("1249.00")),
            Line("On-site calibration service", Decimal(6), "h", Decimal("145.00")),
            Line("Extended warranty, 24 months", Decimal(1), "pcs", Decimal("1500.00")),
        ],
    )


def draw_acme(ex: Example, path: Path) -> None:
    c = Canvas(str(path), pagesize=LETTER, invariant=1)
    width, height = LETTER
    c.setFont("Helvetica-Bold", 20)
    c.drawString(50, height - 60, ex.seller)
    c.setFont("Helvetica", 10)
    for i, text in enumerate(
        (
            "1200 Innovation Way",
            "Boston, MA 02110",
            "United States",
            "billing@acme-robotics.example",
        )
    ):
        c.drawString(50, height - 80 - 13 * i, text)
    c.setFont("Helvetica-Bold", 28)
    c.setFillColor(colors.HexColor("#1F4E79"))
    c.drawRightString(width - 50, height - 62, "INVOICE")
    c.setFillColor(colors.black)
    header = ["INVOICE #", "DATE", "DUE DATE", "PO NUMBER"]
    values = [ex.invoice_number, "March 12, 2024", "04/26/2024", ex.order_reference or ""]
    table(
        c,
        [header, values],
        [95, 95, 95, 95],
        width - 430,
        height - 150,
        [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
            ("FONT", (0, 1), (-1, 1), "Helvetica", 10),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
            ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
        ],
    )
    c.setFont("Helvetica-Bold", 10)
    c.drawString(50, height - 220, "BILL TO")
    c.drawString(300, height - 220, "SHIP TO")
    c.setFont("Helvetica", 10)
    for i, text in enumerate(
        (ex.buyer, "Attn: Accounts Payable", "88 Harbor Street", "Seattle, WA 98101")
    ):
        c.drawString(50, height - 235 - 13 * i, text)
    for i, text in enumerate(
        ("Northwind Traders - Warehouse 3", "4100 Industrial Ave", "Tacoma, WA 98421")
    ):
        c.drawString(300, height - 235 - 13 * i, text)
    rows = [["DESCRIPTION", "QTY", "UNIT PRICE", "AMOUNT"]] + [
        [line.name, str(line.quantity), us_money(line.price), us_money(line.amount)]
        for line in ex.lines
    ]
    bottom = table(
        c,
        rows,
        [270, 50, 95, 95],
        50,
        height - 310,
        [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
            ("FONT", (0, 1), (-1, -1), "Helvetica", 10),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, 0), 1, colors.HexColor("#1F4E79")),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F2F2F2")]),
        ],
    )
    totals = [
        ["Subtotal", us_money(ex.net)],
        [f"Sales Tax ({ex.tax_rate}%)", us_money(ex.tax)],
        ["Total Due (USD)", "$" + us_money(ex.total)],
    ]
    table(
        c,
        totals,
        [130, 95],
        width - 50 - 225,
        bottom - 15,
        [
            ("FONT", (0, 0), (-1, -2), "Helvetica", 10),
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 11),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
        ],
    )
    c.setFont("Helvetica", 9)
    for i, text in enumerate(
        (
            "Payment terms: Net 45. Please include the invoice number with your payment.",
            "Wire transfer: First Harbor Bank, ABA routing 011000138, account 4455667788",
            "EIN: 04-2871593    Questions? billing@acme-robotics.example",
        )
    ):
        c.drawString(50, 110 - 13 * i, text)
    c.drawCentredString(width / 2, 40, "Thank you for your business!")
    c.save()


def mueller_de() -> Example:
    iban = IBAN.generate("DE", bank_code="60040071", account_code="0524471800")
    return Example(
        name="rechnung-mueller-de",
        invoice_number="RE-2024-0815",
        issue_date=dt.date(2024, 3, 5),
        due_date=dt.date(2024, 4, 4),
        currency="EUR",
        seller="Müller Feinmechanik GmbH",
        seller_vat_id=german_vat_id("81365427"),
        seller_country="DE",
        buyer="Schmidt Logistik AG",
        buyer_country="DE",
        buyer_vat_id=german_vat_id("27483916"),
        order_reference="4500012345",
        tax_rate=Decimal(19),
        iban=iban,
        lines=[
            Line("Präzisionsdrehteil Ø 12 mm, Edelstahl", Decimal(250), "Stk", Decimal("3.40")),
            Line("CNC-Fräsarbeiten nach Zeichnung 7741-B", Decimal(6), "Std", Decimal("78.50")),
            Line("Oberflächenbehandlung, eloxiert", Decimal(250), "Stk", Decimal("0.85")),
            Line("Verpackung und Versand", Decimal(1), "psch", Decimal("45.00")),
        ],
    )


def draw_mueller(ex: Example, path: Path) -> None:
    assert ex.iban is not None
    c = Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    c.setFont("Helvetica-Bold", 16)
    c.drawRightString(width - 50, height - 55, ex.seller)
    c.setFont("Helvetica", 9)
    for i, text in enumerate(
        (
            "Industriestraße 12",
            "70565 Stuttgart",
            "Tel. +49 711 4589 300",
            "info@mueller-feinmechanik.example",
        )
    ):
        c.drawRightString(width - 50, height - 70 - 11 * i, text)
    c.setFont("Helvetica", 7)
    c.drawString(
        60, height - 140, "Müller Feinmechanik GmbH · Industriestraße 12 · 70565 Stuttgart"
    )
    c.setFont("Helvetica", 10)
    for i, text in enumerate(
        (ex.buyer, "Einkauf / Kreditorenbuchhaltung", "Hafenstraße 5", "20457 Hamburg")
    ):
        c.drawString(60, height - 160 - 13 * i, text)
    info = [
        ("Rechnungsnummer:", ex.invoice_number),
        ("Rechnungsdatum:", "05.03.2024"),
        ("Lieferdatum:", "01.03.2024"),
        ("Kundennummer:", "K-10442"),
        ("Ihre Bestellung:", ex.order_reference or ""),
        ("Ihre USt-IdNr.:", ex.buyer_vat_id or ""),
    ]
    c.setFont("Helvetica", 9)
    for i, (label, value) in enumerate(info):
        c.drawString(width - 250, height - 150 - 13 * i, label)
        c.drawString(width - 160, height - 150 - 13 * i, value)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, height - 260, "Rechnung")
    c.setFont("Helvetica", 10)
    c.drawString(60, height - 280, "Sehr geehrte Damen und Herren,")
    c.drawString(60, height - 293, "wir berechnen Ihnen für unsere Lieferung und Leistung:")
    rows = [["Pos.", "Menge", "Einheit", "Bezeichnung", "Einzelpreis €", "Gesamt €"]] + [
        [
            str(i),
            str(line.quantity),
            line.unit,
            line.name,
            de_money(line.price),
            de_money(line.amount),
        ]
        for i, line in enumerate(ex.lines, start=1)
    ]
    bottom = table(
        c,
        rows,
        [30, 40, 45, 215, 75, 70],
        60,
        height - 310,
        [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
            ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
            ("ALIGN", (0, 0), (1, -1), "RIGHT"),
            ("ALIGN", (4, 0), (-1, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.black),
        ],
    )
    totals = [
        ["Nettobetrag", de_money(ex.net) + " €"],
        [f"zzgl. {ex.tax_rate} % USt", de_money(ex.tax) + " €"],
        ["Gesamtbetrag", de_money(ex.total) + " €"],
    ]
    bottom = table(
        c,
        totals,
        [120, 90],
        width - 60 - 210,
        bottom - 10,
        [
            ("FONT", (0, 0), (-1, -2), "Helvetica", 10),
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 10),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ],
    )
    c.setFont("Helvetica", 10)
    c.drawString(60, bottom - 30, "Zahlbar bis 04.04.2024 ohne Abzug.")
    c.drawString(60, bottom - 43, "Vielen Dank für Ihren Auftrag!")
    c.setFont("Helvetica", 7.5)
    columns = (
        (ex.seller, "Industriestraße 12", "70565 Stuttgart", "Geschäftsführer: Hans Müller"),
        (
            "Amtsgericht Stuttgart HRB 724411",
            f"USt-IdNr.: {ex.seller_vat_id}",
            "Steuernummer: 99015/12345",
        ),
        ("Commerzbank Stuttgart", f"IBAN: {ex.iban.formatted}", f"BIC: {ex.iban.bic}"),
    )
    c.line(60, 95, width - 60, 95)
    for col, texts in enumerate(columns):
        for i, text in enumerate(texts):
            c.drawString(60 + 170 * col, 83 - 10 * i, text)
    c.save()


def dupont_fr() -> Example:
    iban = IBAN.generate("FR", bank_code="30004", branch_code="01925", account_code="00012345678")
    return Example(
        name="facture-dupont-fr",
        invoice_number="F2024-0042",
        issue_date=dt.date(2024, 3, 12),
        due_date=dt.date(2024, 4, 11),
        currency="EUR",
        seller="Dupont & Fils SARL",
        seller_vat_id=french_vat_id("48291736"),
        seller_country="FR",
        buyer="Boulangerie Martin SAS",
        buyer_country="FR",
        buyer_vat_id=french_vat_id("51723904"),
        tax_rate=Decimal(20),
        iban=iban,
        lines=[
            Line("Conseil en stratégie digitale", Decimal(5), "jour", Decimal("850.00")),
            Line("Atelier de formation des équipes", Decimal(2), "jour", Decimal("1200.00")),
            Line("Frais de déplacement Lyon - Annecy", Decimal(1), "forfait", Decimal("312.40")),
        ],
    )


def draw_dupont(ex: Example, path: Path) -> None:
    assert ex.iban is not None
    c = Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    c.setFillColor(colors.HexColor("#7B2C3B"))
    c.rect(0, height - 90, width, 90, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(50, height - 45, ex.seller.upper())
    c.setFont("Helvetica", 9)
    c.drawString(50, height - 62, "14 rue de la République · 69002 Lyon · France")
    c.setFont("Helvetica-Bold", 26)
    c.drawRightString(width - 50, height - 55, "FACTURE")
    c.setFillColor(colors.black)
    c.setFont("Helvetica", 10)
    for i, text in enumerate(
        (f"Facture n° {ex.invoice_number}", "Date : 12 mars 2024", "Échéance : 11 avril 2024")
    ):
        c.drawString(50, height - 125 - 14 * i, text)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(320, height - 125, "Client :")
    c.setFont("Helvetica", 10)
    for i, text in enumerate(
        (ex.buyer, "3 place des Halles", "74000 Annecy", f"N° TVA intracom. : {ex.buyer_vat_id}")
    ):
        c.drawString(320, height - 140 - 13 * i, text)
    rows = [["Désignation", "Qté", "Unité", "Prix unitaire HT", "Montant HT"]] + [
        [
            line.name,
            str(line.quantity),
            line.unit,
            fr_money(line.price) + " €",
            fr_money(line.amount) + " €",
        ]
        for line in ex.lines
    ]
    bottom = table(
        c,
        rows,
        [210, 35, 55, 95, 95],
        50,
        height - 230,
        [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
            ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3E5E8")),
        ],
    )
    totals = [
        ["Total HT", fr_money(ex.net) + " €"],
        [f"TVA {ex.tax_rate} %", fr_money(ex.tax) + " €"],
        ["Total TTC", fr_money(ex.total) + " €"],
    ]
    bottom = table(
        c,
        totals,
        [100, 95],
        width - 50 - 195,
        bottom - 15,
        [
            ("FONT", (0, 0), (-1, -2), "Helvetica", 10),
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 11),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
            ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F3E5E8")),
        ],
    )
    c.setFont("Helvetica", 9)
    for i, text in enumerate(
        (
            "Conditions de paiement : 30 jours à réception de facture, par virement bancaire.",
            "Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité forfaitaire "
            "pour frais de recouvrement : 40 €.",
            f"IBAN : {ex.iban.formatted}    BIC : {ex.iban.bic}",
        )
    ):
        c.drawString(50, bottom - 40 - 13 * i, text)
    c.setFont("Helvetica", 7.5)
    siren = (ex.seller_vat_id or "")[4:]
    c.drawCentredString(
        width / 2,
        40,
        f"{ex.seller} au capital de 20 000 € \u2013 RCS Lyon {siren} \u2013 N° TVA : {ex.seller_vat_id}",
    )
    c.save()


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for make, draw in ((acme_en, draw_acme), (mueller_de, draw_mueller), (dupont_fr, draw_dupont)):
        example = make()
        pdf = EXAMPLES / f"{example.name}.pdf"
        draw(example, pdf)
        expected = EXAMPLES / f"{example.name}.expected.json"
        expected.write_text(
            json.dumps(example.expected(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {pdf.relative_to(EXAMPLES.parents[2])} and {expected.name}")


if __name__ == "__main__":
    main()
