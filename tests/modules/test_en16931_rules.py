"""validate.en16931: every rule holds on valid invoices of our own and fires on one mutation.

The fixtures (tests/support/en16931_invoices.py) are one valid UBL invoice per VAT category; each
case below changes one thing and names the rule that must fire. A last test makes sure every
registered rule has such a case.
"""

from __future__ import annotations

from typing import Any

import pytest

from support.en16931_invoices import CATEGORIES, parse, ubl
from turnout.modules.validate.en16931 import RULES, validate_xml
from turnout.modules.validate.en16931.rules_vat import CATEGORIES as FAMILIES
from turnout.modules.validate.en16931.ubl_cardinality import CARDINALITY

HEADER_PERIOD = (
    "<cac:InvoicePeriod><cbc:StartDate>2024-02-01</cbc:StartDate>"
    "<cbc:EndDate>2024-02-29</cbc:EndDate></cac:InvoicePeriod>\n<cac:AdditionalDocumentReference>"
)
LINE_PERIOD = (
    "<cac:InvoicePeriod><cbc:StartDate>2024-02-01</cbc:StartDate>"
    "<cbc:EndDate>2024-02-29</cbc:EndDate></cac:InvoicePeriod>\n<cac:AllowanceCharge>"
)
ALLOWANCE_REASONS = (
    "<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>"
    "<cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>"
)
CHARGE_REASONS = (
    "<cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>"
    "<cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>"
)
ALLOWANCE_CATEGORY = (
    'Discount</cbc:AllowanceChargeReason>\n<cbc:Amount currencyID="EUR">10.00</cbc:Amount>'
    '<cbc:BaseAmount currencyID="EUR">100.00</cbc:BaseAmount>\n<cac:TaxCategory><cbc:ID>S'
)
CHARGE_CATEGORY = (
    'Freight</cbc:AllowanceChargeReason>\n<cbc:Amount currencyID="EUR">5.00</cbc:Amount>\n'
    "<cac:TaxCategory><cbc:ID>S"
)
BREAKDOWN_CATEGORY = "23.75</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S"
LINE_ALLOWANCE_AMOUNT = '95</cbc:AllowanceChargeReasonCode>\n<cbc:Amount currencyID="EUR">0.00'
LINE_CHARGE_AMOUNT = 'Packing</cbc:AllowanceChargeReason>\n<cbc:Amount currencyID="EUR">0.00'
BUYER_ADDRESS = (
    "<cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode>"
    "</cac:Country></cac:PostalAddress>"
)
SELLER_ADDRESS = BUYER_ADDRESS.replace("FR", "DE")
DELIVERY_COUNTRY = (
    "<cac:DeliveryLocation><cac:Address><cac:Country><cbc:IdentificationCode>FR"
    "</cbc:IdentificationCode></cac:Country></cac:Address>"
)
ATTACHMENT = (
    "<cbc:ID>DOC-1</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject{attrs}>AA=="
    "</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>"
)
VAT_SCHEME = (
    "<cac:PartyTaxScheme><cbc:CompanyID>DE1</cbc:CompanyID>"
    "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
)


def swap(old: str, new: str) -> tuple[str, str]:
    return (old, new)


