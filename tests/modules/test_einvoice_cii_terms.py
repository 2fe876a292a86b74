"""The CII D16B reader fills every business term of EN 16931 (EN 16931-3-3), from invoices of our
own making: one that carries every term, and small ones for the edge cases (absent groups, the
VAT point code, extensions)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from decimal import Decimal

import pytest

from turnout.domain.artifacts import Source
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import (
    Address,
    AllowanceCharge,
    Attachment,
    Card,
    Classification,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    FieldSource,
    Identifier,
    Invoice,
    ItemAttribute,
    Note,
    Party,
    Payee,
    Period,
    PrecedingInvoice,
    SupportingDocument,
    VatBreakdown,
)
from turnout.domain.terms import term_paths
from turnout.modules.einvoice.cii import read_cii
from turnout.modules.einvoice.provenance import set_paths
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.xmlsafe import parse_xml

# --- a CII invoice that carries every business term, each value found nowhere else in it -------

ATTACHMENT = b"%PDF-1.4 timesheet of March, made up for the test\n"

NS = (
    'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
    'xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"'
)


def date(value: str) -> str:
    return f'<udt:DateTimeString format="102">{value}</udt:DateTimeString>'


def indicator(charge: bool) -> str:
    return f"<ram:ChargeIndicator><udt:Indicator>{str(charge).lower()}</udt:Indicator></ram:ChargeIndicator>"


def address(prefix: str, country: str) -> str:
    return f"""<ram:PostalTradeAddress>
      <ram:PostcodeCode>{prefix}-PC</ram:PostcodeCode>
      <ram:LineOne>{prefix} line 1</ram:LineOne>
      <ram:LineTwo>{prefix} line 2</ram:LineTwo>
      <ram:LineThree>{prefix} line 3</ram:LineThree>
      <ram:CityName>{prefix} city</ram:CityName>
      <ram:CountryID>{country}</ram:CountryID>
      <ram:CountrySubDivisionName>{prefix} region</ram:CountrySubDivisionName>
    </ram:PostalTradeAddress>"""


def allowance(charge: bool, tag: str, *, vat: bool) -> str:
    tax = (
        "<ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode>"
        "<ram:CategoryCode>S</ram:CategoryCode>"
        "<ram:RateApplicablePercent>19.00</ram:RateApplicablePercent></ram:CategoryTradeTax>"
        if vat
        else ""
    )
    return f"""<ram:SpecifiedTradeAllowanceCharge>{indicator(charge)}
      <ram:CalculationPercent>{tag}.5</ram:CalculationPercent>
      <ram:BasisAmount>{tag}00.00</ram:BasisAmount>
      <ram:ActualAmount>{tag}.25</ram:ActualAmount>
      <ram:ReasonCode>R{tag}</ram:ReasonCode>
      <ram:Reason>reason {tag}</ram:Reason>{tax}
    </ram:SpecifiedTradeAllowanceCharge>"""


LINE = f"""<ram:IncludedSupplyChainTradeLineItem>
  <ram:AssociatedDocumentLineDocument>
    <ram:LineID>L1</ram:LineID>
    <ram:IncludedNote><ram:Content>line note</ram:Content></ram:IncludedNote>
  </ram:AssociatedDocumentLineDocument>
  <ram:SpecifiedTradeProduct>
    <ram:GlobalID schemeID="0160">4012345000009</ram:GlobalID>
    <ram:SellerAssignedID>SKU-1</ram:SellerAssignedID>
    <ram:BuyerAssignedID>BUY-1</ram:BuyerAssignedID>
    <ram:Name>Oak panel</ram:Name>
    <ram:Description>Oak panel, oiled</ram:Description>
    <ram:ApplicableProductCharacteristic>
      <ram:Description>colour</ram:Description><ram:Value>natural</ram:Value>
    </ram:ApplicableProductCharacteristic>
    <ram:DesignatedProductClassification>
      <ram:ClassCode listID="STI" listVersionID="v7">44180000</ram:ClassCode>
    </ram:DesignatedProductClassification>
    <ram:OriginTradeCountry><ram:ID>AT</ram:ID></ram:OriginTradeCountry>
  </ram:SpecifiedTradeProduct>
  <ram:SpecifiedLineTradeAgreement>
    <ram:BuyerOrderReferencedDocument><ram:LineID>PO-L7</ram:LineID></ram:BuyerOrderReferencedDocument>
    <ram:GrossPriceProductTradePrice>
      <ram:ChargeAmount>52.00</ram:ChargeAmount>
      <ram:AppliedTradeAllowanceCharge>{indicator(False)}
        <ram:ActualAmount>2.00</ram:ActualAmount>
      </ram:AppliedTradeAllowanceCharge>
    </ram:GrossPriceProductTradePrice>
    <ram:NetPriceProductTradePrice>
      <ram:ChargeAmount>50.00</ram:ChargeAmount>
      <ram:BasisQuantity unitCode="MTK">2</ram:BasisQuantity>
    </ram:NetPriceProductTradePrice>
  </ram:SpecifiedLineTradeAgreement>
  <ram:SpecifiedLineTradeDelivery>
    <ram:BilledQuantity unitCode="MTK">10.000</ram:BilledQuantity>
  </ram:SpecifiedLineTradeDelivery>
  <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax>
      <ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>
      <ram:RateApplicablePercent>19.00</ram:RateApplicablePercent>
    </ram:ApplicableTradeTax>
    <ram:BillingSpecifiedPeriod>
      <ram:StartDateTime>{date("20250301")}</ram:StartDateTime>
      <ram:EndDateTime>{date("20250315")}</ram:EndDateTime>
    </ram:BillingSpecifiedPeriod>
    {allowance(False, "3", vat=False)}
    {allowance(True, "4", vat=False)}
    <ram:SpecifiedTradeSettlementLineMonetarySummation>
      <ram:LineTotalAmount>249.00</ram:LineTotalAmount>
    </ram:SpecifiedTradeSettlementLineMonetarySummation>
    <ram:AdditionalReferencedDocument>
      <ram:IssuerAssignedID>METER-77</ram:IssuerAssignedID>
      <ram:TypeCode>130</ram:TypeCode>
      <ram:ReferenceTypeCode>AVE</ram:ReferenceTypeCode>
    </ram:AdditionalReferencedDocument>
    <ram:ReceivableSpecifiedTradeAccountingAccount><ram:ID>ACC-LINE</ram:ID></ram:ReceivableSpecifiedTradeAccountingAccount>
  </ram:SpecifiedLineTradeSettlement>
