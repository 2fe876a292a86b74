"""`match.vendors`: match the invoice's seller to the vendor master; never invent a vendor.

The default module of the optional `match` stage (`turnout.runtime.defaults`). The vendor master is
either a CSV file (format in `turnout.authoring.identifiers`), read once and read again when it
changes, or the `vendors` table (`turnout vendors import`), asked through the run's vendor
directory (`RunContext.vendors`). The seller is looked up, in this order:

1. by VAT id (compacted with python-stdnum), score 1.0;
2. by IBAN of the payment account (compacted with schwifty), score 1.0;
3. by name with rapidfuzz's `token_sort_ratio`, accepted at `min_name_score` or above; the score
   is the ratio divided by 100.

A seller found by none of them gives `Match(vendor_id=None)`: route sends it to review.

Settings (exactly one of `vendors_csv` and `vendors` is required):
- `vendors_csv` (path): the vendor master CSV; a relative path is read from $TURNOUT_HOME.
- `vendors: table`: the vendor master is the database's `vendors` table. A run without a
  database (no vendor directory) reports the module unavailable.
- `min_name_score` (0..100, default 90): the lowest name similarity accepted as the same vendor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from rapidfuzz import fuzz, process, utils

from turnout.authoring import (
    MATCH,
    Artifact,
    Artifacts,
    InputRejected,
    Invoice,
    InvoiceArtifact,
    Match,
    ModuleSpec,
    ModuleUnavailable,
    RunContext,
    StageModule,
    Vendor,
    VendorDirectory,
    compact_iban,
    compact_vat_id,
    settings_with_defaults,
)
from turnout.modules.match.vendor_master import load_vendor_master

DEFAULT_MIN_NAME_SCORE = 90

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "vendors_csv": {
            "type": "string",
            "minLength": 1,
            "description": "Path of the vendor master CSV (columns vendor_id,name,vat_id,iban); "
            "a relative path is read from $TURNOUT_HOME. Required unless `vendors: table`.",
        },
        "vendors": {
            "const": "table",
            "description": "`table`: the vendor master is the database's `vendors` table "
            "(`turnout vendors import FILE.csv`); then leave out `vendors_csv`.",
        },
        "min_name_score": {
            "type": "number",
            "minimum": 0,
            "maximum": 100,
            "default": DEFAULT_MIN_NAME_SCORE,
            "description": "Lowest rapidfuzz token_sort_ratio (0..100) at which a seller name "
            "counts as the vendor's name.",
        },
    },
    # Exactly one source: without `vendors` the CSV path is required; with it, it is refused.
    "if": {"required": ["vendors"]},
    "then": {"not": {"required": ["vendors_csv"]}},
    "else": {"required": ["vendors_csv"]},
}


class VendorMatch(StageModule):
    """The seller matched by VAT id, then IBAN, then fuzzy name against the vendor master."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        MATCH,
        module_id="match.vendors",
        name="Vendor master match",
        version="1.0.0",
        description="Finds the seller in the vendor master (a CSV file or the vendors table) "
        "by VAT id, then IBAN, then fuzzy name (rapidfuzz); an unknown seller is reported "
        "unmatched, never invented.",
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        csv_path = self.settings.get("vendors_csv")
        self.vendors_csv = Path(str(csv_path)) if csv_path else None
        self.from_table = self.settings.get("vendors") == "table"
        self.min_name_score = float(with_defaults["min_name_score"])

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return one `Match`: the vendor found and how, or `vendor_id=None`."""
        return [self.match(inputs.require(InvoiceArtifact).invoice, self.directory(context))]

    def directory(self, context: RunContext) -> VendorDirectory:
        """The vendor master the settings name: the run's vendor directory, or the CSV file."""
        if self.from_table:
            if context.vendors is None:
                raise ModuleUnavailable(
                    "match.vendors reads the vendor master from the `vendors` table, but this run "
                    "has no vendor directory (it runs outside a database); process the file "
                    "through `turnout process`, or set `vendors_csv` to a CSV vendor master"
                )
            return context.vendors
        if self.vendors_csv is None:
            raise InputRejected(
                "match.vendors has no vendor master; set `vendors_csv` to the path of a CSV file "
                "with the columns vendor_id,name,vat_id,iban, or `vendors: table`"
            )
        path = self.vendors_csv
        if not path.is_absolute():
            path = context.workspace / path
        return load_vendor_master(path)

    def match(self, invoice: Invoice, directory: VendorDirectory) -> Match:
        """The seller of `invoice` in `directory`."""
        vat_id = compact_vat_id(invoice.seller.vat_id)
        if vat_id is not None and (vendor := directory.by_vat_id(vat_id)) is not None:
            return Match(vendor.vendor_id, vendor.name, "vat_id", 1.0)
        iban = compact_iban(invoice.payment.iban)
        if iban is not None and (vendor := directory.by_iban(iban)) is not None:
            return Match(vendor.vendor_id, vendor.name, "iban", 1.0)
        name = (invoice.seller.name or "").strip()
        candidates: Sequence[Vendor] = directory.name_candidates() if name else ()
        if candidates:
            best = process.extractOne(
                name,
                [v.name for v in candidates],
                scorer=fuzz.token_sort_ratio,
                processor=utils.default_process,
                score_cutoff=self.min_name_score,
            )
            if best is not None:
                _, score, index = best
                vendor = candidates[index]
                return Match(vendor.vendor_id, vendor.name, "name", round(score / 100.0, 4))
        return Match(None)
