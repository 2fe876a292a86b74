"""extract.layout: seller and buyer by headings, sender line and window, letterhead; their ids."""

from __future__ import annotations

import pytest

from .pages import put, read, text_of, value

HEADINGS = [
    ("de", "Verkäufer", "Käufer"),
    ("de", "Lieferant", "Rechnungsempfänger"),
    ("en", "Seller", "Bill to"),
    ("en", "From:", "Invoice to:"),
    ("fr", "Fournisseur", "Facturé à"),
    ("fr", "Émetteur", "Destinataire"),
    ("it", "Fornitore", "Committente"),
    ("it", "Cedente/Prestatore", "Cliente"),
    ("es", "Proveedor", "Facturar a"),
    ("es", "Vendedor", "Comprador"),
    ("nl", "Leverancier", "Klant"),
    ("nl", "Verkoper", "Factuur aan"),
]

TITLES = {
    "de": "Rechnung Nr.",
    "en": "Invoice No.",
    "fr": "Facture n°",
    "it": "Fattura n.",
    "es": "Factura nº",
    "nl": "Factuur nr.",
}


@pytest.mark.parametrize(("language", "seller_heading", "buyer_heading"), HEADINGS)
def test_party_names_under_their_headings(
    language: str, seller_heading: str, buyer_heading: str
) -> None:
    fields = read(
        text_of(
            put(60, 60, f"{TITLES[language]} 2024-88"),
            put(60, 140, seller_heading),
            put(60, 154, "Nordlicht Handel GmbH"),
            put(60, 168, "Hafenstraße 3"),
            put(60, 182, "20457 Hamburg"),
            put(330, 140, buyer_heading),
            put(330, 154, "Baumann Elektro KG"),
            put(330, 168, "Lindenweg 7"),
            put(330, 182, "80331 München"),
        ),
        languages=[language],
    )
    assert value(fields, "invoice_number") == "2024-88"
    assert value(fields, "seller.name") == "Nordlicht Handel GmbH"
    assert value(fields, "buyer.name") == "Baumann Elektro KG"
    assert fields.values["buyer.name"].confidence >= 0.8


def test_the_name_skips_number_lines_and_reads_a_name_form_field() -> None:
    fields = read(
        text_of(
            put(60, 40, "Rechnung Nr. 7"),
            put(60, 100, "Verkäufer:"),
            put(60, 114, "Nummer   :   549910"),
            put(60, 128, "Globale Nummer: 4000001123452 (GLN)"),
            put(60, 142, "Lieferant GmbH"),
            put(60, 156, "Lieferantenstraße 20"),
            put(60, 200, "Käufer"),
            put(60, 214, "Name:"),
            put(130, 214, "Kunden AG Mitte"),
        )
    )
    assert value(fields, "seller.name") == "Lieferant GmbH"
    assert value(fields, "buyer.name") == "Kunden AG Mitte"


def test_sender_line_over_the_address_window_names_seller_and_buyer() -> None:
    fields = read(
        text_of(
            put(60, 40, "NORDLICHT", size=24),
            put(60, 140, "Nordlicht Handel GmbH · Hafenstraße 3 · 20457 Hamburg", size=7),
            put(60, 160, "Firma"),
            put(60, 174, "Baumann Elektro KG"),
            put(60, 188, "Lindenweg 7"),
            put(60, 202, "80331 München"),
            put(360, 160, "Rechnungsnummer: 2024-0042"),
            put(360, 174, "Datum: 04.03.2024"),
        )
    )
    assert value(fields, "seller.name") == "Nordlicht Handel GmbH"
    assert value(fields, "buyer.name") == "Baumann Elektro KG"


def test_letterhead_names_the_seller_when_no_heading_does() -> None:
    fields = read(
        text_of(
            put(60, 40, "Atelier Morin", size=20),
            put(60, 66, "12 rue des Lilas"),
            put(60, 80, "75011 Paris"),
            put(360, 140, "Facture n° F-88"),
            put(360, 154, "Date de facture: 02/05/2024"),
        )
    )
    assert value(fields, "seller.name") == "Atelier Morin"
    assert value(fields, "invoice_number") == "F-88"


def test_footer_company_names_the_seller() -> None:
    fields = read(
        text_of(
            put(60, 60, "Rechnung Nr. 991"),
            put(60, 100, "Rechnungsempfänger"),
            put(60, 114, "Stadtwerke Beispiel"),
            put(60, 128, "Am Markt 1"),
            put(60, 142, "12345 Beispielstadt"),
            put(60, 790, "Werkzeugbau Sommer GmbH · Sitz Ulm · Geschäftsführer: A. Sommer", size=7),
        )
    )
    assert value(fields, "seller.name") == "Werkzeugbau Sommer GmbH"
    assert value(fields, "buyer.name") == "Stadtwerke Beispiel"