def rename(tag: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Rename an element so that the rules no longer see it (keeps the XML well-formed)."""
    return (f"<{tag}", "<cac:Ignored"), (f"</{tag}>", "</cac:Ignored>")


def more_decimals(old: str) -> tuple[str, str]:
    return (old, old.replace(".00", ".001").replace(".75", ".751"))


# rule -> replacements applied to the valid Standard-rated invoice
CORE: dict[str, tuple[tuple[str, str], ...]] = {
    "BR-01": (swap("<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>", ""),),
    "BR-02": (swap("<cbc:ID>INV-1</cbc:ID>", ""),),
    "BR-03": (swap("<cbc:IssueDate>2024-03-01</cbc:IssueDate>", ""),),
    "BR-04": (swap("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", ""),),
    "BR-05": (swap("<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", ""),),
    "BR-06": (swap("<cbc:RegistrationName>Seller GmbH</cbc:RegistrationName>", ""),),
    "BR-07": (swap("<cbc:RegistrationName>Buyer SA</cbc:RegistrationName>", ""),),
    "BR-08": (swap(SELLER_ADDRESS, ""),),
    "BR-09": (swap(SELLER_ADDRESS, "<cac:PostalAddress></cac:PostalAddress>"),),
    "BR-10": (swap(BUYER_ADDRESS, ""),),
    "BR-11": (swap(BUYER_ADDRESS, "<cac:PostalAddress></cac:PostalAddress>"),),
    "BR-12": (
        swap(
            "100.00</cbc:LineExtensionAmount>\n<cbc:TaxExclusiveAmount",
            " </cbc:LineExtensionAmount>\n<cbc:TaxExclusiveAmount",
        ),
    ),
    "BR-13": rename("cbc:TaxExclusiveAmount"),
    "BR-14": rename("cbc:TaxInclusiveAmount"),
    "BR-15": rename("cbc:PayableAmount"),
    "BR-16": rename("cac:InvoiceLine"),
    "BR-17": (
        swap(
            "<cac:Delivery>",
            "<cac:PayeeParty><cac:PartyIdentification><cbc:ID>1</cbc:ID></cac:PartyIdentification></cac:PayeeParty><cac:Delivery>",
        ),
    ),
    "BR-18": (
        swap(
            "<cac:Delivery>",
            "<cac:TaxRepresentativeParty></cac:TaxRepresentativeParty><cac:Delivery>",
        ),
    ),
    "BR-19": (
        swap(
            "<cac:Delivery>",
            "<cac:TaxRepresentativeParty><cac:PartyName><cbc:Name>R</cbc:Name></cac:PartyName></cac:TaxRepresentativeParty><cac:Delivery>",
        ),
    ),
    "BR-20": (
        swap(
            "<cac:Delivery>",
            "<cac:TaxRepresentativeParty><cac:PostalAddress></cac:PostalAddress></cac:TaxRepresentativeParty><cac:Delivery>",
        ),
    ),
    "BR-21": (swap("<cac:InvoiceLine><cbc:ID>1</cbc:ID>", "<cac:InvoiceLine>"),),
    "BR-22": rename("cbc:InvoicedQuantity"),
    "BR-23": (swap('<cbc:InvoicedQuantity unitCode="C62">', "<cbc:InvoicedQuantity>"),),
    "BR-24": (
        swap(
            '2</cbc:InvoicedQuantity>\n<cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>',
            "2</cbc:InvoicedQuantity>",
        ),
    ),
    "BR-25": (swap("<cbc:Name>Widget</cbc:Name>", ""),),
    "BR-26": (swap('<cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount>', ""),),
    "BR-27": (
        swap('<cbc:PriceAmount currencyID="EUR">50.00', '<cbc:PriceAmount currencyID="EUR">-50.00'),
    ),
    "BR-28": (
        swap('<cbc:BaseAmount currencyID="EUR">50.00', '<cbc:BaseAmount currencyID="EUR">-50.00'),
    ),
    "BR-29": (swap(HEADER_PERIOD, HEADER_PERIOD.replace("2024-02-29", "2024-01-01")),),
    "BR-30": (swap(LINE_PERIOD, LINE_PERIOD.replace("2024-02-29", "2024-01-01")),),
    "BR-31": (swap('<cbc:Amount currencyID="EUR">10.00</cbc:Amount>', ""),),
    "BR-32": (swap(ALLOWANCE_CATEGORY, ALLOWANCE_CATEGORY[:-1]),),
    "BR-33": (swap(ALLOWANCE_REASONS, ""),),
    "BR-36": (swap('<cbc:Amount currencyID="EUR">5.00</cbc:Amount>', ""),),
    "BR-37": (swap(CHARGE_CATEGORY, CHARGE_CATEGORY[:-1]),),
    "BR-38": (swap(CHARGE_REASONS, ""),),
    "BR-41": (swap(LINE_ALLOWANCE_AMOUNT + "</cbc:Amount>", "95</cbc:AllowanceChargeReasonCode>"),),
    "BR-42": (
        swap(
            "<cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>",
            "<cbc:ChargeIndicator>false</cbc:ChargeIndicator>",
        ),
    ),
    "BR-43": (swap(LINE_CHARGE_AMOUNT + "</cbc:Amount>", "Packing</cbc:AllowanceChargeReason>"),),
    "BR-44": (swap("<cbc:AllowanceChargeReason>Packing</cbc:AllowanceChargeReason>", ""),),
    "BR-45": (swap('<cbc:TaxableAmount currencyID="EUR">95.00</cbc:TaxableAmount>', ""),),
    "BR-46": (
        swap(
            '<cbc:TaxAmount currencyID="EUR">23.75</cbc:TaxAmount><cac:TaxCategory>',
            "<cac:TaxCategory>",
        ),
    ),
    "BR-47": (swap(BREAKDOWN_CATEGORY, BREAKDOWN_CATEGORY[:-1]),),
    "BR-48": (
        swap(
            BREAKDOWN_CATEGORY + "</cbc:ID><cbc:Percent>25</cbc:Percent>",
            BREAKDOWN_CATEGORY + "</cbc:ID>",
        ),
    ),
    "BR-49": (swap("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>", ""),),
    "BR-50": (swap("<cbc:ID>DE89370400440532013000</cbc:ID>", ""),),
    "BR-51": (
        swap(
            "</cac:PaymentMeans>",
            "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234567812345678</cbc:PrimaryAccountNumberID></cac:CardAccount></cac:PaymentMeans>",
        ),
    ),
    "BR-52": (swap("<cbc:ID>DOC-1</cbc:ID>", ""),),
    "BR-53": (
        swap(
            "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>",
            "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>",
        ),
    ),
    "BR-54": (swap("<cbc:Value>Red</cbc:Value>", ""),),
    "BR-55": (
        swap(
            "<cac:AccountingSupplierParty>",
            "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:IssueDate>2024-01-01</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference><cac:AccountingSupplierParty>",
        ),
    ),
    "BR-56": (
        swap(
            "<cac:Delivery>",
            "<cac:TaxRepresentativeParty><cac:PartyName><cbc:Name>R</cbc:Name></cac:PartyName></cac:TaxRepresentativeParty><cac:Delivery>",
        ),
    ),
    "BR-57": (swap(DELIVERY_COUNTRY, "<cac:DeliveryLocation><cac:Address></cac:Address>"),),
    "BR-61": (
        swap(
            "<cac:PayeeFinancialAccount><cbc:ID>DE89370400440532013000</cbc:ID></cac:PayeeFinancialAccount>",
            "",
        ),
    ),
    "BR-62": (
        swap('<cbc:EndpointID schemeID="0088">5790000435975', "<cbc:EndpointID>5790000435975"),
    ),
    "BR-63": (
        swap('<cbc:EndpointID schemeID="0088">5790000435968', "<cbc:EndpointID>5790000435968"),
    ),
    "BR-64": (swap('<cbc:ID schemeID="0160">', "<cbc:ID>"),),
    "BR-65": (swap(' listID="STI"', ""),),
    "BR-CO-03": (
        swap(
            "<cbc:InvoiceTypeCode>",
            "<cbc:TaxPointDate>2024-03-01</cbc:TaxPointDate><cbc:InvoiceTypeCode>",
        ),
        swap(
            HEADER_PERIOD,
            HEADER_PERIOD.replace(
                "<cac:InvoicePeriod>",
                "<cac:InvoicePeriod><cbc:DescriptionCode>3</cbc:DescriptionCode>",
            ),
        ),
    ),
    "BR-CO-04": (
        swap("<cac:ClassifiedTaxCategory><cbc:ID>S", "<cac:ClassifiedTaxCategory><cbc:ID>"),
    ),
    "BR-CO-09": (swap("DE123456789", "123456789"),),
    "BR-CO-10": (
        swap(
            "100.00</cbc:LineExtensionAmount>\n<cbc:TaxExclusiveAmount",
            "100.01</cbc:LineExtensionAmount>\n<cbc:TaxExclusiveAmount",
        ),
    ),
    "BR-CO-11": (
        swap('"EUR">10.00</cbc:AllowanceTotalAmount>', '"EUR">11.00</cbc:AllowanceTotalAmount>'),
    ),
    "BR-CO-12": (swap('"EUR">5.00</cbc:ChargeTotalAmount>', '"EUR">6.00</cbc:ChargeTotalAmount>'),),
    "BR-CO-13": (
        swap('"EUR">95.00</cbc:TaxExclusiveAmount>', '"EUR">96.00</cbc:TaxExclusiveAmount>'),
    ),
    "BR-CO-14": (
        swap(
            '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">23.75',
            '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">23.76',
        ),
    ),
    "BR-CO-15": (
        swap('"EUR">118.75</cbc:TaxInclusiveAmount>', '"EUR">118.76</cbc:TaxInclusiveAmount>'),
    ),
    "BR-CO-16": (swap('"EUR">118.75</cbc:PayableAmount>', '"EUR">118.70</cbc:PayableAmount>'),),
    "BR-CO-18": rename("cac:TaxSubtotal"),
    "BR-CO-19": (
        swap(
            HEADER_PERIOD,
            "<cac:InvoicePeriod></cac:InvoicePeriod>\n<cac:AdditionalDocumentReference>",
        ),
    ),
    "BR-CO-20": (
        swap(LINE_PERIOD, "<cac:InvoicePeriod></cac:InvoicePeriod>\n<cac:AllowanceCharge>"),
    ),
    "BR-CO-21": (swap(ALLOWANCE_REASONS, ""),),
    "BR-CO-22": (swap(CHARGE_REASONS, ""),),
    "BR-CO-23": (
        swap(
            "<cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>",
            "<cbc:ChargeIndicator>false</cbc:ChargeIndicator>",
        ),
    ),
    "BR-CO-24": (swap("<cbc:AllowanceChargeReason>Packing</cbc:AllowanceChargeReason>", ""),),
    "BR-CO-25": (swap("<cbc:DueDate>2024-03-31</cbc:DueDate>", ""),),
    "BR-CO-26": (swap("<cbc:CompanyID>HRB 1</cbc:CompanyID>", ""), swap("DE123456789", "")),
    "BR-DEC-01": (more_decimals('<cbc:Amount currencyID="EUR">10.00'),),
    "BR-DEC-02": (more_decimals('10.00</cbc:Amount><cbc:BaseAmount currencyID="EUR">100.00'),),
    "BR-DEC-05": (more_decimals('<cbc:Amount currencyID="EUR">5.00'),),
    "BR-DEC-06": (
        swap(
            '<cbc:Amount currencyID="EUR">5.00</cbc:Amount>',
            '<cbc:Amount currencyID="EUR">5.00</cbc:Amount><cbc:BaseAmount currencyID="EUR">5.001</cbc:BaseAmount>',
        ),
    ),
    "BR-DEC-09": (more_decimals("100.00</cbc:LineExtensionAmount>\n<cbc:TaxExclusiveAmount"),),
    "BR-DEC-10": (more_decimals("10.00</cbc:AllowanceTotalAmount>"),),
    "BR-DEC-11": (more_decimals("5.00</cbc:ChargeTotalAmount>"),),
    "BR-DEC-12": (more_decimals("95.00</cbc:TaxExclusiveAmount>"),),
    "BR-DEC-13": (more_decimals('<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">23.75'),),
    "BR-DEC-14": (more_decimals("118.75</cbc:TaxInclusiveAmount>"),),
    "BR-DEC-15": (
        swap(
            "<cac:LegalMonetaryTotal>",
            '<cac:TaxTotal><cbc:TaxAmount currencyID="SEK">250.123</cbc:TaxAmount></cac:TaxTotal><cac:LegalMonetaryTotal>',
        ),
    ),
    "BR-DEC-16": (
        swap(
            "<cbc:PayableAmount",
            '<cbc:PrepaidAmount currencyID="EUR">0.001</cbc:PrepaidAmount><cbc:PayableAmount',
        ),
    ),
    "BR-DEC-17": (
        swap(
            "<cbc:PayableAmount",
            '<cbc:PayableRoundingAmount currencyID="EUR">0.001</cbc:PayableRoundingAmount><cbc:PayableAmount',
        ),
    ),
    "BR-DEC-18": (more_decimals("118.75</cbc:PayableAmount>"),),
    "BR-DEC-19": (more_decimals('<cbc:TaxableAmount currencyID="EUR">95.00'),),
    "BR-DEC-20": (more_decimals("23.75</cbc:TaxAmount><cac:TaxCategory>"),),
    "BR-DEC-23": (more_decimals("100.00</cbc:LineExtensionAmount>\n<cac:InvoicePeriod>"),),
    "BR-DEC-24": (more_decimals(LINE_ALLOWANCE_AMOUNT),),
    "BR-DEC-25": (
        more_decimals(
            '0.00</cbc:Amount><cbc:BaseAmount currencyID="EUR">100.00</cbc:BaseAmount></cac:AllowanceCharge>\n<cac:AllowanceCharge><cbc:ChargeIndicator>true'
        ),
    ),
    "BR-DEC-27": (more_decimals(LINE_CHARGE_AMOUNT),),
    "BR-DEC-28": (
        swap(
            LINE_CHARGE_AMOUNT + "</cbc:Amount>",
            LINE_CHARGE_AMOUNT
            + '</cbc:Amount><cbc:BaseAmount currencyID="EUR">1.001</cbc:BaseAmount>',
        ),
    ),
    "BR-CL-01": (swap("<cbc:InvoiceTypeCode>380", "<cbc:InvoiceTypeCode>999"),),
    "BR-CL-03": (swap('<cbc:Amount currencyID="EUR">10.00', '<cbc:Amount currencyID="EUX">10.00'),),
    "BR-CL-04": (swap("<cbc:DocumentCurrencyCode>EUR", "<cbc:DocumentCurrencyCode>EUX"),),
    "BR-CL-05": (
        swap(
            "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>",
            "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>XYZ</cbc:TaxCurrencyCode>",
        ),
    ),
    "BR-CL-06": (
        swap(
            HEADER_PERIOD,
            HEADER_PERIOD.replace(
                "<cac:InvoicePeriod>",
                "<cac:InvoicePeriod><cbc:DescriptionCode>31</cbc:DescriptionCode>",
            ),
        ),
    ),
    "BR-CL-14": (
        swap(
            "<cbc:IdentificationCode>DE</cbc:IdentificationCode>",
            "<cbc:IdentificationCode>XX</cbc:IdentificationCode>",
        ),
    ),
    "BR-CL-15": (
        swap(
            "<cac:AdditionalItemProperty>",
            "<cac:OriginCountry><cbc:IdentificationCode>HC</cbc:IdentificationCode></cac:OriginCountry><cac:AdditionalItemProperty>",
        ),
    ),
    "BR-CL-16": (swap("<cbc:PaymentMeansCode>30", "<cbc:PaymentMeansCode>99"),),
    "BR-CL-17": (swap(ALLOWANCE_CATEGORY, ALLOWANCE_CATEGORY[:-1] + "AA"),),
    "BR-CL-18": (
        swap("<cac:ClassifiedTaxCategory><cbc:ID>S", "<cac:ClassifiedTaxCategory><cbc:ID>AA"),
    ),
    "BR-CL-19": (swap("<cbc:AllowanceChargeReasonCode>95", "<cbc:AllowanceChargeReasonCode>143"),),
    "BR-CL-20": (swap("<cbc:AllowanceChargeReasonCode>FC", "<cbc:AllowanceChargeReasonCode>QQQ"),),
    "BR-CL-24": (
        swap(
            "<cbc:ID>DOC-1</cbc:ID>",
            ATTACHMENT.format(attrs=' mimeCode="application/pxf" filename="a.pdf"'),
        ),
    ),
    "UBL-DT-01": (more_decimals('<cbc:Amount currencyID="EUR">10.00'),),
    "UBL-DT-06": (swap("<cbc:ID>DOC-1</cbc:ID>", ATTACHMENT.format(attrs=' filename="a.pdf"')),),
    "UBL-DT-07": (
        swap("<cbc:ID>DOC-1</cbc:ID>", ATTACHMENT.format(attrs=' mimeCode="application/pdf"')),
    ),
    "UBL-SR-42": (
        swap(
            "<cac:PartyLegalEntity><cbc:RegistrationName>Seller",
            VAT_SCHEME * 3 + "<cac:PartyLegalEntity><cbc:RegistrationName>Seller",
        ),
    ),
    "UBL-SR-43": (swap("<cbc:ID>DOC-1</cbc:ID>", '<cbc:ID schemeID="ABT">DOC-1</cbc:ID>'),),
    "UBL-SR-47": (
        swap(
            "</cac:PaymentMeans>",
            "</cac:PaymentMeans><cac:PaymentMeans><cbc:PaymentMeansCode>31</cbc:PaymentMeansCode></cac:PaymentMeans>",
        ),
    ),
}

BAD_RATE = {"positive": "0", "zero": "5", "not_negative": "-1", "absent": "0"}


def _parties_broken(code: str) -> dict[str, Any]:
    if code == "O":
        return {"seller_vat": True}
    if code == "AE":
        return {"buyer_vat": False, "buyer_legal_id": False}
    if code == "K":
        return {"buyer_vat": False}
    return {"seller_vat": False}


def _family_cases() -> dict[str, tuple[str, dict[str, Any]]]:
    """rule -> (category, keyword arguments of `ubl`): the VAT families, BR-CO-17, BR-B-*."""
    cases: dict[str, tuple[str, dict[str, Any]]] = {}
    for family in FAMILIES:
        p, code = family.prefix, family.code
        bad_rate = BAD_RATE[family.rate.__name__]
        cases[f"{p}-01"] = (code, {"breakdown_code": "XX"})
        for number in (2, 3, 4):
            cases[f"{p}-0{number}"] = (code, _parties_broken(code))
        cases[f"{p}-05"] = (code, {"line_rate": bad_rate})
        cases[f"{p}-06"] = (code, {"allowance_rate": bad_rate})
        cases[f"{p}-07"] = (code, {"charge_rate": bad_rate})
        cases[f"{p}-08"] = (code, {"taxable": "90.00"})
        cases[f"{p}-09"] = (code, {"tax": "20.00" if family.computed_tax else "1.00"})
        cases[f"{p}-10"] = (code, {"exemption": None if family.exemption else "Because"})
    o_category = "<cac:TaxCategory><cbc:ID>O</cbc:ID>"
    s_subtotal = (
        '<cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">0.00</cbc:TaxableAmount>'
        '<cbc:TaxAmount currencyID="EUR">0.00</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID>'
        "<cbc:Percent>25</cbc:Percent></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>"
    )
    cases["BR-O-11"] = ("O", {"replace": (swap("</cac:TaxTotal>", s_subtotal),)})
    cases["BR-O-12"] = (
        "O",
        {
            "replace": (
                swap(
                    "<cac:ClassifiedTaxCategory><cbc:ID>O", "<cac:ClassifiedTaxCategory><cbc:ID>S"
                ),
            )
        },
    )
    cases["BR-O-13"] = ("O", {"replace": (swap(o_category, o_category.replace(">O<", ">S<")),)})
    cases["BR-O-14"] = (
        "O",
        {"replace": (swap(CHARGE_CATEGORY.replace(">S", ">O"), CHARGE_CATEGORY),)},
    )
    cases["BR-IC-11"] = (
        "K",
        {
            "replace": (
                swap("<cbc:ActualDeliveryDate>2024-02-15</cbc:ActualDeliveryDate>", ""),
                swap(HEADER_PERIOD, "<cac:AdditionalDocumentReference>"),
            )
        },
    )
    cases["BR-IC-12"] = (
        "K",
        {"replace": (swap(DELIVERY_COUNTRY, "<cac:DeliveryLocation><cac:Address></cac:Address>"),)},
    )
    cases["BR-CO-17"] = ("S", {"tax": "30.00"})
    cases["BR-B-01"] = (
        "B",
        {"replace": (swap(">IT</cbc:IdentificationCode>", ">DE</cbc:IdentificationCode>"),)},
    )
    cases["BR-B-02"] = (
        "B",
        {
            "replace": (
                swap(
                    "<cac:ClassifiedTaxCategory><cbc:ID>B", "<cac:ClassifiedTaxCategory><cbc:ID>S"
                ),
            )
        },
    )
    return cases


FAMILY_CASES = _family_cases()


def fired(data: bytes) -> set[str]:
    return {f.rule for f in validate_xml(parse(data)).findings}


@pytest.mark.parametrize("code", sorted(CATEGORIES))
def test_valid_invoice_of_each_vat_category_passes_every_rule(code: str) -> None:
    report = validate_xml(parse(ubl(code)))
    assert report.findings == ()
    assert report.skipped == ()
    assert report.valid


@pytest.mark.parametrize("rule_id", sorted(CORE))
def test_core_rule_fires_when_its_business_term_is_broken(rule_id: str) -> None:
    assert rule_id in fired(ubl("S", replace=CORE[rule_id]))


@pytest.mark.parametrize("rule_id", sorted(FAMILY_CASES))
def test_vat_category_rule_fires_when_its_condition_is_broken(rule_id: str) -> None:
    code, changes = FAMILY_CASES[rule_id]
    assert rule_id in fired(ubl(code, **changes))


def test_every_registered_rule_has_a_firing_case() -> None:
    # the UBL-SR cardinality rules have theirs in test_en16931_ubl_cardinality.py
    assert set(RULES) == set(CORE) | set(FAMILY_CASES) | set(CARDINALITY)
