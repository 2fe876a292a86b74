"""`SqlInvoiceHistory`: the invoice history port on the runs table.

Each `find` is one statement in one read-only transaction (`Database.reader()`): it never takes
SQLite's write lock. The checks asked for are one `UNION ALL` of a query per check, built once
per combination of checks with bound parameters, so a run pays one round trip and no statement
building. The history travels to isolated worker processes by its database URL; a worker opens
its own engine once per URL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import CompoundSelect, Select, String, bindparam, literal, select, union_all

from turnout.domain.history import MatchedOn, PriorInvoice
from turnout.domain.runs import RunStatus
from turnout.persistence.database import Database, retrying_once, shared_database
from turnout.persistence.tables import runs

R = runs.c
# A failed run delivered nothing, so an invoice seen only by failed runs is not a duplicate.
SEEN_STATUSES = tuple(
    s.value
    for s in (RunStatus.COMPLETED, RunStatus.COMPLETED_WITH_FALLBACK, RunStatus.NEEDS_REVIEW)
)
_LIMIT_PER_CHECK = 20


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
        checks: list[MatchedOn] = []
        if sha256:
            checks.append("file_hash")
        if seller_key and invoice_number_key:
            checks.append("seller_number")
        if seller_key and issue_date is not None and payable is not None:
            checks.append("seller_date_amount")
        if not checks:
            return []
        parameters = {
            "sha256": sha256,
            "seller_key": seller_key,
            "invoice_number_key": invoice_number_key,
            "issue_date": issue_date,
            "payable": payable,
            "exclude_run": exclude_run,
        }
        statement = _statement(tuple(checks))

        def lookup() -> list[Any]:
            with self._database.reader() as uow:
                return list(uow.connection.execute(statement, parameters).all())

        rows = retrying_once(lookup)
        found = [
            PriorInvoice(run_id, file_name, matched_on, created_at, finished_at)
            for matched_on, run_id, file_name, created_at, finished_at in rows
        ]
        return sorted(found, key=lambda p: (p.created_at, p.run_id))

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # An engine cannot be pickled; a worker process rebuilds the history from the URL.
        return (_history_for_url, (self._database.url.render_as_string(hide_password=False),))


# each check's conditions, on bound parameters named after `find`'s arguments
_CONDITIONS: dict[MatchedOn, tuple[Any, ...]] = {
    "file_hash": (R.source_sha256 == bindparam("sha256"),),
    "seller_number": (
        R.seller_key == bindparam("seller_key"),
        R.invoice_number_key == bindparam("invoice_number_key"),
    ),
    "seller_date_amount": (
        R.seller_key == bindparam("seller_key"),
        R.issue_date == bindparam("issue_date"),
        R.payable == bindparam("payable"),
    ),
}


@lru_cache(maxsize=8)
def _statement(checks: tuple[MatchedOn, ...]) -> CompoundSelect[Any] | Select[Any]:
    """The earlier runs of each check (at most `_LIMIT_PER_CHECK` each, oldest first), with the
    check's name; one statement for all of them."""
    queries = [
        select(
            literal(matched_on, String).label("matched_on"),
            R.run_id,
            R.file_name,
            R.created_at,
            R.finished_at,
        )
        .where(
            *_CONDITIONS[matched_on],
            # fixed values, not an expanding parameter that is rendered again at each execution
            R.status.in_([literal(status, String) for status in SEEN_STATUSES]),
            R.run_id != bindparam("exclude_run"),
        )
        .order_by(R.created_at, R.run_id)
        .limit(_LIMIT_PER_CHECK)
        for matched_on in checks
    ]
    if len(queries) == 1:
        return queries[0]
    # ORDER BY and LIMIT inside a compound select need a subquery each (SQLite)
    return union_all(*(query.subquery().select() for query in queries))


def _history_for_url(url: str) -> SqlInvoiceHistory:
    return SqlInvoiceHistory(shared_database(url))
