"""match.vendors: VAT id, then IBAN, then fuzzy name; an unknown seller is never invented."""

from __future__ import annotations

import os
from pathlib import Path

import jsonschema
import pytest

from turnout.domain.artifacts import InvoiceArtifact, Match
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice, Party, Payment
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.match.vendors import VendorMatch

VENDORS = """\ufeffvendor_id,name,vat_id,iban,notes
V-1001,ACME Office Supplies GmbH,DE 136 695 976,,main supplier
V-1002,Nordwind Logistik AG,,de89 3704 0044 0532 0130 00,
V-1003,Lindenholz Werkstätten GmbH,,,

V-1004,Acme Robotics Inc.,,,
"""


@pytest.fixture
def vendors_csv(tmp_path: Path) -> Path:
    path = tmp_path / "vendors.csv"
    path.write_text(VENDORS, encoding="utf-8")
    return path


def match(seller: Party, vendors_csv: Path, iban: str | None = None, **settings: object) -> Match:
    module = VendorMatch({"vendors_csv": str(vendors_csv), **settings})
    context = RunContext("run-1", 1, "match", "match.vendors", vendors_csv.parent)
    inv = Invoice(seller=seller, payment=Payment(iban=iban))
    (out,) = module.process(Artifacts([InvoiceArtifact(inv)]), context)
    assert isinstance(out, Match)
    return out


def test_spec_mirrors_the_match_contract_and_requires_the_vendor_master() -> None:
    spec, contract = VendorMatch.spec, STAGES_BY_ID["match"].contract
    assert (spec.stage_id, spec.contract_id, spec.is_fallback) == ("match", "match-v1", False)
    assert spec.outputs == contract.outputs and spec.inputs == contract.inputs
    assert contract.guarantees <= spec.guarantees
    jsonschema.Draft202012Validator.check_schema(spec.settings_schema)
    with pytest.raises(jsonschema.ValidationError, match="vendors_csv"):
        jsonschema.validate({}, spec.settings_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"vendors_csv": "v.csv", "min_name_score": 120}, spec.settings_schema)


def test_the_vat_id_matches_whatever_its_spacing_and_case(vendors_csv: Path) -> None:
    out = match(Party(name="Someone Else Entirely", vat_id="de136695976"), vendors_csv)
    assert out == Match("V-1001", "ACME Office Supplies GmbH", "vat_id", 1.0)


def test_the_iban_matches_when_the_vat_id_is_unknown(vendors_csv: Path) -> None:
    seller = Party(name="NW Logistics", vat_id="DE999999999")
    out = match(seller, vendors_csv, iban="DE89370400440532013000")
    assert out == Match("V-1002", "Nordwind Logistik AG", "iban", 1.0)


def test_a_close_name_matches_by_fuzzy_score(vendors_csv: Path) -> None:
    out = match(Party(name="Lindenholz Werkstätten GmbH."), vendors_csv)
    assert (out.vendor_id, out.method) == ("V-1003", "name")
    assert 0.9 <= out.score <= 1.0
    reordered = match(Party(name="acme robotics inc"), vendors_csv)
    assert (reordered.vendor_id, reordered.method, reordered.score) == ("V-1004", "name", 1.0)


def test_an_unknown_seller_is_unmatched_never_invented(vendors_csv: Path) -> None:
    for seller in (
        Party(name="Acme Bakery Ltd", vat_id="GB123456789"),
        Party(name="ACME"),
        Party(),
        Party(name="   ", vat_id="  "),
    ):
        assert match(seller, vendors_csv, iban="NL91ABNA0417164300") == Match(None)


def test_min_name_score_decides_how_close_a_name_must_be(vendors_csv: Path) -> None:
    seller = Party(name="Acme Office Supplies")
    assert match(seller, vendors_csv).vendor_id is None
    loose = match(seller, vendors_csv, min_name_score=80)
    assert (loose.vendor_id, loose.method) == ("V-1001", "name")


def test_a_relative_path_is_read_from_the_workspace(vendors_csv: Path) -> None:
    module = VendorMatch({"vendors_csv": "vendors.csv"})
    context = RunContext("run-1", 1, "match", "match.vendors", vendors_csv.parent)
    inv = InvoiceArtifact(Invoice(seller=Party(vat_id="DE136695976")))
    (out,) = module.process(Artifacts([inv]), context)
    assert isinstance(out, Match) and out.vendor_id == "V-1001"


def test_a_changed_file_is_read_again(vendors_csv: Path) -> None:
    seller = Party(name="Brand New Vendor KG")
    assert match(seller, vendors_csv).vendor_id is None
    vendors_csv.write_text(VENDORS + "V-2000,Brand New Vendor KG,,\n", encoding="utf-8")
    stat = vendors_csv.stat()
    os.utime(vendors_csv, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert match(seller, vendors_csv).vendor_id == "V-2000"


def test_a_missing_vendor_master_names_the_path_and_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "vendors.csv"
    with pytest.raises(InputRejected, match=r"nowhere/vendors\.csv.*set `vendors_csv`"):
        match(Party(name="Acme"), missing)
    with pytest.raises(InputRejected, match="set `vendors_csv`"):
        VendorMatch({}).process(
            Artifacts([InvoiceArtifact(Invoice())]),
            RunContext("run-1", 1, "match", "match.vendors", tmp_path),
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,title\n1,Acme\n", "no column vendor_id, name"),
        (b"vendor_id,name\n,Acme\n", "line 2 has no vendor_id or no name"),
        (b"vendor_id,name\nV-1,\xff\xfe\x00junk\n", "not a UTF-8 CSV file"),
        (b"", "no column vendor_id, name"),
    ],
)
def test_a_malformed_vendor_master_is_rejected_with_the_fix(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "vendors.csv"
    path.write_bytes(content)
    with pytest.raises(InputRejected, match=message):
        match(Party(name="Acme"), path)
