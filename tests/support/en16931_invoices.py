"""Small EN 16931 invoices of our own making, UBL and CII, valid unless told otherwise.

`ubl(...)` writes one Invoice with a line, a document level allowance and charge and one VAT
breakdown, all of one VAT category; its keyword arguments change one thing at a time so a test
can make one rule fire. `cii(...)` is the same invoice in CII.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

# category -> (rate or None, exemption reason or None)
CATEGORIES: dict[str, tuple[str | None, str | None]] = {
    "S": ("25", None),
    "Z": ("0", None),
    "E": ("0", "Exempt"),
    "AE": ("0", "Reverse charge"),
    "K": ("0", "Intra-community supply"),
    "G": ("0", "Export outside the EU"),
    "O": (None, "Not subject to VAT"),
    "L": ("7", None),
    "M": ("4", None),
    "B": ("22", None),  # split payment: an Italian domestic invoice (BR-B-01)
}
_KEEP = object()


def _percent(rate: str | None) -> str:
    return "" if rate is None else f"<cbc:Percent>{rate}</cbc:Percent>"


def _tax_category(tag: str, code: str, rate: str | None, extra: str = "") -> str:
    return (
        f"<cac:{tag}><cbc:ID>{code}</cbc:ID>{_percent(rate)}{extra}"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:" + tag + ">"
    )


def ubl(
    code: str = "S",
    *,
    line_rate: object = _KEEP,
    allowance_rate: object = _KEEP,
    charge_rate: object = _KEEP,
    breakdown_code: str | None = None,
    breakdown_rate: object = _KEEP,
    taxable: str | None = None,
    tax: str | None = None,
    exemption: object = _KEEP,
    seller_vat: bool | None = None,
    buyer_vat: bool | None = None,
    buyer_legal_id: bool = True,
    extra_subtotal: bool = False,
    replace: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A valid UBL invoice of VAT category `code`, changed as the keyword arguments say."""
    rate, reason = CATEGORIES[code]
    rate_of = lambda given: rate if given is _KEEP else given  # noqa: E731
    reason = reason if exemption is _KEEP else exemption
    not_subject = code == "O"
    seller_vat = not not_subject if seller_vat is None else seller_vat
    buyer_vat = not not_subject if buyer_vat is None else buyer_vat
    percent = Decimal(rate or "0")
    computed_tax = (Decimal("95.00") * percent / 100).quantize(Decimal("0.01"))
    tax = tax if tax is not None else f"{computed_tax:.2f}"
    taxable = taxable or "95.00"
    total_with_vat = Decimal("95.00") + Decimal(tax)
    exemption_xml = f"<cbc:TaxExemptionReason>{reason}</cbc:TaxExemptionReason>" if reason else ""
    subtotal = (
        f'<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">{taxable}</cbc:TaxableAmount>'
        f'<cbc:TaxAmount currencyID="EUR">{tax}</cbc:TaxAmount>'
        + _tax_category(
            "TaxCategory", breakdown_code or code, rate_of(breakdown_rate), exemption_xml
        )  # type: ignore[arg-type]
        + "</cac:TaxSubtotal>"
    )
    seller_tax = (
        "<cac:PartyTaxScheme><cbc:CompanyID>DE123456789</cbc:CompanyID>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
        if seller_vat
        else ""
    )
    buyer_tax = (
        "<cac:PartyTaxScheme><cbc:CompanyID>FR12345678901</cbc:CompanyID>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
        if buyer_vat
        else ""
    )
    buyer_legal = (
        '<cbc:CompanyID schemeID="0002">123456789</cbc:CompanyID>' if buyer_legal_id else ""
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
<cbc:ID>INV-1</cbc:ID>
<cbc:IssueDate>2024-03-01</cbc:IssueDate>
<cbc:DueDate>2024-03-31</cbc:DueDate>
<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
<cac:InvoicePeriod><cbc:StartDate>2024-02-01</cbc:StartDate><cbc:EndDate>2024-02-29</cbc:EndDate></cac:InvoicePeriod>
<cac:AdditionalDocumentReference><cbc:ID>DOC-1</cbc:ID></cac:AdditionalDocumentReference>
<cac:AccountingSupplierParty><cac:Party>
<cbc:EndpointID schemeID="0088">5790000435975</cbc:EndpointID>
<cac:PostalAddress><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
{seller_tax}
<cac:PartyLegalEntity><cbc:RegistrationName>Seller GmbH</cbc:RegistrationName><cbc:CompanyID>HRB 1</cbc:CompanyID></cac:PartyLegalEntity>
</cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party>
<cbc:EndpointID schemeID="0088">5790000435968</cbc:EndpointID>
<cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
{buyer_tax}
<cac:PartyLegalEntity><cbc:RegistrationName>Buyer SA</cbc:RegistrationName>{buyer_legal}</cac:PartyLegalEntity>
</cac:Party></cac:AccountingCustomerParty>
<cac:Delivery><cbc:ActualDeliveryDate>2024-02-15</cbc:ActualDeliveryDate>
<cac:DeliveryLocation><cac:Address><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation></cac:Delivery>
<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
<cac:PayeeFinancialAccount><cbc:ID>DE89370400440532013000</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>
<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode><cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>
<cbc:Amount currencyID="EUR">10.00</cbc:Amount><cbc:BaseAmount currencyID="EUR">100.00</cbc:BaseAmount>
{_tax_category("TaxCategory", code, rate_of(allowance_rate))}</cac:AllowanceCharge>
<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>
<cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode><cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>
<cbc:Amount currencyID="EUR">5.00</cbc:Amount>
{_tax_category("TaxCategory", code, rate_of(charge_rate))}</cac:AllowanceCharge>
<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">{tax}</cbc:TaxAmount>{subtotal}{subtotal if extra_subtotal else ""}</cac:TaxTotal>
<cac:LegalMonetaryTotal>
<cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
<cbc:TaxExclusiveAmount currencyID="EUR">95.00</cbc:TaxExclusiveAmount>
<cbc:TaxInclusiveAmount currencyID="EUR">{total_with_vat:.2f}</cbc:TaxInclusiveAmount>
<cbc:AllowanceTotalAmount currencyID="EUR">10.00</cbc:AllowanceTotalAmount>
<cbc:ChargeTotalAmount currencyID="EUR">5.00</cbc:ChargeTotalAmount>
<cbc:PayableAmount currencyID="EUR">{total_with_vat:.2f}</cbc:PayableAmount>
</cac:LegalMonetaryTotal>
<cac:InvoiceLine><cbc:ID>1</cbc:ID>
<cbc:InvoicedQuantity unitCode="C62">2</cbc:InvoicedQuantity>
<cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
<cac:InvoicePeriod><cbc:StartDate>2024-02-01</cbc:StartDate><cbc:EndDate>2024-02-29</cbc:EndDate></cac:InvoicePeriod>
<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>
<cbc:Amount currencyID="EUR">0.00</cbc:Amount><cbc:BaseAmount currencyID="EUR">100.00</cbc:BaseAmount></cac:AllowanceCharge>
<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Packing</cbc:AllowanceChargeReason>
<cbc:Amount currencyID="EUR">0.00</cbc:Amount></cac:AllowanceCharge>
<cac:Item><cbc:Name>Widget</cbc:Name>
<cac:StandardItemIdentification><cbc:ID schemeID="0160">4012345678901</cbc:ID></cac:StandardItemIdentification>
<cac:CommodityClassification><cbc:ItemClassificationCode listID="STI">1234</cbc:ItemClassificationCode></cac:CommodityClassification>
{_tax_category("ClassifiedTaxCategory", code, rate_of(line_rate))}
<cac:AdditionalItemProperty><cbc:Name>Colour</cbc:Name><cbc:Value>Red</cbc:Value></cac:AdditionalItemProperty>
</cac:Item>
<cac:Price><cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount>
<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">0.00</cbc:Amount><cbc:BaseAmount currencyID="EUR">50.00</cbc:BaseAmount></cac:AllowanceCharge>
</cac:Price></cac:InvoiceLine>
</Invoice>"""
    if code == "B":
        xml = xml.replace(">DE</cbc:IdentificationCode>", ">IT</cbc:IdentificationCode>")
        xml = xml.replace(">FR</cbc:IdentificationCode>", ">IT</cbc:IdentificationCode>")
    for old, new in replace:
        if old not in xml:
            raise AssertionError(f"fixture has no {old!r} to replace")
        xml = xml.replace(old, new, 1)
    return xml.encode()


def parse(data: bytes) -> etree._Element:
    """The root element of a fixture."""
    return etree.fromstring(data)
