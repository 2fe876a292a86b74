"""Labels found on the page: the printed words that announce a field, where they sit, how strong.

The labels are those of the template-free reader (`extract.patterns`, six languages) plus the
headings of party blocks a clerk looks for ("Rechnungsempfänger", "Bill to", "Facturé à",
"Fornitore", ...). Where two labels overlap on a line the longest wins, so "Kundennummer" (not
extracted) hides the "Kunde" heading inside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.patterns import (
    LANGUAGES,
    Label,
    label_of,
    labels_for,
    longest_labels,
)

SELLER, BUYER = "seller.name", "buyer.name"

# headings over a party's address block, per language (what the label table lacks)
_HEADINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        (SELLER, r"from|vendor|seller|supplier|sold\s*by|issued\s*by|remit\s*to|payee"),
        (
            BUYER,
            r"bill(?:ed)?\s*to|invoice(?:d)?\s*to|sold\s*to|customer|buyer|client|to(?=\s*:)",
        ),
    ),
    "de": (
        (
            SELLER,
            r"verkäufer|lieferant|rechnungs(?:aus)?steller|rechnungsersteller|absender|leistungserbringer",
        ),
        (
            BUYER,
            r"käufer|kunde|rechnungsempfänger|rechnungsadresse|empfänger|leistungsempfänger|"
            r"rechnung\s*an",
        ),
    ),
    "fr": (
        (SELLER, r"émetteur|vendeur|fournisseur|prestataire|expéditeur"),
        (
            BUYER,
            r"destinataire|factur[ée]e?\s*à|acheteur|client|adresse\s*de\s*facturation",
        ),
    ),
    "it": (
        (SELLER, r"fornitore|cedente(?:\s*/\s*prestatore)?|prestatore|venditore|mittente"),
        (
            BUYER,
            r"cliente|committente|cessionario(?:\s*/\s*committente)?|destinatario|spett(?:\.le|abile)",
        ),
    ),
    "es": (
        (SELLER, r"vendedor|proveedor|emisor|emitido\s*por"),
        (BUYER, r"comprador|cliente|facturar\s*a|facturado\s*a|destinatario"),
    ),
    "nl": (
        (SELLER, r"leverancier|verkoper|afzender"),
        (BUYER, r"klant|koper|afnemer|factuur\s*aan|gefactureerd\s*aan|factuuradres"),
    ),
}
_N = r"(?:n\s*[°º]|n\.|no|nr|num|#)\.?"  # "n." too: "Fattura n. 123", "Factura n.º"
# what some print between the title and its number: the type code "(380)", a remark in brackets
_CODE = r"(?:\s*\([^()]{1,40}\))*"
# title lines that carry the invoice number: "Handelsrechnung (380) Nr. 471102 vom 05.03.2018"
_TITLES: dict[str, str] = {
    "en": rf"(?:commercial\s*|tax\s*|credit\s*|debit\s*|corrected\s*)?(?:invoice|note){_CODE}\s*(?:{_N}|number)",
    "de": rf"[a-zäöüß]*(?:rechnung|gutschrift|rechnungskorrektur|stornorechnung){_CODE}\s*(?:{_N}|nummer)",
    "fr": rf"(?:facture|avoir)(?:\s*rectificative)?{_CODE}\s*(?:{_N}|num[ée]ro)",
    "it": rf"(?:fattura|nota\s*di\s*credito){_CODE}\s*(?:{_N}|numero)",
    "es": rf"(?:factura|abono|nota\s*de\s*cr[ée]dito)(?:\s*rectificativa)?{_CODE}\s*(?:{_N}|n[úu]mero)",
    "nl": rf"(?:factuur|creditnota|creditfactuur){_CODE}\s*(?:{_N}|nummer)",
}
# what the label table lacks: due dates said in a sentence ("Zahlbar innerhalb 30 Tagen netto
# bis 04.04.2018"), and titles of credit notes that carry their number ("Avoir AV-2017-0005")
_MORE: dict[str, tuple[tuple[str, str, float], ...]] = {
    "en": (
        ("invoice_number", r"#(?=\s*[A-Za-z0-9])", 0.55),  # "# 2024-17" under the title
        (
            "due_date",
            r"(?:pay(?:able|ment)?|remit(?:tance)?|transfer)[^.:]{0,40}?"
            r"(?:by|before|until|no\s*later\s*than)",
            0.85,
        ),
        ("invoice_number", r"credit\s*note|debit\s*note", 0.6),
    ),
    "de": (
        (
            "due_date",
            r"(?:zahlbar|überweisen|zahlung)[^.:]{0,40}?bis(?:\s*(?:zum|spätestens))?",
            0.9,
        ),
        ("invoice_number", r"gutschrift|rechnungskorrektur|stornorechnung", 0.6),
        ("seller.vat_id", r"ust\.?\s*-?\s*ident(?:ifikations)?\s*-?\s*(?:nr\.?|nummer)", 1.0),
        (
            "buyer.vat_id",
            r"(?:ihre|kunden)\s*-?\s*ust\.?\s*-?\s*ident(?:ifikations)?\s*-?\s*(?:nr\.?|nummer)",
            1.0,
        ),
    ),
    "fr": (
        (
            "due_date",
            r"(?:payable|à\s*payer|à\s*régler|règlement)[^.:]{0,40}?(?:avant\s*le|au\s*plus\s*tard\s*le)",
            0.85,
        ),
        ("invoice_number", r"avoir", 0.6),
    ),
    "it": (
        ("due_date", r"(?:pagabile|pagamento|da\s*pagare)[^.:]{0,40}?entro\s*il", 0.85),
        ("invoice_number", r"nota\s*di\s*credito", 0.6),
    ),
    "es": (
        ("due_date", r"(?:pagadero|pago|a\s*pagar)[^.:]{0,40}?antes\s*del?", 0.85),
        ("invoice_number", r"abono|nota\s*de\s*cr[ée]dito|factura\s*rectificativa", 0.6),
    ),
    "nl": (
        ("due_date", r"(?:te\s*betalen|betaling)[^.:]{0,40}?(?:voor|vóór|uiterlijk\s*op)", 0.85),
        ("invoice_number", r"creditnota|creditfactuur", 0.6),
    ),
}
_PLAIN = {
    "ä": "a",
    "ö": "o",
    "ü": "u",
    "é": "e",
    "è": "e",
    "ê": "e",
    "à": "a",
    "â": "a",
    "ç": "c",
    "ô": "o",
    "î": "i",
    "ì": "i",
    "ò": "o",
    "ù": "u",
    "í": "i",
    "ó": "o",
    "ú": "u",
    "á": "a",
    "ñ": "n",
    "ß": "ss",
}


@dataclass(frozen=True)
class LabelHit:
    """A label found in the text of a line, at [start, end) of `line.text`."""

    label: Label
    line: LineText
    start: int
    end: int

    @property
    def path(self) -> str:
        return self.label.path

    @property
    def phrase(self) -> int:
        return self.line.phrase_at(self.start)


def labels_of(languages: Sequence[str] = LANGUAGES) -> tuple[Label, ...]:
    """The field labels and the party headings of `languages`."""
    out = [_tolerant(label) for label in labels_for(tuple(languages))]
    for language in languages:
        for path, regex in _HEADINGS.get(language, ()):
            out.append(_label(path, language, 0.95, regex))
        if language in _TITLES:
            out.append(_label("invoice_number", language, 1.0, _TITLES[language]))
        for path, regex, weight in _MORE.get(language, ()):
            out.append(_label(path, language, weight, regex))
    return tuple(out)


def _label(path: str, language: str, weight: float, regex: str) -> Label:
    return _tolerant(label_of(path, language, weight, regex))


def _tolerant(label: Label) -> Label:
    """The label also matching its words without their accents, as OCR often reads them
    ("Kaufer/Leistungsempfanger")."""
    pattern = re.compile(accent_tolerant(label.pattern.pattern), re.IGNORECASE)
    return Label(label.path, label.language, label.weight, pattern)


def accent_tolerant(regex: str) -> str:
    """`regex` with each accented letter outside a character class also matching its plain
    letter (`ä` -> `[äa]`, `ß` -> `(?:ß|ss)`)."""
    out: list[str] = []
    in_class = escaped = False
    for ch in regex:
        if escaped:
            out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        plain = _PLAIN.get(ch.lower())
        if plain is not None and not in_class:
            out.append(f"[{ch}{plain}]" if ch != "ß" else "(?:ß|ss)")
        else:  # inside a character class (a range of letters) or no accent: as it is
            out.append(ch)
    return "".join(out)


def find_labels(lines: Sequence[LineText], labels: Sequence[Label]) -> list[LabelHit]:
    """Every label of every line; where labels overlap, the longest (then heaviest) wins.

    Hits of labels that are not extracted (`_other`) are kept so that callers can tell that
    a phrase is a label; they carry the path `_other`.
    """
    hits: list[LabelHit] = []
    for line in lines:
        found = [
            (m.start(), m.end(), label)
            for label in labels
            for m in label.pattern.finditer(line.text)
            if m.end() > m.start()
        ]
        kept = longest_labels(found)
        hits.extend(LabelHit(label, line, start, end) for start, end, label in kept)
    return hits
