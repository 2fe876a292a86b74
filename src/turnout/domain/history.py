"""The invoice history port: the invoices Turnout has seen before, for duplicate detection.

`dedupe` modules ask it through `RunContext.history`; the runtime passes an implementation backed
by the runs table. Only finished runs that did not fail count as seen (completed,
completed_with_fallback, needs_review): a failed run did not deliver the invoice to anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

MatchedOn = Literal["file_hash", "seller_number", "seller_date_amount"]


@dataclass(frozen=True)
class PriorInvoice:
    """An earlier run that looks like the same invoice, and what it matched on."""

    run_id: str
    file_name: str
    matched_on: MatchedOn
    created_at: dt.datetime
    # when it ended (a trial replays a run with the history as it was: only runs that had
    # ended before the replayed run looked)
    finished_at: dt.datetime | None = None


class InvoiceHistory(Protocol):
    """Earlier runs looked up by the keys a duplicate shares with them."""

    def find(
        self,
        *,
        sha256: str | None,
        seller_key: str | None,
        invoice_number_key: str | None,
        issue_date: dt.date | None,
        payable: Decimal | None,
        exclude_run: str,
    ) -> list[PriorInvoice]:
        """Earlier runs matching any check whose keys are all given, oldest first.

        `sha256` alone matches `file_hash`; seller and number match `seller_number`; seller,
        date and amount match `seller_date_amount`. A run matching several checks appears once
        per check. `exclude_run` (the run asking) is never returned.
        """
        ...


def seller_key(vat_id: str | None, name: str | None) -> str | None:
    """The seller's identity for duplicate checks: its VAT id without spaces or punctuation,
    upper-cased; else its case-folded name with whitespace collapsed; None when neither is known."""
    if vat_id:
        compact = "".join(ch for ch in vat_id if ch.isalnum()).upper()
        if compact:
            return f"vat:{compact}"
    if name:
        folded = " ".join(name.casefold().split())
        if folded:
            return f"name:{folded}"
    return None


def invoice_number_key(number: str | None) -> str | None:
    """The invoice number case-folded with every whitespace removed; None when empty."""
    if not number:
        return None
    key = "".join(number.casefold().split())
    return key or None
