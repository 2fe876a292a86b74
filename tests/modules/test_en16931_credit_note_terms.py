"""BR-CO-25 (payment terms or due date when an amount is due) holds for invoices, not credit notes,
in both syntaxes: the EN 16931 artefacts removed it from credit notes, and CII tells a credit note
by its type code since it has one root for both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import turnout
from turnout.modules.validate.en16931 import validate_xml
from turnout.modules.xmlsafe import parse_xml

CII = (Path(turnout.__file__).parent / "examples" / "cii-invoice.xml").read_text("utf-8")


def _without_terms(type_code: str) -> bytes:
    text = re.sub(
        r"<ram:SpecifiedTradePaymentTerms>.*?</ram:SpecifiedTradePaymentTerms>", "", CII, flags=re.S
    )
    text = text.replace(
        "<ram:TypeCode>380</ram:TypeCode>", f"<ram:TypeCode>{type_code}</ram:TypeCode>", 1
    )
    assert "SpecifiedTradePaymentTerms" not in text and f">{type_code}<" in text
    return text.encode()


def _fired(data: bytes) -> set[str]:
    root = parse_xml(data, max_bytes=len(data), what="test")
    return {f.rule for f in validate_xml(root).findings}


def test_cii_invoice_without_terms_or_due_date_breaks_br_co_25() -> None:
    assert "BR-CO-25" in _fired(_without_terms("380"))


@pytest.mark.parametrize("code", ["381", "396"])
def test_cii_credit_note_without_terms_or_due_date_keeps_br_co_25(code: str) -> None:
    assert "BR-CO-25" not in _fired(_without_terms(code))
