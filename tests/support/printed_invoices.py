"""Printed invoices of our own making in six languages, each with the truth it was drawn from.

`printed_invoice(seed)` draws a text PDF with reportlab (invariant mode: the same seed
and arguments always give the same bytes) and returns it with its ground truth, a dict in the
canonical invoice's shape (`Invoice.to_dict()`: decimals as strings, ISO dates) holding what the
page states. What varies, from the seed:

- language (de, en, fr, it, es, nl): labels, decimal comma or point, date forms, units;
- layout: `blocks` (seller and buyer blocks with headings side by side, a label-value grid),
  `window` (DIN 5008-style: seller in the letterhead and footer, a small sender line above the
  buyer's address in the window, an info block beside it), `title` (the window layout with a
  title line "Rechnung Nr. 4711 vom 05.03.2024" instead of the info block) and `row` (a header
  row "Invoice No. | Date | Due date | Customer No." over a row of values);
- a line-item table (position, description wrapped over two lines when long, quantity, unit,
  unit price, VAT rate, net amount) with one or two VAT rates and the VAT breakdown under it;
  now and then (always with `long_table=True`) a table of 32-40 lines that runs over to a second
  page: its running total ("Übertrag", "Carried forward", "Report" ...) at the foot of the first
  page and the head of the second, below the column headings repeated;
- an optional document discount and charge, an optional prepaid amount, a printed due date or
  none; currency EUR, CHF, GBP or USD by symbol or by code;
- the seller's VAT id (a valid checksum, from python-stdnum) and IBAN (valid check digits) and
  BIC in the footer;
- each label taken from the several a language uses ("Rechnungsnummer", "Rechnungs-Nr.",
  "Rechnung Nr."; "Amount due", "Balance due", "Total due" ...), and what a reader must not take
  for the invoice's own values: an order number, a delivery date, a customer number, a phone
  number, a business buyer's VAT id in its block (blocks and row layouts), the buyer's block on
  the left.

`scan_of(pdf)` turns one into a 200 dpi greyscale image-only PDF, as a scanner would.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from stdnum import get_cc_module, luhn

from turnout.testing.scans import as_scan

LANGUAGES = ("de", "en", "fr", "it", "es", "nl")
LAYOUTS = ("blocks", "window", "title", "row")
CURRENCIES = ("EUR", "CHF", "GBP", "USD")

_CENT = Decimal("0.01")
_WIDTH, _HEIGHT = A4
_LEFT, _RIGHT = 56.0, _WIDTH - 50.0
_BOTTOM = 110.0  # nothing but the footer below this
# the line-item table: left edges of position, description and unit, right edges of the numbers
_X_POS, _X_DESC, _X_QTY, _X_UNIT, _X_PRICE, _X_VAT, _X_NET = (
    _LEFT,
    _LEFT + 28,
    318.0,
    326.0,
    425.0,
    470.0,
    _RIGHT,
)


@dataclass(frozen=True)
class Labels:
    """What one language prints, and how it writes numbers and dates."""

    country: str
    decimal: str
    thousands: str
    title: str
    number: tuple[str, ...]  # a label's alternatives: each invoice prints one of them
    date: tuple[str, ...]
    due: tuple[str, ...]
    order: str
    delivery: str
    phone: str
    customer: str
    seller: str
    buyer: str
    title_line: str  # "{title} {number_word} {number} {of} {date}"
    columns: tuple[
        str, str, str, str, str, str, str
    ]  # pos, description, qty, unit, price, vat, net
    line_net: str
    discount: str
    charge: str
    tax_exclusive: str
    vat_line: str  # "{rate}" and "{base}" filled in
    tax_total: str
    tax_inclusive: tuple[str, ...]
    prepaid: str
    payable: tuple[str, ...]
    vat_id: str
    terms_due: str  # "{due}" filled in
    terms_now: str
    page: str  # "{page}" and "{pages}" filled in
    carried: str  # the running total a table carries over to the next page
    units: tuple[str, ...]
    items: tuple[str, ...]
    long_items: tuple[str, ...]
    sellers: tuple[str, ...]
    buyers: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    rates: tuple[Decimal, Decimal]
    months: tuple[str, ...]


LABELS: dict[str, Labels] = {
    "de": Labels(
        country="DE",
        decimal=",",
        thousands=".",
        title="Rechnung",
        number=("Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr."),
        date=("Rechnungsdatum", "Datum"),
        due=("Fällig am", "Zahlbar bis", "Fälligkeitsdatum"),
        order="Bestellnummer",
        delivery="Lieferdatum",
        phone="Tel.",
        customer="Kundennummer",
        seller="Rechnungssteller",
        buyer="Rechnungsempfänger",
        title_line="Rechnung Nr. {number} vom {date}",
        columns=("Pos.", "Bezeichnung", "Menge", "Einheit", "Einzelpreis", "USt.", "Gesamt"),
        line_net="Summe Positionen",
        discount="Rabatt",
        charge="Versandkosten",
        tax_exclusive="Nettobetrag",
        vat_line="zzgl. {rate} USt. auf {base}",
        tax_total="Umsatzsteuer gesamt",
        tax_inclusive=("Rechnungsbetrag", "Gesamtbetrag", "Bruttobetrag"),
        prepaid="Anzahlung",
        payable=("Zahlbetrag", "Zu zahlen", "Offener Betrag"),
        vat_id="USt-IdNr.",
        terms_due="Zahlbar ohne Abzug bis {due}.",
        terms_now="Zahlbar sofort ohne Abzug.",
        page="Seite {page} von {pages}",
        carried="Übertrag",
        units=("Stk", "Std", "kg", "m"),
        items=("Montagearbeiten", "Schrauben M8", "Wartungspauschale", "Kabelkanal"),
        long_items=(
            "Hydraulikpumpe HP-200 inklusive Anschlussset und Dichtungen",
            "Schulung der Mitarbeiter vor Ort zur Bedienung der Anlage",
        ),
        sellers=("Müller Feinmechanik GmbH", "Schneider & Sohn KG", "Brandt Elektrotechnik AG"),
        buyers=("Bäckerei Hoffmann GmbH", "Stadtwerke Lindau", "Kühn Logistik GmbH & Co. KG"),
        streets=("Hauptstraße 12", "Industriestraße 4a", "Am Markt 7"),
        cities=("70565 Stuttgart", "28195 Bremen", "80331 München"),
        rates=(Decimal("19"), Decimal("7")),
        months=(
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ),
    ),
    "en": Labels(
        country="GB",
        decimal=".",
        thousands=",",
        title="INVOICE",
        number=("Invoice No.", "Invoice number", "Invoice #"),
        date=("Invoice date", "Date", "Date of issue"),
        due=("Due date", "Payment due", "Due"),
        order="Order No.",
        delivery="Delivery date",
        phone="Tel",
        customer="Customer No.",
        seller="From",
        buyer="Bill to",
        title_line="Invoice No. {number} dated {date}",
        columns=("#", "Description", "Qty", "Unit", "Unit price", "VAT", "Amount"),
        line_net="Subtotal",
        discount="Discount",
        charge="Delivery",
        tax_exclusive="Total net",
        vat_line="VAT {rate} on {base}",
        tax_total="Total VAT",
        tax_inclusive=("Total", "Invoice total", "Total incl. VAT"),
        prepaid="Paid in advance",
        payable=("Amount due", "Balance due", "Total due"),
        vat_id="VAT Reg. No.",
        terms_due="Please pay by {due}.",
        terms_now="Payment due on receipt.",
        page="Page {page} of {pages}",
        carried="Carried forward",
        units=("pcs", "hrs", "kg", "box"),
        items=("Consulting", "Steel brackets", "Support plan", "Cable ties"),
        long_items=(
            "Replacement compressor unit with mounting kit and gaskets",
            "On-site training for operators of the packaging line",
        ),
        sellers=("Northwind Parts Ltd", "Harbour Lane Supplies Ltd", "Kestrel Engineering plc"),
        buyers=("Riverside Bakery Ltd", "Oakfield Council", "Bluebell Logistics Ltd"),
        streets=("12 High Street", "4 Mill Lane", "77 Station Road"),
        cities=("Leeds LS1 4AP", "Bristol BS1 5TR", "York YO1 7HH"),
        rates=(Decimal("20"), Decimal("5")),
        months=(
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
    ),
    "fr": Labels(
        country="FR",
        decimal=",",
        thousands=" ",
        title="FACTURE",
        number=("N° de facture", "Facture n°", "Numéro de facture"),
        date=("Date de facture", "Date", "Date d'émission"),
        due=("Date d'échéance", "Échéance"),
        order="N° de commande",
        delivery="Date de livraison",
        phone="Tél.",
        customer="N° client",
        seller="Émetteur",
        buyer="Destinataire",
        title_line="Facture n° {number} du {date}",
        columns=("Réf.", "Désignation", "Qté", "Unité", "Prix unit. HT", "TVA", "Montant HT"),
        line_net="Total HT brut",
        discount="Remise",
        charge="Frais de port",
        tax_exclusive="Total HT",
        vat_line="TVA {rate} sur {base}",
        tax_total="Total TVA",
        tax_inclusive=("Total TTC", "Montant TTC"),
        prepaid="Acompte versé",
        payable=("Net à payer", "Reste à payer", "Montant dû"),
        vat_id="N° TVA intracom.",
        terms_due="Paiement à réception, au plus tard le {due}.",
        terms_now="Paiement comptant à réception.",
        page="Page {page} sur {pages}",
        carried="Report",
        units=("pce", "h", "kg", "lot"),
        items=("Prestation de conseil", "Visserie inox", "Forfait maintenance", "Gaine"),
        long_items=(
            "Pompe hydraulique PH-200 avec kit de raccordement et joints",
            "Formation du personnel sur site à l'utilisation de la machine",
        ),
        sellers=("Atelier Dubois SARL", "Lefèvre Industrie SAS", "Boulangerie Martin"),
        buyers=("Hôtel du Parc", "Mairie de Villeurbanne", "Transports Girard SA"),
        streets=("12 rue de la Paix", "4 avenue Jean Jaurès", "7 place du Marché"),
        cities=("69001 Lyon", "33000 Bordeaux", "75011 Paris"),
        rates=(Decimal("20"), Decimal("5.5")),
        months=(
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
    ),
    "it": Labels(
        country="IT",
        decimal=",",
        thousands=".",
        title="FATTURA",
        number=("Numero fattura", "Fattura n.", "N. fattura"),
        date=("Data fattura", "Data", "Data documento"),
        due=("Scadenza", "Data scadenza"),
        order="N. ordine",
        delivery="Data consegna",
        phone="Tel.",
        customer="Codice cliente",
        seller="Fornitore",
        buyer="Cliente",
        title_line="Fattura n. {number} del {date}",
        columns=("Cod.", "Descrizione", "Q.tà", "U.M.", "Prezzo unit.", "IVA", "Importo"),
        line_net="Totale merce",
        discount="Sconto",
        charge="Spese di trasporto",
        tax_exclusive="Totale imponibile",
        vat_line="IVA {rate} su {base}",
        tax_total="Totale IVA",
        tax_inclusive=("Totale fattura", "Totale documento"),
        prepaid="Acconto versato",
        payable=("Netto a pagare", "Totale da pagare"),
        vat_id="Partita IVA",
        terms_due="Pagamento con bonifico entro il {due}.",
        terms_now="Pagamento a vista.",
        page="Pagina {page} di {pages}",
        carried="Riporto",
        units=("pz", "ore", "kg", "m"),
        items=("Consulenza tecnica", "Viti inox", "Canone assistenza", "Guaina"),
        long_items=(
            "Pompa idraulica PI-200 completa di kit di raccordo e guarnizioni",
            "Formazione del personale presso la sede del cliente",
        ),
        sellers=("Rossi Forniture S.r.l.", "Bianchi Impianti S.p.A.", "Officina Ferrari"),
        buyers=("Albergo Bellavista", "Comune di Modena", "Trasporti Esposito S.r.l."),
        streets=("Via Roma 12", "Corso Italia 4", "Piazza Garibaldi 7"),
        cities=("20121 Milano", "40121 Bologna", "10121 Torino"),
        rates=(Decimal("22"), Decimal("10")),
        months=(
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ),
    ),
    "es": Labels(
        country="ES",
        decimal=",",
        thousands=".",
        title="FACTURA",
        number=("N.º de factura", "Número de factura", "Factura n.º"),
        date=("Fecha de factura", "Fecha", "Fecha de emisión"),
        due=("Vencimiento", "Fecha de vencimiento"),
        order="N.º de pedido",
        delivery="Fecha de entrega",
        phone="Tel.",
        customer="N.º de cliente",
        seller="Emisor",
        buyer="Cliente",
        title_line="Factura n.º {number} de fecha {date}",
        columns=("Ref.", "Descripción", "Cant.", "Unidad", "Precio unit.", "IVA", "Importe"),
        line_net="Suma",
        discount="Descuento",
        charge="Gastos de envío",
        tax_exclusive="Base imponible",
        vat_line="IVA {rate} sobre {base}",
        tax_total="Total IVA",
        tax_inclusive=("Total factura", "Importe total"),
        prepaid="Anticipo recibido",
        payable=("Total a pagar", "Importe a pagar"),
        vat_id="NIF-IVA",
        terms_due="Pago por transferencia antes del {due}.",
        terms_now="Pago al contado.",
        page="Página {page} de {pages}",
        carried="Suma y sigue",
        units=("ud", "h", "kg", "m"),
        items=("Asesoría técnica", "Tornillería inox", "Cuota de mantenimiento", "Canaleta"),
        long_items=(
            "Bomba hidráulica BH-200 con kit de conexión y juntas de repuesto",
            "Formación del personal en las instalaciones del cliente",
        ),
        sellers=("Suministros García S.L.", "Talleres López S.A.", "Electricidad Navarro S.L."),
        buyers=("Hotel Mirador", "Ayuntamiento de Getafe", "Transportes Ruiz S.L."),
        streets=("Calle Mayor 12", "Avenida de América 4", "Plaza España 7"),
        cities=("28013 Madrid", "46001 Valencia", "41001 Sevilla"),
        rates=(Decimal("21"), Decimal("10")),
        months=(
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ),
    ),
    "nl": Labels(
        country="NL",
        decimal=",",
        thousands=".",
        title="FACTUUR",
        number=("Factuurnummer", "Factuur nr.", "Factuurnr."),
        date=("Factuurdatum", "Datum"),
        due=("Vervaldatum", "Uiterste betaaldatum"),
        order="Ordernummer",
        delivery="Leverdatum",
        phone="Tel.",
        customer="Klantnummer",
        seller="Leverancier",
        buyer="Factuuradres",
        title_line="Factuur nr. {number} van {date}",
        columns=("Nr.", "Omschrijving", "Aantal", "Eenheid", "Stukprijs", "Btw", "Bedrag"),
        line_net="Subtotaal",
        discount="Korting",
        charge="Verzendkosten",
        tax_exclusive="Totaal excl. btw",
        vat_line="Btw {rate} over {base}",
        tax_total="Totaal btw",
        tax_inclusive=("Totaal incl. btw", "Totaalbedrag"),
        prepaid="Reeds betaald",
        payable=("Te betalen", "Openstaand bedrag"),
        vat_id="Btw-nummer",
        terms_due="Gelieve te betalen vóór {due}.",
        terms_now="Betaling bij ontvangst.",
        page="Pagina {page} van {pages}",
        carried="Transport",
        units=("st", "uur", "kg", "m"),
        items=("Advieswerkzaamheden", "Bouten M8", "Onderhoudscontract", "Kabelgoot"),
        long_items=(
            "Hydraulische pomp HP-200 inclusief aansluitset en pakkingen",
            "Training van medewerkers op locatie voor de bediening",
        ),
        sellers=("Van Dijk Techniek B.V.", "Bakker & Zonen V.O.F.", "De Vries Installaties B.V."),
        buyers=("Hotel De Zwaan", "Gemeente Utrecht", "Jansen Transport B.V."),
        streets=("Kerkstraat 12", "Stationsweg 4", "Marktplein 7"),
        cities=("1012 AB Amsterdam", "3511 CE Utrecht", "2511 BT Den Haag"),
        rates=(Decimal("21"), Decimal("9")),
        months=(
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ),
    ),
}

# A bank per country: (BIC, bank code, the BBAN's shape after the bank code: 9 = digit, A = letter)
_BANKS = {
    "DE": ("COBADEFFXXX", "37040044", "9999999999"),
    "GB": ("NWBKGB2L", "NWBK601613", "99999999"),
    "FR": ("BNPAFRPPXXX", "3000400003", "99999999999" + "99"),
    "IT": ("UNCRITMMXXX", "X0542811101", "000000123456"),  # CIN X holds for this account only
    "ES": ("CAIXESBBXXX", "21000418", "999999999999"),
    "NL": ("ABNANL2A", "ABNA", "9999999999"),
}
_DIALLING = {"DE": 49, "GB": 44, "FR": 33, "IT": 39, "ES": 34, "NL": 31}
_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


@dataclass(frozen=True)
class Terms:
    """How one language prints the terms beside the main fields: the invoicing period, the
    payment reference, a direct debit's mandate, the mailbox invoices come from, and the
    register number in the footer ("{n}" filled in; `register_id` is the part that is the id)."""

    period: str
    reference: str
    mandate: str
    mailbox: str
    register: str
    register_id: str


TERMS: dict[str, Terms] = {
    "de": Terms(
        "Leistungszeitraum",
        "Verwendungszweck",
        "Mandatsreferenz",
        "rechnung",
        "Amtsgericht {city}, HRB {n}",
        "HRB {n}",
    ),
    "en": Terms(
        "Service period",
        "Payment reference",
        "Mandate reference",
        "accounts",
        "Registered in England and Wales No. {n:08d}",
        "{n:08d}",
    ),
    "fr": Terms(
        "Période de facturation",
        "Référence de paiement",
        "RUM",
        "facturation",
        "RCS {city} {siren}",
        "{siren}",
    ),
    "it": Terms(
        "Periodo di fatturazione",
        "Causale",
        "Riferimento mandato",
        "amministrazione",
        "REA MI-{n}",
        "MI-{n}",
    ),
    "es": Terms(
        "Periodo de facturación",
        "Referencia de pago",
        "Referencia del mandato",
        "facturacion",
        "Registro Mercantil de Madrid, Hoja M-{n}",
        "M-{n}",
    ),
    "nl": Terms(
        "Factuurperiode",
        "Betalingskenmerk",
        "Machtigingskenmerk",
        "administratie",
        "KvK {n:08d}",
        "{n:08d}",
    ),
}
_TLDS = {"DE": "de", "GB": "co.uk", "FR": "fr", "IT": "it", "ES": "es", "NL": "nl"}


@dataclass(frozen=True)
class PrintedInvoice:
    """A generated invoice: its PDF, what it states (canonical shape), and how it was drawn."""

    pdf: bytes = field(repr=False)
    truth: dict[str, Any]
    language: str
    layout: str
    seed: int
    pages: int


@dataclass(frozen=True)
class _Line:
    name: str
    quantity: Decimal
    unit: str
    price: Decimal
    rate: Decimal

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.price).quantize(_CENT, ROUND_HALF_UP)


def printed_invoice(
    seed: int,
    language: str | None = None,
    layout: str | None = None,
    long_table: bool | None = None,
) -> PrintedInvoice:
    """Invoice `seed` (in `language` and `layout` when given, else chosen by the seed; with a
    table of 32-40 lines that runs over two pages when `long_table`, of 1-6 lines when not, and
    now and then a long one when None)."""
    rng = random.Random(seed)
    language = language or rng.choice(LANGUAGES)
    layout = layout or rng.choice(LAYOUTS)
    if language not in LABELS:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    invoice = _Invoice(rng, LABELS[language], language, layout, long_table)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setTitle(f"{invoice.words.title} {invoice.number}")
    # drawn once to count the pages, then for real with "page 1 of N" in every footer
    pages = _Drawing(Canvas(io.BytesIO()), invoice, layout, pages=0).draw()
    _Drawing(canvas, invoice, layout, pages=pages).draw()
    canvas.save()
    return PrintedInvoice(buf.getvalue(), invoice.truth(), language, layout, seed, pages)


def scan_of(pdf: bytes, dpi: int = 200) -> bytes:
    """`pdf` as a scanner returns it: every page an image at `dpi`, greyscale, no text layer."""
    return as_scan(pdf, dpi=dpi)


class _Invoice:
    """The business content of one invoice, chosen from the seed."""

    def __init__(
        self,
        rng: random.Random,
        words: Labels,
        language: str,
        layout: str,
        long_table: bool | None,
    ) -> None:
        self.words = words
        self.language = language
        self.rng = rng
        self.number = rng.choice(
            (
                f"{rng.randint(1000, 99999)}",
                f"RE-{rng.randint(20, 25)}-{rng.randint(1, 9999):05d}",
                f"{rng.randint(2021, 2025)}-{rng.randint(1, 999):04d}",
                f"F{rng.randint(2021, 2025)}/{rng.randint(1, 999):03d}",
                f"INV-{rng.randint(10000, 99999)}",
            )
        )
        self.customer = f"{rng.randint(10000, 99999)}"
        self.issued = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
        self.due = self.issued + dt.timedelta(days=rng.choice((14, 30)))
        self.due_printed = rng.random() < 0.7
        self.date_style = rng.choice(("numeric", "numeric", "long"))
        self.currency = _currency(rng, language)
        self.currency_style = rng.choice(("symbol", "code"))
        self.seller = rng.choice(words.sellers)
        self.buyer = rng.choice(words.buyers)
        self.seller_street, self.buyer_street = rng.sample(words.streets, 2)
        self.seller_city, self.buyer_city = rng.sample(words.cities, 2)
        self.vat_id = _vat_id(rng, words.country)
        # what varies besides the content: which label of several, distractors, arrangement
        self.label = {
            name: rng.choice(getattr(words, name))
            for name in ("number", "date", "due", "tax_inclusive", "payable")
        }
        self.order = f"{rng.choice(('PO', 'B', ''))}{rng.randint(100000, 999999)}"
        self.order_printed = rng.random() < 0.5
        self.delivered = self.issued - dt.timedelta(days=rng.randint(1, 9))
        self.delivery_printed = layout != "row" and rng.random() < 0.4
        # a business buyer's VAT id in its address block, beside the seller's
        self.buyer_vat_id = (
            _vat_id(rng, words.country)
            if layout in ("blocks", "row") and rng.random() < 0.4
            else None
        )
        self.buyer_first = rng.random() < 0.3  # the buyer's block on the left
        dialling = _DIALLING[words.country]
        self.phone = f"+{dialling} {rng.randint(10, 99)} {rng.randint(1000000, 9999999)}"
        self.iban = _iban(rng, words.country)
        self.bic = _BANKS[words.country][0]
        rates = words.rates if rng.random() < 0.4 else words.rates[:1]
        # now and then a long invoice, whose table runs on over a second page
        long_table = rng.random() < 0.12 if long_table is None else long_table
        count = rng.randint(32, 40) if long_table else rng.randint(1, 6)
        self.lines = [self._line(i, rates) for i in range(count)]
        if len(rates) == 2 and all(line.rate == rates[0] for line in self.lines):
            self.lines.append(self._line(len(self.lines), rates[1:]))
        self.line_net = sum((line.net for line in self.lines), Decimal(0))
        main_rate = self.lines[0].rate
        self.discount = (
            (self.line_net * Decimal(rng.choice((2, 3, 5))) / 100).quantize(_CENT, ROUND_HALF_UP)
            if rng.random() < 0.3
            else Decimal(0)
        )
        self.charge = (
            Decimal(rng.choice(("4.90", "9.50", "12.00"))) if rng.random() < 0.3 else Decimal(0)
        )
        self.tax_exclusive = self.line_net - self.discount + self.charge
        # the discount and the charge are taxed at the rate of the first line
        self.breakdown: list[tuple[Decimal, Decimal, Decimal]] = []
        for rate in sorted({line.rate for line in self.lines}, reverse=True):
            base = sum((line.net for line in self.lines if line.rate == rate), Decimal(0))
            if rate == main_rate:
                base += self.charge - self.discount
            self.breakdown.append((rate, base, (base * rate / 100).quantize(_CENT, ROUND_HALF_UP)))
        self.tax = sum((tax for _, _, tax in self.breakdown), Decimal(0))
        self.tax_inclusive = self.tax_exclusive + self.tax
        self.prepaid = (
            (self.tax_inclusive * Decimal(rng.choice((20, 30, 50))) / 100).quantize(_CENT)
            if rng.random() < 0.2
            else Decimal(0)
        )
        self.payable = self.tax_inclusive - self.prepaid
        # drawn last, so that the choices above stay what each seed gave before
        self.terms = TERMS[language]
        self.email = f"{self.terms.mailbox}@{_domain(self.seller)}.{_TLDS[words.country]}"
        number = (
            rng.randint(10000, 99999999) if language in ("en", "nl") else rng.randint(1000, 999999)
        )
        siren = self.vat_id[4:] if words.country == "FR" else ""
        spaced = " ".join(siren[i : i + 3] for i in range(0, len(siren), 3))
        city = _city_of(self.seller_city)[1]
        self.register = self.terms.register.format(n=number, city=city, siren=spaced)
        self.register_id = self.terms.register_id.format(n=number, siren=spaced)
        month_end = self.issued.replace(day=1) - dt.timedelta(days=1)
        self.period = (month_end.replace(day=1), month_end)
        self.reference = f"{self.number}/{self.customer}"
        self.mandate = (
            f"M{self.issued.year}-{rng.randint(1, 99999):05d}" if rng.random() < 0.3 else None
        )

    def _line(self, index: int, rates: tuple[Decimal, ...]) -> _Line:
        rng, words = self.rng, self.words
        long = rng.random() < 0.35
        name = rng.choice(words.long_items if long else words.items)
        unit = rng.choice(words.units)
        # hours and kilograms come in fractions, pieces and metres in whole numbers
        fractional = unit in words.units[1:3]
        quantity = Decimal(
            rng.choice(
                ("1.5", "2", "2.5", "4", "7.25", "8") if fractional else ("1", "2", "5", "12")
            )
        )
        price = Decimal(rng.randint(150, 250000)) / 100
        return _Line(name, quantity, unit, price, rng.choice(rates))

    def truth(self) -> dict[str, Any]:
        """What the page states, in the canonical invoice's shape."""
        totals = {
            "line_net": _s(self.line_net),
            "tax_exclusive": _s(self.tax_exclusive),
            "tax": _s(self.tax),
            "tax_inclusive": _s(self.tax_inclusive),
            "payable": _s(self.payable),
        }
        if self.discount:
            totals["allowances"] = _s(self.discount)
        if self.charge:
            totals["charges"] = _s(self.charge)
        if self.prepaid:
            totals["prepaid"] = _s(self.prepaid)
        truth: dict[str, Any] = {
            "invoice_number": self.number,
            "issue_date": self.issued.isoformat(),
            "currency": self.currency,
            "seller": {"name": self.seller, "vat_id": self.vat_id, "country": self.words.country},
            "buyer": {"name": self.buyer},
            "payment": {"iban": self.iban, "bic": self.bic},
            "totals": totals,
            "vat_breakdown": [
                {"rate": _s(rate), "taxable": _s(base), "tax": _s(tax)}
                for rate, base, tax in self.breakdown
            ],
            "lines": [
                {
                    "name": line.name,
                    "quantity": _s(line.quantity),
                    "unit": line.unit,
                    "net_price": _s(line.price),
                    "net_amount": _s(line.net),
                    "vat_rate": _s(line.rate),
                }
                for line in self.lines
            ],
        }
        if self.due_printed:
            truth["due_date"] = self.due.isoformat()
        if self.order_printed:
            truth["order_reference"] = self.order
        if self.buyer_vat_id:
            truth["buyer"]["vat_id"] = self.buyer_vat_id
        truth["seller"]["address"] = _address(self.seller_street, self.seller_city)
        truth["seller"]["contact"] = {"phone": self.phone, "email": self.email}
        truth["seller"]["legal_registration"] = {"id": self.register_id}
        truth["buyer"]["address"] = _address(self.buyer_street, self.buyer_city)
        truth["buyer"]["identifiers"] = [{"id": self.customer, "scheme": None}]
        start, end = self.period
        truth["invoicing_period"] = {"start": start.isoformat(), "end": end.isoformat()}
        truth["payment"]["remittance"] = self.reference
        if self.mandate:
            truth["payment"]["direct_debit"] = {"mandate": self.mandate}
        return truth

    # --- how the language writes things ---

    def amount(self, value: Decimal) -> str:
        """A plain amount, `1.234,50` or `1,234.50`."""
        sign = "-" if value < 0 else ""
        whole, cents = f"{abs(value):.2f}".split(".")
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        return f"{sign}{self.words.thousands.join(groups)}{self.words.decimal}{cents}"

    def money(self, value: Decimal) -> str:
        """An amount with its currency, the way the language places it."""
        text = self.amount(value)
        mark = self.currency if self.currency_style == "code" else _SYMBOLS[self.currency]
        if self.language == "en" and mark in ("£", "$", "€"):
            return f"-{mark}{text[1:]}" if text.startswith("-") else f"{mark}{text}"
        return f"{mark} {text}" if self.language == "nl" or mark == "CHF" else f"{text} {mark}"

    def quantity(self, value: Decimal) -> str:
        text = f"{value.normalize():f}"
        return text.replace(".", self.words.decimal)

    def rate(self, value: Decimal) -> str:
        text = f"{value.normalize():f}".replace(".", self.words.decimal)
        return f"{text}%" if self.language in ("en", "it", "nl") else f"{text} %"

    def date(self, value: dt.date) -> str:
        words = self.words
        if self.date_style == "long":
            month = words.months[value.month - 1]
            if self.language == "de":
                return f"{value.day}. {month} {value.year}"
            if self.language == "es":
                return f"{value.day} de {month} de {value.year}"
            if self.language == "en" and self.currency == "USD":
                return f"{month} {value.day}, {value.year}"
            return f"{value.day} {month} {value.year}"
        if self.language == "de":
            return value.strftime("%d.%m.%Y")
        if self.language == "nl":
            return value.strftime("%d-%m-%Y")
        if self.language == "en":
            return value.isoformat() if self.currency == "USD" else value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y")


