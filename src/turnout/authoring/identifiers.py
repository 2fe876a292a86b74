"""Identifier keys and the vendor master's file format, shared by the CSV source of
`match.vendors`, the `vendors` table and `turnout vendors import`.

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
from pathlib import Path

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.exceptions import ValidationError

from turnout.domain.errors import InputRejected
from turnout.domain.vendors import Vendor

REQUIRED_COLUMNS = ("vendor_id", "name")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


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


def read_vendor_csv(path: Path) -> list[Vendor]:
    """The vendors of a vendor master CSV file, in file order; `InputRejected` says what is wrong."""
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