def test_vat_ids_go_to_the_party_whose_block_holds_them() -> None:
    fields = read(
        text_of(
            put(60, 60, "Invoice No. 5"),
            put(330, 140, "Bill to"),
            put(330, 154, "Client SAS"),
            put(330, 168, "FR19787878784"),
            put(60, 790, "Supplier Ltd · VAT DE136695976 · IBAN DE02120300000000202051", size=7),
        )
    )
    assert value(fields, "buyer.vat_id") == "FR19787878784"
    assert value(fields, "seller.vat_id") == "DE136695976"
    assert value(fields, "payment.iban") == "DE02120300000000202051"
    assert value(fields, "seller.country") == "DE"
    assert value(fields, "buyer.country") == "FR"


def test_a_vat_id_failing_its_checksum_gets_a_low_confidence() -> None:
    good = read(text_of(put(60, 60, "Invoice No. 5"), put(60, 80, "VAT number: DE136695976")))
    bad = read(text_of(put(60, 60, "Invoice No. 5"), put(60, 80, "VAT number: DE136695977")))
    assert value(bad, "seller.vat_id") == "DE136695977"
    assert bad.values["seller.vat_id"].confidence < 0.5
    assert good.values["seller.vat_id"].confidence > 0.9


def test_address_and_contact_lines_are_never_names() -> None:
    fields = read(
        text_of(
            put(60, 60, "Invoice No. 5"),
            put(60, 140, "Bill to"),
            put(60, 154, "Attn:"),
            put(60, 168, "info@example.com"),
            put(60, 182, "Tel. +49 30 1234567"),
            put(60, 196, "1200 Innovation Way"),
        )
    )
    assert value(fields, "buyer.name") is None


def test_one_line_letterhead_address_and_an_unlabelled_address_block() -> None:
    fields = read(
        text_of(
            put(110, 33, "Moulin des Oliviers SARL - 7 chemin des Pins - 84000 Avignon", size=6),
            put(30, 95, "Facture FA-2024-0102", size=14),
            put(37, 125, "Adresse de livraison"),
            put(38, 142, "Entrepôt Sud"),
            put(37, 156, "3 rue du Port"),
            put(37, 170, "13002 Marseille"),
            put(327, 135, "Épicerie Fine Roux"),
            put(327, 160, "9 rue Mercière"),
            put(327, 174, "69001 Lyon"),
        )
    )
    assert value(fields, "invoice_number") == "FA-2024-0102"
    assert value(fields, "seller.name") == "Moulin des Oliviers SARL"
    assert value(fields, "buyer.name") == "Épicerie Fine Roux"


def test_a_slogan_over_the_buyer_address_is_not_the_buyer() -> None:
    fields = read(
        text_of(
            put(47, 48, "FACTUUR."),
            put(445, 48, "Blauwe Haven B.V."),
            put(445, 62, "Kade 12"),
            put(445, 76, "3011 AB Rotterdam"),
            put(47, 66, "Altijd snel geleverd.", size=12),
            put(46, 102, "Jan de Vries"),
            put(46, 116, "Lindenstraat 5"),
            put(46, 130, "1015 AA Amsterdam"),
            put(46, 158, "Factuurnummer: 70001234"),
        )
    )
    assert value(fields, "seller.name") == "Blauwe Haven B.V."
    assert value(fields, "buyer.name") == "Jan de Vries"


def test_ocr_glued_sender_line_and_legal_forms_are_read() -> None:
    fields = read(
        text_of(
            put(103, 152, "Nordwind GmbH Ecke12·12345Stadthausen", size=7),
            put(70, 169, "Erika Muster"),
            put(70, 197, "Bahnstr. 42"),
            put(70, 211, "88802 Spielkreis"),
            put(57, 300, "Rechnung Nr. 4711"),
            put(57, 320, "Lieferant: BEISPIELWERKGMBH & Co.KG"),
        )
    )
    assert value(fields, "buyer.name") == "Erika Muster"
    assert (
        value(fields, "seller.name") == "BEISPIELWERK GMBH & Co. KG"
    )  # the heading beats the line


def test_a_seller_in_the_euro_area_invoices_in_euros_when_no_currency_is_printed() -> None:
    fields = read(
        text_of(
            put(60, 60, "Facture n° F-12"), put(60, 700, "TVA : FR11999999998  Total TTC 120,00")
        )
    )
    assert value(fields, "currency") == "EUR"
    assert fields.values["currency"].confidence <= 0.3