</ram:IncludedSupplyChainTradeLineItem>"""

AGREEMENT = f"""<ram:ApplicableHeaderTradeAgreement>
  <ram:BuyerReference>LEITWEG-1</ram:BuyerReference>
  <ram:SellerTradeParty>
    <ram:ID>SUP-17</ram:ID>
    <ram:GlobalID schemeID="0088">5790000435968</ram:GlobalID>
    <ram:Name>Holzbau Seller GmbH</ram:Name>
    <ram:Description>Registered at Amtsgericht Graz</ram:Description>
    <ram:SpecifiedLegalOrganization>
      <ram:ID schemeID="0002">HRB-4711</ram:ID>
      <ram:TradingBusinessName>Holzbau</ram:TradingBusinessName>
    </ram:SpecifiedLegalOrganization>
    <ram:DefinedTradeContact>
      <ram:PersonName>Sara Seller</ram:PersonName>
      <ram:TelephoneUniversalCommunication><ram:CompleteNumber>+43 1 111</ram:CompleteNumber></ram:TelephoneUniversalCommunication>
      <ram:EmailURIUniversalCommunication><ram:URIID>sara@seller.example</ram:URIID></ram:EmailURIUniversalCommunication>
    </ram:DefinedTradeContact>
    {address("seller", "AT")}
    <ram:URIUniversalCommunication><ram:URIID schemeID="EM">ap@seller.example</ram:URIID></ram:URIUniversalCommunication>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">ATU13585627</ram:ID></ram:SpecifiedTaxRegistration>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">12-345/6789</ram:ID></ram:SpecifiedTaxRegistration>
  </ram:SellerTradeParty>
  <ram:BuyerTradeParty>
    <ram:GlobalID schemeID="0088">4000001000005</ram:GlobalID>
    <ram:Name>Buyer Bau AG</ram:Name>
    <ram:SpecifiedLegalOrganization>
      <ram:ID schemeID="0204">991-01234-56</ram:ID>
      <ram:TradingBusinessName>BuyBau</ram:TradingBusinessName>
    </ram:SpecifiedLegalOrganization>
    <ram:DefinedTradeContact>
      <ram:DepartmentName>Accounts payable</ram:DepartmentName>
      <ram:TelephoneUniversalCommunication><ram:CompleteNumber>+49 30 222</ram:CompleteNumber></ram:TelephoneUniversalCommunication>
      <ram:EmailURIUniversalCommunication><ram:URIID>ap@buyer.example</ram:URIID></ram:EmailURIUniversalCommunication>
    </ram:DefinedTradeContact>
    {address("buyer", "DE")}
    <ram:URIUniversalCommunication><ram:URIID schemeID="9930">DE136695976</ram:URIID></ram:URIUniversalCommunication>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE136695976</ram:ID></ram:SpecifiedTaxRegistration>
  </ram:BuyerTradeParty>
  <ram:SellerTaxRepresentativeTradeParty>
    <ram:Name>Tax Rep KG</ram:Name>
    {address("taxrep", "DE")}
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE129273398</ram:ID></ram:SpecifiedTaxRegistration>
  </ram:SellerTaxRepresentativeTradeParty>
  <ram:SellerOrderReferencedDocument><ram:IssuerAssignedID>SO-9</ram:IssuerAssignedID></ram:SellerOrderReferencedDocument>
  <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-8</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
  <ram:ContractReferencedDocument><ram:IssuerAssignedID>CON-7</ram:IssuerAssignedID></ram:ContractReferencedDocument>
  <ram:AdditionalReferencedDocument>
    <ram:IssuerAssignedID>TS-2025-03</ram:IssuerAssignedID>
    <ram:URIID>https://seller.example/ts/2025-03</ram:URIID>
    <ram:TypeCode>916</ram:TypeCode>
    <ram:Name>Timesheet</ram:Name>
    <ram:AttachmentBinaryObject mimeCode="application/pdf" filename="ts.pdf">{base64.b64encode(ATTACHMENT).decode()}</ram:AttachmentBinaryObject>
  </ram:AdditionalReferencedDocument>
  <ram:AdditionalReferencedDocument>
    <ram:IssuerAssignedID>LOT-6</ram:IssuerAssignedID>
    <ram:TypeCode>50</ram:TypeCode>
  </ram:AdditionalReferencedDocument>
  <ram:AdditionalReferencedDocument>
    <ram:IssuerAssignedID>OBJ-5</ram:IssuerAssignedID>
    <ram:TypeCode>130</ram:TypeCode>
    <ram:ReferenceTypeCode>AAB</ram:ReferenceTypeCode>
  </ram:AdditionalReferencedDocument>
  <ram:SpecifiedProcuringProject><ram:ID>PRJ-4</ram:ID><ram:Name>Project reference</ram:Name></ram:SpecifiedProcuringProject>
