"""The vendor directory port: the vendor master `match` modules look sellers up in.

`match.vendors` asks it through `RunContext.vendors` when its settings say `vendors: table`; the
runtime passes an implementation backed by the `vendors` table (`turnout vendors import`). A CSV
vendor master offers the same three questions.

Lookups take compact keys: a VAT id or IBAN upper-cased with everything but letters and digits
removed (`turnout.authoring.identifiers.compact_vat_id` and `compact_iban` make them), so
spacing and case never decide a match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Vendor:
    """One vendor of the vendor master, as the accounts-payable team knows it."""

    vendor_id: str
    name: str
    vat_id: str | None = None
    iban: str | None = None


@dataclass(frozen=True)
class StoredVendor:
    """A vendor of the `vendors` table with when it was first imported and last changed."""

    vendor: Vendor
    created_at: dt.datetime
    updated_at: dt.datetime


class VendorDirectory(Protocol):
    """The vendor master, looked up by compact VAT id, by compact IBAN, or by name."""

    def by_vat_id(self, vat_id: str) -> Vendor | None:
        """The vendor with this compact VAT id, or None; the same one every time when several
        share it (the CSV: its first row; the table: the lowest vendor_id)."""
        ...

    def by_iban(self, iban: str) -> Vendor | None:
        """The vendor with this compact IBAN, or None; the same one every time when several
        share it (the CSV: its first row; the table: the lowest vendor_id)."""
        ...

    def name_candidates(self) -> Sequence[Vendor]:
        """Every vendor, in a stable order, for fuzzy name matching."""
        ...
