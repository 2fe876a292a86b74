"""The elements of a ZUGFeRD 1 `CrossIndustryDocument` that `read_zugferd1` reads: anything else
in a document is an extension (`cii_extensions`). The groups ZUGFeRD 1 shares with CII D16B
(parties, addresses, allowances and charges, periods) have the same outline there."""

from __future__ import annotations

from turnout.modules.einvoice.cii_extensions import Known, outline
from turnout.modules.einvoice.cii_known import GROUPS

NAMESPACES = {
    "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
}

_ALLOWANCE = """
ram:ChargeIndicator
  udt:Indicator
ram:CalculationPercent
ram:BasisAmount
ram:ActualAmount
ram:ReasonCode
ram:Reason
ram:CategoryTradeTax
  ram:TypeCode
  ram:CategoryCode
  ram:ApplicablePercent
"""

_TAX = """
ram:CalculatedAmount
ram:TypeCode
ram:ExemptionReason
ram:BasisAmount
ram:CategoryCode
ram:ApplicablePercent
"""

_LINE = """
ram:AssociatedDocumentLineDocument
  ram:LineID
  ram:IncludedNote *
    ram:Content *
ram:SpecifiedSupplyChainTradeAgreement
  ram:BuyerOrderReferencedDocument
    ram:LineID
  ram:GrossPriceProductTradePrice
    ram:ChargeAmount
    ram:BasisQuantity
    ram:AppliedTradeAllowanceCharge *
      ram:ChargeIndicator
        udt:Indicator
      ram:ActualAmount
  ram:NetPriceProductTradePrice
    ram:ChargeAmount
    ram:BasisQuantity
ram:SpecifiedSupplyChainTradeDelivery
  ram:BilledQuantity
ram:SpecifiedSupplyChainTradeSettlement
  ram:ApplicableTradeTax
    ram:TypeCode
    ram:CategoryCode
    ram:ApplicablePercent
  ram:BillingSpecifiedPeriod = period
  ram:SpecifiedTradeAllowanceCharge * = line_allowance
  ram:SpecifiedTradeSettlementMonetarySummation
    ram:LineTotalAmount
  ram:SpecifiedTradeAccountingAccount
    ram:ID
ram:SpecifiedTradeProduct
  ram:GlobalID
  ram:SellerAssignedID
  ram:BuyerAssignedID
  ram:Name
  ram:Description
  ram:ApplicableProductCharacteristic *
    ram:Description
    ram:Value
  ram:DesignatedProductClassification *
    ram:ClassCode
  ram:OriginTradeCountry
    ram:ID
"""

_DOCUMENT = """
rsm:SpecifiedExchangedDocumentContext
  ram:GuidelineSpecifiedDocumentContextParameter
    ram:ID
rsm:HeaderExchangedDocument
  ram:ID
  ram:TypeCode
  ram:IssueDateTime
    udt:DateTimeString
  ram:IncludedNote *
    ram:Content *
    ram:SubjectCode
rsm:SpecifiedSupplyChainTradeTransaction
  ram:ApplicableSupplyChainTradeAgreement
    ram:BuyerReference
    ram:SellerTradeParty = accounting_party
    ram:BuyerTradeParty = accounting_party
    ram:BuyerOrderReferencedDocument
      ram:ID
    ram:ContractReferencedDocument
      ram:ID
  ram:ApplicableSupplyChainTradeDelivery
    ram:ShipToTradeParty = ship_to
    ram:ActualDeliverySupplyChainEvent
      ram:OccurrenceDateTime
        udt:DateTimeString
    ram:DespatchAdviceReferencedDocument
      ram:ID
  ram:ApplicableSupplyChainTradeSettlement
    ram:PaymentReference
    ram:InvoiceCurrencyCode
    ram:PayeeTradeParty = payee
    ram:SpecifiedTradeSettlementPaymentMeans *
      ram:TypeCode
      ram:Information *
      ram:PayerPartyDebtorFinancialAccount
        ram:IBANID
      ram:PayeePartyCreditorFinancialAccount
        ram:IBANID
        ram:AccountName
        ram:ProprietaryID
      ram:PayeeSpecifiedCreditorFinancialInstitution
        ram:BICID
    ram:ApplicableTradeTax * = tax
    ram:BillingSpecifiedPeriod = period
    ram:SpecifiedTradeAllowanceCharge * = allowance
    ram:SpecifiedTradePaymentTerms *
      ram:Description *
      ram:DueDateDateTime
        udt:DateTimeString
    ram:SpecifiedTradeSettlementMonetarySummation
      ram:LineTotalAmount
      ram:ChargeTotalAmount
      ram:AllowanceTotalAmount
      ram:TaxBasisTotalAmount
      ram:TaxTotalAmount *
      ram:GrandTotalAmount
      ram:TotalPrepaidAmount
      ram:DuePayableAmount
    ram:ReceivableSpecifiedTradeAccountingAccount
      ram:ID
  ram:IncludedSupplyChainTradeLineItem * = line
"""

KNOWN_ZUGFERD1: Known = outline(
    _DOCUMENT, NAMESPACES, {**GROUPS, "allowance": _ALLOWANCE, "tax": _TAX, "line": _LINE}
)
"""The child elements of `rsm:CrossIndustryDocument` the reader maps, as a tree."""
