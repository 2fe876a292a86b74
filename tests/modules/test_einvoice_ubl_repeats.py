"""The UBL reader keeps as an extension every repeat of what it reads once, wherever the binding
names it, and splits a note's subject code off only when it is a UNTDID 4451 code."""

from __future__ import annotations

from decimal import Decimal

from turnout.domain.artifacts import Source
from turnout.domain.invoice import Identifier, Invoice
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake

NS = (
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"'
)
SUPPLIER = "/Invoice/cac:AccountingSupplierParty/cac:Party"


def read(body: str) -> Invoice:
    xml = (
        f'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {NS}>'
        f"<cbc:ID>R-1</cbc:ID><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>{body}"
        "</Invoice>"
    ).encode()
    return XmlEInvoice().parse(StandardIntake().identify(Source("invoice.xml", xml))).invoice


def supplier(inner: str) -> str:
    return (
        f"<cac:AccountingSupplierParty><cac:Party>{inner}</cac:Party></cac:AccountingSupplierParty>"
    )


def test_repeats_of_what_a_party_holds_once_are_kept() -> None:
    inv = read(
        supplier(
            "<cac:PartyName><cbc:Name>Trading</cbc:Name></cac:PartyName>"
            "<cac:PartyName><cbc:Name>Other trading</cbc:Name></cac:PartyName>"
            "<cac:PostalAddress><cac:AddressLine><cbc:Line>Floor 3</cbc:Line></cac:AddressLine>"
            "<cac:AddressLine><cbc:Line>Door B</cbc:Line></cac:AddressLine></cac:PostalAddress>"
            "<cac:PartyLegalEntity><cbc:RegistrationName>Legal</cbc:RegistrationName>"
            "</cac:PartyLegalEntity><cac:PartyLegalEntity><cbc:RegistrationName>Legal 2"
            "</cbc:RegistrationName></cac:PartyLegalEntity>"
            "<cac:Contact><cbc:Name>Ann</cbc:Name></cac:Contact>"
            "<cac:Contact><cbc:Name>Bob</cbc:Name></cac:Contact>"
        )
    )
    seller = inv.seller
    assert (seller.trading_name, seller.name, seller.address.line3) == (
        "Trading",
        "Legal",
        "Floor 3",
    )
    assert seller.contact.name == "Ann"
    assert [e.path for e in inv.extensions] == [
        f"{SUPPLIER}/cac:PartyName[2]",
        f"{SUPPLIER}/cac:PostalAddress/cac:AddressLine[2]",
        f"{SUPPLIER}/cac:PartyLegalEntity[2]",
        f"{SUPPLIER}/cac:Contact[2]",
    ]


def test_a_second_reason_exemption_reason_and_price_allowance_are_kept() -> None:
    allowance = (
        "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
        "<cbc:AllowanceChargeReason>first</cbc:AllowanceChargeReason>"
        "<cbc:AllowanceChargeReason>second</cbc:AllowanceChargeReason>"
        '<cbc:Amount currencyID="EUR">1.00</cbc:Amount></cac:AllowanceCharge>'
    )
    tax = (
        '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">0</cbc:TaxAmount><cac:TaxSubtotal>'
        "<cac:TaxCategory><cbc:ID>E</cbc:ID><cbc:TaxExemptionReason>one</cbc:TaxExemptionReason>"
        "<cbc:TaxExemptionReason>two</cbc:TaxExemptionReason></cac:TaxCategory>"
        "</cac:TaxSubtotal></cac:TaxTotal>"
    )
    price_allowance = (
        "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
        '<cbc:Amount currencyID="EUR">{}</cbc:Amount></cac:AllowanceCharge>'
    )
    line = (
        "<cac:InvoiceLine><cbc:ID>1</cbc:ID><cac:Price>"
        '<cbc:PriceAmount currencyID="EUR">9.00</cbc:PriceAmount>'
        f"{price_allowance.format('1.00')}{price_allowance.format('0.50')}"
        "</cac:Price></cac:InvoiceLine>"
    )
    inv = read(allowance + tax + line)
    assert inv.allowances[0].reason == "first"
    assert inv.vat_breakdown[0].exemption_reason == "one"
    assert inv.lines[0].price_discount == Decimal("1.00")
    assert [e.path for e in inv.extensions] == [
        "/Invoice/cac:AllowanceCharge/cbc:AllowanceChargeReason[2]",
        "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason[2]",
        "/Invoice/cac:InvoiceLine/cac:Price/cac:AllowanceCharge[2]",
    ]


def test_a_payees_second_identifier_is_kept_its_sepa_one_is_the_creditor_id() -> None:
    identification = (
        '<cac:PartyIdentification><cbc:ID schemeID="{}">{}</cbc:ID></cac:PartyIdentification>'
    )
    payee = (
        "<cac:PayeeParty>"
        + identification.format("0088", "PAYEE-1")
        + identification.format("0088", "PAYEE-2")
        + identification.format("SEPA", "DE98ZZZ09999999999")
        + "<cac:PartyName><cbc:Name>Factor</cbc:Name></cac:PartyName></cac:PayeeParty>"
    )
    inv = read(payee)
    assert inv.payee is not None and inv.payee.identifier == Identifier("PAYEE-1", "0088")
    assert inv.payment.direct_debit is not None
    assert inv.payment.direct_debit.creditor_id == "DE98ZZZ09999999999"
    assert [e.path for e in inv.extensions] == [
        "/Invoice/cac:PayeeParty/cac:PartyIdentification[2]"
    ]


def test_repeated_groups_the_reader_reads_in_full_are_not_kept() -> None:
    identification = (
        '<cac:PartyIdentification><cbc:ID schemeID="0088">{}</cbc:ID></cac:PartyIdentification>'
    )
    inv = read(
        "<cbc:Note>one</cbc:Note><cbc:Note>two</cbc:Note>"
        + supplier(identification.format("A") + identification.format("B"))
    )
    assert [n.text for n in inv.notes] == ["one", "two"]
    assert [i.id for i in inv.seller.identifiers] == ["A", "B"]
    assert inv.extensions == []


def test_only_a_untdid_4451_code_between_hashes_is_a_notes_subject_code() -> None:
    inv = read(
        "<cbc:Note>#AAI#Delivered in two parts</cbc:Note>"
        "<cbc:Note>#1#: first delivery, #2#: second delivery</cbc:Note>"
        "<cbc:Note>#aai#lower case</cbc:Note>"
    )
    assert [(n.subject_code, n.text) for n in inv.notes] == [
        ("AAI", "Delivered in two parts"),
        (None, "#1#: first delivery, #2#: second delivery"),
        (None, "#aai#lower case"),
    ]
