"""The vendor master of `match.vendors`: a CSV file read once per path and modification time.

The file is UTF-8 (a byte-order mark is accepted), comma-separated, with a header row naming its
columns; the order does not matter and other columns are ignored:

    vendor_id,name,vat_id,iban
    V-1001,ACME Office Supplies GmbH,DE136695976,DE89 3704 0044 0532 0130 00
    V-1002,Nordwind Logistik AG,,

`vendor_id` and `name` are required; `vat_id` and `iban` may be empty or absent. VAT ids are
compared compacted (python-stdnum), IBANs compacted (schwifty), so spaces and case do not matter.
"""

from __future__ import annotations

import csv
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.exceptions import ValidationError

from turnout.domain.errors import InputRejected

REQUIRED_COLUMNS = ("vendor_id", "name")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True)
class Vendor:
    """One row of the vendor master."""

    vendor_id: str
    name: str
    vat_id: str | None = None
    iban: str | None = None


@dataclass(frozen=True)
class VendorMaster:
    """The vendors of one file, indexed by compact VAT id and IBAN."""

    vendors: tuple[Vendor, ...]
    by_vat_id: dict[str, Vendor]
    by_iban: dict[str, Vendor]

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


def compact_vat_id(value: str | None) -> str | None:
    """A VAT id without spaces and punctuation, upper-cased; None when nothing is left."""
    if not value:
        return None
    try:
        compact = str(vat.compact(value))
    except ValidationError:  # a prefix python-stdnum does not know: compact it ourselves
        compact = value.upper()
    return _NOT_ALNUM.sub("", compact.upper()) or None


def compact_iban(value: str | None) -> str | None:
    """An IBAN without spaces, upper-cased; None when nothing is left."""
    if not value:
        return None
    try:
        compact = str(IBAN(value, allow_invalid=True).compact)
    except SchwiftyException:
        compact = value.upper()
    return _NOT_ALNUM.sub("", compact.upper()) or None


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
    master = VendorMaster.of(_read(path))
    with _cache_lock:
        _cache[path] = (mtime, master)
    return master


def _read(path: Path) -> list[Vendor]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in reader.fieldnames or ()]
            missing = [c for c in REQUIRED_COLUMNS if c not in columns]
            if missing:
                raise InputRejected(
                    f"vendor master `{path}` has no column {', '.join(missing)}; its first row "
                    "must name the columns: vendor_id,name,vat_id,iban"
                )
            reader.fieldnames = columns
            return [
                vendor for line, row in enumerate(reader, 2) if (vendor := _vendor(row, path, line))
            ]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputRejected(
            f"vendor master `{path}` is not a UTF-8 CSV file ({exc}); save it as CSV UTF-8 with "
            "the columns vendor_id,name,vat_id,iban"
        ) from exc


def _vendor(row: dict[str, str | None], path: Path, line: int) -> Vendor | None:
    values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
    if not any(values.values()):
        return None  # a blank line
    if not values.get("vendor_id") or not values.get("name"):
        raise InputRejected(
            f"vendor master `{path}` line {line} has no vendor_id or no name; fill both in "
            "or delete the line"
        )
    return Vendor(
        values["vendor_id"],
        values["name"],
        values.get("vat_id") or None,
        values.get("iban") or None,
    )
