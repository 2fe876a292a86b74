"""The CII reader reads the occurrence the binding names of what it reads once, wherever it is in
the document, and keeps every other occurrence as an extension; a charge indicator that is
neither true nor false is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Card, Identifier, Invoice
from turnout.modules.einvoice.cii import read_cii
from turnout.modules.xmlsafe import parse_xml

NS = (
    'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"'
)
TRANSACTION = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
SETTLEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement"


def read(body: str = "", settlement: str = "") -> Invoice:
    xml = f"""<rsm:CrossIndustryInvoice {NS}>
<rsm:ExchangedDocument><ram:ID>OCC-1</ram:ID></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>{body}
<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>{settlement}
</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"""
    return read_cii(parse_xml(xml.encode(), max_bytes=1_000_000, what="the test invoice"))[1]


def means(inner: str) -> str:
    return (
        "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>"
        f"{inner}</ram:SpecifiedTradeSettlementPaymentMeans>"
    )


def card(number: str) -> str:
    return (
        f"<ram:ApplicableTradeSettlementFinancialCard><ram:ID>{number}</ram:ID>"
        "</ram:ApplicableTradeSettlementFinancialCard>"
    )


def debited(iban: str) -> str:
    return (
        "<ram:PayerPartyDebtorFinancialAccount>"
        f"<ram:IBANID>{iban}</ram:IBANID></ram:PayerPartyDebtorFinancialAccount>"
    )


def indicator(value: str) -> str:
    return f"<ram:ChargeIndicator><udt:Indicator>{value}</udt:Indicator></ram:ChargeIndicator>"


def test_a_card_and_debited_account_in_a_later_payment_means_are_read() -> None:
    inv = read(settlement=means("") + means(card("4111") + debited("DE02")))
    assert inv.payment.card == Card("4111", None)
    assert inv.payment.direct_debit is not None
    assert inv.payment.direct_debit.debited_account == "DE02"
    assert inv.extensions == []


def test_only_the_first_card_of_any_payment_means_is_read_the_next_is_kept() -> None:
    inv = read(settlement=means("") + means(card("4111")) + means(card("5500")))
    assert inv.payment.card == Card("4111", None)
    assert [e.path for e in inv.extensions] == [
        f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans[3]"
        "/ram:ApplicableTradeSettlementFinancialCard"
    ]


def registration(scheme: str, value: str) -> str:
    return (
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="{scheme}">{value}</ram:ID>'
        "</ram:SpecifiedTaxRegistration>"
    )


def test_tax_registrations_the_model_has_no_place_for_are_kept() -> None:
    seller = (
        "<ram:SellerTradeParty><ram:Name>S</ram:Name>"
        + registration("VA", "NL1")
        + registration("VA", "NL2")
        + registration("XX", "MARK")
        + registration("FC", "123/456")
        + "</ram:SellerTradeParty>"
    )
    representative = (
        "<ram:SellerTaxRepresentativeTradeParty><ram:Name>R</ram:Name>"
        + registration("FC", "999/1")
        + registration("VA", "DE9")
        + "</ram:SellerTaxRepresentativeTradeParty>"
    )
    agreement = f"<ram:ApplicableHeaderTradeAgreement>{seller}{representative}</ram:ApplicableHeaderTradeAgreement>"
    inv = read(agreement)
    assert (inv.seller.vat_id, inv.seller.tax_registration_id) == ("NL1", "123/456")
    assert inv.tax_representative is not None and inv.tax_representative.vat_id == "DE9"
    party = f"{TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
    assert [e.path for e in inv.extensions] == [
        f"{party}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration[2]",
        f"{party}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration[3]",
        f"{party}/ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration[1]",
    ]


def test_a_later_payment_terms_due_date_and_mandate_are_kept() -> None:
    terms = (
        "<ram:SpecifiedTradePaymentTerms><ram:Description>{0}</ram:Description>"
        '<ram:DueDateDateTime><udt:DateTimeString format="102">{1}</udt:DateTimeString>'
        "</ram:DueDateDateTime><ram:DirectDebitMandateID>{2}</ram:DirectDebitMandateID>"
        "</ram:SpecifiedTradePaymentTerms>"
    )
    inv = read(
        settlement=terms.format("half", "20250109", "M-1") + terms.format("rest", "20250209", "M-2")
    )
    assert inv.due_date == dt.date(2025, 1, 9)
    assert inv.payment_terms == "half\nrest"
    assert inv.payment.direct_debit is not None and inv.payment.direct_debit.mandate == "M-1"
    assert [e.path for e in inv.extensions] == [
        f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms[2]/ram:DueDateDateTime",
        f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms[2]/ram:DirectDebitMandateID",
    ]


def line(agreement: str = "", settlement: str = "") -> str:
    return (
        "<ram:IncludedSupplyChainTradeLineItem>"
        f"<ram:SpecifiedLineTradeAgreement>{agreement}</ram:SpecifiedLineTradeAgreement>"
        f"<ram:SpecifiedLineTradeSettlement>{settlement}</ram:SpecifiedLineTradeSettlement>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )


def test_a_second_allowance_on_the_gross_price_is_kept() -> None:
    applied = (
        "<ram:AppliedTradeAllowanceCharge>{}<ram:ActualAmount>{}</ram:ActualAmount>"
        "</ram:AppliedTradeAllowanceCharge>"
    )
    gross = (
        "<ram:GrossPriceProductTradePrice><ram:ChargeAmount>11.00</ram:ChargeAmount>"
        f"{applied.format(indicator('false'), '0.28')}{applied.format(indicator('false'), '0.77')}"
        "</ram:GrossPriceProductTradePrice>"
    )
    inv = read(line(agreement=gross))
    assert inv.lines[0].price_discount == Decimal("0.28")
    assert [e.path for e in inv.extensions] == [
        f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeAgreement"
        "/ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge[2]"
    ]


def test_a_line_referenced_document_of_another_type_is_kept_beside_the_invoiced_object() -> None:
    document = (
        "<ram:AdditionalReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID>"
        "<ram:TypeCode>{}</ram:TypeCode></ram:AdditionalReferencedDocument>"
    )
    inv = read(line(settlement=document.format("DOC-916", "916") + document.format("OBJ", "130")))
    assert inv.lines[0].object_id == Identifier("OBJ", None)
    assert [e.path for e in inv.extensions] == [
        f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement"
        "/ram:AdditionalReferencedDocument[1]"
    ]
    assert "DOC-916" in (inv.extensions[0].xml or "")


def test_a_payees_local_id_beside_its_global_id_is_kept() -> None:
    payee = (
        "<ram:PayeeTradeParty><ram:ID>PAYEE-7</ram:ID>"
        '<ram:GlobalID schemeID="0088">5790000436101</ram:GlobalID><ram:Name>Factor</ram:Name>'
        "</ram:PayeeTradeParty>"
    )
    inv = read(settlement=payee)
    assert inv.payee is not None and inv.payee.identifier == Identifier("5790000436101", "0088")
    assert [e.path for e in inv.extensions] == [f"{SETTLEMENT}/ram:PayeeTradeParty/ram:ID"]
    alone = read(settlement="<ram:PayeeTradeParty><ram:ID>PAYEE-7</ram:ID></ram:PayeeTradeParty>")
    assert alone.payee is not None and alone.payee.identifier == Identifier("PAYEE-7", None)
    assert alone.extensions == []


@pytest.mark.parametrize("written", ["TRUE", " yes ", ""])
def test_a_charge_indicator_neither_true_nor_false_is_refused_naming_it(written: str) -> None:
    allowance = (
        f"<ram:SpecifiedTradeAllowanceCharge>{indicator(written)}"
        "<ram:ActualAmount>5.00</ram:ActualAmount></ram:SpecifiedTradeAllowanceCharge>"
    )
    with pytest.raises(InputRejected, match=r"ChargeIndicator .* neither true nor false"):
        read(settlement=allowance)
    with pytest.raises(InputRejected, match="ChargeIndicator of a line allowance"):
        read(line(settlement=allowance))


def test_an_allowance_on_the_gross_price_without_its_indicator_is_the_price_discount() -> None:
    """Real Factur-X files leave the indicator out on the gross price, where the binding has only
    a discount (BT-147); elsewhere a missing indicator is refused like a wrong one."""
    gross = (
        "<ram:GrossPriceProductTradePrice><ram:ChargeAmount>4.0000</ram:ChargeAmount>"
        "<ram:AppliedTradeAllowanceCharge><ram:ActualAmount>0.6667</ram:ActualAmount>"
        "</ram:AppliedTradeAllowanceCharge></ram:GrossPriceProductTradePrice>"
    )
    inv = read(line(agreement=gross))
    assert inv.lines[0].price_discount == Decimal("0.6667")
    assert inv.extensions == []
    allowance = (
        "<ram:SpecifiedTradeAllowanceCharge>"
        "<ram:ActualAmount>5.00</ram:ActualAmount></ram:SpecifiedTradeAllowanceCharge>"
    )
    with pytest.raises(InputRejected, match="ChargeIndicator"):
        read(settlement=allowance)
