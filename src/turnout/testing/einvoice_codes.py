"""The code values and words the invoice generator (`turnout.testing.einvoices`) draws from.

Every code is one the EN 16931 code lists accept (UNTDID 5189, 7161, 5305, 4451, 1153, 2005,
UN/ECE Rec 20, the VATEX list, the attachment MIME types), so a generated invoice passes the BR-CL
rules.
"""

from __future__ import annotations

# (category, rate as written) of the lines each scenario draws from; the first is always used
CATEGORIES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "domestic": (("S", "19"), ("S", "7"), ("Z", "0"), ("E", "0")),
    "reverse_charge": (("AE", "0"), ("S", "19")),
    "intra_community": (("K", "0"),),
    "export": (("G", "0"),),
    "not_subject": (("O", None),),
    "canary_islands": (("L", "7"), ("L", "3")),
    "ceuta_melilla": (("M", "10"), ("M", "0.5")),
}
SELLER_COUNTRY = {"canary_islands": "ES", "ceuta_melilla": "ES"}
BUYER_COUNTRY = {"intra_community": "FR", "export": "US", "reverse_charge": "DE"}
# VATEX code and text of the categories whose breakdown gives an exemption reason
EXEMPTIONS = {
    "E": (
        (
            "VATEX-EU-132-1I",
            "Exempt: cultural services, Article 132(1)(n) of Directive 2006/112/EC",
        ),
        ("VATEX-EU-132-1J", "Exempt: school or university education"),
        ("VATEX-EU-143", "Exempt: importation of goods, Article 143"),
    ),
    "AE": (("VATEX-EU-AE", "Reverse charge"),),
    "K": (("VATEX-EU-IC", "Intra-Community supply"),),
    "G": (("VATEX-EU-G", "Export outside the EU"),),
    "O": (("VATEX-EU-O", "Not subject to VAT"),),
}
ALLOWANCE_REASONS = (
    ("95", "Discount"),
    ("100", "Special rebate"),
    ("41", "Bonus for works ahead of schedule"),
    ("64", "Special agreement"),
    ("65", "Production error discount"),
    ("68", "End-of-range discount"),
    ("102", "Fixed long term"),
    ("104", "Standard"),
)
CHARGE_REASONS = (
    ("FC", "Freight service"),
    ("PC", "Packing"),
    ("ABL", "Additional packaging"),
    ("SAA", "Shipping and handling"),
    ("TAC", "Testing"),
    ("CG", "Cleaning"),
    ("IS", "Invoicing"),
)
UNITS = ("C62", "HUR", "KGM", "MTR", "DAY", "LTR", "H87")
QUANTITIES = ("1", "2", "3", "5", "10", "12", "2.5", "0.75", "120")
NOTE_SUBJECTS = ("AAI", "REG", "SUR", "PMT", "TXD", "ABL")
MIME = (
    ("application/pdf", "pdf"),
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("text/csv", "csv"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
)
ITEMS = (
    "Office chair",
    "Consulting hours",
    "Printer paper A4",
    "Server rack rental",
    "Espresso beans 1 kg",
    "Cable CAT6 305 m",
    "Translation service",
    "Standing desk",
    "Software licence",
    "Maintenance visit",
)
CITIES = {
    "DE": (("Berlin", "10115", "Berlin"), ("München", "80331", "Bayern"), ("Köln", "50667", None)),
    "FR": (("Paris", "75001", "Île-de-France"), ("Lyon", "69001", None)),
    "ES": (("Las Palmas de Gran Canaria", "35001", "Canarias"), ("Ceuta", "51001", "Ceuta")),
    "US": (("Boston", "02108", "MA"), ("Austin", "73301", "TX")),
    "AT": (("Wien", "1010", None),),
}
NAMES = ("Nordlicht", "Meridian", "Fjordstein", "Alba", "Quercus", "Lumen", "Orbis", "Tessera")
FORMS = {"DE": "GmbH", "FR": "SARL", "ES": "S.L.", "US": "Inc.", "AT": "GmbH"}
STREETS = ("Hauptstraße", "Rue de la Paix", "Calle Mayor", "Main Street")
PAYMENT_TERMS = ("Net 30 days", "2 % discount within 10 days, net 30", "Payable on receipt")
NOTES = (
    "Thank you for your order.",
    "Goods remain our property until paid in full.",
    "Please quote the invoice number with your payment.",
    "Delivered in two parcels.",
)
ATTRIBUTES = (("Colour", ("black", "white")), ("Size", ("M", "XL")), ("Material", ("oak",)))
