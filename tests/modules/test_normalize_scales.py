"""normalize.standard writes every number one way, so UBL and CII twins give the same invoice.

The twins below mirror what XRechnung's business case 03.07a writes: the UBL file has `158125`,
`30` and no rounding amount, the CII file `158125.0000000`, `30.00000000000` and
`RoundingAmount 0`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from turnout.domain.artifacts import EInvoice, InvoiceArtifact, Source
from turnout.domain.invoice import AllowanceCharge, Invoice, InvoiceLine, Totals, VatBreakdown
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.normalize.standard import StandardNormalize

D = Decimal

UBL_TWIN = """<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
 <cbc:ID>R-0307</cbc:ID><cbc:IssueDate>2024-05-02</cbc:IssueDate>
 <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">901312.5</cbc:TaxAmount>
  <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">4743750</cbc:TaxableAmount>
   <cbc:TaxAmount currencyID="EUR">901312.50</cbc:TaxAmount>
   <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent></cac:TaxCategory>
  </cac:TaxSubtotal></cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="EUR">4743750</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">4743750.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">5645062.50</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">5645062.5</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
 <cac:InvoiceLine><cbc:ID>1</cbc:ID>
  <cbc:InvoicedQuantity unitCode="XPP">30</cbc:InvoicedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">4743750</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Tunnel segment</cbc:Name>
   <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19.00</cbc:Percent></cac:ClassifiedTaxCategory>
  </cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">158125</cbc:PriceAmount></cac:Price>
 </cac:InvoiceLine>
</Invoice>"""

CII_TWIN = """<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocument><ram:ID>R-0307</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20240502</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:Name>Tunnel segment</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>
    <ram:ChargeAmount>158125.0000000</ram:ChargeAmount>
   </ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery>
    <ram:BilledQuantity unitCode="XPP">30.00000000000</ram:BilledQuantity>
   </ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:CategoryCode>S</ram:CategoryCode>
     <ram:RateApplicablePercent>19</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation>
     <ram:LineTotalAmount>4743750.00</ram:LineTotalAmount>
    </ram:SpecifiedTradeSettlementLineMonetarySummation>
   </ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:ApplicableTradeTax><ram:CalculatedAmount>901312.5</ram:CalculatedAmount>
    <ram:BasisAmount>4743750.00</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>
    <ram:RateApplicablePercent>19.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>4743750.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount>4743750</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">901312.50</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>5645062.5</ram:GrandTotalAmount>
    <ram:RoundingAmount>0</ram:RoundingAmount>
    <ram:DuePayableAmount>5645062.50</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""


def canonical(name: str, xml: str) -> dict[str, Any]:
    """The invoice from intake -> einvoice.xml -> normalize.standard, as JSON, no provenance."""
    artifacts = Artifacts([Source(name, xml.encode())])
    for module in (StandardIntake(), XmlEInvoice(), StandardNormalize()):
        spec = module.spec
        context = RunContext("run-1", 1, spec.stage_id, spec.module_id, Path())
        for item in module.process(artifacts, context):
            artifacts.add(item)
    result = artifacts.require(InvoiceArtifact).invoice.to_dict()
    result.pop("provenance")
    return result


def normalised(invoice: Invoice) -> Invoice:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    einvoice = EInvoice(syntax="ubl", document_type="Invoice", profile=None, invoice=invoice)
    (out,) = StandardNormalize().process(Artifacts([einvoice]), context)
    assert isinstance(out, InvoiceArtifact)
    return out.invoice


def test_ubl_and_cii_twins_written_with_different_scales_give_the_same_invoice() -> None:
    from_ubl, from_cii = canonical("twin.xml", UBL_TWIN), canonical("twin.xml", CII_TWIN)
    assert from_ubl == from_cii
    line = InvoiceLine("1", "Tunnel segment", D("30"), "XPP", D("158125.00"), D("4743750.00"))
    line.vat_category, line.vat_rate = "S", D("19")
    assert from_ubl["lines"] == Invoice(lines=[line]).to_dict()["lines"]
    assert from_ubl["totals"]["payable"] == "5645062.50"
    row = VatBreakdown("S", D("19"), D("4743750.00"), D("901312.50"))
    assert from_ubl["vat_breakdown"] == Invoice(vat_breakdown=[row]).to_dict()["vat_breakdown"]


