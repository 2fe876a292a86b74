"""What a totals label says, in six languages: net, tax, gross, payable, prepaid, discount, charge.

`classify` returns the roles a label can announce, most specific first. A label that says
"excluding tax" is a net label even though it names the tax, and one that says "including tax" is
a gross label: those are tried before the bare tax words. A label matching nothing is no role,
and the arithmetic of the totals solver decides what its amount is.
"""

from __future__ import annotations

import re

LINE_NET = "line_net"
NET = "net"
TAX = "tax"
GROSS = "gross"
PAYABLE = "payable"
PREPAID = "prepaid"
ALLOWANCE = "allowance"
CHARGE = "charge"
ROUNDING = "rounding"
SUBTOTAL_WORDS = "subtotal"  # a generic "total" that may be any of net, gross or payable

# the short words only as words ("vat" is in "Privathaftpflicht"), the German ones in compounds too
_TAX_WORD = (
    r"(?:mwst|mehrwertsteuer|umsatzsteuer|steuer|\bust\b|\bvat\b|\btaxe?s?\b|\btva\b|"
    r"\biva\b|\bbtw\b|\bgst\b|\bimposta\b|\bimpuestos?\b)"
)

# (role, pattern), tried in order; the first pattern that matches gives the main role
_RULES: tuple[tuple[str, str], ...] = (
    (ROUNDING, r"rundung|rounding|arrondi|arrotondamento|redondeo|afronding"),
    (
        PREPAID,
        r"anzahlung|bereits\s*(?:bezahlt|gezahlt|geleistet)|geleistete|erhaltene|vorauszahlung|"
        r"prepaid|already\s*paid|paid\s*(?:amount|to\s*date)|amount\s*paid|payments?\s*received|"
        r"acompte|d[ée]j[àa]\s*(?:pay|r[ée]gl)|acconto|gi[àa]\s*pagato|anticipo|ya\s*pagado|"
        r"aanbetaling|vooruitbetaling|reeds\s*betaald|abschlagszahlung|^\s*paid\b|\bpaid\s*$",
    ),
    (
        PAYABLE,
        r"zahlbetrag|zu\s*zahlen|zahlbar|f[äa]lliger\s*betrag|restbetrag|offener\s*betrag|"
        r"amount\s*(?:due|payable|to\s*pay)|balance\s*due|total\s*(?:amount\s*)?due|"
        r"due\s*payable|total\s*payable|to\s*pay|net\s*[àa]\s*payer|solde\s*[àa]\s*payer|"
        r"reste\s*[àa]\s*payer|montant\s*d[ûu]|[àa]\s*payer|da\s*pagare|netto\s*a\s*pagare|"
        r"importe\s*a\s*pagar|total\s*a\s*pagar|a\s*pagar|te\s*betalen|openstaand|residual|"
        r"remaining|outstanding|\bsolde\b|\bbalance\b|saldo",
    ),
    (
        LINE_NET,
        r"positionssumme|summe\s*(?:der\s*)?positionen|warenwert|summe\s*positionen|"
        r"line\s*(?:total|net|amounts?)|total\s*(?:of\s*)?lines|items?\s*total|"
        r"total\s*(?:des\s*)?lignes|totale\s*(?:righe|merce)|total\s*l[íi]neas|totaal\s*regels|"
        r"^\W*(?:suma|somme|somma|som|summe|sum)\W*$",
    ),
    (
        NET,
        rf"netto|nettobetrag|nettosumme|zwischensumme|ohne\s*{_TAX_WORD}|exkl|excl|"
        rf"(?:before|without|pre)\s*-?\s*{_TAX_WORD}|sub\s*-?\s*total|net\s*(?:total|amount|sum)|"
        r"total\s*net|\bnet\b|\bht\b|hors\s*tax|imponibile|base\s*imponible|subtotaal|"
        r"taxable\s*amount|steuerpflichtig|bemessungsgrundlage",
    ),
    (
        ALLOWANCE,
        r"rabatt|nachlass|abschl[äa]ge?\b|abzug|discount|allowance|remise|r[ée]duction|sconto|"
        r"descuento|korting|skonto",
    ),
    (
        CHARGE,
        r"fracht|versand|zuschl[äa]ge?|porto|verpackung|shipping|freight|delivery|surcharge|"
        r"handling|frais|port\b|spese|trasporto|gastos|env[íi]o|\bkosten|toeslag|verzend",
    ),
    (
        GROSS,
        rf"brutto|gesamtbetrag|rechnungsbetrag|endbetrag|rechnungssumme|gesamtsumme|"
        rf"inkl\.?\s*{_TAX_WORD}|incl\.?\s*{_TAX_WORD}|including\s*{_TAX_WORD}|ttc|"
        r"grand\s*total|invoice\s*total|total\s*for\s*this\s*invoice|total\s*amount|gross|totale\s*(?:documento|fattura)|"
        r"total\s*factura|importe\s*total|totaal\s*incl|factuurbedrag|montant\s*total",
    ),
    (TAX, _TAX_WORD),
    (SUBTOTAL_WORDS, r"total|summe|gesamt|totale|totaal|montant|importe|importo|betrag|amount"),
)
_COMPILED = tuple((role, re.compile(pattern, re.IGNORECASE)) for role, pattern in _RULES)

# words that say a line of the page is in the totals area (the end of the line-item table)
TOTALS_AREA = re.compile(
    r"summe|zwischensumme|gesamt|netto|brutto|zahlbetrag|rechnungsbetrag|endbetrag|"
    r"sub\s*-?\s*total|total|amount\s*due|balance|montant|totale|imponibile|base\s*imponible|"
    r"importe|totaal|subtotaal|te\s*betalen|warenwert",
    re.IGNORECASE,
)


def classify(label: str) -> tuple[str, ...]:
    """The roles `label` can announce, the most specific first; () when it names none."""
    roles = [role for role, pattern in _COMPILED if pattern.search(label)]
    if not roles:
        return ()
    main = roles[0]
    # "Nettobetrag" is net, "MwSt-Betrag" is tax: the first rule decides, the others may follow
    return (main, *[r for r in roles[1:] if r != main])
