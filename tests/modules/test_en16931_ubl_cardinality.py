"""validate.en16931: the UBL-SR cardinality rules hold on our valid UBL and fire on a repeat."""

from __future__ import annotations

import pytest

from support.en16931_invoices import parse, ubl
from turnout.modules.validate.en16931 import validate_xml
from turnout.modules.validate.en16931.ubl_cardinality import CARDINALITY

HEAD = "<cac:AccountingSupplierParty>"
SELLER_END = '<cbc:EndpointID schemeID="0088">5790000435975</cbc:EndpointID>'
BUYER_END = '<cbc:EndpointID schemeID="0088">5790000435968</cbc:EndpointID>'
LINE = "<cac:InvoiceLine><cbc:ID>1</cbc:ID>"
MEANS_END = "</cac:PaymentMeans>"


def before(anchor: str, xml: str) -> tuple[str, str]:
    return (anchor, xml + anchor)


def after(anchor: str, xml: str) -> tuple[str, str]:
    return (anchor, anchor + xml)


def twice(anchor: str) -> tuple[str, str]:
    return (anchor, anchor * 2)


def name(value: str) -> str:
    return f"<cac:PartyName><cbc:Name>{value}</cbc:Name></cac:PartyName>"


def scheme(company: str, scheme_id: str) -> str:
    return (
        f"<cac:PartyTaxScheme><cbc:CompanyID>{company}</cbc:CompanyID>"
        f"<cac:TaxScheme><cbc:ID>{scheme_id}</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
    )


def party_id(value: str) -> str:
    return f"<cac:PartyIdentification><cbc:ID>{value}</cbc:ID></cac:PartyIdentification>"


