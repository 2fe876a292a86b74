"""E-invoices with thousands of repeated or unknown siblings: payment means (each later one kept in
part as an extension) and elements no binding knows. A reader that looks at every sibling again
for each one (the first payment means, an extension's position) takes work quadratic in their
number; `bench/bench_einvoice_siblings.py` measures how the reading scales."""

from __future__ import annotations

from collections.abc import Callable

UBL = (
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    "<cbc:ID>MANY-1</cbc:ID><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>{}"
    "</Invoice>"
)
CII = (
    '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
    'CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100">'
    "<rsm:ExchangedDocument><ram:ID>MANY-1</ram:ID>{}</rsm:ExchangedDocument>"
    "<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement>"
    "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>{}"
    "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>"
    "</rsm:CrossIndustryInvoice>"
)
UBL_MEANS = (
    "<cac:PaymentMeans><cbc:PaymentMeansCode>{0}</cbc:PaymentMeansCode>"
    "<cbc:PaymentID>P{0}</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>NL{0}</cbc:ID>"
    "</cac:PayeeFinancialAccount></cac:PaymentMeans>"
)
CII_MEANS = (
    "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>{0}</ram:TypeCode>"
    "<ram:ApplicableTradeSettlementFinancialCard><ram:ID>{0}</ram:ID>"
    "</ram:ApplicableTradeSettlementFinancialCard><ram:PayeePartyCreditorFinancialAccount>"
    "<ram:IBANID>NL{0}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>"
    "</ram:SpecifiedTradeSettlementPaymentMeans>"
)


def ubl_means(n: int) -> str:
    return UBL.format("".join(UBL_MEANS.format(i % 90 + 10) for i in range(n)))


def ubl_unknown(n: int) -> str:
    return UBL.format("<cbc:Unknown/>" * n)


def cii_means(n: int) -> str:
    return CII.format("", "".join(CII_MEANS.format(i % 90 + 10) for i in range(n)))


def cii_unknown(n: int) -> str:
    return CII.format("<ram:Unknown/>" * n, "")


SHAPES: dict[str, Callable[[int], str]] = {
    "ubl_means": ubl_means,
    "ubl_unknown": ubl_unknown,
    "cii_means": cii_means,
    "cii_unknown": cii_unknown,
}
