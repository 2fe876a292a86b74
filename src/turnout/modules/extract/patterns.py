"""The labels invoices print next to their fields, per language, as regular expressions.

Each label names the canonical dotted path it announces and a weight: 1.0 for a label that can
only mean that field ("Rechnungsdatum"), less for a generic one ("Datum", "Total"). Labels of the
pseudo-field `_other` name things that are not extracted ("Order date", "Kundennummer"): they
exist so that a longer, more specific label wins over the generic one hidden inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "de", "fr", "nl", "es", "it")
OTHER = "_other"

_N = r"(?:n\s*[°º]|no|nr|num|#)\.?"  # the many ways to write "number"

_TABLE: dict[str, tuple[tuple[str, str, float], ...]] = {
    "any": (
        ("payment.iban", r"iban", 1.0),
        ("payment.bic", r"bic\s*/\s*swift|swift\s*/\s*bic|bic|swift(?:\s*code)?", 1.0),
        ("currency", r"iso\s*4217", 1.0),
    ),
    "en": (
        (
            "invoice_number",
            rf"invoice\s*(?:{_N}|number|id)|inv\.?\s*{_N}|bill\s*(?:{_N}|number)",
            1.0,
        ),
        ("invoice_number", r"invoice|receipt\s*(?:no|number)", 0.6),
        (
            "issue_date",
            r"invoice\s*date|date\s*of\s*(?:issue|invoice)|issue\s*date|billing\s*date|tax\s*point(?:\s*date)?",
            1.0,
        ),
        ("issue_date", r"date|dated", 0.6),
        (
            "due_date",
            r"due\s*date|payment\s*due(?:\s*date)?|date\s*due|due\s*(?:on|by)|pay(?:able)?\s*by",
            1.0,
        ),
        (
            "order_reference",
            rf"(?:purchase\s*)?order\s*(?:{_N}|number|id|ref(?:erence)?)|p\.?\s*o\.?\s*(?:{_N}|number)|purchase\s*order",
            1.0,
        ),
        (
            "totals.payable",
            r"total\s*(?:amount\s*)?due|amount\s*due|balance\s*due|grand\s*total|total\s*amount|invoice\s*total|total\s*payable|amount\s*payable|total\s*to\s*pay|total\s*for\s*this\s*invoice|total\s*\(?(?:incl\.?|including)\s*(?:vat|tax)\)?",
            1.0,
        ),
        ("totals.payable", r"total", 0.6),
        (
            "totals.tax_exclusive",
            r"sub\s*-?\s*total|net\s*(?:amount|total)|total\s*net|total\s*\(?(?:excl\.?|excluding|before)\s*(?:vat|tax)\)?|amount\s*(?:excl\.?|before)\s*(?:vat|tax)|taxable\s*amount",
            1.0,
        ),
        (
            "totals.tax",
            r"(?:total\s*)?vat(?:\s*amount)?|(?:total\s*|sales\s*)?tax(?:\s*amount)?|gst|hst",
            0.9,
        ),
        (
            "seller.vat_id",
            rf"vat\s*(?:reg(?:istration)?\.?\s*)?(?:{_N}|number|id)|vat\s*reg(?:istration)?\.?|tax\s*id",
            1.0,
        ),
        ("buyer.vat_id", rf"(?:customer|client|buyer|your)\s*vat\s*(?:{_N}|number|id)?", 1.0),
        (
            "seller.name",
            r"seller|supplier|vendor|sold\s*by|service\s*provider|issued\s*by|from(?=\s*:)",
            1.0,
        ),
        (
            "buyer.name",
            r"bill(?:ed)?\s*to(?:\s*address)?|billing\s*address|invoice\s*to|sold\s*to|customer(?:\s*name)?|client(?:\s*name)?|buyer",
            1.0,
        ),
        ("currency", r"currency", 1.0),
        (
            OTHER,
            rf"(?:unit\s*)?price\s*(?:incl\.?|excl\.?)\s*(?:vat|tax)|(?:vat|tax)\s*(?:%|rate)|order\s*date|delivery\s*date|ship(?:ping)?\s*date|ship\s*to|shipping\s*address|customer\s*(?:{_N}|number|id)|account\s*(?:{_N}|number)|payment\s*terms|check\s*(?:in|out)|due\s*to|customer\s*(?:care|service)|tax\s*\(?%\)?",
            1.0,
        ),
    ),
    "de": (
        ("invoice_number", rf"rechnungs?\s*-?\s*(?:{_N}|nummer)|beleg\s*-?\s*(?:{_N}|nummer)", 1.0),
        ("invoice_number", r"rechnung", 0.6),
        (
            "issue_date",
            r"rechnungs\s*-?\s*datum|beleg\s*-?\s*datum|ausstellungsdatum|datum\s*der\s*rechnung",
            1.0,
        ),
        ("issue_date", r"datum", 0.6),
        (
            "due_date",
            r"fällig(?:keit(?:sdatum)?)?(?:\s*(?:am|bis))?|zahlbar\s*bis|zahlungsziel|zahlungsfrist",
            1.0,
        ),
        (
            "order_reference",
            rf"bestell\s*-?\s*(?:{_N}|nummer)|ihre\s*bestellung(?:\s*(?:{_N}|nummer))?|auftrags\s*-?\s*(?:{_N}|nummer)|bestellung",
            1.0,
        ),
        (
            "totals.payable",
            r"gesamtbetrag|rechnungsbetrag|endbetrag|bruttobetrag|gesamt\s*brutto|summe\s*brutto|brutto\s*summe|zahlbetrag|zu\s*zahlen(?:der\s*betrag)?|gesamtsumme|rechnungssumme",
            1.0,
        ),
        ("totals.payable", r"gesamt|summe", 0.6),
        (
            "totals.tax_exclusive",
            r"netto\s*-?\s*betrag|summe\s*netto|netto\s*summe|gesamt\s*netto|zwischensumme|warenwert|netto",
            1.0,
        ),
        (
            "totals.tax",
            r"(?:(?:zzgl\.?|inkl\.?|enthaltene)\s*)?(?:mwst|ust|umsatzsteuer|mehrwertsteuer)\.?(?:\s*-?\s*betrag)?",
            0.9,
        ),
        (
            "seller.vat_id",
            rf"ust\.?\s*-?\s*id\.?\s*-?\s*(?:{_N}|nummer)?|ust\.?\s*-?\s*idnr\.?|umsatzsteuer\s*-?\s*id(?:entifikationsnummer)?|mwst\.?\s*-?\s*{_N}|uid(?:\s*-?\s*{_N})?",
            1.0,
        ),
        (
            "buyer.vat_id",
            rf"(?:ihre|kunden)\s*-?\s*ust\.?\s*-?\s*id\.?\s*-?\s*(?:{_N}|nummer)?",
            1.0,
        ),
        ("seller.name", r"lieferant|verkäufer|rechnungssteller", 1.0),
        ("buyer.name", r"rechnungsempfänger|rechnungsadresse|kunde|empfänger|auftraggeber", 1.0),
        ("currency", r"währung", 1.0),
        (
            OTHER,
            rf"(?:einzel)?preis\s*(?:inkl\.?|exkl\.?|zzgl\.?)\s*(?:mwst|ust)\.?|(?:mwst|ust)\.?\s*(?:%|satz)|kunden\s*-?\s*(?:{_N}|nummer)|liefer\s*-?\s*datum|leistungs\s*-?\s*datum|bestell\s*-?\s*datum|auftrags\s*-?\s*datum|steuer\s*-?\s*(?:{_N}|nummer)|lieferadresse|ohne\s*mwst\.?|kto\s*-?\s*{_N}|blz",
            1.0,
        ),
    ),
    "fr": (
        (
            "invoice_number",
            rf"(?:facture|fact\.?)\s*(?:{_N}|num[ée]ro)|{_N}\s*(?:de\s*)?facture|num[ée]ro\s*(?:de\s*)?facture",
            1.0,
        ),
        ("invoice_number", r"facture", 0.6),
        (
            "issue_date",
            r"date\s*(?:de\s*(?:la\s*)?)?facture|date\s*d['\u2019]émission|date\s*de\s*facturation|émise\s*le",
            1.0,
        ),
        (
            "due_date",
            r"date\s*d['\u2019]échéance|échéance|date\s*limite\s*de\s*paiement|à\s*payer\s*(?:avant\s*le|au\s*plus\s*tard\s*le)|payable\s*le",
            1.0,
        ),
        (
            "order_reference",
            rf"(?:bon\s*de\s*)?commande\s*(?:{_N})?|{_N}\s*(?:de\s*)?commande|réf(?:érence)?\.?\s*commande",
            1.0,
        ),
        (
            "totals.payable",
            r"total\s*ttc|montant\s*(?:eur\s*)?ttc|net\s*à\s*payer|total\s*à\s*payer|montant\s*(?:total\s*)?à\s*payer|somme\s*à\s*payer|total\s*facture|montant\s*total",
            1.0,
        ),
        (
            "totals.tax_exclusive",
            r"total\s*ht|montant\s*(?:eur\s*)?ht|sous\s*-?\s*total(?:\s*ht)?|total\s*hors\s*taxes?|montant\s*hors\s*taxes?|base\s*ht",
            1.0,
        ),
        ("totals.tax", r"(?:total\s*|montant\s*)?tva", 0.9),
        (
            "seller.vat_id",
            rf"(?:{_N}\s*(?:de\s*)?)?tva\s*intra(?:communautaire|com\.?)?|{_N}\s*(?:de\s*)?tva|num[ée]ro\s*de\s*tva|identifiant\s*tva",
            1.0,
        ),
        ("buyer.vat_id", r"tva\s*(?:intracommunautaire\s*)?(?:du\s*)?client", 1.0),
        ("seller.name", r"fournisseur|vendeur|émetteur", 1.0),
        ("buyer.name", r"client|factur[ée]\s*à|adresse\s*de\s*facturation|destinataire", 1.0),
        ("currency", r"devise|monnaie", 1.0),
        (
            OTHER,
            rf"prix\s*(?:unitaire\s*)?(?:ht|ttc)|taux\s*(?:de\s*)?tva|tva\s*%|date\s*de\s*(?:livraison|commande)|adresse\s*de\s*livraison|{_N}\s*client|code\s*client|id\.?\s*client|siret|siren|rcs",
            1.0,
        ),
    ),
    "nl": (
        ("invoice_number", rf"factuur\s*-?\s*(?:{_N}|nummer)", 1.0),
        ("invoice_number", r"factuur", 0.6),
        ("issue_date", r"factuur\s*-?\s*datum|datum\s*factuur", 1.0),
        ("due_date", r"verval\s*-?\s*datum|uiterste\s*betaaldatum|te\s*betalen\s*voor", 1.0),
        (
            "order_reference",
            rf"order\s*-?\s*(?:{_N}|nummer)|bestel\s*-?\s*(?:{_N}|nummer)|inkoop\s*-?\s*order(?:\s*-?\s*nummer)?",
            1.0,
        ),
        ("order_reference", r"order", 0.6),
        (
            "totals.payable",
            r"totaal\s*(?:incl\.?|inclusief)\s*btw|te\s*betalen|factuur\s*totaal|totaal\s*-?\s*bedrag|eindtotaal",
            1.0,
        ),
        ("totals.payable", r"totaal", 0.6),
        (
            "totals.tax_exclusive",
            r"(?:totaal\s*)?(?:excl\.?|exclusief)\s*btw|netto\s*-?\s*bedrag|grondslag",
            1.0,
        ),
        ("totals.tax_exclusive", r"subtotaal", 0.8),
        ("totals.tax", r"(?:totaal\s*)?btw(?:\s*-?\s*bedrag)?", 0.9),
        (
            "seller.vat_id",
            rf"btw\s*-?\s*(?:{_N}|nummer|id(?:entificatie)?(?:nummer)?)|omzetbelastingnummer",
            1.0,
        ),
        ("buyer.vat_id", rf"uw\s*btw\s*-?\s*(?:{_N}|nummer)|btw\s*-?\s*nummer\s*klant", 1.0),
        ("seller.name", r"leverancier", 1.0),
        ("buyer.name", r"factuuradres|klant(?:naam)?|afnemer|gefactureerd\s*aan", 1.0),
        ("currency", r"valuta", 1.0),
        (
            OTHER,
            rf"prijs\s*(?:incl\.?|excl\.?|inclusief|exclusief)\s*btw|klant\s*-?\s*(?:{_N}|nummer)|order\s*-?\s*datum|afleveradres|lever\s*-?\s*datum|kvk(?:\s*-?\s*nummer)?|btw\s*%",
            1.0,
        ),
    ),
    "es": (
        (
            "invoice_number",
            rf"{_N}\s*(?:de\s*)?factura|núm(?:ero)?\.?\s*(?:de\s*)?factura|numero\s*(?:de\s*)?factura|factura\s*(?:{_N}|núm(?:ero)?\.?)",
            1.0,
        ),
        ("invoice_number", r"factura", 0.6),
        (
            "issue_date",
            r"fecha\s*(?:de\s*)?(?:la\s*)?factura|fecha\s*de\s*(?:emisi[óo]n|expedici[óo]n)",
            1.0,
        ),
        ("issue_date", r"fecha", 0.6),
        ("due_date", r"fecha\s*de\s*vencimiento|vencimiento|fecha\s*l[íi]mite\s*de\s*pago", 1.0),
        ("order_reference", rf"(?:{_N}\s*(?:de\s*)?)?pedido(?:\s*{_N})?|orden\s*de\s*compra", 1.0),
        (
            "totals.payable",
            r"importe\s*total|total\s*factura|total\s*a\s*pagar|importe\s*a\s*pagar|total\s*(?:con\s*)?iva\s*incluido",
            1.0,
        ),
        (
            "totals.tax_exclusive",
            r"base\s*imponible|subtotal|importe\s*neto|total\s*sin\s*iva",
            1.0,
        ),
        ("totals.tax", r"(?:cuota\s*(?:de\s*)?|total\s*)?iva|impuestos?", 0.9),
        (
            "seller.vat_id",
            rf"nif(?:\s*-?\s*iva)?|cif|{_N}\s*(?:de\s*)?iva|n[úu]mero\s*de\s*iva",
            1.0,
        ),
        ("buyer.vat_id", r"(?:nif|cif)\s*(?:del\s*)?cliente", 1.0),
        ("seller.name", r"proveedor|emisor|vendedor", 1.0),
        ("buyer.name", r"cliente|facturar\s*a|destinatario", 1.0),
        ("currency", r"moneda|divisa", 1.0),
    ),
    "it": (
        (
            "invoice_number",
            rf"fattura\s*(?:{_N}|numero)|numero\s*(?:di\s*)?fattura|{_N}\s*fattura",
            1.0,
        ),
        ("invoice_number", r"fattura", 0.6),
        (
            "issue_date",
            r"data\s*(?:della\s*)?fattura|data\s*(?:di\s*)?emissione|data\s*documento",
            1.0,
        ),
        ("issue_date", r"data", 0.6),
        ("due_date", r"(?:data\s*(?:di\s*)?)?scadenza|da\s*pagare\s*entro", 1.0),
        (
            "order_reference",
            rf"(?:numero\s*|{_N}\s*)?ordine(?:\s*{_N})?|rif(?:erimento)?\.?\s*ordine",
            1.0,
        ),
        (
            "totals.payable",
            r"totale\s*(?:fattura|documento|da\s*pagare|complessivo|ivato)|importo\s*totale|netto\s*a\s*pagare",
            1.0,
        ),
        ("totals.payable", r"totale", 0.6),
        ("totals.tax_exclusive", r"(?:totale\s*)?imponibile|subtotale|totale\s*netto", 1.0),
        ("totals.tax", r"(?:totale\s*|importo\s*)?iva|imposta", 0.9),
        ("seller.vat_id", r"p(?:artita)?\.?\s*iva|codice\s*iva", 1.0),
        ("buyer.vat_id", r"p(?:artita)?\.?\s*iva\s*(?:del\s*)?cliente", 1.0),
        ("seller.name", r"fornitore|cedente(?:\s*/\s*prestatore)?|mittente", 1.0),
        ("buyer.name", r"cliente|spett(?:\.le|abile)|intestatario", 1.0),
        ("currency", r"valuta", 1.0),
    ),
}


@dataclass(frozen=True)
class Label:
    """One way of announcing a field: its path, language, weight and compiled pattern."""

    path: str
    language: str
    weight: float
    pattern: re.Pattern[str]


_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿ"


def labels_for(languages: tuple[str, ...] = LANGUAGES) -> tuple[Label, ...]:
    """The labels of the given languages (language-neutral ones are always included)."""
    unknown = sorted(set(languages) - set(LANGUAGES))
    if unknown:
        raise ValueError(f"unknown label languages {unknown}; choose among {', '.join(LANGUAGES)}")
    out: list[Label] = []
    for language in ("any", *languages):
        for path, regex, weight in _TABLE[language]:
            out.append(label_of(path, language, weight, regex))
    return tuple(out)


def label_of(path: str, language: str, weight: float, regex: str) -> Label:
    """The label announcing `path` with `regex`, matched as whole words case-insensitively."""
    # words of a label are at most one space apart: two spaces separate columns
    words = regex.replace(r"\s*", "[ ]?")
    bounded = rf"(?<![{_LETTER}_])(?:{words})(?![{_LETTER}_])"
    return Label(path, language, weight, re.compile(bounded, re.IGNORECASE))


def longest_labels(found: list[tuple[int, int, Label]]) -> list[tuple[int, int, Label]]:
    """Of labels found at [start, end) on one line, those left where they overlap: the longest
    first, then the heaviest; in the order they stand on the line."""
    found = sorted(found, key=lambda f: (f[0] - f[1], -f[2].weight, f[0]))
    kept: list[tuple[int, int, Label]] = []
    for start, end, label in found:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, label))
    kept.sort(key=lambda k: k[0])
    return kept


def settings_schema(*, languages_said: str, min_confidence_said: str) -> dict[str, Any]:
    """The settings of a label-reading extract module (`languages`, `min_confidence`), each
    described as the module reads it."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "languages": {
                "type": "array",
                "items": {"type": "string", "enum": list(LANGUAGES)},
                "uniqueItems": True,
                "minItems": 1,
                "default": list(LANGUAGES),
                "description": languages_said,
            },
            "min_confidence": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 0,
                "description": min_confidence_said,
            },
        },
    }
