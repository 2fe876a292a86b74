"""An e-invoice with thousands of repeated or unknown siblings is read in time linear in their
number: four times the siblings take about four times the work, where a reader that looks at
every sibling again for each one (the first payment means, an extension's position) takes sixteen.

Measured as a ratio of the CPU time of two readings of the same shape, 2,000 and 8,000 siblings,
the best of three each, with a generous bound (8) between linear (4) and quadratic (16)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from turnout.domain.artifacts import Source
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake

SMALL, LARGE = 2_000, 8_000
BOUND = 8.0

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


def cpu_seconds(xml: str) -> float:
    document = StandardIntake().identify(Source("invoice.xml", xml.encode()))
    reader = XmlEInvoice({"max_bytes": 50_000_000})
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        read = reader.parse(document)
        best = min(best, time.process_time() - start)
    assert read.invoice.invoice_number == "MANY-1"
    return best


@pytest.mark.parametrize("shape", [ubl_means, ubl_unknown, cii_means, cii_unknown])
def test_thousands_of_siblings_are_read_in_linear_time(shape: Callable[[int], str]) -> None:
    small, large = cpu_seconds(shape(SMALL)), cpu_seconds(shape(LARGE))
    assert large / small < BOUND, f"{LARGE:,} siblings took {large / small:.1f} times {SMALL:,}"


def test_every_later_means_and_unknown_sibling_is_kept_with_its_own_path() -> None:
    document = StandardIntake().identify(Source("invoice.xml", cii_means(3).encode()))
    invoice = XmlEInvoice().parse(document).invoice
    assert [t.account for t in invoice.payment.more_transfers] == ["NL11", "NL12"]
    means = (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementPaymentMeans"
    )
    assert [e.path for e in invoice.extensions] == [
        f"{means}[{n}]/{child}"
        for n in (2, 3)
        for child in ("ram:TypeCode", "ram:ApplicableTradeSettlementFinancialCard")
    ]
    document = StandardIntake().identify(Source("invoice.xml", ubl_unknown(3).encode()))
    paths = [e.path for e in XmlEInvoice().parse(document).invoice.extensions]
    assert paths == [f"/Invoice/cbc:Unknown[{n}]" for n in (1, 2, 3)]
