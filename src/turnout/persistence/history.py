"""`SqlInvoiceHistory`: the invoice history port on the runs table.

Each `find` is one read-only transaction (`Database.reader()`): it never takes SQLite's write
lock. The history travels to isolated worker processes by its database URL; a worker opens its
own engine once per URL.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select

from turnout.domain.history import MatchedOn, PriorInvoice
from turnout.domain.runs import RunStatus
from turnout.persistence.database import Database
from turnout.persistence.tables import runs

R = runs.c
# A failed run delivered nothing, so an invoice seen only by failed runs is not a duplicate.
SEEN_STATUSES = tuple(
    s.value
    for s in (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_FALLBACK, RunStatus.NEEDS_REVIEW)
)
_LIMIT_PER_CHECK = 20

_databases: dict[str, Database] = {}
_databases_lock = threading.Lock()


class SqlInvoiceHistory:
    """The runs that finished without failing, looked up by file hash and invoice keys."""

    def __init__(self, database: Database) -> None:
        self._database = database

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
        """See `turnout.domain.history.InvoiceHistory.find`."""
        checks: list[tuple[MatchedOn, list[Any]]] = []
        if sha256:
            checks.append(("file_hash", [R.source_sha256 == sha256]))
        if seller_key and invoice_number_key:
            checks.append(
                (
                    "seller_number",
                    [R.seller_key == seller_key, R.invoice_number_key == invoice_number_key],
                )
            )
        if seller_key and issue_date is not None and payable is not None:
            checks.append(
                (
                    "seller_date_amount",
                    [R.seller_key == seller_key, R.issue_date == issue_date, R.payable == payable],
                )
            )
        if not checks:
            return []
        found: list[PriorInvoice] = []
        with self._database.reader() as uow:
            for matched_on, conditions in checks:
                rows = uow.connection.execute(_query(conditions, exclude_run))
                found.extend(
                    PriorInvoice(row.run_id, row.file_name, matched_on, row.created_at)
                    for row in rows
                )
        return sorted(found, key=lambda p: (p.created_at, p.run_id))

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # An engine cannot be pickled; a worker process rebuilds the history from the URL.
        return (_history_for_url, (self._database.url.render_as_string(hide_password=False),))


def _query(conditions: list[Any], exclude_run: str) -> Select[Any]:
    return (
        select(R.run_id, R.file_name, R.created_at)
        .where(*conditions, R.status.in_(SEEN_STATUSES), R.run_id != exclude_run)
        .order_by(R.created_at, R.run_id)
        .limit(_LIMIT_PER_CHECK)
    )


def _history_for_url(url: str) -> SqlInvoiceHistory:
    with _databases_lock:
        database = _databases.get(url)
        if database is None:
            database = _databases[url] = Database(url)
    return SqlInvoiceHistory(database)
