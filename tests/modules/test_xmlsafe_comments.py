"""A comment or processing instruction inside a value does not cut the value short: the hardened
parser leaves them out of the tree, so every reader sees an element's whole text."""

from __future__ import annotations

from decimal import Decimal

from turnout.domain.artifacts import Source
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.xmlsafe import parse_xml

UBL = (
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    "<cbc:ID>C-1</cbc:ID><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"
    "<cac:LegalMonetaryTotal>{}</cac:LegalMonetaryTotal></Invoice>"
)


def test_the_tree_holds_no_comments_or_processing_instructions_and_values_stay_whole() -> None:
    root = parse_xml(
        b"<a><!-- top --><b>23<!-- checked -->37.50</b><c><?app x?>250.33</c><?end?></a>",
        max_bytes=1000,
    )
    assert [child.tag for child in root] == ["b", "c"]
    assert [child.text for child in root] == ["2337.50", "250.33"]


def test_an_amount_with_a_comment_inside_is_read_whole_from_an_e_invoice() -> None:
    payable = '<cbc:PayableAmount currencyID="EUR">23<!---->37.50</cbc:PayableAmount>'
    rounding = '<cbc:PayableRoundingAmount currencyID="EUR"><?x y?>0.01</cbc:PayableRoundingAmount>'
    xml = UBL.format(rounding + payable).encode()
    invoice = XmlEInvoice().parse(StandardIntake().identify(Source("invoice.xml", xml))).invoice
    assert invoice.totals.payable == Decimal("2337.50")
    assert invoice.totals.rounding == Decimal("0.01")
    assert invoice.extensions == []
