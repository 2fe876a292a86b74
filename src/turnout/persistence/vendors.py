"""`SqlVendorDirectory`: the vendor directory port on the `vendors` table.

Each lookup is one read-only transaction (`Database.reader()`), an indexed query on the compact
VAT id or IBAN. The name candidates of fuzzy matching are loaded once and loaded again when the
table changes (its row count or latest `updated_at` moves). The directory travels to isolated
worker processes by its database URL; a worker opens its own engine once per URL.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from turnout.domain.vendors import Vendor
from turnout.persistence.database import Database, retrying_once, shared_database
from turnout.persistence.repositories.vendors import vendor
from turnout.persistence.tables import vendors

V = vendors.c


class SqlVendorDirectory:
    """The vendors of the database, by compact VAT id, compact IBAN, or every one for names."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._lock = threading.Lock()
        self._candidates: tuple[Any, tuple[Vendor, ...]] | None = None

    def by_vat_id(self, vat_id: str) -> Vendor | None:
        """The vendor with this compact VAT id (the lowest vendor_id when several), or None."""
        return self._first(V.vat_id_key == vat_id)

    def by_iban(self, iban: str) -> Vendor | None:
        """The vendor with this compact IBAN (the lowest vendor_id when several), or None."""
        return self._first(V.iban_key == iban)

    def name_candidates(self) -> Sequence[Vendor]:
        """Every vendor ordered by vendor_id, reloaded only when the table has changed."""
        return retrying_once(self._name_candidates)

    def _name_candidates(self) -> Sequence[Vendor]:
        with self._database.reader() as uow:
            conn = uow.connection
            stamp = tuple(conn.execute(select(func.count(), func.max(V.updated_at))).one())
            with self._lock:
                if self._candidates is not None and self._candidates[0] == stamp:
                    return self._candidates[1]
            rows = conn.execute(select(vendors).order_by(V.vendor_id))
            loaded = tuple(vendor(row) for row in rows)
        with self._lock:
            self._candidates = (stamp, loaded)
        return loaded

    def _first(self, condition: Any) -> Vendor | None:
        query = select(vendors).where(condition).order_by(V.vendor_id).limit(1)

        def lookup() -> Any:
            with self._database.reader() as uow:
                return uow.connection.execute(query).first()

        row = retrying_once(lookup)
        return vendor(row) if row is not None else None

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # An engine cannot be pickled; a worker process rebuilds the directory from the URL.
        return (_directory_for_url, (self._database.url.render_as_string(hide_password=False),))


def _directory_for_url(url: str) -> SqlVendorDirectory:
    return SqlVendorDirectory(shared_database(url))
