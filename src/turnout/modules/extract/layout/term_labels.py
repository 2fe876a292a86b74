"""The labels of the terms a printed invoice states beside the main fields, per language.

Payment reference (BT-83), payment means text (BT-82), payment terms (BT-20), a payment account
that is no IBAN (BT-84, the IBANs are read by their checksum), the buyer's number at the seller
(BT-46), a party's number keyed in its block ("Nummer: 549910": BT-29 or BT-46), direct debit
mandate (BT-89) and creditor id (BT-90), invoicing period (BG-14), contact phone and e-mail
(BT-42, BT-43), and the register numbers: legal registration (BT-30: Handelsregister, SIREN/RCS/SIRET,
KvK, company number, REA, Registro Mercantil sheet, CIN) and tax registration (BT-32: a German
Steuernummer, an Italian codice fiscale, an Indian GSTIN), the buyer's reference (BT-10: "Your
reference", "Ihr Zeichen", a Leitweg-ID) and the delivery terms' Incoterms code (no EN 16931
term: `extra.incoterm`). Each entry is a path, the label's regular expression (matched
whole-word, case-insensitive) and the shape of its value (`VALUES`). General label knowledge
only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from turnout.modules.extract.layout.labels import accent_tolerant
from turnout.modules.extract.patterns import LANGUAGES

REMITTANCE = "payment.remittance"
MEANS_TEXT = "payment.means_text"
TERMS_TEXT = "payment_terms"  # BT-20, the payment terms in words
MANDATE = "payment.direct_debit.mandate"
CREDITOR = "payment.direct_debit.creditor_id"
PERIOD = "invoicing_period"  # a range: its start and end
PHONE = "seller.contact.phone"
EMAIL = "seller.contact.email"
LEGAL = "seller.legal_registration.id"
TAX_REGISTRATION = "seller.tax_registration_id"
ACCOUNT = "payment.iban"  # BT-84, the payment account: here one that is no IBAN
BUYER_ID = "buyer.identifiers[0].id"  # BT-46, the buyer's number at the seller
BUYER_REFERENCE = "buyer_reference"  # BT-10, the buyer's own reference (a Leitweg-ID too)
# the delivery terms: no EN 16931 term, kept beside the invoice as invoice2data names them
INCOTERM = "extra.incoterm"
# "Nummer: 549910" in a party's block: that party's identifier (BT-29 / BT-46); read only as the
# key of a phrase in a block that is one party's
PARTY_ID = "party.identifiers[0].id"
_PARTY_KEYS: dict[str, str] = {
    "en": r"number|no\.?|id",
    "de": r"nummer|nr\.?",
    "fr": r"num[ée]ro|n[°º]",
    "it": r"numero|n\.",
    "es": r"n[úu]mero|n\.?[º°]",
    "nl": r"nummer|nr\.?",
}

_TERMS: dict[str, tuple[tuple[str, str], ...]] = {
    "any": (
        (PHONE, r"tel\.?|phone|fon|gsm"),
        (EMAIL, r"e-?mail|mail"),
        (TAX_REGISTRATION, r"gstin"),
        (LEGAL, r"cin"),
        (INCOTERM, r"incoterms?(?:\s*(?:20[12]0|rules?))?"),
    ),
    "en": (
        (
            BUYER_REFERENCE,
            r"(?:your|customer|buyer)\s*ref(?:erence|\.)?(?:\s*(?:no\.?|number))?",
        ),
        (INCOTERM, r"delivery\s*terms|terms\s*of\s*delivery"),
        (ACCOUNT, r"bank\s*account(?:\s*(?:no\.?|number))?"),  # a customer's account is not it
        (BUYER_ID, r"customer\s*(?:no\.?|number|id|#)|client\s*(?:no\.?|number|id)"),
        (
            REMITTANCE,
            r"payment\s*reference|remittance\s*(?:reference|information)|communication|"
            r"(?:please\s*)?quote\s*(?:this\s*)?reference(?:\s*(?:when|with)\s*(?:paying|payment))?",
        ),
        (MEANS_TEXT, r"payment\s*(?:method|mode|type)|method\s*of\s*payment|paid\s*(?:by|via)"),
        (TERMS_TEXT, r"payment\s*terms?|terms\s*of\s*payment|payment\s*conditions?"),
        (MANDATE, r"(?:sepa\s*)?mandate\s*(?:reference|ref\.?|id|number|no\.?)"),
        (CREDITOR, r"creditor\s*(?:identifier|id(?:entification)?(?:\s*(?:no\.?|number))?)"),
        (PERIOD, r"(?:service|billing|invoic(?:e|ing)|delivery|accounting)\s*period|period"),
        (PHONE, r"telephone|mobile|cell"),
        (
            LEGAL,
            r"company\s*(?:registration\s*)?(?:no\.?|number|reg\.?\s*no\.?)|"
            r"registered\s*in\s*england(?:\s*(?:and|&)\s*wales)?(?:\s*(?:no\.?|number))?|"
            r"registration\s*(?:no\.?|number)|crn|coc|chamber\s*of\s*commerce",
        ),
    ),
    "de": (
        (
            BUYER_REFERENCE,
            r"ihr(?:e)?\s*(?:zeichen|referenz)|kunden\s*-?\s*referenz|käufer\s*-?\s*referenz|"
            r"leitweg\s*-?\s*id",
        ),
        (INCOTERM, r"lieferbedingung(?:en)?"),
        (ACCOUNT, r"konto\s*-?\s*(?:nr\.?|nummer)|kontonummer|kto\.?\s*-?\s*nr\.?"),
        (BUYER_ID, r"kunden\s*-?\s*(?:nr\.?|nummer)|kd\.?\s*-?\s*nr\.?"),
        (
            REMITTANCE,
            r"verwendungszweck|zahlungsreferenz|überweisungsreferenz|"
            r"(?:referenz|verwendungszweck)\s*\(?bitte\s*bei\s*(?:der\s*)?zahlung\s*angeben\)?",
        ),
        (MEANS_TEXT, r"zahlungsart|zahlungsweise|zahlungsmethode|zahlart"),
        (TERMS_TEXT, r"zahlungsbedingungen?|zahlungskonditionen|konditionen|skontovereinbarung"),
        (MANDATE, r"mandats\s*-?\s*referenz|mandats\s*-?\s*(?:nr\.?|nummer)|mandatsref\.?"),
        (
            CREDITOR,
            r"gläubiger\s*-?\s*(?:id(?:entifikationsnummer)?|identifikations\s*-?\s*nummer)"
            r"(?:\s*-?\s*nr\.?)?",
        ),
        (PERIOD, r"(?:liefer\s*-?\s*/\s*)?leistungszeitraum|abrechnungszeitraum|zeitraum"),
        (PHONE, r"telefon|mobil|handy"),
        (LEGAL, r"handelsregister(?:nummer)?|registernummer|hr\s*-?\s*nr\.?|hrb|hra"),
        (TAX_REGISTRATION, r"steuer\s*-?\s*(?:nr\.?|nummer)|st\.?\s*-?\s*nr\.?"),
    ),
    "fr": (
        (
            BUYER_REFERENCE,
            r"votre\s*r[ée]f(?:[ée]rence|\.)?|r[ée]f[ée]rence\s*(?:de\s*l['\u2019])?acheteur",
        ),
        (INCOTERM, r"conditions?\s*de\s*livraison"),
        (ACCOUNT, r"n[°º]\s*de\s*compte|num[ée]ro\s*de\s*compte|compte\s*bancaire"),
        (
            BUYER_ID,
            r"n[°º]\s*client|num[ée]ro\s*(?:de\s*)?client|code\s*client|id\.?\s*client|"
            r"r[ée]f(?:[ée]rence)?\.?\s*client",
        ),
        (
            REMITTANCE,
            r"référence\s*(?:de|du)\s*(?:paiement|virement)|communication(?:\s*structurée)?|"
            r"libellé\s*du\s*virement|motif\s*du\s*virement",
        ),
        (MEANS_TEXT, r"modes?\s*de\s*(?:paiement|règlement)|moyen\s*de\s*paiement"),
        (TERMS_TEXT, r"conditions?\s*de\s*(?:paiement|règlement)|modalités\s*de\s*règlement"),
        (MANDATE, r"rum|référence\s*(?:unique\s*)?(?:du|de)\s*mandat"),
        (CREDITOR, r"ics|identifiant\s*(?:du\s*)?créancier(?:\s*sepa)?"),
        (PERIOD, r"période(?:\s*de\s*(?:facturation|prestation|service|consommation))?"),
        (PHONE, r"tél(?:éphone)?\.?|portable|mobile"),
        (LEGAL, r"siren|siret|r\.?\s*c\.?\s*s\.?"),
    ),
    "it": (
        (
            BUYER_REFERENCE,
            r"(?:vs\.?|vostro)\s*rif(?:erimento|\.)?|riferimento\s*(?:del\s*)?cliente",
        ),
        (INCOTERM, r"resa|condizioni\s*di\s*consegna"),
        (ACCOUNT, r"conto\s*corrente|c/c|n\.?\s*conto"),
        (BUYER_ID, r"codice\s*cliente|cod\.?\s*cliente|n\.?\s*cliente"),
        (
            REMITTANCE,
            r"causale(?:\s*del\s*(?:bonifico|versamento|pagamento))?|riferimento\s*(?:del\s*)?pagamento",
        ),
        (MEANS_TEXT, r"modalità\s*di\s*pagamento|metodo\s*di\s*pagamento|forma\s*di\s*pagamento"),
        (TERMS_TEXT, r"condizioni\s*di\s*pagamento|termini\s*di\s*pagamento"),
        (MANDATE, r"(?:riferimento|codice|id)\s*(?:del\s*)?mandato"),
        (CREDITOR, r"(?:codice|identificativo)\s*(?:del\s*)?creditore"),
        (PERIOD, r"periodo(?:\s*di\s*(?:fatturazione|riferimento|competenza))?"),
        (PHONE, r"telefono|cellulare"),
        (LEGAL, r"r\.?\s*e\.?\s*a\.?|registro\s*(?:delle\s*)?imprese(?:\s*di\s*\w+)?(?:\s*n\.?)?"),
        (TAX_REGISTRATION, r"codice\s*fiscale|c\.\s*f\."),
    ),
    "es": (
        (
            BUYER_REFERENCE,
            r"su\s*referencia|referencia\s*(?:del\s*)?(?:cliente|comprador)",
        ),
        (INCOTERM, r"condiciones\s*de\s*entrega"),
        (ACCOUNT, r"n[.º°]*\s*de\s*cuenta|n[úu]mero\s*de\s*cuenta|cuenta\s*bancaria"),
        (
            BUYER_ID,
            r"n\.?[º°]?\s*(?:de\s*)?cliente|n[úu]mero\s*de\s*cliente|c[óo]digo\s*(?:de\s*)?cliente",
        ),
        (
            REMITTANCE,
            r"referencia\s*(?:de|del)\s*pago|concepto\s*(?:de(?:l)?\s*)?(?:pago|transferencia)",
        ),
        (MEANS_TEXT, r"forma\s*de\s*pago|método\s*de\s*pago|medio\s*de\s*pago"),
        (TERMS_TEXT, r"condiciones\s*de\s*pago|plazo\s*de\s*pago"),
        (
            MANDATE,
            r"referencia\s*(?:del|de\s*la)\s*(?:mandato|orden\s*de\s*domiciliación)",
        ),
        (CREDITOR, r"identificador\s*del\s*acreedor"),
        (PERIOD, r"per[íi]odo(?:\s*de\s*(?:facturación|servicio|prestación))?"),
        (PHONE, r"tel[ée]fono|tfno\.?|móvil"),
        (LEGAL, r"hoja"),
    ),
    "nl": (
        (BUYER_REFERENCE, r"uw\s*(?:referentie|kenmerk)|referentie\s*(?:klant|koper)"),
        (INCOTERM, r"leverings?voorwaarden"),
        (ACCOUNT, r"(?:bank)?rekening\s*-?\s*(?:nummer|nr\.?)|rek\.?\s*-?\s*nr\.?"),
        (BUYER_ID, r"klant\s*-?\s*(?:nummer|nr\.?)|debiteur\s*-?\s*(?:nummer|nr\.?)"),
        (
            REMITTANCE,
            r"betalingskenmerk|betalingsreferentie|(?:gestructureerde\s*)?mededeling|"
            r"o\.?\s*v\.?\s*v\.?|onder\s*vermelding\s*van",
        ),
        (MEANS_TEXT, r"betaalwijze|betaalmethode|betalingswijze"),
        (TERMS_TEXT, r"betalingsvoorwaarden|betaalvoorwaarden|betalingstermijn|betalingsconditie"),
        (MANDATE, r"machtigingskenmerk|mandaatreferentie|kenmerk\s*(?:van\s*de\s*)?machtiging"),
        (CREDITOR, r"incassant\s*-?\s*id|crediteur\s*-?\s*id"),
        (PERIOD, r"(?:factuur|facturatie|leverings?)\s*periode|periode"),
        (PHONE, r"telefoon|mobiel"),
        (LEGAL, r"kvk(?:\s*-?\s*(?:nummer|nr\.?))?|k\.v\.k\.|handelsregister"),
    ),
}

_DIGIT_TOKEN = r"[A-Za-z0-9+][A-Za-z0-9+/._-]*\d[A-Za-z0-9+/._-]*"
# the value each path's label announces, matched at the start of what follows the label
VALUES: dict[str, re.Pattern[str]] = {
    REMITTANCE: re.compile(rf"(?:{_DIGIT_TOKEN})(?:\s(?:{_DIGIT_TOKEN}))*"),
    MANDATE: re.compile(
        r"[A-Za-z0-9][A-Za-z0-9/._+-]{0,34}(?<=\d)|[A-Za-z0-9]*\d[A-Za-z0-9/._+-]*"
    ),
    CREDITOR: re.compile(r"[A-Z]{2}\d{2}\s?[A-Z0-9]{3}\s?[A-Z0-9](?:\s?[A-Z0-9]){1,27}"),
    # the terms in words: what follows the label in its phrase ("Net 30 days", "30% advance
    # payment, balance at 30 days")
    TERMS_TEXT: re.compile(r"[\w(].{0,159}"),
    MEANS_TEXT: re.compile(
        r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\u2019./&-]*(?:\s[A-Za-zÀ-ÿ'\u2019./&-]+){0,4}$"
    ),
    PHONE: re.compile(r"\+?\(?\d[\d()]*(?:[\s./-]{1,2}\(?\d[\d()]*){1,6}"),
    # OCR may set the @ apart: "rechnung @example.de"
    EMAIL: re.compile(r"[A-Za-z0-9._%+-]+ ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    # an Indian GSTIN, a German Steuernummer (201/113/40209, 13 digits), an Italian codice fiscale
    TAX_REGISTRATION: re.compile(
        r"\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]|\d{2,3}/\d{3,4}/\d{4,5}(?:/\d)?(?![\d/])|"
        r"\d{10,13}(?!\d)|[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]"
    ),
    ACCOUNT: re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{4,30}|\d[\d\s.-]{4,30}\d"),
    PARTY_ID: re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]*\d[A-Za-z0-9/._-]*"),
    BUYER_ID: re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]*\d[A-Za-z0-9/._-]*"),
    BUYER_REFERENCE: re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]*\d[A-Za-z0-9/._-]*"),
    # an Incoterms rule's code (2020 and 2010, and the older ones still printed)
    INCOTERM: re.compile(
        r"(?:EXW|FCA|FAS|FOB|CFR|CIF|CPT|CIP|DAP|DPU|DDP|DAT|DDU|DAF|DES|DEQ)(?![A-Za-z])"
    ),
    # a register's number: Handelsregister (HRB 12345), Indian CIN, SIREN or SIRET, REA or
    # Registro Mercantil sheet (MI-123456, M-12345), KvK, company or register number
    LEGAL: re.compile(
        r"HR\s?[AB]\s?\d{1,6}(?:\s?[A-Z]{1,2}\b)?|[LU]\d{5}[A-Z]{2}\d{4}[A-Z]{3}\d{6}|"
        r"\d{3}\s?\d{3}\s?\d{3}(?:\s?\d{5})?(?!\d)|[A-Z]{1,2}\s?-\s?\d{4,7}|[A-Z]{0,2}\d{6,11}(?!\d)"
    ),
}
# how much a label's value counts against the same field read otherwise: an account number
# under its label loses to an IBAN found by its checksum anywhere
WEIGHTS = {ACCOUNT: 0.5}
SEARCHED = frozenset({LEGAL, EMAIL})  # values looked for in the label's neighbourhood, not after it


@dataclass(frozen=True)
class TermLabel:
    """A label of `path` in `language`; a `key` opens its phrase ("Nummer: 549910")."""

    path: str
    language: str
    pattern: re.Pattern[str]
    key: bool = False


def term_labels(languages: tuple[str, ...] = LANGUAGES) -> tuple[TermLabel, ...]:
    """The labels of the terms of `languages` (and those every language shares)."""
    out = []
    for language in ("any", *languages):
        for path, regex in _TERMS.get(language, ()):
            tolerant = accent_tolerant(regex)  # OCR reads "Periode", "Reference" too
            pattern = re.compile(rf"(?<![\w-])(?:{tolerant})(?![\w-])", re.IGNORECASE)
            out.append(TermLabel(path, language, pattern))
        if language in _PARTY_KEYS:
            key = re.compile(rf"(?<![\w-])(?:{_PARTY_KEYS[language]})(?=\s*:)", re.IGNORECASE)
            out.append(TermLabel(PARTY_ID, language, key, key=True))
    return tuple(out)