def test_zero_rounding_amount_is_the_same_as_none_and_other_roundings_are_kept() -> None:
    assert canonical("cii.xml", CII_TWIN)["totals"]["rounding"] is None
    kept = normalised(Invoice(invoice_number="R-1", totals=Totals(rounding=Decimal("-0.4"))))
    assert str(kept.totals.rounding) == "-0.40"
    zero = normalised(Invoice(invoice_number="R-1", totals=Totals(rounding=Decimal("0.00"))))
    assert zero.totals.rounding is None


def test_money_keeps_significant_decimals_beyond_cents_and_drops_only_trailing_zeros() -> None:
    invoice = normalised(
        Invoice(
            invoice_number="R-2",
            totals=Totals(payable=Decimal("1E+2"), prepaid=Decimal("0")),
            vat_breakdown=[VatBreakdown("S", Decimal("5.50"), Decimal("20.5"), Decimal("1.1275"))],
            lines=[
                InvoiceLine(
                    quantity=Decimal("6.500"),
                    net_price=Decimal("158.1250000000"),
                    net_amount=Decimal("-3"),
                    vat_rate=Decimal("0.000"),
                )
            ],
        )
    )
    written = invoice.to_dict()
    assert written["totals"]["payable"] == "100.00"
    assert written["totals"]["prepaid"] == "0.00"
    row = written["vat_breakdown"][0]
    assert (row["category"], row["rate"], row["taxable"], row["tax"]) == (
        "S",
        "5.5",
        "20.50",
        "1.1275",
    )
    line = written["lines"][0]
    assert (line["quantity"], line["net_price"], line["net_amount"], line["vat_rate"]) == (
        "6.5",
        "158.125",
        "-3.00",
        "0",
    )


def test_a_number_longer_than_the_default_precision_gets_its_cents_without_rounding() -> None:
    huge = Decimal("1234567890123456789012345678")  # 28 digits: the default context's all
    invoice = normalised(Invoice(invoice_number="R-3", totals=Totals(payable=huge)))
    assert invoice.totals.payable == huge
    assert invoice.to_dict()["totals"]["payable"] == "1234567890123456789012345678.00"


def test_allowances_charges_and_price_details_get_the_scales_of_money_and_rates() -> None:
    def item(amount: str, base: str, percent: str, vat_rate: str | None = None) -> AllowanceCharge:
        rate = D(vat_rate) if vat_rate else None
        return AllowanceCharge(D(amount), D(base), D(percent), "S" if rate else None, rate)

    line = InvoiceLine(quantity=D("2.000"), net_price=D("90"), net_amount=D("170"))
    line.gross_price, line.price_discount, line.base_quantity = D("100.0000"), D("10"), D("1.00")
    line.allowances = [item("20", "200.000", "10.00")]
    line.charges = [item("1E+1", "200", "5")]
    invoice = normalised(
        Invoice(
            invoice_number="R-4",
            allowances=[item("5", "100", "5.000", "19.00")],
            charges=[item("2.5", "250.00", "1", "7")],
            lines=[line],
        )
    )
    written = invoice.to_dict()
    picked = ("amount", "base", "percent", "vat_rate")
    assert [written["allowances"][0][k] for k in picked] == ["5.00", "100.00", "5", "19"]
    assert [written["charges"][0][k] for k in picked] == ["2.50", "250.00", "1", "7"]
    out = written["lines"][0]
    assert [out["allowances"][0][k] for k in picked] == ["20.00", "200.00", "10", None]
    assert [out["charges"][0][k] for k in picked] == ["10.00", "200.00", "5", None]
    assert (out["gross_price"], out["price_discount"], out["base_quantity"]) == (
        "100.00",
        "10.00",
        "1",
    )


def test_rescaling_a_normalised_invoice_changes_nothing() -> None:
    once = canonical("twin.xml", UBL_TWIN)
    again = normalised(Invoice.from_dict(once)).to_dict()
    again.pop("provenance")
    assert again == once
