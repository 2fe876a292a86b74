"""The payment means code (BT-81, UNCL 4461) of what the page says about paying.

EN 16931 wants a code with every payment instruction (BR-49), and a printed invoice seldom prints
one: a clerk reads it off the means the page names ("Payment method: Credit card", "SEPA-
Lastschrift", "Virement bancaire") or, when none is named, off what the page gives to pay with: a
direct debit mandate means a direct debit, an account to pay into a credit transfer. The code
points at the words it was read from (the means, the mandate, the account) and is never surer
than they are; the codes inferred from an account or a mandate are read with a low confidence.
A means named but not in the table (a voucher, a store credit) gives no code: a review says it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from turnout.modules.extract.layout.page import Found
from turnout.modules.extract.layout.term_labels import ACCOUNT, CREDITOR, MANDATE, MEANS_TEXT

MEANS_CODE = "payment.means_code"
FROM_MANDATE = 0.6  # a mandate or creditor id printed, no means named: a direct debit
FROM_ACCOUNT = 0.6  # an account printed to pay into, no means named: a credit transfer

# the names of the means in the six languages -> their UNCL 4461 code, the more specific first
# (SEPA direct debit before direct debit, a debit card before a card)
_CODES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(rf"(?<![\w-])(?:{names})(?![\w-])", re.IGNORECASE))
    for code, names in (
        (
            "59",  # SEPA direct debit
            r"sepa[\s-]*(?:direct\s*debit|(?:basis|firmen)?[\s-]*lastschrift|core|b2b|"
            r"pr[ée]l[èe]vement|domiciliëring|incasso|addebito(?:\s*diretto)?|adeudo)",
        ),
        (
            "58",  # SEPA credit transfer
            r"sepa[\s-]*(?:credit\s*transfer|[üu]berweisung|virement|bonifico|transferencia|"
            r"overschrijving)",
        ),
        (
            "49",  # direct debit
            r"direct\s*debit|lastschrift(?:verfahren|einzug)?|bankeinzug|einzug|"
            r"pr[ée]l[èe]vement(?:\s*automatique)?|domiciliëring|(?:automatische\s*)?incasso|"
            r"addebito\s*(?:diretto|in\s*conto)|domiciliaci[óo]n(?:\s*bancaria)?|adeudo",
        ),
        (
            "55",  # debit card
            r"debit\s*card|debitkarte|ec[\s-]*karte|girocard|maestro|bancontact|"
            r"carte\s*de\s*d[ée]bit|carta\s*di\s*debito|bancomat|tarjeta\s*de\s*d[ée]bito|pinpas",
        ),
        (
            "54",  # credit card
            r"credit\s*card|creditcard|kreditkarte|carte\s*de\s*cr[ée]dit|carta\s*di\s*credito|"
            r"tarjeta\s*de\s*cr[ée]dito|visa|mastercard|american\s*express|amex",
        ),
        ("48", r"bank\s*card|carte\s*bancaire|carte\s*bleue|card|karte|carte|carta|tarjeta"),
        (
            "68",  # online payment service
            r"paypal|ideal|klarna|sofort(?:[üu]berweisung)?|giropay|apple\s*pay|google\s*pay|"
            r"amazon\s*pay|satispay|bizum|twint",
        ),
        (
            "30",  # credit transfer
            r"(?:bank|wire|credit)\s*transfer|[üu]berweisung|bank[üu]berweisung|"
            r"virement(?:\s*bancaire)?|bonifico(?:\s*bancario)?|transferencia(?:\s*bancaria)?|"
            r"overschrijving|overmaking",
        ),
        ("20", r"cheque|check|scheck|ch[èe]que|assegno|cheque\s*bancario"),
        ("10", r"cash|bar(?:zahlung)?|esp[èe]ces|contanti|efectivo|contant"),
    )
)


def read_means_code(values: Mapping[str, Found]) -> Found | None:
    """The means code of the means the page names, else of a mandate or an account it prints."""
    text = values.get(MEANS_TEXT)
    if text is not None:
        for code, names in _CODES:
            if names.search(text.value):
                return Found(code, text.confidence, text.words)
        return None  # a means named that no code says: not a guess from the account
    for path in (MANDATE, CREDITOR):
        debit = values.get(path)
        if debit is not None:
            return Found("49", round(min(debit.confidence, FROM_MANDATE), 3), debit.words)
    account = values.get(ACCOUNT)
    if account is not None:
        return Found("30", round(min(account.confidence, FROM_ACCOUNT), 3), account.words)
    return None
