"""Consistency rules of `validate.basic`: values that are present must make sense.

| rule                     | severity | checks                                              |
|--------------------------|----------|-----------------------------------------------------|
| TURNOUT-CURRENCY-FORMAT  | fatal    | the currency (BT-5) is a 3-letter upper-case code   |
| TURNOUT-DUE-DATE         | warning  | the due date (BT-9) is not before the issue date    |

A missing value is left to the required-field rules. Whether the 3-letter code is a real ISO 4217
currency is checked when normalising (its notes come through validate) and by `validate.en16931`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from turnout.authoring import Finding, Invoice, Severity

_CURRENCY = re.compile(r"[A-Z]{3}")


def check_consistency(invoice: Invoice) -> Iterator[Finding]:
    """Every consistency finding of `invoice`, in a fixed order."""
    yield from _currency_format(invoice)
    yield from _due_date(invoice)


def _currency_format(invoice: Invoice) -> Iterator[Finding]:
    currency = invoice.currency
    if currency is None or not currency.strip():
        return
    if not _CURRENCY.fullmatch(currency):
        yield Finding(
            "TURNOUT-CURRENCY-FORMAT",
            Severity.FATAL,
            f"the invoice currency code (BT-5) is {currency[:20]!r}, not a 3-letter ISO 4217 "
            "code such as 'EUR'; correct the currency on the invoice or in the extraction",
            "currency",
        )


def _due_date(invoice: Invoice) -> Iterator[Finding]:
    issued, due = _day(invoice.issue_date), _day(invoice.due_date)
    if issued is None or due is None:
        return
    if due < issued:
        yield Finding(
            "TURNOUT-DUE-DATE",
            Severity.WARNING,
            f"the payment due date (BT-9) {due.isoformat()} is before the issue date (BT-2) "
            f"{issued.isoformat()}; check whether a date was misread or swapped",
            "due_date",
        )


def _day(value: object) -> dt.date | None:
    # a datetime is a date but does not compare with one; keep only the calendar day
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return None
