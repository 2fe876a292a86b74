"""einvoice.xml reads every business term of EN 16931 from UBL (the EN 16931-3-2 binding), group
by group, from small documents of our own making."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from turnout.domain.artifacts import EInvoice, Source
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import (
    AllowanceCharge,
    Attachment,
    Card,
    Classification,
    CreditTransfer,
    DirectDebit,
    Identifier,
    Invoice,
    ItemAttribute,
    Note,
    Period,
    PrecedingInvoice,
    SupportingDocument,
)
from turnout.domain.terms import term_paths
from turnout.modules.einvoice.provenance import set_paths
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.export.attachments import attachment_bytes
from turnout.modules.export.cii_builder import build_cii
from turnout.modules.export.ubl_builder import build_ubl
from turnout.modules.intake.standard import StandardIntake

NS = (
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"'
)
PDF = b"%PDF-1.4 a small attachment"


def read(body: str, root: str = "Invoice") -> EInvoice:
    xml = (
        f'<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" {NS}>'
        f"{body}</{root}>"
    ).encode()
    return XmlEInvoice().parse(StandardIntake().identify(Source("invoice.xml", xml)))


def address(tag: str, who: str, country: str) -> str:
    return (
        f"<cac:{tag}><cbc:StreetName>{who} street 1</cbc:StreetName>"
        f"<cbc:AdditionalStreetName>{who} building</cbc:AdditionalStreetName>"
        f"<cbc:CityName>{who} city</cbc:CityName><cbc:PostalZone>{who} 123</cbc:PostalZone>"
        f"<cbc:CountrySubentity>{who} region</cbc:CountrySubentity>"
        f"<cac:AddressLine><cbc:Line>{who} floor 3</cbc:Line></cac:AddressLine>"
        f"<cac:Country><cbc:IdentificationCode>{country}</cbc:IdentificationCode></cac:Country>"
        f"</cac:{tag}>"
    )


def tax_scheme(company_id: str, scheme: str = "VAT") -> str:
    return (
        f"<cac:PartyTaxScheme><cbc:CompanyID>{company_id}</cbc:CompanyID>"
        f"<cac:TaxScheme><cbc:ID>{scheme}</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
    )


def party(role: str, who: str, country: str, extra_ids: str = "", extra_tax: str = "") -> str:
    return (
        f"<cac:{role}><cac:Party>"
        f'<cbc:EndpointID schemeID="0088">{who}-endpoint</cbc:EndpointID>'
        f'<cac:PartyIdentification><cbc:ID schemeID="0088">{who}-gln</cbc:ID>'
        f"</cac:PartyIdentification>{extra_ids}"
        f"<cac:PartyName><cbc:Name>{who} trading</cbc:Name></cac:PartyName>"
        f"{address('PostalAddress', who, country)}"
        f"{tax_scheme(f'{country}123456789')}{extra_tax}"
        f"<cac:PartyLegalEntity><cbc:RegistrationName>{who} legal</cbc:RegistrationName>"
        f'<cbc:CompanyID schemeID="0002">{who}-reg</cbc:CompanyID>'
        f"<cbc:CompanyLegalForm>{who} form</cbc:CompanyLegalForm></cac:PartyLegalEntity>"
        f"<cac:Contact><cbc:Name>{who} contact</cbc:Name><cbc:Telephone>{who} phone</cbc:Telephone>"
        f"<cbc:ElectronicMail>{who}@example.org</cbc:ElectronicMail></cac:Contact>"
        f"</cac:Party></cac:{role}>"
    )


def allowance_charge(charge: bool, amount: str, code: str, vat: bool = True) -> str:
    category = (
        "<cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>"
    )
    return (
        f"<cac:AllowanceCharge><cbc:ChargeIndicator>{str(charge).lower()}</cbc:ChargeIndicator>"
        f"<cbc:AllowanceChargeReasonCode>{code}</cbc:AllowanceChargeReasonCode>"
        f"<cbc:AllowanceChargeReason>reason {code}</cbc:AllowanceChargeReason>"
        f"<cbc:MultiplierFactorNumeric>2.50</cbc:MultiplierFactorNumeric>"
        f'<cbc:Amount currencyID="EUR">{amount}</cbc:Amount>'
        f'<cbc:BaseAmount currencyID="EUR">200.00</cbc:BaseAmount>'
        f"{category if vat else ''}</cac:AllowanceCharge>"
    )


FULL = (
    "<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"
    "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>"
    "<cbc:ID>INV-1</cbc:ID><cbc:IssueDate>2025-03-01</cbc:IssueDate>"
    "<cbc:DueDate>2025-03-31</cbc:DueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
    "<cbc:Note>#AAI#  Goods delivered in two parts  </cbc:Note>"
    "<cbc:Note>A note without a subject</cbc:Note>"
    "<cbc:TaxPointDate>2025-02-28</cbc:TaxPointDate>"
    "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"
    "<cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>"
    "<cbc:AccountingCost>4711-cost</cbc:AccountingCost>"
    "<cbc:BuyerReference>BR-9</cbc:BuyerReference>"
    "<cac:InvoicePeriod><cbc:StartDate>2025-02-01</cbc:StartDate>"
    "<cbc:EndDate>2025-02-28</cbc:EndDate><cbc:DescriptionCode>35</cbc:DescriptionCode>"
    "</cac:InvoicePeriod>"
    "<cac:OrderReference><cbc:ID>PO-1</cbc:ID><cbc:SalesOrderID>SO-1</cbc:SalesOrderID>"
    "</cac:OrderReference>"
    "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>INV-0</cbc:ID>"
    "<cbc:IssueDate>2025-01-15</cbc:IssueDate></cac:InvoiceDocumentReference>"
    "</cac:BillingReference>"
    "<cac:DespatchDocumentReference><cbc:ID>DESP-1</cbc:ID></cac:DespatchDocumentReference>"
    "<cac:ReceiptDocumentReference><cbc:ID>REC-1</cbc:ID></cac:ReceiptDocumentReference>"
    "<cac:OriginatorDocumentReference><cbc:ID>LOT-1</cbc:ID></cac:OriginatorDocumentReference>"
    "<cac:ContractDocumentReference><cbc:ID>CON-1</cbc:ID></cac:ContractDocumentReference>"
    "<cac:AdditionalDocumentReference><cbc:ID>TS-1</cbc:ID>"
    "<cbc:DocumentDescription>Timesheet</cbc:DocumentDescription><cac:Attachment>"
    '<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="ts.pdf">'
    f"{base64.b64encode(PDF).decode()[:12]}\n  {base64.b64encode(PDF).decode()[12:]}"
    "</cbc:EmbeddedDocumentBinaryObject>"
    "<cac:ExternalReference><cbc:URI>https://example.org/ts</cbc:URI></cac:ExternalReference>"
    "</cac:Attachment></cac:AdditionalDocumentReference>"
    '<cac:AdditionalDocumentReference><cbc:ID schemeID="AAB">METER-7</cbc:ID>'
    "<cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>"
    "<cac:ProjectReference><cbc:ID>PRJ-1</cbc:ID></cac:ProjectReference>"
    + party(
        "AccountingSupplierParty",
        "seller",
        "DE",
        extra_ids='<cac:PartyIdentification><cbc:ID schemeID="SEPA">DE98ZZZ09999999999</cbc:ID>'
        "</cac:PartyIdentification>",
        extra_tax=tax_scheme("201/113/40209", "FC"),
    )
    + party("AccountingCustomerParty", "buyer", "FR")
    + '<cac:PayeeParty><cac:PartyIdentification><cbc:ID schemeID="0088">payee-gln</cbc:ID>'
    "</cac:PartyIdentification><cac:PartyName><cbc:Name>Factoring AB</cbc:Name></cac:PartyName>"
    '<cac:PartyLegalEntity><cbc:CompanyID schemeID="0007">payee-reg</cbc:CompanyID>'
    "</cac:PartyLegalEntity></cac:PayeeParty>"
    "<cac:TaxRepresentativeParty><cac:PartyName><cbc:Name>Rep GmbH</cbc:Name></cac:PartyName>"
    + address("PostalAddress", "rep", "AT")
    + tax_scheme("ATU12345678")
    + "</cac:TaxRepresentativeParty>"
    "<cac:Delivery><cbc:ActualDeliveryDate>2025-02-20</cbc:ActualDeliveryDate>"
    '<cac:DeliveryLocation><cbc:ID schemeID="0088">dock-4</cbc:ID>'
    + address("Address", "delivery", "NL")
    + "</cac:DeliveryLocation><cac:DeliveryParty><cac:PartyName><cbc:Name>Warehouse</cbc:Name>"
    "</cac:PartyName></cac:DeliveryParty></cac:Delivery>"
    '<cac:PaymentMeans><cbc:PaymentMeansCode name="Credit transfer">30</cbc:PaymentMeansCode>'
    "<cbc:PaymentID>RF18 5390 0754 7034</cbc:PaymentID>"
    "<cac:PayeeFinancialAccount><cbc:ID>DE75512108001245126199</cbc:ID>"
    "<cbc:Name>Seller main</cbc:Name><cac:FinancialInstitutionBranch><cbc:ID>SOGEDEFFXXX</cbc:ID>"
    "</cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>"
    "<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>"
    "<cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID><cbc:Name>Seller NL</cbc:Name>"
    "</cac:PayeeFinancialAccount></cac:PaymentMeans>"
    "<cac:PaymentMeans><cbc:PaymentMeansCode>54</cbc:PaymentMeansCode>"
    "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID>"
    "<cbc:NetworkID>VISA</cbc:NetworkID><cbc:HolderName>A. Holder</cbc:HolderName>"
    "</cac:CardAccount></cac:PaymentMeans>"
    "<cac:PaymentMeans><cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>"
    "<cac:PaymentMandate><cbc:ID>MANDATE-1</cbc:ID><cac:PayerFinancialAccount>"
    "<cbc:ID>FR1420041010050500013M02606</cbc:ID></cac:PayerFinancialAccount>"
    "</cac:PaymentMandate></cac:PaymentMeans>"
    "<cac:PaymentTerms><cbc:Note>2 % discount within 10 days</cbc:Note></cac:PaymentTerms>"
    + allowance_charge(False, "5.00", "95")
    + allowance_charge(True, "7.50", "FC")
    + '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">38.48</cbc:TaxAmount>'
    '<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">202.50</cbc:TaxableAmount>'
    '<cbc:TaxAmount currencyID="EUR">38.48</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID>'
    "<cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
    "</cac:TaxCategory></cac:TaxSubtotal>"
    '<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">0.00</cbc:TaxableAmount>'
    '<cbc:TaxAmount currencyID="EUR">0.00</cbc:TaxAmount><cac:TaxCategory><cbc:ID>E</cbc:ID>'
    "<cbc:Percent>0</cbc:Percent><cbc:TaxExemptionReasonCode>VATEX-EU-132-1I"
    "</cbc:TaxExemptionReasonCode><cbc:TaxExemptionReason>Cultural services"
    "</cbc:TaxExemptionReason><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
    "</cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>"
    '<cac:TaxTotal><cbc:TaxAmount currencyID="SEK">431.20</cbc:TaxAmount></cac:TaxTotal>'
    "<cac:LegalMonetaryTotal>"
    '<cbc:LineExtensionAmount currencyID="EUR">200.00</cbc:LineExtensionAmount>'
    '<cbc:TaxExclusiveAmount currencyID="EUR">202.50</cbc:TaxExclusiveAmount>'
    '<cbc:TaxInclusiveAmount currencyID="EUR">240.98</cbc:TaxInclusiveAmount>'
    '<cbc:AllowanceTotalAmount currencyID="EUR">5.00</cbc:AllowanceTotalAmount>'
    '<cbc:ChargeTotalAmount currencyID="EUR">7.50</cbc:ChargeTotalAmount>'
    '<cbc:PrepaidAmount currencyID="EUR">40.00</cbc:PrepaidAmount>'
    '<cbc:PayableRoundingAmount currencyID="EUR">0.02</cbc:PayableRoundingAmount>'
    '<cbc:PayableAmount currencyID="EUR">201.00</cbc:PayableAmount></cac:LegalMonetaryTotal>'
    "<cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:Note>Line note</cbc:Note>"
    '<cbc:InvoicedQuantity unitCode="C62">10</cbc:InvoicedQuantity>'
    '<cbc:LineExtensionAmount currencyID="EUR">200.00</cbc:LineExtensionAmount>'
    "<cbc:AccountingCost>line-cost</cbc:AccountingCost>"
    "<cac:InvoicePeriod><cbc:StartDate>2025-02-03</cbc:StartDate>"
    "<cbc:EndDate>2025-02-07</cbc:EndDate></cac:InvoicePeriod>"
    "<cac:OrderLineReference><cbc:LineID>PO-1/3</cbc:LineID></cac:OrderLineReference>"
    '<cac:DocumentReference><cbc:ID schemeID="AAB">METER-7/1</cbc:ID>'
    "<cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:DocumentReference>"
    + allowance_charge(False, "10.00", "95", vat=False)
    + allowance_charge(True, "12.00", "ABL", vat=False)
    + "<cac:Item><cbc:Description>Blue, size M</cbc:Description><cbc:Name>Shirt</cbc:Name>"
    "<cac:BuyersItemIdentification><cbc:ID>B-77</cbc:ID></cac:BuyersItemIdentification>"
    "<cac:SellersItemIdentification><cbc:ID>S-88</cbc:ID></cac:SellersItemIdentification>"
    '<cac:StandardItemIdentification><cbc:ID schemeID="0160">4012345678901</cbc:ID>'
    "</cac:StandardItemIdentification>"
    "<cac:OriginCountry><cbc:IdentificationCode>PT</cbc:IdentificationCode></cac:OriginCountry>"
    '<cac:CommodityClassification><cbc:ItemClassificationCode listID="STI" listVersionID="2.1">'
    "61051000</cbc:ItemClassificationCode></cac:CommodityClassification>"
    '<cac:CommodityClassification><cbc:ItemClassificationCode listID="CV">18000000'
    "</cbc:ItemClassificationCode></cac:CommodityClassification>"
    "<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>"
    "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>"
    "<cac:AdditionalItemProperty><cbc:Name>Colour</cbc:Name><cbc:Value>Blue</cbc:Value>"
    "</cac:AdditionalItemProperty><cac:AdditionalItemProperty><cbc:Name>Size</cbc:Name>"
    "<cbc:Value>M</cbc:Value></cac:AdditionalItemProperty></cac:Item>"
    '<cac:Price><cbc:PriceAmount currencyID="EUR">19.80</cbc:PriceAmount>'
    '<cbc:BaseQuantity unitCode="C62">1</cbc:BaseQuantity><cac:AllowanceCharge>'
    "<cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
    '<cbc:Amount currencyID="EUR">0.20</cbc:Amount>'
    '<cbc:BaseAmount currencyID="EUR">20.00</cbc:BaseAmount></cac:AllowanceCharge></cac:Price>'
    "</cac:InvoiceLine>"
)


@pytest.fixture(scope="module")
def full() -> Invoice:
    return read(FULL).invoice


def test_every_business_term_is_read_from_a_ubl_invoice_that_carries_them_all(
    full: Invoice,
) -> None:
    read_paths = {re.sub(r"\[\d+\]", "[]", path) for path in set_paths(full)}
    read_groups = {p.rsplit(".", 1)[0] for p in read_paths} | read_paths
    missing = {
        term: path
        for term, path in term_paths().items()
        if path and path not in read_groups and path.rstrip("[]") not in read_groups
    }
    assert missing == {}
    # the later payment means' own codes (58 transfer, 54 card, 59 direct debit): BT-81 is one
    assert [e.path for e in full.extensions] == [
        f"/Invoice/cac:PaymentMeans[{n}]/cbc:PaymentMeansCode" for n in (2, 3, 4)
    ]


def test_header_terms_and_references(full: Invoice) -> None:
    assert (full.vat_currency, full.tax_point_date, full.tax_point_code) == (
        "SEK",
        dt.date(2025, 2, 28),
        "35",
    )
    assert full.invoicing_period == Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert (full.order_reference, full.sales_order_reference) == ("PO-1", "SO-1")
    assert (
        full.project_reference,
        full.contract_reference,
        full.receiving_advice_reference,
        full.despatch_advice_reference,
        full.tender_reference,
        full.buyer_accounting_reference,
    ) == ("PRJ-1", "CON-1", "REC-1", "DESP-1", "LOT-1", "4711-cost")
    assert full.invoiced_object == Identifier("METER-7", "AAB")
    assert full.payment_terms == "2 % discount within 10 days"
    assert full.business_process == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert full.specification_id == "urn:cen.eu:en16931:2017"
    assert full.preceding_invoices == [PrecedingInvoice("INV-0", dt.date(2025, 1, 15))]


def test_notes_have_their_subject_code_split_off(full: Invoice) -> None:
    assert full.notes == [
        Note("AAI", "Goods delivered in two parts"),
        Note(None, "A note without a subject"),
    ]


def test_seller_in_full_and_sepa_identifier_is_the_creditor_id_not_a_party_id(
    full: Invoice,
) -> None:
    seller = full.seller
    assert (seller.name, seller.trading_name, seller.vat_id, seller.country) == (
        "seller legal",
        "seller trading",
        "DE123456789",
        "DE",
    )
    assert seller.identifiers == [Identifier("seller-gln", "0088")]
    assert seller.legal_registration == Identifier("seller-reg", "0002")
    assert (seller.tax_registration_id, seller.legal_info) == ("201/113/40209", "seller form")
    assert seller.electronic_address == Identifier("seller-endpoint", "0088")
    assert (seller.address.line1, seller.address.line2, seller.address.line3) == (
        "seller street 1",
        "seller building",
        "seller floor 3",
    )
    assert (seller.address.city, seller.address.post_code, seller.address.subdivision) == (
        "seller city",
        "seller 123",
        "seller region",
    )
    assert (seller.contact.name, seller.contact.phone, seller.contact.email) == (
        "seller contact",
        "seller phone",
        "seller@example.org",
    )
    assert full.payment.direct_debit is not None
    assert full.payment.direct_debit.creditor_id == "DE98ZZZ09999999999"
    assert (full.buyer.name, full.buyer.country, full.buyer.tax_registration_id) == (
        "buyer legal",
        "FR",
        None,
    )


def test_payee_tax_representative_and_delivery(full: Invoice) -> None:
    assert full.payee is not None and full.tax_representative is not None
    assert (full.payee.name, full.payee.identifier, full.payee.legal_registration) == (
        "Factoring AB",
        Identifier("payee-gln", "0088"),
        Identifier("payee-reg", "0007"),
    )
    rep = full.tax_representative
    assert (rep.name, rep.vat_id, rep.country, rep.address.line3) == (
        "Rep GmbH",
        "ATU12345678",
        "AT",
        "rep floor 3",
    )
    delivery = full.delivery
    assert delivery is not None
    assert (delivery.party_name, delivery.location, delivery.date, delivery.country) == (
        "Warehouse",
        Identifier("dock-4", "0088"),
        dt.date(2025, 2, 20),
        "NL",
    )
    assert (delivery.address.city, delivery.address.subdivision) == (
        "delivery city",
        "delivery region",
    )


def test_several_payment_means_first_transfer_is_iban_others_follow_card_and_mandate(
    full: Invoice,
) -> None:
    payment = full.payment
    assert (payment.means_code, payment.means_text, payment.remittance) == (
        "30",
        "Credit transfer",
        "RF18 5390 0754 7034",
    )
    assert (payment.iban, payment.bic, payment.account_name) == (
        "DE75512108001245126199",
        "SOGEDEFFXXX",
        "Seller main",
    )
    assert payment.more_transfers == [CreditTransfer("NL91ABNA0417164300", "Seller NL", None)]
    assert payment.card == Card("1234", "A. Holder")
    assert payment.direct_debit == DirectDebit(
        "MANDATE-1", "DE98ZZZ09999999999", "FR1420041010050500013M02606"
    )


def test_document_allowances_and_charges_keep_reason_codes_percentages_and_vat(
    full: Invoice,
) -> None:
    assert full.allowances == [
        AllowanceCharge(
            Decimal("5.00"), Decimal("200.00"), Decimal("2.50"), "S", Decimal("19"),
            "reason 95", "95",
        )
    ]  # fmt: skip
    assert full.charges == [
        AllowanceCharge(
            Decimal("7.50"), Decimal("200.00"), Decimal("2.50"), "S", Decimal("19"),
            "reason FC", "FC",
        )
    ]  # fmt: skip
    assert str(full.allowances[0].percent) == "2.50"  # exactly as written


def test_vat_breakdown_exemption_and_tax_in_accounting_currency(full: Invoice) -> None:
    exempt = full.vat_breakdown[1]
    assert (exempt.category, exempt.exemption_code, exempt.exemption_reason) == (
        "E",
        "VATEX-EU-132-1I",
        "Cultural services",
    )
    assert (full.totals.tax, full.totals.tax_accounting) == (Decimal("38.48"), Decimal("431.20"))
    assert (full.totals.prepaid, full.totals.rounding) == (Decimal("40.00"), Decimal("0.02"))


def test_line_in_full(full: Invoice) -> None:
    line = full.lines[0]
    assert (line.note, line.object_id, line.order_line_reference, line.accounting_reference) == (
        "Line note",
        Identifier("METER-7/1", "AAB"),
        "PO-1/3",
        "line-cost",
    )
    assert line.period == Period(dt.date(2025, 2, 3), dt.date(2025, 2, 7))
    assert line.allowances == [
        AllowanceCharge(Decimal("10.00"), Decimal("200.00"), Decimal("2.50"), None, None,
                        "reason 95", "95")
    ]  # fmt: skip
    assert line.charges == [
        AllowanceCharge(Decimal("12.00"), Decimal("200.00"), Decimal("2.50"), None, None,
                        "reason ABL", "ABL")
    ]  # fmt: skip
    assert (line.net_price, line.price_discount, line.gross_price) == (
        Decimal("19.80"),
        Decimal("0.20"),
        Decimal("20.00"),
    )
    assert (line.base_quantity, line.base_quantity_unit) == (Decimal("1"), "C62")
    assert (line.description, line.seller_item_id, line.buyer_item_id) == (
        "Blue, size M",
        "S-88",
        "B-77",
    )
    assert line.standard_id == Identifier("4012345678901", "0160")
    assert line.classifications == [
        Classification("61051000", "STI", "2.1"),
        Classification("18000000", "CV", None),
    ]
    assert line.origin_country == "PT"
    assert line.attributes == [ItemAttribute("Colour", "Blue"), ItemAttribute("Size", "M")]


def test_attachment_is_kept_by_reference_and_found_again_in_the_source(full: Invoice) -> None:
    assert full.documents == [
        SupportingDocument(
            "TS-1",
            "Timesheet",
            "https://example.org/ts",
            Attachment("application/pdf", "ts.pdf", hashlib.sha256(PDF).hexdigest(), len(PDF)),
        )
    ]
    source = f'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {NS}>{FULL}</Invoice>'
    found = attachment_bytes(source.encode(), 1_000_000)
    assert found == {hashlib.sha256(PDF).hexdigest(): PDF}


@pytest.mark.parametrize("type_code", ["380", "381"], ids=["invoice", "credit-note"])
@pytest.mark.parametrize("build", [build_ubl, build_cii], ids=["ubl", "cii"])
def test_every_term_reads_back_unchanged_from_the_exports(
    full: Invoice, build: Callable[..., bytes], type_code: str
) -> None:
    invoice = full.copy()
    invoice.type_code = type_code  # 381 makes a UBL CreditNote: BT-9 and BT-11 move
    source = f'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {NS}>{FULL}</Invoice>'
    exported = build(
        invoice, invoice.specification_id, attachment_bytes(source.encode(), 1_000_000)
    )
    back = XmlEInvoice().parse(StandardIntake().identify(Source("back.xml", exported))).invoice
    # further transfers are written with the first means' code: nothing of them is kept apart
    assert [e.path for e in back.extensions if "PaymentMeans" in e.path] == []
    want, got = invoice.to_dict(), back.to_dict()
    for kept_apart in ("provenance", "extensions"):
        want.pop(kept_apart), got.pop(kept_apart)
    assert got == want


def test_absent_groups_stay_empty_never_an_empty_object() -> None:
    invoice = read("<cbc:ID>A-1</cbc:ID><cac:PayeeParty/><cac:Delivery/>").invoice
    assert (invoice.payee, invoice.delivery, invoice.tax_representative) == (None, None, None)
    assert (invoice.payment.card, invoice.payment.direct_debit, invoice.invoiced_object) == (
        None,
        None,
        None,
    )
    assert (invoice.seller.legal_registration, invoice.seller.electronic_address) == (None, None)
    assert set_paths(invoice) == ["invoice_number"]


def test_elements_beyond_the_binding_are_kept_verbatim_as_extensions() -> None:
    invoice = read(
        '<ext:UBLExtensions xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:'
        'CommonExtensionComponents-2"><ext:UBLExtension><ext:ExtensionContent><x:Data '
        'xmlns:x="urn:example">42</x:Data></ext:ExtensionContent></ext:UBLExtension>'
        "</ext:UBLExtensions><cbc:ID>A-1</cbc:ID>"
        "<cac:PaymentTerms><cbc:Note>first terms</cbc:Note></cac:PaymentTerms>"
        "<cac:PaymentTerms><cbc:Note>second terms</cbc:Note></cac:PaymentTerms>"
        "<cac:InvoiceLine><cbc:ID>1</cbc:ID><cac:SubInvoiceLine><cbc:ID>1.1</cbc:ID>"
        "</cac:SubInvoiceLine><cac:Item><cbc:Name>Box</cbc:Name>"
        "<cbc:PackSizeNumeric>6</cbc:PackSizeNumeric></cac:Item></cac:InvoiceLine>"
    ).invoice
    assert invoice.payment_terms == "first terms"
    assert [e.path for e in invoice.extensions] == [
        "/Invoice/ext:UBLExtensions",
        "/Invoice/cac:PaymentTerms[2]",
        "/Invoice/cac:InvoiceLine/cac:SubInvoiceLine",
        "/Invoice/cac:InvoiceLine/cac:Item/cbc:PackSizeNumeric",
    ]
    first = invoice.extensions[0].xml or ""
    assert (
        first.startswith("<ext:UBLExtensions")
        and '<x:Data xmlns:x="urn:example">42</x:Data>' in first
    )
    assert "<cbc:Note>second terms</cbc:Note>" in (invoice.extensions[1].xml or "")


def test_surcharge_on_a_gross_price_is_no_price_discount_and_is_kept() -> None:
    invoice = read(
        "<cac:InvoiceLine><cbc:ID>1</cbc:ID><cac:Price>"
        '<cbc:PriceAmount currencyID="EUR">10.50</cbc:PriceAmount><cac:AllowanceCharge>'
        "<cbc:ChargeIndicator>true</cbc:ChargeIndicator>"
        '<cbc:Amount currencyID="EUR">0.50</cbc:Amount>'
        '<cbc:BaseAmount currencyID="EUR">10.00</cbc:BaseAmount>'
        "</cac:AllowanceCharge></cac:Price></cac:InvoiceLine>"
    ).invoice
    line = invoice.lines[0]
    assert (line.net_price, line.gross_price, line.price_discount) == (
        Decimal("10.50"),
        Decimal("10.00"),
        None,
    )
    assert [e.path for e in invoice.extensions] == [
        "/Invoice/cac:InvoiceLine/cac:Price/cac:AllowanceCharge"
    ]
    assert "<cbc:Amount" in (invoice.extensions[0].xml or "")


def means(code: str, content: str = "", name: str = "") -> str:
    named = f' name="{name}"' if name else ""
    return (
        f"<cac:PaymentMeans><cbc:PaymentMeansCode{named}>{code}</cbc:PaymentMeansCode>"
        f"{content}</cac:PaymentMeans>"
    )


def account(iban: str) -> str:
    return f"<cac:PayeeFinancialAccount><cbc:ID>{iban}</cbc:ID></cac:PayeeFinancialAccount>"


def test_a_later_payment_means_that_repeats_the_first_adds_only_its_account() -> None:
    invoice = read(
        "<cbc:ID>A-1</cbc:ID>"
        + means("58", "<cbc:PaymentID>REF-1</cbc:PaymentID>" + account("DE1"), "SEPA")
        + means("58", account("DE2"))
        + means("58", "<cbc:PaymentID>REF-1</cbc:PaymentID>" + account("DE3"), "SEPA")
    ).invoice
    payment = invoice.payment
    assert (payment.means_code, payment.means_text, payment.remittance) == ("58", "SEPA", "REF-1")
    assert [t.account for t in payment.more_transfers] == ["DE2", "DE3"]
    assert invoice.extensions == []


def test_what_a_later_payment_means_says_beyond_its_account_is_kept_verbatim() -> None:
    card = (
        "<cac:CardAccount><cbc:PrimaryAccountNumberID>{}</cbc:PrimaryAccountNumberID>"
        "<cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>"
    )
    mandate = "<cac:PaymentMandate><cbc:ID>{}</cbc:ID></cac:PaymentMandate>"
    invoice = read(
        "<cbc:ID>A-1</cbc:ID><cbc:DueDate>2025-03-31</cbc:DueDate>"
        + means(
            "58",
            "<cbc:PaymentDueDate>2025-03-31</cbc:PaymentDueDate>"
            "<cbc:PaymentID>REF-1</cbc:PaymentID><cbc:PaymentID>REF-2</cbc:PaymentID>"
            + card.format("1111")
            + account("DE1")
            + mandate.format("M-1"),
            "SEPA",
        )
        + means("30", account("DE2"))  # another means code
        + means("58", account("DE3"), "Bank transfer")  # another means text
        + means(
            "58",
            "<cbc:PaymentDueDate>2025-04-30</cbc:PaymentDueDate>"
            "<cbc:PaymentID>REF-3</cbc:PaymentID>"
            + card.format("2222")
            + account("DE4")
            + mandate.format("M-2"),
        )
    ).invoice
    payment = invoice.payment
    assert (payment.means_code, payment.means_text, payment.remittance) == ("58", "SEPA", "REF-1")
    assert [t.account for t in payment.more_transfers] == ["DE2", "DE3", "DE4"]
    assert (payment.card, invoice.due_date) == (Card("1111", None), dt.date(2025, 3, 31))
    assert payment.direct_debit == DirectDebit("M-1", None, None)
    assert [e.path for e in invoice.extensions] == [
        "/Invoice/cac:PaymentMeans[1]/cbc:PaymentID[2]",
        "/Invoice/cac:PaymentMeans[2]/cbc:PaymentMeansCode",
        "/Invoice/cac:PaymentMeans[3]/cbc:PaymentMeansCode",
        "/Invoice/cac:PaymentMeans[4]/cbc:PaymentDueDate",
        "/Invoice/cac:PaymentMeans[4]/cbc:PaymentID",
        "/Invoice/cac:PaymentMeans[4]/cac:CardAccount",
        "/Invoice/cac:PaymentMeans[4]/cac:PaymentMandate",
    ]
    kept = [e.xml or "" for e in invoice.extensions]
    assert ">30</cbc:PaymentMeansCode>" in kept[1]
    assert 'name="Bank transfer">58</cbc:PaymentMeansCode>' in kept[2]
    assert "<cbc:PrimaryAccountNumberID>2222</cbc:PrimaryAccountNumberID>" in kept[5]


def test_a_second_tax_scheme_of_a_kind_and_a_second_period_are_kept_verbatim() -> None:
    invoice = read(
        "<cac:InvoicePeriod><cbc:StartDate>2025-01-01</cbc:StartDate></cac:InvoicePeriod>"
        "<cac:InvoicePeriod><cbc:StartDate>2025-02-01</cbc:StartDate></cac:InvoicePeriod>"
        "<cac:AccountingSupplierParty><cac:Party>"
        + tax_scheme("DE123456789")
        + tax_scheme("201/113/40209", "FC")
        + tax_scheme("DE987654321")
        + "</cac:Party></cac:AccountingSupplierParty>"
    ).invoice
    assert (invoice.seller.vat_id, invoice.seller.tax_registration_id) == (
        "DE123456789",
        "201/113/40209",
    )
    assert invoice.invoicing_period.start == dt.date(2025, 1, 1)
    assert [e.path for e in invoice.extensions] == [
        "/Invoice/cac:InvoicePeriod[2]",
        "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[3]",
    ]


def test_credit_note_project_reference_is_a_document_reference_with_type_50() -> None:
    invoice = read(
        "<cbc:ID>CN-1</cbc:ID><cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"
        "<cac:AdditionalDocumentReference><cbc:ID>PRJ-9</cbc:ID>"
        "<cbc:DocumentTypeCode>50</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>"
        "<cac:AdditionalDocumentReference><cbc:ID>DOC-1</cbc:ID></cac:AdditionalDocumentReference>"
        "<cac:CreditNoteLine><cbc:ID>1</cbc:ID>"
        '<cbc:CreditedQuantity unitCode="C62">2</cbc:CreditedQuantity></cac:CreditNoteLine>',
        root="CreditNote",
    ).invoice
    assert invoice.project_reference == "PRJ-9"
    assert [d.reference for d in invoice.documents] == ["DOC-1"]
    assert (invoice.lines[0].quantity, invoice.lines[0].unit) == (Decimal("2"), "C62")


def test_references_the_model_cannot_hold_are_kept_verbatim() -> None:
    invoice = read(
        "<cbc:ID>I-1</cbc:ID>"
        "<cac:AdditionalDocumentReference><cbc:ID>OBJ-1</cbc:ID>"
        "<cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>"
        "<cac:AdditionalDocumentReference><cbc:ID>OBJ-2</cbc:ID>"
        "<cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>"
        "<cac:AdditionalDocumentReference><cbc:ID>PRJ-9</cbc:ID>"
        "<cbc:DocumentTypeCode>50</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>"
        "<cac:AdditionalDocumentReference><cbc:ID>DOC-1</cbc:ID></cac:AdditionalDocumentReference>"
        "<cbc:UBLVersionID>2.1</cbc:UBLVersionID>"
        "<cac:InvoiceLine><cbc:ID>1</cbc:ID>"
        "<cac:DocumentReference><cbc:ID>M-1</cbc:ID></cac:DocumentReference>"
        "<cac:DocumentReference><cbc:ID>M-2</cbc:ID></cac:DocumentReference></cac:InvoiceLine>"
    ).invoice
    # an Invoice has cac:ProjectReference for BT-11; only a CreditNote uses type 50
    assert (invoice.invoiced_object, invoice.project_reference) == (Identifier("OBJ-1"), None)
    assert [d.reference for d in invoice.documents] == ["DOC-1"]
    assert [e.path for e in invoice.extensions] == [
        "/Invoice/cac:AdditionalDocumentReference[2]",
        "/Invoice/cac:AdditionalDocumentReference[3]",
        "/Invoice/cbc:UBLVersionID",
        "/Invoice/cac:InvoiceLine/cac:DocumentReference[2]",
    ]
    assert invoice.lines[0].object_id == Identifier("M-1")
    assert "<cbc:ID>PRJ-9</cbc:ID>" in (invoice.extensions[1].xml or "")


def test_allowance_that_is_neither_allowance_nor_charge_is_refused() -> None:
    with pytest.raises(
        InputRejected, match=r"ChargeIndicator of a document allowance or charge is `maybe`"
    ):
        read(
            "<cac:AllowanceCharge><cbc:ChargeIndicator>maybe</cbc:ChargeIndicator>"
            '<cbc:Amount currencyID="EUR">1.00</cbc:Amount></cac:AllowanceCharge>'
        )


def test_bad_line_allowance_amount_is_refused_naming_the_term() -> None:
    with pytest.raises(InputRejected, match=r"BT-136 line allowance amount is `1,00`"):
        read(
            "<cac:InvoiceLine><cbc:ID>1</cbc:ID>"
            + allowance_charge(False, "1,00", "95", vat=False)
            + "</cac:InvoiceLine>"
        )


def test_every_provenance_key_is_a_set_path(full: Invoice) -> None:
    assert set(full.provenance) == set(set_paths(full))
    assert "lines[0].allowances[0].amount" in full.provenance
    assert "seller.address.city" in full.provenance


CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"


@pytest.mark.corpus
@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"corpora not found at {CORPORA}")
def test_every_corpus_ubl_invoice_reads() -> None:
    files = [
        *sorted((CORPORA / "xrechnung").rglob("*ubl*.xml")),
        *sorted((CORPORA / "en16931" / "ubl" / "examples").iterdir()),
    ]
    assert len(files) > 30
    for path in files:
        parsed = XmlEInvoice().parse(
            StandardIntake().identify(Source(path.name, path.read_bytes()))
        )
        assert parsed.syntax == "ubl", path
        assert parsed.invoice.invoice_number, path