def _s(value: Decimal) -> str:
    return f"{value:f}"


class _Drawing:
    """Puts one invoice on the page in one layout."""

    def __init__(self, canvas: Canvas, invoice: _Invoice, layout: str, pages: int) -> None:
        self.c = canvas
        self.page = 1
        self.pages = pages
        self.inv = invoice
        self.words = invoice.words
        self.layout = layout
        # each date is written one way on the whole page
        self.issued = invoice.date(invoice.issued)
        self.due = invoice.date(invoice.due)
        self.delivered = invoice.date(invoice.delivered)

    def draw(self) -> int:
        """Draw the invoice; the number of pages it took."""
        if self.layout == "blocks":
            y = self._letterhead_left()
            y = self._party_blocks(y - 24)
            y = self._grid(y - 18, _LEFT)
        elif self.layout == "row":
            y = self._letterhead_left()
            y = self._party_blocks(y - 24)
            y = self._header_row(y - 22)
        else:
            self._letterhead_right()
            y = self._window()
            if self.layout == "window":
                self._grid(_HEIGHT - 150, 340)
                y -= 30
                self._text(_LEFT, y, self.words.title, "Helvetica-Bold", 16)
            else:
                y -= 30
                line = self.words.title_line.format(number=self.inv.number, date=self.issued)
                self._text(_LEFT, y, line, "Helvetica-Bold", 13)
                y -= 2
                for label, value in self._details(delivery=True):
                    y -= 14
                    self._text(_LEFT, y, f"{label}: {value}", "Helvetica", 9.5)
        y = self._table(y - 30)
        y = self._totals(y - 14)
        self._terms(y - 26)
        self._footer()
        self.c.showPage()
        return self.page

    # --- pieces ---

    def _text(
        self, x: float, y: float, text: str, font: str = "Helvetica", size: float = 9.5
    ) -> None:
        self.c.setFont(font, size)
        self.c.drawString(x, y, text)

    def _right(
        self, x: float, y: float, text: str, font: str = "Helvetica", size: float = 9.5
    ) -> None:
        self.c.setFont(font, size)
        self.c.drawRightString(x, y, text)

    def _letterhead_left(self) -> float:
        inv = self.inv
        self._text(_LEFT, _HEIGHT - 60, inv.seller, "Helvetica-Bold", 16)
        self._text(_LEFT, _HEIGHT - 76, f"{inv.seller_street} · {inv.seller_city}", size=8.5)
        self._text(_LEFT, _HEIGHT - 87, f"{self.words.phone} {inv.phone}", size=8.5)
        self._right(_RIGHT, _HEIGHT - 62, self.words.title, "Helvetica-Bold", 20)
        return _HEIGHT - 100

    def _letterhead_right(self) -> None:
        inv = self.inv
        self._right(_RIGHT, _HEIGHT - 55, inv.seller, "Helvetica-Bold", 15)
        self._right(_RIGHT, _HEIGHT - 70, inv.seller_street, size=8.5)
        self._right(_RIGHT, _HEIGHT - 81, inv.seller_city, size=8.5)
        self._right(_RIGHT, _HEIGHT - 92, f"{self.words.phone} {inv.phone}", size=8.5)

    def _party_blocks(self, top: float) -> float:
        inv, words = self.inv, self.words
        seller = [inv.seller, inv.seller_street, inv.seller_city, f"{words.vat_id}: {inv.vat_id}"]
        buyer = [inv.buyer, inv.buyer_street, inv.buyer_city]
        if inv.buyer_vat_id:
            buyer.append(f"{words.vat_id}: {inv.buyer_vat_id}")
        blocks = [(words.seller, seller), (words.buyer, buyer)]
        if inv.buyer_first:
            blocks.reverse()
        for x, (heading, lines) in zip((_LEFT, 320.0), blocks, strict=True):
            self._text(x, top, heading, "Helvetica-Bold", 10)
            for i, line in enumerate(lines):
                self._text(x, top - 15 - 12 * i, line, size=9.5)
        return top - 15 - 12 * 3

    def _window(self) -> float:
        """The DIN 5008 address field: the sender in small print, then the buyer's address."""
        inv = self.inv
        top = _HEIGHT - 128  # 45 mm from the top edge
        sender = f"{inv.seller} · {inv.seller_street} · {inv.seller_city}"
        self._text(_LEFT, top, sender, size=6.5)
        self.c.setLineWidth(0.4)
        self.c.line(_LEFT, top - 3, _LEFT + 230, top - 3)
        lines = (inv.buyer, inv.buyer_street, inv.buyer_city)
        for i, line in enumerate(lines):
            self._text(_LEFT, top - 18 - 13 * i, line, size=10.5)
        return top - 18 - 13 * 2 - 40

    def _details(self, *, delivery: bool) -> list[tuple[str, str]]:
        """The label-value pairs beside the number and date: due date, customer, order, delivery."""
        inv, words = self.inv, self.words
        rows = []
        if delivery and inv.delivery_printed:
            rows.append((words.delivery, self.delivered))
        if inv.due_printed:
            rows.append((inv.label["due"], self.due))
        rows.append((words.customer, inv.customer))
        if inv.order_printed:
            rows.append((words.order, inv.order))
        return rows

    def _grid(self, top: float, x: float) -> float:
        """Label-value pairs, one a line."""
        inv = self.inv
        rows = [
            (inv.label["number"], inv.number),
            (inv.label["date"], self.issued),
            *self._details(delivery=True),
        ]
        for i, (label, value) in enumerate(rows):
            self._text(x, top - 13 * i, f"{label}:", "Helvetica-Bold", 9.5)
            self._text(x + 110, top - 13 * i, value, size=9.5)
        return top - 13 * (len(rows) - 1)

    def _header_row(self, top: float) -> float:
        """A row of labels over a row of values, in a box."""
        inv = self.inv
        cells = [
            (inv.label["number"], inv.number),
            (inv.label["date"], self.issued),
            *self._details(delivery=False),
        ]
        width = (_RIGHT - _LEFT) / len(cells)
        self.c.setLineWidth(0.5)
        self.c.rect(_LEFT - 4, top - 22, _RIGHT - _LEFT + 8, 36)
        for i, (label, value) in enumerate(cells):
            x = _LEFT + i * width
            self._text(x, top, label, "Helvetica-Bold", 8.5)
            self._text(x, top - 15, value, size=10)
        return top - 22

    def _table(self, top: float) -> float:
        inv = self.inv
        self._table_header(top)
        y = top - 19
        carried = Decimal(0)
        for i, line in enumerate(inv.lines):
            name_lines = _wrap(line.name, 40)
            if y - 11 * (len(name_lines) - 1) < _BOTTOM:
                # the table runs on: its running total at the foot of this page and the head of
                # the next, below the column headings repeated
                self._carried(y, carried)
                self._next_page()
                self._table_header(_HEIGHT - 90)
                y = _HEIGHT - 90 - 19
                self._carried(y, carried)
                y -= 18
            self._text(_X_POS, y, str(i + 1), size=9)
            self._text(_X_DESC, y, name_lines[0], size=9)
            self._right(_X_QTY, y, inv.quantity(line.quantity), size=9)
            self._text(_X_UNIT, y, line.unit, size=9)
            self._right(_X_PRICE, y, inv.amount(line.price), size=9)
            self._right(_X_VAT, y, inv.rate(line.rate), size=9)
            self._right(_X_NET, y, inv.amount(line.net), size=9)
            for extra in name_lines[1:]:
                y -= 11
                self._text(_X_DESC, y, extra, size=9)
            carried += line.net
            y -= 16
        self.c.line(_LEFT, y + 8, _RIGHT, y + 8)
        rows = (
            4 + len(inv.breakdown) + bool(inv.discount) + bool(inv.charge) + 2 * bool(inv.prepaid)
        )
        if y - 14 * rows - 40 < _BOTTOM:  # the totals and terms go over to a page of their own
            self._next_page()
            y = _HEIGHT - 90
        return y

    def _table_header(self, top: float) -> None:
        pos, desc, qty, unit, price, rate, net = self.words.columns
        self._text(_X_POS, top, pos, "Helvetica-Bold", 9)
        self._text(_X_DESC, top, desc, "Helvetica-Bold", 9)
        self._right(_X_QTY, top, qty, "Helvetica-Bold", 9)
        self._text(_X_UNIT, top, unit, "Helvetica-Bold", 9)
        self._right(_X_PRICE, top, price, "Helvetica-Bold", 9)
        self._right(_X_VAT, top, rate, "Helvetica-Bold", 9)
        self._right(_X_NET, top, net, "Helvetica-Bold", 9)
        self.c.setLineWidth(0.6)
        self.c.line(_LEFT, top - 5, _RIGHT, top - 5)

    def _carried(self, y: float, amount: Decimal) -> None:
        self._text(_X_DESC, y, self.words.carried, "Helvetica-Oblique", 9)
        self._right(_X_NET, y, self.inv.amount(amount), "Helvetica-Oblique", 9)

    def _next_page(self) -> None:
        """End the page (its footer) and start the next with a short heading."""
        self._footer()
        self.c.showPage()
        self.page += 1
        inv = self.inv
        self._text(_LEFT, _HEIGHT - 55, inv.seller, "Helvetica-Bold", 11)
        self._right(_RIGHT, _HEIGHT - 55, f"{self.words.title} {inv.number}", "Helvetica", 9.5)

    def _totals(self, top: float) -> float:
        inv, words = self.inv, self.words
        # without a discount or a charge the sum of the lines is the net total, printed once
        adjusted = bool(inv.discount or inv.charge)
        first = words.line_net if adjusted else words.tax_exclusive
        rows: list[tuple[str, Decimal, bool]] = [(first, inv.line_net, False)]
        if inv.discount:
            rows.append((words.discount, -inv.discount, False))
        if inv.charge:
            rows.append((words.charge, inv.charge, False))
        if adjusted:
            rows.append((words.tax_exclusive, inv.tax_exclusive, False))
        for rate, base, tax in inv.breakdown:
            rows.append(
                (words.vat_line.format(rate=inv.rate(rate), base=inv.amount(base)), tax, False)
            )
        if len(inv.breakdown) > 1:
            rows.append((words.tax_total, inv.tax, False))
        rows.append((inv.label["tax_inclusive"], inv.tax_inclusive, not inv.prepaid))
        if inv.prepaid:
            rows.append((words.prepaid, -inv.prepaid, False))
            rows.append((inv.label["payable"], inv.payable, True))
        y = top
        for label, value, bold in rows:
            font = "Helvetica-Bold" if bold else "Helvetica"
            self._text(330, y, label, font, 9.5)
            self._right(_RIGHT, y, inv.money(value), font, 9.5)
            y -= 14
        return y

    def _terms(self, top: float) -> None:
        terms = (
            self.words.terms_due.format(due=self.due)
            if self.inv.due_printed
            else self.words.terms_now
        )
        self._text(_LEFT, top, terms, size=9.5)
        inv = self.inv
        start, end = (inv.date(day) for day in inv.period)
        rows = [
            (inv.terms.period, f"{start} - {end}"),
            (inv.terms.reference, inv.reference),
        ]
        if inv.mandate:
            rows.append((inv.terms.mandate, inv.mandate))
        for i, (label, value) in enumerate(rows):
            self._text(_LEFT, top - 13 * (i + 1), f"{label}: {value}", size=9.5)

    def _footer(self) -> None:
        inv, words = self.inv, self.words
        y = 70.0
        self.c.setLineWidth(0.4)
        self.c.line(_LEFT, y + 12, _RIGHT, y + 12)
        columns = (
            (_LEFT, (inv.seller, inv.seller_street, inv.seller_city, inv.email)),
            (
                230.0,
                (
                    f"{words.vat_id}: {inv.vat_id}",
                    words.page.format(page=self.page, pages=self.pages),
                    inv.register,
                ),
            ),
            (390.0, (f"IBAN: {_grouped(inv.iban)}", f"BIC: {inv.bic}")),
        )
        for x, lines in columns:
            for i, line in enumerate(lines):
                self._text(x, y - 10 * i, line, size=7.5)