CASES: dict[str, tuple[str, tuple[str, str]]] = {
    "UBL-SR-01": (
        "S",
        before(
            HEAD,
            "<cac:ContractDocumentReference><cbc:ID>C</cbc:ID></cac:ContractDocumentReference>" * 2,
        ),
    ),
    "UBL-SR-02": (
        "S",
        before(
            HEAD,
            "<cac:ReceiptDocumentReference><cbc:ID>R</cbc:ID></cac:ReceiptDocumentReference>" * 2,
        ),
    ),
    "UBL-SR-03": (
        "S",
        before(
            HEAD,
            "<cac:DespatchDocumentReference><cbc:ID>D</cbc:ID></cac:DespatchDocumentReference>" * 2,
        ),
    ),
    "UBL-SR-04": (
        "S",
        before(
            HEAD,
            "<cac:AdditionalDocumentReference><cbc:ID>O</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>"
            * 2,
        ),
    ),
    "UBL-SR-05": (
        "S",
        before(
            HEAD,
            "<cac:PaymentTerms><cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note></cac:PaymentTerms>",
        ),
    ),
    "UBL-SR-08": (
        "S",
        before(
            HEAD, "<cac:InvoicePeriod><cbc:StartDate>2024-02-01</cbc:StartDate></cac:InvoicePeriod>"
        ),
    ),
    "UBL-SR-09": ("S", twice("<cbc:RegistrationName>Seller GmbH</cbc:RegistrationName>")),
    "UBL-SR-10": ("S", after(SELLER_END, name("A") * 2)),
    "UBL-SR-11": ("S", twice("<cbc:CompanyID>HRB 1</cbc:CompanyID>")),
    "UBL-SR-12": ("S", twice(scheme("DE123456789", "VAT"))),
    "UBL-SR-13": ("S", after(SELLER_END, scheme("T1", "FC") * 2)),
    "UBL-SR-14": (
        "S",
        after(
            "<cbc:CompanyID>HRB 1</cbc:CompanyID>",
            "<cbc:CompanyLegalForm>A</cbc:CompanyLegalForm>" * 2,
        ),
    ),
    "UBL-SR-15": ("S", twice("<cbc:RegistrationName>Buyer SA</cbc:RegistrationName>")),
    "UBL-SR-16": ("S", after(BUYER_END, party_id("B") * 2)),
    "UBL-SR-17": ("S", twice('<cbc:CompanyID schemeID="0002">123456789</cbc:CompanyID>')),
    "UBL-SR-18": ("S", twice(scheme("FR12345678901", "VAT"))),
    "UBL-SR-19": (
        "S",
        before("<cac:Delivery>", f"<cac:PayeeParty>{name('P') * 2}</cac:PayeeParty>"),
    ),
    "UBL-SR-20": (
        "S",
        before("<cac:Delivery>", f"<cac:PayeeParty>{party_id('P') * 2}</cac:PayeeParty>"),
    ),
    "UBL-SR-21": (
        "S",
        before(
            "<cac:Delivery>",
            "<cac:PayeeParty><cac:PartyLegalEntity><cbc:CompanyID>1</cbc:CompanyID><cbc:CompanyID>2</cbc:CompanyID></cac:PartyLegalEntity></cac:PayeeParty>",
        ),
    ),
    "UBL-SR-22": (
        "S",
        before(
            "<cac:Delivery>",
            f"<cac:TaxRepresentativeParty>{name('R') * 2}</cac:TaxRepresentativeParty>",
        ),
    ),
    "UBL-SR-23": (
        "S",
        before(
            "<cac:Delivery>",
            f"<cac:TaxRepresentativeParty>{scheme('DE1', 'VAT') * 2}</cac:TaxRepresentativeParty>",
        ),
    ),
    "UBL-SR-24": (
        "S",
        before(
            "<cac:PaymentMeans>",
            "<cac:Delivery><cbc:ActualDeliveryDate>2024-02-16</cbc:ActualDeliveryDate></cac:Delivery>",
        ),
    ),
    "UBL-SR-25": (
        "S",
        after("<cac:Delivery>", f"<cac:DeliveryParty>{name('a') * 2}</cac:DeliveryParty>"),
    ),
    "UBL-SR-28": (
        "S",
        before(
            MEANS_END,
            "<cac:PaymentMandate><cbc:ID>M1</cbc:ID><cbc:ID>M2</cbc:ID></cac:PaymentMandate>",
        ),
    ),
    "UBL-SR-30": ("S", twice("<cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>")),
    "UBL-SR-31": ("S", twice("<cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>")),
    "UBL-SR-32": ("E", twice("<cbc:TaxExemptionReason>Exempt</cbc:TaxExemptionReason>")),
    "UBL-SR-33": (
        "S",
        after("<cbc:ID>DOC-1</cbc:ID>", "<cbc:DocumentDescription>a</cbc:DocumentDescription>" * 2),
    ),
    "UBL-SR-34": ("S", after(LINE, "<cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>")),
    "UBL-SR-35": (
        "S",
        after(
            LINE, "<cac:OrderLineReference><cbc:LineID>1</cbc:LineID></cac:OrderLineReference>" * 2
        ),
    ),
    "UBL-SR-36": (
        "S",
        after(
            LINE, "<cac:InvoicePeriod><cbc:StartDate>2024-02-01</cbc:StartDate></cac:InvoicePeriod>"
        ),
    ),
    "UBL-SR-37": (
        "S",
        before(
            "</cac:Price>",
            '<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">0.00</cbc:Amount></cac:AllowanceCharge>',
        ),
    ),
    "UBL-SR-39": (
        "S",
        before(HEAD, "<cac:ProjectReference><cbc:ID>P</cbc:ID></cac:ProjectReference>" * 2),
    ),
    "UBL-SR-40": ("S", after(BUYER_END, name("B") * 2)),
    "UBL-SR-45": (
        "S",
        before(MEANS_END, "<cbc:PaymentDueDate>2024-03-31</cbc:PaymentDueDate>" * 2),
    ),
    "UBL-SR-48": (
        "S",
        before(
            "<cac:AdditionalItemProperty>",
            "<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID></cac:ClassifiedTaxCategory>",
        ),
    ),
    "UBL-SR-49": (
        "S",
        before("<cbc:InvoiceTypeCode>", "<cbc:TaxPointDate>2024-03-01</cbc:TaxPointDate>" * 2),
    ),
    "UBL-SR-50": (
        "S",
        before("<cbc:Name>Widget</cbc:Name>", "<cbc:Description>a</cbc:Description>" * 2),
    ),
    "UBL-SR-51": (
        "S",
        after(
            "<cac:PostalAddress>", "<cac:AddressLine><cbc:Line>a</cbc:Line></cac:AddressLine>" * 2
        ),
    ),
    "UBL-SR-54": (
        "S",
        before(
            MEANS_END,
            "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID></cac:CardAccount>"
            * 2,
        ),
    ),
    "UBL-SR-55": (
        "S",
        before(MEANS_END, "<cac:PaymentMandate><cbc:ID>M1</cbc:ID></cac:PaymentMandate>" * 2),
    ),
    "UBL-SR-56": (
        "S",
        before(
            HEAD,
            "<cac:OriginatorDocumentReference><cbc:ID>a</cbc:ID></cac:OriginatorDocumentReference>"
            * 2,
        ),
    ),
}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_cardinality_rule_fires_when_its_element_repeats(rule_id: str) -> None:
    code, change = CASES[rule_id]
    findings = validate_xml(parse(ubl(code, replace=(change,)))).findings
    assert rule_id in {f.rule for f in findings}


def test_every_cardinality_rule_has_a_case() -> None:
    assert set(CASES) == set(CARDINALITY)
