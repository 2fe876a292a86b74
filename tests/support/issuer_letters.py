"""Plain one-page invoices of small issuers that print no VAT id and no IBAN: the issuer is
known by its name alone. `letter(issuer, n)` is invoice `n` of `issuer`: its letterhead, labels
and footer the same every time, its number, date and amounts its own."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Letterhead:
    name: str  # as printed at the top
    lines: tuple[str, ...]  # its address and contacts
    buyer: tuple[str, ...]
    title: str
    number_label: str
    date_label: str
    total_label: str
    footer: tuple[str, ...]
    prefix: str
    seed: int


MOLEN = Letterhead(
    "De Molen",
    ("Dorpsstraat 12", "3500 AB Utrecht", "Telefoon 030 123 45 67", "info@demolen.example"),
    ("Hotel Zonneveld", "Stationsweg 4", "3600 CD Maarssen"),
    "FACTUUR",
    "Factuurnummer",
    "Factuurdatum",
    "Totaal te betalen",
    (
        "Betaling binnen veertien dagen na factuurdatum graag contant of per overschrijving.",
        "Bij vragen over deze factuur kunt u ons bellen tijdens openingstijden.",
        "Onze leveringsvoorwaarden liggen ter inzage in de winkel.",
    ),
    "DM",
    11,
)
# another issuer of the same name, in another town, with a letter of its own
MOLEN_ELSEWHERE = Letterhead(
    "De Molen",
    ("Kerkplein 3", "9711 XX Groningen", "Tel. 050 765 43 21", "www.molen-groningen.example"),
    ("Hotel Zonneveld", "Stationsweg 4", "3600 CD Maarssen"),
    "Rekening",
    "Rekening nr.",
    "Datum",
    "Totaal",
    (
        "Wij verzoeken u vriendelijk het bedrag over te maken onder vermelding van het nummer.",
        "Klachten schriftelijk melden binnen acht dagen.",
    ),
    "G",
    12,
)
_ITEMS = ("Volkoren brood", "Krentenbollen", "Appeltaart", "Roggebrood", "Croissants", "Koffie")


def letter(issuer: Letterhead, n: int) -> tuple[bytes, dict[str, str]]:
    """Invoice `n` of `issuer` as PDF bytes and the values it prints."""
    rng = random.Random(issuer.seed * 100 + n)
    number = f"{issuer.prefix}-{2026}-{rng.randint(100, 999)}{n}"
    date = f"{rng.randint(10, 28)}-0{rng.randint(1, 9)}-2026"
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    height = A4[1]
    wide = issuer is MOLEN
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(50 if wide else 330, height - 60, issuer.name)
    canvas.setFont("Helvetica", 9)
    for i, line in enumerate(issuer.lines):
        canvas.drawString(50 if wide else 330, height - 80 - 12 * i, line)
    for i, line in enumerate(issuer.buyer):
        canvas.drawString(330 if wide else 50, height - 160 - 12 * i, line)
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(50, height - 240, issuer.title)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(50, height - 270, f"{issuer.number_label}: {number}")
    canvas.drawString(50, height - 285, f"{issuer.date_label}: {date}")
    y, total = height - 330, 0
    for i in range(rng.randint(2, 4)):
        cents = rng.randint(150, 4000)
        total += cents
        canvas.drawString(50, y, _ITEMS[(n + i) % len(_ITEMS)])
        canvas.drawRightString(500, y, f"{cents // 100},{cents % 100:02d}")
        y -= 15
    amount = f"{total // 100},{total % 100:02d}"
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(300, y - 20, issuer.total_label)
    canvas.drawRightString(500, y - 20, f"EUR {amount}")
    canvas.setFont("Helvetica", 8)
    for i, line in enumerate(issuer.footer):
        canvas.drawString(50, 80 - 11 * i, line)
    canvas.showPage()
    canvas.save()
    return buf.getvalue(), {"invoice_number": number, "issue_date": date, "payable": amount}