def _wrap(text: str, width: int) -> list[str]:
    """At most two lines of at most `width` characters, broken between words."""
    if len(text) <= width:
        return [text]
    cut = text.rfind(" ", 0, width + 1)
    return [text[:cut], text[cut + 1 :]]


def _grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _currency(rng: random.Random, language: str) -> str:
    if language == "en":
        return rng.choice(("GBP", "GBP", "USD", "EUR"))
    if language in ("de", "fr", "it"):
        return rng.choice(("EUR", "EUR", "EUR", "CHF"))
    return rng.choice(("EUR", "EUR", "EUR", "USD"))


def _vat_id(rng: random.Random, country: str) -> str:
    """A VAT id of `country` whose checksum holds (python-stdnum says so)."""
    validator = get_cc_module(country.lower(), "vat")
    for _ in range(10_000):
        candidate = _vat_candidate(rng, country)
        if validator.is_valid(candidate):
            return candidate
    raise AssertionError(f"no valid {country} VAT id found in 10,000 tries")  # pragma: no cover


def _vat_candidate(rng: random.Random, country: str) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(12))
    if country == "DE":
        return f"DE{rng.randint(1, 9)}{digits[:8]}"
    if country == "FR":
        siren = str(rng.randint(1, 9)) + digits[:7]
        siren += luhn.calc_check_digit(siren)
        key = (12 + 3 * (int(siren) % 97)) % 97
        return f"FR{key:02d}{siren}"
    if country == "IT":
        body = f"{rng.randint(1, 9)}{digits[:6]}{rng.randint(1, 100):03d}"
        return f"IT{body}{luhn.calc_check_digit(body)}"
    if country == "ES":
        return f"ES{rng.choice('ABCDEFGHJUV')}{digits[:7]}{rng.choice('0123456789')}"
    if country == "NL":
        return f"NL{rng.randint(1, 9)}{digits[:8]}B{rng.randint(1, 99):02d}"
    return f"GB{rng.randint(1, 9)}{digits[:8]}"


