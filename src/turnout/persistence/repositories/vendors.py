"""The vendor master: one row per vendor_id, with the compact keys lookups use."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from turnout.authoring.identifiers import compact_iban, compact_vat_id
from turnout.domain.vendors import StoredVendor, Vendor
from turnout.persistence.tables import vendors as vendors_table
from turnout.runtime.ports import VendorChanges

V = vendors_table.c
_CHUNK = 500  # vendor_ids per IN (...) query, well inside both databases' parameter limits
_FIELDS = ("name", "vat_id", "iban")


class SqlVendorRepository:
    """The vendors table (`VendorRepository` port)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def upsert(self, vendors: Sequence[Vendor], when: dt.datetime) -> VendorChanges:
        """Insert new vendor_ids, update the changed ones, leave the others untouched."""
        existing = self._existing([v.vendor_id for v in vendors])
        new = [v for v in vendors if v.vendor_id not in existing]
        changed = [
            v
            for v in vendors
            if (old := existing.get(v.vendor_id)) is not None
            and any(getattr(v, f) != getattr(old, f) for f in _FIELDS)
        ]
        if new:
            self._conn.execute(
                vendors_table.insert(),
                [
                    {**_values(v), "vendor_id": v.vendor_id, "created_at": when, "updated_at": when}
                    for v in new
                ],
            )
        if changed:
            # Parameters named after columns become the SET clause; `key` picks the row.
            self._conn.execute(
                update(vendors_table).where(V.vendor_id == bindparam("key")),
                [{**_values(v), "key": v.vendor_id, "updated_at": when} for v in changed],
            )
        return VendorChanges(len(new), len(changed), len(vendors) - len(new) - len(changed))

    def list(self) -> builtins.list[StoredVendor]:
        """Every vendor, ordered by vendor_id."""
        rows = self._conn.execute(select(vendors_table).order_by(V.vendor_id))
        return [StoredVendor(vendor(row), row.created_at, row.updated_at) for row in rows]

    def _existing(self, vendor_ids: builtins.list[str]) -> dict[str, Vendor]:
        found: dict[str, Vendor] = {}
        for start in range(0, len(vendor_ids), _CHUNK):
            chunk = vendor_ids[start : start + _CHUNK]
            rows = self._conn.execute(select(vendors_table).where(V.vendor_id.in_(chunk)))
            found.update((row.vendor_id, vendor(row)) for row in rows)
        return found


def vendor(row: Any) -> Vendor:
    """The vendor of a `vendors` row."""
    return Vendor(row.vendor_id, row.name, row.vat_id, row.iban)


def _values(v: Vendor) -> dict[str, str | None]:
    """The columns a vendor sets besides its vendor_id and times."""
    return {
        "name": v.name,
        "vat_id": v.vat_id,
        "iban": v.iban,
        "vat_id_key": compact_vat_id(v.vat_id),
        "iban_key": compact_iban(v.iban),
    }
