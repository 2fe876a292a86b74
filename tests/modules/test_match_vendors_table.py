"""match.vendors with `vendors: table`: the same VAT id, IBAN and fuzzy-name matching against the
vendors table (on SQLite and PostgreSQL), one source required, unavailable without a database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema
import pytest

from turnout.domain.artifacts import InvoiceArtifact, Match
from turnout.domain.errors import ModuleUnavailable
from turnout.domain.invoice import Invoice, Party, Payment
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.vendors import Vendor
from turnout.modules.match.vendors import VendorMatch
from turnout.persistence import Database
from turnout.persistence.vendors import SqlVendorDirectory

VENDORS = [
    Vendor("V-1001", "ACME Office Supplies GmbH", "DE 136 695 976"),
    Vendor("V-1002", "Nordwind Logistik AG", None, "de89 3704 0044 0532 0130 00"),
    Vendor("V-1003", "Lindenholz Werkstätten GmbH"),
]


@pytest.fixture
def directory(db: Database) -> SqlVendorDirectory:
    with db.unit_of_work() as uow:
        uow.vendors.upsert(VENDORS, dt.datetime.now(dt.UTC))
        uow.commit()
    return SqlVendorDirectory(db)


def match(directory: SqlVendorDirectory | None, seller: Party, iban: str | None = None) -> Match:
    context = RunContext("run-1", 1, "match", "match.vendors", Path(), vendors=directory)
    invoice = InvoiceArtifact(Invoice(seller=seller, payment=Payment(iban=iban)))
    (out,) = VendorMatch({"vendors": "table"}).process(Artifacts([invoice]), context)
    assert isinstance(out, Match)
    return out


def test_the_table_matches_by_vat_id_then_iban_then_name(directory: SqlVendorDirectory) -> None:
    by_vat = match(directory, Party(name="Someone Else", vat_id="de136695976"))
    assert by_vat == Match("V-1001", "ACME Office Supplies GmbH", "vat_id", 1.0)
    by_iban = match(directory, Party(name="NW", vat_id="DE999999999"), "DE89370400440532013000")
    assert by_iban == Match("V-1002", "Nordwind Logistik AG", "iban", 1.0)
    by_name = match(directory, Party(name="Lindenholz Werkstätten GmbH."))
    assert (by_name.vendor_id, by_name.method) == ("V-1003", "name")
    assert 0.9 <= by_name.score <= 1.0


def test_an_unknown_seller_is_unmatched_in_the_table(directory: SqlVendorDirectory) -> None:
    for seller in (
        Party(name="Acme Bakery Ltd", vat_id="GB123456789"),
        Party(name="ACME"),
        Party(),
    ):
        assert match(directory, seller, "NL91ABNA0417164300") == Match(None)


def test_without_a_vendor_directory_the_table_source_is_unavailable() -> None:
    with pytest.raises(ModuleUnavailable, match=r"no vendor directory.*set `vendors_csv`"):
        match(None, Party(name="Acme"))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "'vendors_csv' is a required property"),
        ({"min_name_score": 80}, "'vendors_csv' is a required property"),
        ({"vendors": "table", "vendors_csv": "v.csv"}, "should not be valid under"),
        ({"vendors": "csv"}, "'table' was expected"),
    ],
)
def test_exactly_one_vendor_master_source_is_accepted(
    settings: dict[str, object], message: str
) -> None:
    validator = jsonschema.Draft202012Validator(VendorMatch.spec.settings_schema)
    messages = [e.message for e in validator.iter_errors(settings)]
    assert any(message in m for m in messages), messages
    for good in ({"vendors": "table"}, {"vendors_csv": "v.csv", "min_name_score": 80}):
        assert list(validator.iter_errors(good)) == []
