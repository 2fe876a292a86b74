"""An invoice history in memory: the `InvoiceHistory` port for module tests without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from turnout.domain.history import PriorInvoice


@dataclass(frozen=True)
class SeenInvoice:
    """One earlier run as the history stores it."""

    run_id: str
    file_name: str
    created_at: dt.datetime
    sha256: str | None = None
    seller_key: str | None = None
    invoice_number_key: str | None = None
    issue_date: dt.date | None = None
    payable: Decimal | None = None


@dataclass
class MemoryInvoiceHistory:
    """Matches like `SqlInvoiceHistory`, over a list; records the questions it was asked."""

    seen: list[SeenInvoice] = field(default_factory=list)
    asked: list[dict[str, object]] = field(default_factory=list)

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
        self.asked.append(
            {
                "sha256": sha256,
                "seller_key": seller_key,
                "invoice_number_key": invoice_number_key,
                "issue_date": issue_date,
                "payable": payable,
            }
        )
        found = []
        for s in self.seen:
            if s.run_id == exclude_run:
                continue
            if sha256 and s.sha256 == sha256:
                found.append(PriorInvoice(s.run_id, s.file_name, "file_hash", s.created_at))
            if (
                seller_key
                and invoice_number_key
                and (s.seller_key, s.invoice_number_key)
                == (
                    seller_key,
                    invoice_number_key,
                )
            ):
                found.append(PriorInvoice(s.run_id, s.file_name, "seller_number", s.created_at))
            if (
                seller_key
                and issue_date is not None
                and payable is not None
                and (s.seller_key, s.issue_date, s.payable) == (seller_key, issue_date, payable)
            ):
                found.append(
                    PriorInvoice(s.run_id, s.file_name, "seller_date_amount", s.created_at)
                )
        return sorted(found, key=lambda p: (p.created_at, p.run_id))
