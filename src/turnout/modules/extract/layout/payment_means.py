"""The payment means a page names without a label: a well-known payment scheme or method.

Beside "Payment method: ..." (`terms`), invoices say how they were or are to be paid in a
sentence or a list of payments: "prepaid by Credit Card.", "''iDEAL'' on 21 April € 717,97". A
name from the list of common schemes and methods (cards, wallets, bank transfer, direct debit,
cash on delivery, in the six languages) is the payment means text (BT-82) when it is the one
printed on a line with the amount due, else when it is the only one the page names. A page that
names several (a footer "We accept Visa, Mastercard and PayPal") states none of them. Read with
a low confidence: a labelled means wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from turnout.modules.extract.amounts import find_amounts
from turnout.modules.extract.layout.page import Found
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.terms import ocr_weighed

WITH_THE_AMOUNT = 0.6
ALONE = 0.5
# whole names only; brand names whose letters are also a common word keep their own case
_NAMES = re.compile(
    r"(?<![\w-])(?:"
    r"(?i:credit\s*card|debit\s*card|creditcard|kreditkarte|carte\s*(?:bancaire|de\s*cr[ée]dit)|"
    r"tarjeta\s*de\s*(?:cr[ée]dito|d[ée]bito)|carta\s*di\s*credito|paypal|mastercard|maestro|"
    r"american\s*express|bancontact|giropay|sofort[üu]berweisung|klarna|apple\s*pay|google\s*pay|"
    r"sepa[\s-]*(?:direct\s*debit|lastschrift|basislastschrift)|lastschrift|"
    r"pr[ée]l[èe]vement(?:\s*automatique)?|domiciliëring|automatische\s*incasso|"
    r"cash\s*on\s*delivery|nachnahme|contrassegno|contra\s*reembolso|rembours|"
    r"bank\s*transfer|wire\s*transfer|[üu]berweisung|virement(?:\s*bancaire)?|bonifico(?:\s*bancario)?|"
    r"transferencia(?:\s*bancaria)?|overschrijving)|"
    r"iDEAL|IDEAL|VISA|Visa|AMEX|Amex)"
    r"(?![\w-])"
)


def unlabelled_means(texts: Iterable[LineText], payable: Found | None) -> Found | None:
    """The payment means named on the line of the amount due, else the only one named."""
    due = _amount(payable.value) if payable is not None else None
    named: dict[str, Found] = {}
    with_amount: Found | None = None
    for text in texts:
        paid: bool | None = None  # the line prints the amount due: read once, when asked
        for m in _NAMES.finditer(text.text):
            words = text.words(m.start(), m.end())
            found = Found(m.group(), ocr_weighed(ALONE, words), words)
            named.setdefault(_key(m.group()), found)
            if with_amount is not None or due is None:
                continue
            if paid is None:
                paid = any(a.value == due for a in find_amounts(text.text))
            if paid:
                with_amount = Found(m.group(), ocr_weighed(WITH_THE_AMOUNT, words), words)
    if with_amount is not None:
        return with_amount
    return next(iter(named.values())) if len(named) == 1 else None


def _amount(value: str) -> Decimal | None:
    amounts = find_amounts(value)
    return amounts[-1].value if amounts else None


def _key(name: str) -> str:
    return re.sub(r"[\s-]", "", name.lower())