def _iban(rng: random.Random, country: str) -> str:
    """An IBAN of `country` at its bank, with check digits that hold (ISO 13616, mod 97)."""
    _, bank, shape = _BANKS[country]
    account = "".join(rng.choice("0123456789") if ch == "9" else ch for ch in shape)
    if country == "FR":  # the French RIB key closes the BBAN
        account = account[:11] + _rib_key(bank, account[:11])
    if country == "ES":  # two national check digits open the account number
        account = _es_check(f"00{bank}") + _es_check(account[2:]) + account[2:]
    bban = bank + account
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def _es_check(digits: str) -> str:
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return str({10: 1, 11: 0}.get(check, check))


def _rib_key(bank: str, account: str) -> str:
    number = int(bank[:5]) * 89 + int(bank[5:]) * 15 + int(account) * 3
    return f"{97 - number % 97:02d}"


def _city_of(line: str) -> tuple[str, str]:
    """A post code line of the generator's own ("70565 Stuttgart", "Leeds LS1 4AP",
    "1012 AB Amsterdam") as (post code, city)."""
    head, _, rest = line.partition(" ")
    if head.isdigit():
        code, city = head, rest
        letters, _, after = rest.partition(" ")
        if len(letters) == 2 and letters.isupper():  # a Dutch post code: digits and two letters
            code, city = f"{head} {letters}", after
        return code, city
    city, _, code = line.partition(" ")
    return code, city


def _address(street: str, city_line: str) -> dict[str, str]:
    code, city = _city_of(city_line)
    return {"line1": street, "post_code": code, "city": city}


def _domain(name: str) -> str:
    """The seller's web domain: its first name word of four letters or more, without accents,
    in lower case."""
    word = next(w for w in name.replace("&", " ").split() if len(w) >= 4)
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())
