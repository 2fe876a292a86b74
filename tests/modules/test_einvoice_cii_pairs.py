"""The XRechnung test suite's UBL/CII pairs (the same business case written in each syntax) read to
the same canonical invoice, term by term.

Values are compared as values: both readers keep a decimal exactly as written, and some pairs write
the same price at another scale (`10.00` in UBL, `10.000000000000000000` in CII). Where the two
files of a pair carry different business content, the difference is listed below with what the
files say; any other difference fails. Extensions and provenance are not compared (each syntax has
its own). Needs ../shared/corpora; skipped when it is absent.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest

from turnout.domain.artifacts import Source
from turnout.domain.invoice import Invoice
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake

CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
XRECHNUNG = CORPORA / "xrechnung"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not XRECHNUNG.is_dir(),
        reason=f"corpora not found at {CORPORA} (they are only on developer machines and in CI)",
    ),
]

# business content on which the two files of a pair disagree (checked by reading both files)
SOURCE_DIFFERENCES: dict[str, dict[str, str]] = {
    "03.06a-INVOICE": dict.fromkeys(
        [
            "seller.address.city",
            "seller.address.post_code",
            "buyer.address.city",
            "buyer.address.post_code",
        ],
        "the UBL file has cbc:CityName 12345 and cbc:PostalZone Testhausen, CII the reverse",
    ),
    "03.07a-INVOICE": {
        "seller.identifiers": "UBL has one seller identifier (0088), CII three",
        "payee.legal_registration": "only CII has the payee's legal registration (BT-61)",
        "totals.rounding": "only CII has a rounding amount (0)",
    },
    "01.01_comprehensive_test": {
        "buyer.name": "UBL has RegistrationName [Buyer trading name], PartyName [Buyer name]",
        "buyer.trading_name": "CII has Name [Buyer name], TradingBusinessName [Buyer trading name]",
        "lines[1].base_quantity": "only UBL gives line 2 a price base quantity",
        "lines[1].base_quantity_unit": "only UBL gives line 2 a price base quantity",
        "preceding_invoices": "UBL refers to two preceding invoices, CII to one",
        "seller.identifiers": "UBL has one seller identifier (0088), CII three",
        "payee.legal_registration": "only CII has the payee's legal registration (BT-61)",
        "totals.rounding": "only CII has a rounding amount (0)",
    },
}


def pairs() -> list[tuple[str, Path, Path]]:
    found = []
    for ubl in sorted(XRECHNUNG.rglob("*_ubl.xml")):
        stem = ubl.name.removesuffix("_ubl.xml")
        cii = ubl.with_name(f"{stem}_uncefact.xml")
        if cii.exists():
            found.append((stem, ubl, cii))
    return found


def read(path: Path) -> Invoice:
    document = StandardIntake().identify(Source(path.name, path.read_bytes()))
    return XmlEInvoice().parse(document).invoice


def leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf value under a canonical invoice by dotted path, extensions and provenance left
    out; a list's items are `name[i]`."""
    out: dict[str, Any] = {}
    if is_dataclass(value):
        for f in fields(value):
            if f.name not in ("extensions", "provenance"):
                name = f"{prefix}.{f.name}" if prefix else f.name
                out.update(leaves(getattr(value, f.name), name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.update(leaves(item, f"{prefix}[{index}]"))
    elif value is not None:
        out[prefix] = value
    return out


def differences(a: Invoice, b: Invoice) -> set[str]:
    left, right = leaves(a), leaves(b)
    return {path for path in left.keys() | right.keys() if left.get(path) != right.get(path)}


def explained(path: str, known: dict[str, str]) -> bool:
    return any(path == k or path.startswith((f"{k}.", f"{k}[")) for k in known)


def test_the_corpus_has_the_expected_pairs() -> None:
    assert len(pairs()) >= 9


@pytest.mark.parametrize(("stem", "ubl", "cii"), pairs(), ids=[p[0] for p in pairs()])
def test_ubl_and_cii_of_a_pair_read_to_the_same_canonical_invoice(
    stem: str, ubl: Path, cii: Path
) -> None:
    known = SOURCE_DIFFERENCES.get(stem, {})
    found = differences(read(ubl), read(cii))
    unexplained = sorted(p for p in found if not explained(p, known))
    assert unexplained == [], f"{ubl.name} and {cii.name} differ"
    # every listed source difference is still seen: the list says what the files hold
    assert {k for k in known if any(explained(p, {k: ""}) for p in found)} == set(known)