</ram:ApplicableHeaderTradeAgreement>"""

DELIVERY = f"""<ram:ApplicableHeaderTradeDelivery>
  <ram:ShipToTradeParty>
    <ram:GlobalID schemeID="0088">4000001000012</ram:GlobalID>
    <ram:Name>Site Graz</ram:Name>
    {address("site", "AT")}
  </ram:ShipToTradeParty>
  <ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>{date("20250314")}</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>
  <ram:DespatchAdviceReferencedDocument><ram:IssuerAssignedID>DESP-3</ram:IssuerAssignedID></ram:DespatchAdviceReferencedDocument>
  <ram:ReceivingAdviceReferencedDocument><ram:IssuerAssignedID>RECV-2</ram:IssuerAssignedID></ram:ReceivingAdviceReferencedDocument>
</ram:ApplicableHeaderTradeDelivery>"""

SETTLEMENT = f"""<ram:ApplicableHeaderTradeSettlement>
  <ram:CreditorReferenceID>DE98ZZZ09999999999</ram:CreditorReferenceID>
  <ram:PaymentReference>INV 2025-0042</ram:PaymentReference>
  <ram:TaxCurrencyCode>USD</ram:TaxCurrencyCode>
  <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
  <ram:PayeeTradeParty>
    <ram:GlobalID schemeID="0088">4000001000029</ram:GlobalID>
    <ram:Name>Factor Bank</ram:Name>
    <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">HRB-1</ram:ID></ram:SpecifiedLegalOrganization>
  </ram:PayeeTradeParty>
  <ram:SpecifiedTradeSettlementPaymentMeans>
    <ram:TypeCode>58</ram:TypeCode>
    <ram:Information>SEPA credit transfer</ram:Information>
    <ram:ApplicableTradeSettlementFinancialCard>
      <ram:ID>1234</ram:ID><ram:CardholderName>Sara Card</ram:CardholderName>
    </ram:ApplicableTradeSettlementFinancialCard>
    <ram:PayerPartyDebtorFinancialAccount><ram:IBANID>DE02120300000000202051</ram:IBANID></ram:PayerPartyDebtorFinancialAccount>
    <ram:PayeePartyCreditorFinancialAccount>
      <ram:IBANID>AT611904300234573201</ram:IBANID><ram:AccountName>Holzbau main</ram:AccountName>
    </ram:PayeePartyCreditorFinancialAccount>
    <ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>BKAUATWW</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>
  </ram:SpecifiedTradeSettlementPaymentMeans>
  <ram:SpecifiedTradeSettlementPaymentMeans>
    <ram:TypeCode>58</ram:TypeCode>
    <ram:PayeePartyCreditorFinancialAccount>
      <ram:ProprietaryID>LOCAL-ACC-9</ram:ProprietaryID><ram:AccountName>Holzbau second</ram:AccountName>
    </ram:PayeePartyCreditorFinancialAccount>
  </ram:SpecifiedTradeSettlementPaymentMeans>
  <ram:ApplicableTradeTax>
    <ram:CalculatedAmount>45.27</ram:CalculatedAmount>
    <ram:TypeCode>VAT</ram:TypeCode>
    <ram:BasisAmount>238.25</ram:BasisAmount>
    <ram:CategoryCode>S</ram:CategoryCode>
    <ram:DueDateTypeCode>29</ram:DueDateTypeCode>
    <ram:RateApplicablePercent>19.00</ram:RateApplicablePercent>
  </ram:ApplicableTradeTax>
  <ram:ApplicableTradeTax>
    <ram:CalculatedAmount>0.00</ram:CalculatedAmount>
    <ram:TypeCode>VAT</ram:TypeCode>
    <ram:ExemptionReason>Intra-community supply</ram:ExemptionReason>
    <ram:BasisAmount>0.00</ram:BasisAmount>
    <ram:CategoryCode>K</ram:CategoryCode>
    <ram:ExemptionReasonCode>VATEX-EU-IC</ram:ExemptionReasonCode>
    <ram:RateApplicablePercent>0</ram:RateApplicablePercent>
  </ram:ApplicableTradeTax>
  <ram:BillingSpecifiedPeriod>
    <ram:StartDateTime>{date("20250201")}</ram:StartDateTime>
    <ram:EndDateTime>{date("20250331")}</ram:EndDateTime>
  </ram:BillingSpecifiedPeriod>
  {allowance(False, "1", vat=True)}
  {allowance(True, "2", vat=True)}
  <ram:SpecifiedTradePaymentTerms>
    <ram:Description>30 days net</ram:Description>
    <ram:DueDateDateTime>{date("20250430")}</ram:DueDateDateTime>
    <ram:DirectDebitMandateID>MANDATE-1</ram:DirectDebitMandateID>
  </ram:SpecifiedTradePaymentTerms>
  <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>249.00</ram:LineTotalAmount>
    <ram:ChargeTotalAmount>2.25</ram:ChargeTotalAmount>
    <ram:AllowanceTotalAmount>1.25</ram:AllowanceTotalAmount>
    <ram:TaxBasisTotalAmount>250.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">45.27</ram:TaxTotalAmount>
    <ram:TaxTotalAmount currencyID="USD">49.10</ram:TaxTotalAmount>
    <ram:RoundingAmount>0.01</ram:RoundingAmount>
    <ram:GrandTotalAmount>295.27</ram:GrandTotalAmount>
    <ram:TotalPrepaidAmount>5.00</ram:TotalPrepaidAmount>
    <ram:DuePayableAmount>290.28</ram:DuePayableAmount>
  </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  <ram:InvoiceReferencedDocument>
    <ram:IssuerAssignedID>INV-2024-0999</ram:IssuerAssignedID>
    <ram:FormattedIssueDateTime><qdt:DateTimeString format="102">20241231</qdt:DateTimeString></ram:FormattedIssueDateTime>
  </ram:InvoiceReferencedDocument>
  <ram:ReceivableSpecifiedTradeAccountingAccount><ram:ID>ACC-HEAD</ram:ID></ram:ReceivableSpecifiedTradeAccountingAccount>
