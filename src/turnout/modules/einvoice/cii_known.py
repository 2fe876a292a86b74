"""The elements of a CII D16B invoice that EN 16931-3-3 maps and `read_cii` reads: anything else in
a document is an extension (`cii_extensions`)."""

from __future__ import annotations

from turnout.modules.einvoice.cii_extensions import Known, outline

NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}

_ADDRESS = """
ram:PostcodeCode
ram:LineOne
ram:LineTwo
ram:LineThree
ram:CityName
ram:CountryID
ram:CountrySubDivisionName
"""

_CONTACT = """
ram:PersonName
ram:DepartmentName
ram:TelephoneUniversalCommunication
  ram:CompleteNumber
ram:EmailURIUniversalCommunication
  ram:URIID
"""

_TRADE_PARTY = """
ram:ID *
ram:GlobalID *
ram:Name
ram:SpecifiedLegalOrganization
  ram:ID
  ram:TradingBusinessName
ram:DefinedTradeContact = contact
ram:PostalTradeAddress = address
ram:URIUniversalCommunication
  ram:URIID
ram:SpecifiedTaxRegistration *
  ram:ID
"""

# the seller's legal information (BT-33); the buyer's Description has no EN 16931 term but both
# readers keep it on the buyer (UBL's CompanyLegalForm likewise) and both exports write it back
_ACCOUNTING_PARTY = _TRADE_PARTY + "ram:Description\n"

_TAX_REPRESENTATIVE = """
ram:Name
ram:PostalTradeAddress = address
ram:SpecifiedTaxRegistration *
  ram:ID
"""

_PAYEE = """
ram:ID
ram:GlobalID
ram:Name
ram:SpecifiedLegalOrganization
  ram:ID
"""

_SHIP_TO = """
ram:ID
ram:GlobalID
ram:Name
ram:PostalTradeAddress = address
"""

_PERIOD = """
ram:StartDateTime
  udt:DateTimeString
ram:EndDateTime
  udt:DateTimeString
"""

_LINE_ALLOWANCE = """
ram:ChargeIndicator
  udt:Indicator
ram:CalculationPercent
ram:BasisAmount
ram:ActualAmount
ram:ReasonCode
ram:Reason
"""

_ALLOWANCE = (
    _LINE_ALLOWANCE
    + """
ram:CategoryTradeTax
  ram:TypeCode
  ram:CategoryCode
  ram:RateApplicablePercent
"""
)

_TAX = """
ram:CalculatedAmount
ram:TypeCode
ram:ExemptionReason
ram:BasisAmount
ram:CategoryCode
ram:ExemptionReasonCode
ram:TaxPointDate
  udt:DateString
ram:DueDateTypeCode
ram:RateApplicablePercent
"""

_LINE_TAX = """
ram:TypeCode
ram:CategoryCode
ram:RateApplicablePercent
"""

_REFERENCED = """
ram:IssuerAssignedID
"""

_LINE = """
ram:AssociatedDocumentLineDocument
  ram:LineID
  ram:IncludedNote *
    ram:Content *
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
ram:SpecifiedLineTradeAgreement
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
ram:SpecifiedLineTradeDelivery
  ram:BilledQuantity
ram:SpecifiedLineTradeSettlement
  ram:ApplicableTradeTax = line_tax
  ram:BillingSpecifiedPeriod = period
  ram:SpecifiedTradeAllowanceCharge * = line_allowance
  ram:SpecifiedTradeSettlementLineMonetarySummation
    ram:LineTotalAmount
  ram:AdditionalReferencedDocument *
    ram:IssuerAssignedID
    ram:TypeCode
    ram:ReferenceTypeCode
  ram:ReceivableSpecifiedTradeAccountingAccount
    ram:ID
"""

_INVOICE = """
rsm:ExchangedDocumentContext
  ram:BusinessProcessSpecifiedDocumentContextParameter
    ram:ID
  ram:GuidelineSpecifiedDocumentContextParameter
    ram:ID
rsm:ExchangedDocument
  ram:ID
  ram:TypeCode
  ram:IssueDateTime
    udt:DateTimeString
  ram:IncludedNote *
    ram:Content *
    ram:SubjectCode
rsm:SupplyChainTradeTransaction
  ram:IncludedSupplyChainTradeLineItem * = line
  ram:ApplicableHeaderTradeAgreement
    ram:BuyerReference
    ram:SellerTradeParty = accounting_party
    ram:BuyerTradeParty = accounting_party
    ram:SellerTaxRepresentativeTradeParty = tax_representative
    ram:SellerOrderReferencedDocument = referenced
    ram:BuyerOrderReferencedDocument = referenced
    ram:ContractReferencedDocument = referenced
    ram:AdditionalReferencedDocument *
      ram:IssuerAssignedID
      ram:URIID
      ram:TypeCode
      ram:Name
      ram:AttachmentBinaryObject
      ram:ReferenceTypeCode
    ram:SpecifiedProcuringProject
      ram:ID
      ram:Name
  ram:ApplicableHeaderTradeDelivery
    ram:ShipToTradeParty = ship_to
    ram:ActualDeliverySupplyChainEvent
      ram:OccurrenceDateTime
        udt:DateTimeString
    ram:DespatchAdviceReferencedDocument = referenced
    ram:ReceivingAdviceReferencedDocument = referenced
  ram:ApplicableHeaderTradeSettlement
    ram:CreditorReferenceID
    ram:PaymentReference
    ram:TaxCurrencyCode
    ram:InvoiceCurrencyCode
    ram:PayeeTradeParty = payee
    ram:SpecifiedTradeSettlementPaymentMeans *
      ram:TypeCode
      ram:Information *
      ram:ApplicableTradeSettlementFinancialCard
        ram:ID
        ram:CardholderName
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
      ram:DirectDebitMandateID
    ram:SpecifiedTradeSettlementHeaderMonetarySummation
      ram:LineTotalAmount
      ram:ChargeTotalAmount
      ram:AllowanceTotalAmount
      ram:TaxBasisTotalAmount
      ram:TaxTotalAmount *
      ram:RoundingAmount
      ram:GrandTotalAmount
      ram:TotalPrepaidAmount
      ram:DuePayableAmount
    ram:InvoiceReferencedDocument *
      ram:IssuerAssignedID
      ram:FormattedIssueDateTime
        qdt:DateTimeString
    ram:ReceivableSpecifiedTradeAccountingAccount
      ram:ID
"""

GROUPS = {
    "address": _ADDRESS,
    "contact": _CONTACT,
    "accounting_party": _ACCOUNTING_PARTY,
    "tax_representative": _TAX_REPRESENTATIVE,
    "payee": _PAYEE,
    "ship_to": _SHIP_TO,
    "period": _PERIOD,
    "allowance": _ALLOWANCE,
    "line_allowance": _LINE_ALLOWANCE,
    "tax": _TAX,
    "line_tax": _LINE_TAX,
    "referenced": _REFERENCED,
    "line": _LINE,
}
"""The outlines of the shared groups (parties, addresses, allowances, taxes, periods, a line)."""

KNOWN_CII: Known = outline(_INVOICE, NAMESPACES, GROUPS)
"""The child elements of `rsm:CrossIndustryInvoice` the reader maps, as a tree."""
