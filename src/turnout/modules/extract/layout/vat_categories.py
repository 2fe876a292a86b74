"""The VAT category (BT-118, BT-151) of each VAT rate the page prints, as a clerk reads it.

EN 16931 wants a category code on every VAT breakdown row and every line (BR-47, BR-CO-04), and
a printed invoice never prints one: it prints a rate, and for a rate of 0 % the reason no VAT is
charged. A rate above 0 is the standard category (S, the rate being the Member State's own). A
rate of 0 is the category its reason names: an intra-community supply (K), a reverse charge (AE),
an export (G), an exemption (E), a supply outside the scope of VAT (O), in six languages; the
line that says so is the exemption reason (BT-120). A rate of 0 whose reason the page does not
state gets no category: zero-rated and exempt cannot be told apart, and a person says which.

A line takes the category of the breakdown row of its rate; a line with no rate of its own on a
page that prints a single rate bears that rate. A page that takes allowances or charges off the
whole invoice gets no categories: it does not say which rate each one bears. Each value points
at the words it was read from (the rate, the reason) and is no surer than they are, nor than
`INFERRED`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from turnout.modules.extract.layout.page import Found
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.normalize.money import parse_amount

INFERRED = 0.7  # a category is read off the rate or the reason, never printed itself
_ROW = re.compile(r"^vat_breakdown\[(\d+)\]\.rate$")
_DOCUMENT_LEVEL = ("totals.allowances", "totals.charges")  # BT-107, BT-108
# the reasons a rate of 0 % is printed with, the most specific first
_REASONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(rf"(?<![\w-])(?:{words})", re.IGNORECASE))
    for code, words in (
        (
            "AE",  # reverse charge
            r"reverse\s*charge|autoliquidation|steuerschuldnerschaft\s*des\s*leistungsempf|"
            r"inversione\s*contabile|inversi[óo]n\s*del\s*sujeto\s*pasivo|btw\s*verlegd|"
            r"verlegd|§\s*13b\s*ustg",
        ),
        (
            "K",  # intra-community supply
            r"intra[\s-]*communautaire|innergemeinschaftlich|intra[\s-]*community|"
            r"intra[\s-]*comunitari[ao]|intracomunitari[ao]|intracommunautair|"
            r"art(?:icle|ikel|\.)?\s*138|262\s*ter|§\s*4\s*nr\.?\s*1b|§\s*6a\s*ustg",
        ),
        (
            "G",  # export outside the EU
            r"ausfuhrlieferung|steuerfreie\s*ausfuhr|export(?:ation)?\s*(?:outside|hors|delivery|"
            r"supply|de\s*biens)|exportaci[óo]n|esportazione|uitvoer\s*buiten|"
            r"§\s*4\s*nr\.?\s*1a|article\s*262\s*i\b",
        ),
        (
            "O",  # outside the scope of VAT
            r"nicht\s*steuerbar|not\s*subject\s*to\s*vat|outside\s*the\s*scope\s*of\s*vat|"
            r"non\s*soumis\s*(?:à|a)\s*la\s*tva|hors\s*champ|fuori\s*campo\s*iva|"
            r"no\s*sujet[oa]|niet\s*onderworpen",
        ),
        (
            "E",  # exempt
            r"steuerfrei|umsatzsteuerbefreit|befreit\s*nach|kleinunternehmer|§\s*19\s*ustg|"
            r"vat\s*exempt|exempt\s*from\s*vat|exempt|exon[ée]r|franchise\s*en\s*base|"
            r"article\s*293\s*b|esente\s*iva|esenzione|exento|exenci[óo]n|"
            r"vrijgesteld|vrijstelling",
        ),
    )
)


def read_vat_categories(
    values: dict[str, Found], lines: Iterable[dict[str, Found]], texts: Iterable[LineText]
) -> None:
    """Add the breakdown rows' and the lines' categories (and reasons) the rates imply; none
    where the page takes allowances or charges off the whole invoice, which it does not say the
    rate of (a category would then claim each rate's base is its lines' sum, BR-S-08)."""
    if any(parse_amount(values[path].value) for path in _DOCUMENT_LEVEL if path in values):
        return
    rows: dict[Decimal, Found] = {}
    reasons: list[tuple[str, Found] | None] = []  # the page's reason, looked for once
    for path, rate in list(values.items()):
        m = _ROW.match(path)
        if m is None or f"vat_breakdown[{m[1]}].category" in values:
            continue
        number = _rate(rate.value)
        if number is None:
            continue
        if number > 0:
            category = Found("S", _inferred(rate), rate.words)
        else:
            if not reasons:
                reasons.append(_reason(texts))
            if reasons[0] is None:
                continue
            code, why = reasons[0]
            category = Found(code, _inferred(why), why.words)
            values.setdefault(f"vat_breakdown[{m[1]}].exemption_reason", why)
        values[f"vat_breakdown[{m[1]}].category"] = category
        rows.setdefault(number, category)
    single = _single(values)
    for line in lines:
        if "vat_category" in line:
            continue
        own = line.get("vat_rate")
        if own is None and single is not None:
            own = line["vat_rate"] = Found(single.value, _inferred(single), single.words)
        number = _rate(own.value) if own is not None else None
        if own is None or number is None:
            continue
        if number in rows:
            line["vat_category"] = rows[number]
        elif number > 0:
            line["vat_category"] = Found("S", _inferred(own), own.words)


def _single(values: dict[str, Found]) -> Found | None:
    """The page's one VAT rate, when its breakdown has one row."""
    rates = [found for path, found in values.items() if _ROW.match(path)]
    return rates[0] if len(rates) == 1 else None


def _reason(texts: Iterable[LineText]) -> tuple[str, Found] | None:
    """The category a line of the page gives for not charging VAT, and that line as the
    reason: the first line naming one, the most specific category first."""
    for text in texts:
        for code, words in _REASONS:
            if words.search(text.text):
                line = text.text.strip()
                return code, Found(line, 1.0, text.words(0, len(text.text)))
    return None


def _inferred(found: Found) -> float:
    return round(min(found.confidence, INFERRED), 3)


def _rate(text: str) -> Decimal | None:
    """A rate as printed ("19", "7,0", "6.25 %") as a number, as normalize reads it."""
    return parse_amount(text.replace("%", "").strip())