def test_a_title_letterhead_and_an_attention_line_under_bill_to() -> None:
    fields = read(
        text_of(
            put(257, 68, "Cloud Hosting Services Invoice", size=12),
            put(258, 118, "Invoice Number:   42183017", size=6),
            put(36, 140, "Bill to Address:"),
            put(36, 151, "ATTN: Lantern Labs Limited"),
            put(36, 162, "93B Harbour Road"),
        )
    )
    assert value(fields, "seller.name") == "Cloud Hosting Services"
    assert value(fields, "buyer.name") == "Lantern Labs Limited"


def test_a_labelled_vat_number_under_the_buyer_address_is_the_buyers() -> None:
    fields = read(
        text_of(
            put(50, 40, "Gutschrift Nr. 88"),
            put(50, 300, "Verkäufer:"),
            put(50, 314, "Lieferant GmbH"),
            put(50, 328, "Lieferantenstraße 20"),
            put(50, 352, "USt.-Id.-Nr.   :   DE136695977"),  # fails its checksum: still labelled
            put(50, 400, "Käufer:"),
            put(50, 414, "Kunden AG Mitte"),
            put(50, 428, "Kundenstraße 15"),
            put(50, 442, "69876 Frankfurt"),
            put(50, 466, "USt.-Id.-Nr.   :   DE136695976"),  # after a blank line: still the buyer's
        )
    )
    assert value(fields, "seller.vat_id") == "DE136695977"
    assert value(fields, "buyer.vat_id") == "DE136695976"


def test_ust_identnr_labels_for_seller_and_buyer() -> None:
    fields = read(
        text_of(
            put(48, 40, "Rechnung Nr. 5"),
            put(48, 249, "Ihr Zeichen: AB-312"),
            put(300, 249, "Ihre USt.-IdentNr.: FR19787878784"),
            put(39, 794, "BIC:   GENODEF1M04   USt.-Identnr.:   DE136695976", size=7),
        )
    )
    assert value(fields, "seller.vat_id") == "DE136695976"
    assert value(fields, "buyer.vat_id") == "FR19787878784"


def test_identifiers_go_to_the_nearest_party_above_where_blocks_run_together() -> None:
    lines = [
        "Verkäufer:",
        "Lieferant GmbH",
        "Lieferantenstraße 20",
        "USt.-Id.-Nr.: DE136695977",
        "Käufer/Leistungsempfänger:",
        "Kunden AG Mitte",
        "Kundenstraße 15",
        "USt.-Id.-Nr.: DE136695976",
    ]
    # OCR's padded boxes: every line touches the next, so the lines make one block
    words = [w for i, text in enumerate(lines) for w in put(48, 300 + 11 * i, text, size=11)]
    fields = read(text_of(put(48, 100, "Rechnung Nr. 9"), words))
    assert value(fields, "seller.vat_id") == "DE136695977"
    assert value(fields, "buyer.vat_id") == "DE136695976"


def test_the_contact_under_a_buyer_name_and_a_table_header_are_not_parties() -> None:
    fields = read(
        text_of(
            put(30, 95, "Facture FA-2024-0102", size=14),
            put(327, 135, "Épicerie Fine Roux"),
            put(327, 148, "Claire Roux"),
            put(327, 161, "9 rue Mercière"),
            put(327, 174, "69002 Lyon"),
            put(35, 300, "Description"),
            put(154, 300, "Quantité"),
            put(260, 300, "Prix"),
            put(35, 316, "Nougat 250g"),
            put(154, 316, "20 Unit(s)"),
            put(260, 316, "4,55"),
        )
    )
    assert value(fields, "buyer.name") == "Épicerie Fine Roux"
    assert value(fields, "seller.name") != "Claire Roux"


def test_a_register_footer_opens_with_the_sellers_name_and_keys_are_no_names() -> None:
    fields = read(
        text_of(
            put(386, 116, "ALPHADOC"),
            put(387, 129, "Durand Paul"),
            put(387, 141, "27 rue des Lilas"),
            put(387, 154, "69100 Villeurbanne"),
            put(245, 179, "Facture n° 2022089083"),
            put(57, 204, "Numéro de dossier : 365146 - ALPHADOC"),
            put(279, 795, "PRESSEPLUS", size=5),
            put(137, 802, "Siège social : 16 rue Mollien - 92100 BOULOGNE", size=5),
            put(153, 811, "Sarl au capital de 10 000€ - RCS Paris B 530 848 134", size=5),
        )
    )
    assert value(fields, "seller.name") == "PRESSEPLUS"
    assert value(fields, "buyer.name") == "ALPHADOC"


