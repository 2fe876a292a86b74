"""The CSV source of `match.vendors`: a vendor master file read once per path and modification time.

The file format and the compact keys are in `turnout.authoring.identifiers` (the same file
`turnout vendors import` loads into the `vendors` table).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from turnout.authoring import InputRejected, Vendor, compact_iban, compact_vat_id, read_vendor_csv


@dataclass(frozen=True)
class VendorMaster:
    """The vendors of one file, indexed by compact VAT id and IBAN (a `VendorDirectory`)."""

    vendors: tuple[Vendor, ...]
    vat_ids: dict[str, Vendor]
    ibans: dict[str, Vendor]

    @classmethod
    def of(cls, vendors: list[Vendor]) -> VendorMaster:
        by_vat: dict[str, Vendor] = {}
        by_iban: dict[str, Vendor] = {}
        for vendor in vendors:  # the first row wins when a key appears twice
            if key := compact_vat_id(vendor.vat_id):
                by_vat.setdefault(key, vendor)
            if key := compact_iban(vendor.iban):
                by_iban.setdefault(key, vendor)
        return cls(tuple(vendors), by_vat, by_iban)

    def by_vat_id(self, vat_id: str) -> Vendor | None:
        """The first vendor of the file with this compact VAT id."""
        return self.vat_ids.get(vat_id)

    def by_iban(self, iban: str) -> Vendor | None:
        """The first vendor of the file with this compact IBAN."""
        return self.ibans.get(iban)

    def name_candidates(self) -> Sequence[Vendor]:
        """Every vendor, in file order."""
        return self.vendors


_cache: dict[Path, tuple[int, VendorMaster]] = {}
_cache_lock = threading.Lock()


def load_vendor_master(path: Path) -> VendorMaster:
    """The vendors of `path`, read again only when the file's modification time changes."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise InputRejected(
            f"vendor master `{path}` cannot be read ({exc.strerror}); set `vendors_csv` of "
            "match.vendors to an existing CSV file with the columns vendor_id,name,vat_id,iban"
        ) from exc
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
    master = VendorMaster.of(read_vendor_csv(path))
    with _cache_lock:
        _cache[path] = (mtime, master)
    return master