</ram:ApplicableHeaderTradeSettlement>"""

FULL_INVOICE = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice {NS}>
<rsm:ExchangedDocumentContext>
  <ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>
  <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
</rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument>
  <ram:ID>INV-2025-0042</ram:ID>
  <ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime>{date("20250331")}</ram:IssueDateTime>
  <ram:IncludedNote><ram:Content>Thank you</ram:Content><ram:SubjectCode>AAI</ram:SubjectCode></ram:IncludedNote>
  <ram:IncludedNote><ram:Content>  Second note  </ram:Content></ram:IncludedNote>
</rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>
{LINE}
{AGREEMENT}
{DELIVERY}
{SETTLEMENT}
</rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""


# --- the tests ---------------------------------------------------------------------------------


def read(xml: str) -> Invoice:
    return read_cii(parse_xml(xml.encode(), max_bytes=1_000_000, what="the test invoice"))[1]


def minimal(body: str = "", settlement: str = "") -> str:
    """A CII invoice with only the elements `body` and `settlement` add to a bare transaction."""
    return f"""<rsm:CrossIndustryInvoice {NS}>
<rsm:ExchangedDocument><ram:ID>MIN-1</ram:ID></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>{body}
<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>{settlement}
</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"""


def covered_paths(invoice: Invoice) -> set[str]:
    return {re.sub(r"\[\d+\]", "[]", path) for path in set_paths(invoice)}


def test_every_business_term_of_en16931_is_read_from_a_full_cii_invoice() -> None:
    filled = covered_paths(read(FULL_INVOICE))
    missing = [
        term
        for term, path in term_paths().items()
        if path and not any(p == path or p.startswith(f"{path}.") for p in filled)
    ]
    # an invoice has the VAT point date (BT-7) or its code (BT-8), never both (BR-CO-3): the
    # full invoice has the code, `test_vat_point_date_is_read_from_the_vat_breakdown` the date
    assert missing == ["BT-7"]


def test_the_document_header_terms() -> None:
    inv = read(FULL_INVOICE)
    assert (inv.invoice_number, inv.type_code, inv.issue_date) == (
        "INV-2025-0042",
        "380",
        dt.date(2025, 3, 31),
    )
    assert inv.business_process == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert inv.specification_id == "urn:cen.eu:en16931:2017"
    assert inv.notes == [Note("AAI", "Thank you"), Note(None, "Second note")]
    assert (inv.currency, inv.vat_currency, inv.buyer_reference) == ("EUR", "USD", "LEITWEG-1")
    assert inv.invoicing_period == Period(dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    assert inv.preceding_invoices == [PrecedingInvoice("INV-2024-0999", dt.date(2024, 12, 31))]


def test_references_to_orders_contracts_advices_tenders_objects_and_accounts() -> None:
    inv = read(FULL_INVOICE)
    assert (inv.order_reference, inv.sales_order_reference, inv.contract_reference) == (
        "PO-8",
        "SO-9",
        "CON-7",
    )
    assert (inv.project_reference, inv.tender_reference) == ("PRJ-4", "LOT-6")
    assert inv.invoiced_object == Identifier("OBJ-5", "AAB")
    assert (inv.despatch_advice_reference, inv.receiving_advice_reference) == ("DESP-3", "RECV-2")
    assert inv.buyer_accounting_reference == "ACC-HEAD"


def test_the_seller_in_full() -> None:
    seller = read(FULL_INVOICE).seller
    assert seller == Party(
        name="Holzbau Seller GmbH",
        vat_id="ATU13585627",
        country="AT",
        trading_name="Holzbau",
        identifiers=[Identifier("SUP-17"), Identifier("5790000435968", "0088")],
        legal_registration=Identifier("HRB-4711", "0002"),
        tax_registration_id="12-345/6789",
        legal_info="Registered at Amtsgericht Graz",
        electronic_address=Identifier("ap@seller.example", "EM"),
        address=Address(
            "seller line 1", "seller line 2", "seller line 3", "seller city", "seller-PC",
            "seller region",
        ),
        contact=Contact("Sara Seller", "+43 1 111", "sara@seller.example"),
    )  # fmt: skip


def test_the_buyer_whose_contact_is_a_department() -> None:
    buyer = read(FULL_INVOICE).buyer
    assert (buyer.name, buyer.vat_id, buyer.country, buyer.trading_name) == (
        "Buyer Bau AG",
        "DE136695976",
        "DE",
        "BuyBau",
    )
    assert buyer.identifiers == [Identifier("4000001000005", "0088")]
    assert buyer.legal_registration == Identifier("991-01234-56", "0204")
    assert buyer.electronic_address == Identifier("DE136695976", "9930")
    assert buyer.contact == Contact("Accounts payable", "+49 30 222", "ap@buyer.example")
    assert buyer.address.line3 == "buyer line 3" and buyer.address.subdivision == "buyer region"
    assert (buyer.tax_registration_id, buyer.legal_info) == (None, None)


def test_tax_representative_payee_and_delivery() -> None:
    inv = read(FULL_INVOICE)
    assert inv.tax_representative is not None
    assert (inv.tax_representative.name, inv.tax_representative.vat_id) == (
        "Tax Rep KG",
        "DE129273398",
    )
    assert inv.tax_representative.country == "DE"
    assert inv.tax_representative.address.city == "taxrep city"
    assert inv.payee == Payee(
        "Factor Bank", Identifier("4000001000029", "0088"), Identifier("HRB-1", "0002")
    )
    assert inv.delivery is not None
    assert (inv.delivery.party_name, inv.delivery.date, inv.delivery.country) == (
        "Site Graz",
        dt.date(2025, 3, 14),
        "AT",
    )
    assert inv.delivery.location == Identifier("4000001000012", "0088")
    assert inv.delivery.address.post_code == "site-PC"


def test_payment_instructions_with_two_credit_transfers_a_card_and_a_direct_debit() -> None:
    payment = read(FULL_INVOICE).payment
    assert (payment.iban, payment.bic, payment.account_name) == (
        "AT611904300234573201",
        "BKAUATWW",
        "Holzbau main",
    )
    assert (payment.means_code, payment.means_text, payment.remittance) == (
        "58",
        "SEPA credit transfer",
        "INV 2025-0042",
    )
    assert payment.more_transfers == [CreditTransfer("LOCAL-ACC-9", "Holzbau second", None)]
    assert payment.card == Card("1234", "Sara Card")
    assert payment.direct_debit == DirectDebit(
        "MANDATE-1", "DE98ZZZ09999999999", "DE02120300000000202051"
    )


def test_payment_terms_due_date_and_vat_point() -> None:
    inv = read(FULL_INVOICE)
    assert (inv.payment_terms, inv.due_date) == ("30 days net", dt.date(2025, 4, 30))
    # CII writes BT-8 with UNTDID 2475 (29: date of delivery); the model holds UNTDID 2005 (35)
    assert (inv.tax_point_code, inv.tax_point_date) == ("35", None)


def test_vat_point_date_is_read_from_the_vat_breakdown() -> None:
    tax = (
        "<ram:ApplicableTradeTax><ram:CategoryCode>S</ram:CategoryCode><ram:TaxPointDate>"
        '<udt:DateString format="102">20250310</udt:DateString></ram:TaxPointDate>'
        "</ram:ApplicableTradeTax>"
    )
    inv = read(minimal(settlement=tax))
    assert (inv.tax_point_date, inv.tax_point_code) == (dt.date(2025, 3, 10), None)


def test_vat_breakdown_with_exemption_reason_and_code() -> None:
    breakdown = read(FULL_INVOICE).vat_breakdown
    assert breakdown == [
        VatBreakdown("S", Decimal("19.00"), Decimal("238.25"), Decimal("45.27")),
        VatBreakdown(
            "K", Decimal("0"), Decimal("0.00"), Decimal("0.00"), "Intra-community supply",
            "VATEX-EU-IC",
        ),
    ]  # fmt: skip


def test_totals_with_the_vat_total_in_the_accounting_currency() -> None:
    totals = read(FULL_INVOICE).totals
    assert (totals.tax, totals.tax_accounting) == (Decimal("45.27"), Decimal("49.10"))
    assert (totals.allowances, totals.charges, totals.rounding) == (
        Decimal("1.25"),
        Decimal("2.25"),
        Decimal("0.01"),
    )
    assert (totals.prepaid, totals.payable) == (Decimal("5.00"), Decimal("290.28"))


def test_document_allowances_and_charges_with_their_vat_exactly_as_written() -> None:
    inv = read(FULL_INVOICE)
    assert inv.allowances == [
        AllowanceCharge(
            Decimal("1.25"), Decimal("100.00"), Decimal("1.5"), "S", Decimal("19.00"),
            "reason 1", "R1",
        )
    ]  # fmt: skip
    assert inv.charges == [
        AllowanceCharge(
            Decimal("2.25"), Decimal("200.00"), Decimal("2.5"), "S", Decimal("19.00"),
            "reason 2", "R2",
        )
    ]  # fmt: skip


def test_a_supporting_document_keeps_its_attachment_by_reference() -> None:
    assert read(FULL_INVOICE).documents == [
        SupportingDocument(
            "TS-2025-03",
            "Timesheet",
            "https://seller.example/ts/2025-03",
            Attachment(
                "application/pdf", "ts.pdf", hashlib.sha256(ATTACHMENT).hexdigest(),
                len(ATTACHMENT),
            ),
        )
    ]  # fmt: skip


def test_a_line_in_full() -> None:
    (line,) = read(FULL_INVOICE).lines
    assert (line.id, line.name, line.description, line.note) == (
        "L1",
        "Oak panel",
        "Oak panel, oiled",
        "line note",
    )
    assert (line.quantity, line.unit, line.net_amount) == (
        Decimal("10.000"),
        "MTK",
        Decimal("249.00"),
    )
    assert (line.net_price, line.gross_price, line.price_discount) == (
        Decimal("50.00"),
        Decimal("52.00"),
        Decimal("2.00"),
    )
    assert (line.base_quantity, line.base_quantity_unit) == (Decimal("2"), "MTK")
    assert (line.vat_category, line.vat_rate) == ("S", Decimal("19.00"))
    assert line.object_id == Identifier("METER-77", "AVE")
    assert (line.order_line_reference, line.accounting_reference) == ("PO-L7", "ACC-LINE")
    assert line.period == Period(dt.date(2025, 3, 1), dt.date(2025, 3, 15))
    assert (line.seller_item_id, line.buyer_item_id) == ("SKU-1", "BUY-1")
    assert line.standard_id == Identifier("4012345000009", "0160")
    assert line.classifications == [Classification("44180000", "STI", "v7")]
    assert (line.origin_country, line.attributes) == ("AT", [ItemAttribute("colour", "natural")])


def test_line_allowances_and_charges_have_no_vat_of_their_own() -> None:
    (line,) = read(FULL_INVOICE).lines
    assert line.allowances == [
        AllowanceCharge(Decimal("3.25"), Decimal("300.00"), Decimal("3.5"), None, None,
                        "reason 3", "R3")
    ]  # fmt: skip
    assert line.charges == [
        AllowanceCharge(Decimal("4.25"), Decimal("400.00"), Decimal("4.5"), None, None,
                        "reason 4", "R4")
    ]  # fmt: skip


def test_absent_groups_stay_none_or_empty_never_an_empty_object() -> None:
    inv = read(minimal())
    assert (inv.payee, inv.tax_representative, inv.delivery, inv.invoiced_object) == (
        None,
        None,
        None,
        None,
    )
    assert (inv.payment.card, inv.payment.direct_debit, inv.payment.more_transfers) == (
        None,
        None,
        [],
    )
    assert (inv.notes, inv.documents, inv.allowances, inv.charges, inv.extensions) == (
        [],
        [],
        [],
        [],
        [],
    )
    assert (inv.seller.legal_registration, inv.seller.electronic_address) == (None, None)
    assert set_paths(inv) == ["invoice_number", "currency"]


def test_a_delivery_date_alone_makes_a_delivery() -> None:
    body = (
        "<ram:ApplicableHeaderTradeDelivery><ram:ActualDeliverySupplyChainEvent>"
        f"<ram:OccurrenceDateTime>{date('20250102')}</ram:OccurrenceDateTime>"
        "</ram:ActualDeliverySupplyChainEvent></ram:ApplicableHeaderTradeDelivery>"
    )
    assert read(minimal(body)).delivery == Delivery(date=dt.date(2025, 1, 2))


def test_a_mandate_alone_makes_a_direct_debit() -> None:
    terms = (
        "<ram:SpecifiedTradePaymentTerms><ram:DirectDebitMandateID>M-9</ram:DirectDebitMandateID>"
        "</ram:SpecifiedTradePaymentTerms>"
    )
    assert read(minimal(settlement=terms)).payment.direct_debit == DirectDebit(mandate="M-9")


def test_a_full_cii_invoice_has_no_extension() -> None:
    assert read(FULL_INVOICE).extensions == []


def test_elements_the_binding_does_not_map_are_kept_verbatim_with_their_path() -> None:
    extra = (
        "<ram:ApplicableHeaderTradeDelivery>"
        "<ram:DeliveryNoteReferencedDocument><ram:IssuerAssignedID>DN-1</ram:IssuerAssignedID>"
        "</ram:DeliveryNoteReferencedDocument></ram:ApplicableHeaderTradeDelivery>"
    )
    xml = minimal(extra).replace(
        "<ram:ID>MIN-1</ram:ID>", "<ram:ID>MIN-1</ram:ID><ram:Name>Rechnung</ram:Name>"
    )
    inv = read(xml)
    assert [e.path for e in inv.extensions] == [
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:Name",
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeDelivery/ram:DeliveryNoteReferencedDocument",
    ]
    kept = inv.extensions[1].xml
    assert kept is not None and kept.startswith("<ram:DeliveryNoteReferencedDocument")
    assert "<ram:IssuerAssignedID>DN-1</ram:IssuerAssignedID>" in kept


def test_what_a_later_payment_means_says_beyond_its_account_is_kept_verbatim() -> None:
    means = (
        "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>{0}</ram:TypeCode>{1}"
        "<ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{2}</ram:IBANID>"
        "</ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>"
    )
    card = (
        "<ram:ApplicableTradeSettlementFinancialCard><ram:ID>{}</ram:ID>"
        "</ram:ApplicableTradeSettlementFinancialCard>"
    )
    settlement = (
        means.format("58", "<ram:Information>SEPA</ram:Information>" + card.format("1111"), "DE1")
        + means.format("58", "", "DE2")  # as export.cii writes a further transfer: nothing kept
        + means.format("58", "<ram:Information>SEPA</ram:Information>", "DE3")
        + means.format("30", "<ram:Information>Bank</ram:Information>", "DE4")
        + means.format("58", card.format("2222"), "DE5")
    )
    inv = read(minimal(settlement=settlement))
    payment = inv.payment
    assert (payment.means_code, payment.means_text) == ("58", "SEPA")
    assert [t.account for t in payment.more_transfers] == ["DE2", "DE3", "DE4", "DE5"]
    assert payment.card == Card("1111", None)
    settlement_path = (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans"
    )
    assert [e.path for e in inv.extensions] == [
        f"{settlement_path}[4]/ram:TypeCode",
        f"{settlement_path}[4]/ram:Information",
        f"{settlement_path}[5]/ram:ApplicableTradeSettlementFinancialCard",
    ]
    assert ">30</ram:TypeCode>" in (inv.extensions[0].xml or "")
    assert "<ram:ID>2222</ram:ID>" in (inv.extensions[2].xml or "")


def test_an_extension_among_repeated_elements_names_its_position() -> None:
    line = (
        "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument>"
        "<ram:LineID>{0}</ram:LineID></ram:AssociatedDocumentLineDocument>"
        "<ram:SpecifiedLineTradeDelivery>{1}</ram:SpecifiedLineTradeDelivery>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )
    package = '<ram:PackageQuantity unitCode="XPK">3</ram:PackageQuantity>'
    inv = read(minimal(line.format("1", "") + line.format("2", package)))
    assert [e.path for e in inv.extensions] == [
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:IncludedSupplyChainTradeLineItem[2]/ram:SpecifiedLineTradeDelivery"
        "/ram:PackageQuantity"
    ]


def test_a_referenced_document_of_another_type_is_an_extension() -> None:
    agreement = (
        "<ram:ApplicableHeaderTradeAgreement><ram:AdditionalReferencedDocument>"
        "<ram:IssuerAssignedID>X-1</ram:IssuerAssignedID><ram:TypeCode>751</ram:TypeCode>"
        "</ram:AdditionalReferencedDocument></ram:ApplicableHeaderTradeAgreement>"
    )
    inv = read(minimal(agreement))
    assert inv.documents == [] and inv.tender_reference is None
    assert [e.path for e in inv.extensions] == [
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeAgreement/ram:AdditionalReferencedDocument"
    ]


def test_a_referenced_document_without_type_code_is_a_supporting_document() -> None:
    agreement = (
        "<ram:ApplicableHeaderTradeAgreement><ram:AdditionalReferencedDocument>"
        "<ram:IssuerAssignedID>X-2</ram:IssuerAssignedID>"
        "</ram:AdditionalReferencedDocument></ram:ApplicableHeaderTradeAgreement>"
    )
    assert read(minimal(agreement)).documents == [SupportingDocument("X-2")]


def test_a_wrong_date_names_the_business_term() -> None:
    with pytest.raises(InputRejected, match="BT-74 invoicing period end date"):
        read(
            minimal(
                settlement="<ram:BillingSpecifiedPeriod><ram:EndDateTime>"
                f"{date('20251332')}</ram:EndDateTime></ram:BillingSpecifiedPeriod>"
            )
        )


def test_provenance_covers_nested_groups_and_lists() -> None:
    data = FULL_INVOICE.encode()
    einvoice = XmlEInvoice().parse(StandardIntake().identify(Source("full.xml", data)))
    provenance = einvoice.invoice.provenance
    for path in (
        "seller.address.line3",
        "payment.more_transfers[0].account",
        "payment.direct_debit.mandate",
        "lines[0].allowances[0].amount",
        "lines[0].classifications[0].version",
        "documents[0].attachment.sha256",
        "delivery.location.scheme",
        "notes[1].text",
    ):
        assert provenance[path] == FieldSource("einvoice.xml", 1.0), path


def test_a_surcharge_on_the_gross_price_is_no_price_discount_and_is_kept() -> None:
    applied = (
        "<ram:AppliedTradeAllowanceCharge>{0}<ram:ActualAmount>{1}</ram:ActualAmount>"
        "<ram:Reason>why</ram:Reason></ram:AppliedTradeAllowanceCharge>"
    )
    line = (
        "<ram:IncludedSupplyChainTradeLineItem><ram:SpecifiedLineTradeAgreement>"
        "<ram:GrossPriceProductTradePrice><ram:ChargeAmount>10.00</ram:ChargeAmount>"
        f"{applied.format(indicator(True), '1.50')}{applied.format(indicator(False), '0.50')}"
        "</ram:GrossPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )
    inv = read(minimal(line))
    assert inv.lines[0].price_discount == Decimal("0.50")
    gross = (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeAgreement"
        "/ram:GrossPriceProductTradePrice"
    )
    # in document order: the surcharge whole (its reason is not listed again), then the
    # discount's reason
    assert [e.path for e in inv.extensions] == [
        f"{gross}/ram:AppliedTradeAllowanceCharge[1]",
        f"{gross}/ram:AppliedTradeAllowanceCharge[2]/ram:Reason",
    ]


@pytest.mark.parametrize(
    ("written", "canonical"), [("5", "3"), ("29", "35"), ("72", "432"), ("ZZZ", "ZZZ")]
)
def test_the_vat_point_code_is_held_in_the_semantic_models_code_list(
    written: str, canonical: str
) -> None:
    tax = (
        "<ram:ApplicableTradeTax><ram:CategoryCode>S</ram:CategoryCode>"
        f"<ram:DueDateTypeCode>{written}</ram:DueDateTypeCode></ram:ApplicableTradeTax>"
    )
    assert read(minimal(settlement=tax)).tax_point_code == canonical


def test_a_second_occurrence_of_what_is_read_once_is_kept_repeated_groups_are_not() -> None:
    contact = (
        "<ram:DefinedTradeContact><ram:PersonName>{0}</ram:PersonName></ram:DefinedTradeContact>"
    )
    agreement = (
        "<ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>S</ram:Name>"
        f"{contact.format('First')}{contact.format('Second')}"
        "</ram:SellerTradeParty></ram:ApplicableHeaderTradeAgreement>"
    )
    notes = "<ram:IncludedNote><ram:Content>a</ram:Content><ram:Content>b</ram:Content></ram:IncludedNote>"
    xml = minimal(agreement).replace(
        "</ram:ID></rsm:ExchangedDocument>", f"</ram:ID>{notes}{notes}</rsm:ExchangedDocument>"
    )
    inv = read(xml)
    assert inv.seller.contact.name == "First"
    assert inv.notes == [Note(None, "a\nb"), Note(None, "a\nb")]
    assert [e.path for e in inv.extensions] == [
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:DefinedTradeContact[2]"
    ]


def test_a_buyers_description_is_read_as_the_sellers_is_and_not_kept_twice() -> None:
    xml = FULL_INVOICE.replace(
        "<ram:Name>Buyer Bau AG</ram:Name>",
        "<ram:Name>Buyer Bau AG</ram:Name><ram:Description>Public body</ram:Description>",
    )
    assert "Public body" in xml
    inv = read(xml)
    assert inv.buyer.legal_info == "Public body"
    assert inv.extensions == []