def test_the_block_under_a_salutation_is_the_recipient_and_buyer() -> None:
    fields = read(
        text_of(
            put(72, 72, "Hanse Versicherung"),
            put(72, 84, "Versicherungsverein Nord a.G."),
            put(72, 107, "Herrn"),
            put(72, 119, "Karl Beispiel"),
            put(72, 131, "Lindenweg 11"),
            put(72, 143, "12346 Bad Beispielhausen"),
            put(72, 291, "Beitragsrechnung Nr. 2014-1"),
        )
    )
    assert value(fields, "buyer.name") == "Karl Beispiel"
    assert value(fields, "seller.name") == "Hanse Versicherung"


def test_a_legal_form_after_a_comma_stays_with_the_name() -> None:
    fields = read(
        text_of(
            put(60, 40, "Harbor Tools, Inc.", size=18),
            put(420, 40, "INVOICE", size=18),
            put(60, 66, "1200 Innovation Way"),
            put(60, 80, "Boston, MA 02110"),
            put(60, 140, "BILL TO"),
            put(60, 154, "Northwind Traders LLC"),
        )
    )
    assert value(fields, "seller.name") == "Harbor Tools, Inc."
    assert value(fields, "buyer.name") == "Northwind Traders LLC"


def test_a_company_set_large_with_its_legal_form_atop_the_page_is_a_sure_seller() -> None:
    number = put(360, 140, "Invoice No. HT-88")
    large = read(text_of(put(60, 40, "Harbor Tools, Inc.", size=18), number))
    small = read(text_of(put(60, 40, "Harbor Tools, Inc."), put(60, 54, "Boston"), number))
    assert value(large, "seller.name") == value(small, "seller.name") == "Harbor Tools, Inc."
    assert large.values["seller.name"].confidence >= 0.75
    assert small.values["seller.name"].confidence < 0.6


@pytest.mark.parametrize(
    ("billing", "delivery"),
    [
        ("Rechnungsadresse", "Lieferadresse"),
        ("Bill to", "Ship to"),
        ("Factuuradres", "Afleveradres"),
        ("Adresse de facturation", "Adresse de livraison"),
    ],
)
def test_the_name_under_a_deliver_to_heading_is_never_the_seller(
    billing: str, delivery: str
) -> None:
    fields = read(
        text_of(
            put(80, 130, billing),
            put(360, 130, delivery),
            put(80, 145, "Brightwater Supplies"),
            put(360, 145, "Harbour Depot"),
            put(80, 156, "Quay Road 12"),
            put(360, 156, "Dock Lane 3"),
            put(45, 263, "Invoice No. 2024-0815"),
            put(45, 400, "Total 119.00 EUR"),
        )
    )
    assert value(fields, "buyer.name") == "Brightwater Supplies"
    assert value(fields, "seller.name") is None


def test_a_name_below_the_letterhead_such_as_a_column_header_is_not_the_seller() -> None:
    fields = read(
        text_of(
            put(45, 263, "Invoice No. 2024-0815"),
            put(45, 300, "Artikel   Omschrijving   Prijs   Bedrag"),
            put(45, 314, "E-1001   Filter set   49,99   49,99"),
            put(45, 400, "Totaal EUR 49,99"),
        )
    )
    assert value(fields, "seller.name") is None


@pytest.mark.parametrize(
    "line",
    [
        "Sehr geehrter Herr Mustermann,",
        "Dear Ms Jones,",
        "Madame, Monsieur,",
        "bei Änderungen teilen Sie uns das ein. Die Zahlung werden wir verrechnen.",
        "Die Zahlung werden wir mit dem nächsten Beitrag verrechnen.",
        "zu Ihrer Wohngebäudeversicherung berechnen wir Ihnen für den Zeitraum",
    ],
)
def test_a_letters_opening_or_a_sentence_is_never_the_seller(line: str) -> None:
    fields = read(
        text_of(
            put(60, 40, line),
            put(360, 140, "Rechnung Nr. 991"),
            put(360, 154, "Datum: 02.05.2024"),
        )
    )
    assert value(fields, "seller.name") is None


def test_names_that_look_like_an_opening_stay_names() -> None:
    names = ("Dear Foods Ltd", "Beste Preise GmbH", "Versicherungsverein Musterstadt a.G.")
    for name in (*names, "de Lattre Alexis", "van der Meer Bouw en Onderhoud B.V."):
        fields = read(
            text_of(
                put(60, 40, name, size=20),
                put(60, 66, "Hauptstraße 12"),
                put(60, 80, "10115 Berlin"),
                put(360, 140, "Rechnung Nr. 991"),
            )
        )
        assert value(fields, "seller.name") == name
