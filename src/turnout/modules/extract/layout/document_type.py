"""The document's type (UNTDID 1001, BT-3) from its title: "Rechnung", "Avoir", "Credit note".

A clerk tells an invoice from a credit note by the word printed large at the top of the first
page. `read_document_type` looks there, in six languages: a phrase of page 1 that starts with a
title word and goes on with nothing but a number, a date and remarks in brackets ("Gutschrift
(Selbst ausgestellte Rechnung) (389) Nr. 12 vom 31.10.2018") is a title; a phrase that goes on
like a sentence ("Rechnung wird per Lastschrift eingezogen") or like a heading or label
("Rechnung an", "Invoice date") is not. A type code printed in brackets after the title wins
over the words. The more prominent the title (taller than the page's text, or high on the page),
the surer the reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from turnout.authoring import Word
from turnout.modules.extract.layout.page import Found, Layout, Line, Phrase

INVOICE, CREDIT_NOTE, CORRECTED, SELF_BILLED = "380", "381", "384", "389"
PROFORMA, PARTIAL, PREPAYMENT, HIRE = "325", "326", "386", "387"
PRINTED_CODE = 0.95  # "Handelsrechnung (380)": the code itself is printed
LARGE = 0.9  # a title taller than the page's text
EARLY = 0.75  # a title of ordinary size high on the page
LATE = 0.55  # a title of ordinary size lower down
LARGE_HEIGHT = 1.25  # a line this many times the page's median line height is large
EARLY_SHARE = 0.4  # the share of the page's height, from the top, where titles are early
TITLE_SHARE = 0.65  # no title is looked for below this share of the page's height

# the titles of each type, most specific first: "Facture d'avoir" is a credit note, not an
# invoice, and "Gutschrift im Gutschriftverfahren" a self-billed invoice, not a credit note
# (in German, "Rechnungskorrektur" is a corrected invoice, never a credit note)
_KINDS: tuple[tuple[str, str], ...] = (
    (
        SELF_BILLED,
        r"gutschrift\s*im\s*gutschrifts?verfahren|selbst\s*ausgestellte\s*rechnung"
        r"|self[\s-]*bill(?:ed|ing)\s*invoice|auto[\s-]*factura(?:tion)?|auto[\s-]*fattura"
        r"|zelffacturering",
    ),
    (
        CORRECTED,
        r"korrekturrechnung|rechnungs-?\s*korrektur|berichtigte\s*rechnung"
        r"|correct(?:ed|ive|ion)\s*invoice|factur[ae]\s*rectificativ[ae]"
        r"|gecorrigeerde\s*factuur|correctiefactuur",
    ),
    (
        CREDIT_NOTE,
        r"gutschrift|credit\s*note|credit\s*memo|facture\s*d\s*['\u2019`]?\s*avoir|avoir"
        r"|nota\s*di\s*credito|nota\s*de\s*cr[eé]dito|factura\s*de\s*abono|abono"
        r"|credit\s*nota|creditnota|creditfactuur",
    ),
    (PROFORMA, r"pro-?\s*forma-?\s*(?:rechnung|invoice|facture|fattura|factura|factuur)"),
    (PARTIAL, r"(?:abschlags|teil)rechnung|partial\s*invoice"),
    (PREPAYMENT, r"(?:anzahlungs|vorauszahlungs)rechnung|prepayment\s*invoice"),
    (HIRE, r"mietrechnung|(?:hire|rental)\s*invoice"),
    (
        INVOICE,
        # any German compound: "Handelsrechnung", "Mietrechnung", "Warenrechnung"
        r"[a-zäöüß]*rechnung|(?:commercial\s*|tax\s*)?invoice"
        r"|facture|fattura|factura|factuur",
    ),
)
_COPY = r"(?:(?:original|copy|kopie|duplicata?|copia|copie)\s*[-:]?\s*)?"
_TITLES = tuple(
    (code, re.compile(rf"^\s*{_COPY}(?:{words})(?![\wäöüßàâçéèêëîïôûùÿñ])", re.IGNORECASE))
    for code, words in _KINDS
)
# the document type codes (UNTDID 1001) an invoice or credit note may print after its title
_CODES = re.compile(
    r"71|80|81|82|83|84|102|130|202|203|204|211|218|219|261|262|295|296|308|325|326|331|38[0-9]"
    r"|390|393|394|395|396|420|456|457|458|527|532|553|575|623|633|751|780|817|870|875|876|877"
    r"|935"
)
# a title printed with its letters spaced: "K O S T E N R E C H N U N G"
_SPACED = re.compile(r"^(?:[^\W\d_] ){3,}[^\W\d_](?= |$)")
_BRACKETS = re.compile(r"^\s*\(([^()]{1,40})\)")
# a title followed by these is a party heading or a label, not a title: "Rechnung an",
# "Facture à", "Invoice to", "Invoice date", "Rechnung Datum", "Invoice total"
_NOT_TITLE = re.compile(
    r"^\s*[:\-\u2013]?\s*(?:"
    # a preposition before a name or a colon ("Facture à", "Invoice to:"), not a number "A-17"
    r"(?:an|à|a|aan|to|al|all['\u2019])(?=\s*:|\s*$|\s+[^\W\d_])"
    r"|(?:date|datum|dato|data|fecha|period|periode|zeitraum|betrag|amount|total|montant"
    r"|importe|importo|bedrag|summe|adresse|address)(?![\wäöüßàâçéèêëîïôûùÿñ]))",
    re.IGNORECASE,
)
# the words a title's number and date come with, and a referenced document ("Gutschrift zu
# Rechnung 17"): none of them makes a title a sentence
_TITLE_WORD = re.compile(
    r"nr|no|num|number|nummer|num[ée]ro|n[úu]mero|nro|vom|von|du|of|dated|del|dd|van|de|for|zu"
    r"|zur|für|pour|per|para|voor|r[ée]f[ée]rence|ref|invoice|rechnung|facture|fattura|factura"
    r"|factuur",
    re.IGNORECASE,
)
_ORDER = {code: index for index, (code, _) in enumerate(_KINDS)}
# an amount after a title word, on its line, makes it a line of totals ("Gutschrift -10,00 €"), not a title;
# a date ("05.03.2024") or a number ("AV-2017-0005") does not
_AMOUNT = re.compile(r"(?<![\d.,/])\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2}(?![\d.,/])|[€$£]")
_SENTENCE_WORDS = 3  # more words than this after a title make it a sentence
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class _Title:
    code: str
    confidence: float
    height: float
    top: float
    found: Found


def read_document_type(layout: Layout) -> Found | None:
    """The type code (380, 381, 384, 389, or one printed in brackets) of the document, from the
    most prominent title of its first page; None when page 1 shows no title."""
    lines = layout.by_page.get(1, ())
    if not lines:
        return None
    page_height = layout.page_height(1)
    usual = median(line.height for line in lines)
    titles = [
        title
        for line in lines
        if line.top <= TITLE_SHARE * page_height
        for phrase in line.phrases
        if (title := _title(phrase, line, usual, page_height)) is not None
    ]
    if not titles:
        return None
    # of titles as prominent, the most specific: a credit note names the invoice it corrects
    best = max(titles, key=lambda t: (t.confidence, -_ORDER.get(t.code, 0), t.height, -t.top))
    return best.found


def _title(phrase: Phrase, line: Line, usual: float, page_height: float) -> _Title | None:
    """The title `phrase` is, with how prominent it is; None when it is no title."""
    if any(w.height > 2 * w.width for w in phrase.words if len(w.text) > 2):
        return None  # written upwards in a margin: a remark or a watermark, not the title
    text = _SPACED.sub(lambda m: m[0].replace(" ", ""), phrase.text)
    matched = _match(text)
    if matched is None:
        return None
    code, m = matched
    rest, end = text[m.end() :], m.end()
    printed = None
    while (bracket := _BRACKETS.match(rest)) is not None:
        inside = bracket[1].strip()
        if _CODES.fullmatch(inside):
            printed = inside
        elif (more := _kind_within(inside)) is not None and _more_specific(more, code):
            code = more  # "Gutschrift (Selbst ausgestellte Rechnung)"
        end += bracket.end()
        rest = rest[bracket.end() :]
    after = " ".join([rest, *(p.text for p in line.phrases if p.left > phrase.left)])
    if _NOT_TITLE.match(rest) or _is_sentence(rest) or _AMOUNT.search(after):
        return None
    height = median(w.height for w in phrase.words)
    if printed is not None:
        confidence, code = PRINTED_CODE, printed
    elif height >= LARGE_HEIGHT * usual:
        confidence = LARGE
    elif line.top <= EARLY_SHARE * page_height:
        confidence = EARLY
    else:
        confidence = LATE
    words = _words_until(phrase, end, text)
    return _Title(code, confidence, height, line.top, Found(code, confidence, words))


def _match(text: str) -> tuple[str, re.Match[str]] | None:
    """The type of the title `text` starts with, and the title's match."""
    for code, pattern in _TITLES:
        if (m := pattern.match(text)) is not None:
            return code, m
    return None


def _kind_within(text: str) -> str | None:
    """The type a bracketed remark names, when it is a title of its own."""
    matched = _match(text)
    return matched[0] if matched is not None else None


def _more_specific(code: str, than: str) -> bool:
    return _ORDER[code] < _ORDER[than]


def _is_sentence(rest: str) -> bool:
    """Whether the words after a title read as a sentence rather than a number and a date."""
    words = _WORD.findall(rest)
    return sum(1 for w in words if not _TITLE_WORD.fullmatch(w)) > _SENTENCE_WORDS


def _words_until(phrase: Phrase, end: int, text: str) -> tuple[Word, ...]:
    """The words of `phrase` that hold `text` (the phrase's text, maybe with its spaced letters
    closed up) up to character `end`: the title's words."""
    letters = len(text[:end].replace(" ", ""))
    chosen: list[Word] = []
    for word in phrase.words:
        if letters <= 0:
            break
        chosen.append(word)
        letters -= len(word.text)
    return tuple(chosen)
