"""Where each business term lives in a UN/CEFACT CII D16B invoice (EN 16931-3-3 syntax binding)."""

from __future__ import annotations

from turnout.authoring import CREDIT_NOTE_CODES
from turnout.modules.validate.en16931.view import Paths

NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}

_T = "rsm:SupplyChainTradeTransaction"
_A = f"{_T}/ram:ApplicableHeaderTradeAgreement"
_D = f"{_T}/ram:ApplicableHeaderTradeDelivery"
_S = f"{_T}/ram:ApplicableHeaderTradeSettlement"
_M = f"{_S}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_SELLER = f"{_A}/ram:SellerTradeParty"
_BUYER = f"{_A}/ram:BuyerTradeParty"
_ALLOWANCE = (
    "ram:SpecifiedTradeAllowanceCharge[normalize-space(ram:ChargeIndicator/udt:Indicator)='false']"
)
_CHARGE = (
    "ram:SpecifiedTradeAllowanceCharge[normalize-space(ram:ChargeIndicator/udt:Indicator)='true']"
)
_LINE_SETTLEMENT = "ram:SpecifiedLineTradeSettlement"
_LINE_AGREEMENT = "ram:SpecifiedLineTradeAgreement"
_CREDIT_NOTE_TEST = " or ".join(
    f"normalize-space()='{code}'" for code in sorted(CREDIT_NOTE_CODES, key=int)
)

GROUPS = {
    ("invoice", "lines"): f"{_T}/ram:IncludedSupplyChainTradeLineItem",
    ("invoice", "allowances"): f"{_S}/{_ALLOWANCE}",
    ("invoice", "charges"): f"{_S}/{_CHARGE}",
    ("invoice", "vat_breakdown"): f"{_S}/ram:ApplicableTradeTax",
    ("invoice", "payment_means"): f"{_S}/ram:SpecifiedTradeSettlementPaymentMeans",
    ("invoice", "preceding_invoices"): f"{_S}/ram:InvoiceReferencedDocument",
    ("invoice", "documents"): f"{_A}/ram:AdditionalReferencedDocument",
    ("invoice", "invoice_period"): f"{_S}/ram:BillingSpecifiedPeriod",
    ("invoice", "seller_address"): f"{_SELLER}/ram:PostalTradeAddress",
    ("invoice", "buyer_address"): f"{_BUYER}/ram:PostalTradeAddress",
    ("invoice", "payee"): f"{_S}/ram:PayeeTradeParty",
    ("invoice", "tax_representative"): f"{_A}/ram:SellerTaxRepresentativeTradeParty",
    ("invoice", "deliver_to_address"): f"{_D}/ram:ShipToTradeParty/ram:PostalTradeAddress",
    ("tax_representative", "address"): "ram:PostalTradeAddress",
    ("payment_means", "credit_transfer"): "ram:PayeePartyCreditorFinancialAccount",
    ("lines", "line_period"): f"{_LINE_SETTLEMENT}/ram:BillingSpecifiedPeriod",
    ("lines", "line_allowances"): f"{_LINE_SETTLEMENT}/{_ALLOWANCE}",
    ("lines", "line_charges"): f"{_LINE_SETTLEMENT}/{_CHARGE}",
    ("lines", "item_attributes"): "ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic",
}

_ALLOWANCE_TERMS = {
    "amount": "ram:ActualAmount",
    "base_amount": "ram:BasisAmount",
    "reason": "ram:Reason",
    "reason_code": "ram:ReasonCode",
    "vat_category": "ram:CategoryTradeTax/ram:CategoryCode",
    "vat_rate": "ram:CategoryTradeTax/ram:RateApplicablePercent",
}

TERMS = {
    (
        "invoice",
        "specification_id",
    ): "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    ("invoice", "invoice_number"): "rsm:ExchangedDocument/ram:ID",
    ("invoice", "issue_date"): "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
    ("invoice", "type_code"): "rsm:ExchangedDocument/ram:TypeCode",
    ("invoice", "currency"): f"{_S}/ram:InvoiceCurrencyCode",
    # BR-CO-25 was removed from credit notes (EN 16931 artefacts 1.3.0 hotfix); CII has one root
    # for both, so a credit note is told by its UNTDID 1001 type code, as the canonical view does
    (
        "invoice",
        "credit_note_root",
    ): f"rsm:ExchangedDocument/ram:TypeCode[{_CREDIT_NOTE_TEST}]",
    ("invoice", "vat_currency"): f"{_S}/ram:TaxCurrencyCode",
    ("invoice", "tax_point_date"): f"{_S}/ram:ApplicableTradeTax/ram:TaxPointDate",
    ("invoice", "tax_point_date_code"): f"{_S}/ram:ApplicableTradeTax/ram:DueDateTypeCode",
    # BR-CL-06 checks every ram:DueDateTypeCode, as the official CII rule does
    ("invoice", "tax_point_date_code_2475"): ".//ram:DueDateTypeCode",
    ("invoice", "due_date"): f"{_S}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime",
    ("invoice", "payment_terms"): f"{_S}/ram:SpecifiedTradePaymentTerms/ram:Description",
    (
        "invoice",
        "actual_delivery_date",
    ): f"{_D}/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime",
    ("invoice", "invoice_period_parts"): f"{_S}/ram:BillingSpecifiedPeriod/*",
    (
        "invoice",
        "deliver_to_country",
    ): f"{_D}/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID",
    ("invoice", "seller_name"): f"{_SELLER}/ram:Name",
    ("invoice", "seller_id"): f"{_SELLER}/ram:ID|{_SELLER}/ram:GlobalID",
    ("invoice", "seller_legal_id"): f"{_SELLER}/ram:SpecifiedLegalOrganization/ram:ID",
    ("invoice", "seller_vat_id"): f"{_SELLER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    (
        "invoice",
        "seller_tax_registration",
    ): f"{_SELLER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']",
    ("invoice", "seller_endpoint"): f"{_SELLER}/ram:URIUniversalCommunication/ram:URIID",
    ("invoice", "seller_country"): f"{_SELLER}/ram:PostalTradeAddress/ram:CountryID",
    ("invoice", "buyer_country"): f"{_BUYER}/ram:PostalTradeAddress/ram:CountryID",
    ("invoice", "buyer_name"): f"{_BUYER}/ram:Name",
    ("invoice", "buyer_legal_id"): f"{_BUYER}/ram:SpecifiedLegalOrganization/ram:ID",
    ("invoice", "buyer_vat_id"): f"{_BUYER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
    ("invoice", "buyer_endpoint"): f"{_BUYER}/ram:URIUniversalCommunication/ram:URIID",
    (
        "invoice",
        "tax_representative_vat_id",
    ): f"{_A}/ram:SellerTaxRepresentativeTradeParty/ram:SpecifiedTaxRegistration/ram:ID",
    ("invoice", "line_net_total"): f"{_M}/ram:LineTotalAmount",
    ("invoice", "allowance_total"): f"{_M}/ram:AllowanceTotalAmount",
    ("invoice", "charge_total"): f"{_M}/ram:ChargeTotalAmount",
    ("invoice", "total_without_vat"): f"{_M}/ram:TaxBasisTotalAmount",
    ("invoice", "total_with_vat"): f"{_M}/ram:GrandTotalAmount",
    ("invoice", "paid_amount"): f"{_M}/ram:TotalPrepaidAmount",
    ("invoice", "rounding_amount"): f"{_M}/ram:RoundingAmount",
    ("invoice", "amount_due"): f"{_M}/ram:DuePayableAmount",
    ("invoice", "vat_total"): f"{_M}/ram:TaxTotalAmount",
    ("invoice", "all_amounts"): ".//*[@currencyID]",
    ("invoice", "all_countries"): ".//ram:CountryID",
    ("invoice", "all_unit_codes"): ".//ram:BilledQuantity|.//ram:BasisQuantity",
    ("invoice", "all_vat_categories"): ".//ram:CategoryCode",
    (
        "invoice",
        "payment_means_codes",
    ): f"{_S}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode",
    (
        "invoice",
        "card_numbers",
    ): f"{_S}/ram:SpecifiedTradeSettlementPaymentMeans/ram:ApplicableTradeSettlementFinancialCard/ram:ID",
    ("invoice", "origin_countries"): ".//ram:OriginTradeCountry/ram:ID",
    # BR-B-01 reads every ram:CountryID (the CII binding writes an item's origin as ram:ID)
    ("invoice", "every_country_code"): ".//ram:CountryID",
    (
        "invoice",
        "tax_category_codes",
    ): f"{_S}/ram:ApplicableTradeTax/ram:CategoryCode|.//ram:CategoryTradeTax/ram:CategoryCode",
    (
        "invoice",
        "line_tax_category_codes",
    ): f"{_T}/ram:IncludedSupplyChainTradeLineItem/{_LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode",
    ("invoice", "all_binary_objects"): ".//ram:AttachmentBinaryObject",
    ("payee", "name"): "ram:Name",
    ("tax_representative", "name"): "ram:Name",
    ("tax_representative", "vat_id"): "ram:SpecifiedTaxRegistration/ram:ID",
    ("tax_representative", "country"): "ram:PostalTradeAddress/ram:CountryID",
    ("seller_address", "country"): "ram:CountryID",
    ("buyer_address", "country"): "ram:CountryID",
    ("address", "country"): "ram:CountryID",
    ("deliver_to_address", "country"): "ram:CountryID",
    ("invoice_period", "start"): "ram:StartDateTime",
    ("invoice_period", "end"): "ram:EndDateTime",
    ("line_period", "start"): "ram:StartDateTime",
    ("line_period", "end"): "ram:EndDateTime",
    ("lines", "line_id"): "ram:AssociatedDocumentLineDocument/ram:LineID",
    ("lines", "quantity"): "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
    (
        "lines",
        "net_amount",
    ): f"{_LINE_SETTLEMENT}/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
    ("lines", "item_name"): "ram:SpecifiedTradeProduct/ram:Name",
    ("lines", "net_price"): f"{_LINE_AGREEMENT}/ram:NetPriceProductTradePrice/ram:ChargeAmount",
    ("lines", "gross_price"): f"{_LINE_AGREEMENT}/ram:GrossPriceProductTradePrice/ram:ChargeAmount",
    ("lines", "vat_category"): f"{_LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode",
    ("lines", "vat_rate"): f"{_LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent",
    ("lines", "standard_id"): "ram:SpecifiedTradeProduct/ram:GlobalID",
    (
        "lines",
        "classification_id",
    ): "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode",
    ("item_attributes", "name"): "ram:Description",
    ("item_attributes", "value"): "ram:Value",
    ("vat_breakdown", "taxable_amount"): "ram:BasisAmount",
    ("vat_breakdown", "tax_amount"): "ram:CalculatedAmount",
    ("vat_breakdown", "category"): "ram:CategoryCode",
    ("vat_breakdown", "rate"): "ram:RateApplicablePercent",
    ("vat_breakdown", "exemption_reason"): "ram:ExemptionReason",
    ("vat_breakdown", "exemption_code"): "ram:ExemptionReasonCode",
    ("payment_means", "code"): "ram:TypeCode",
    (
        "payment_means",
        "account_id",
    ): "ram:PayeePartyCreditorFinancialAccount/ram:IBANID|ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID",
    ("credit_transfer", "account_id"): "ram:IBANID|ram:ProprietaryID",
    ("preceding_invoices", "reference"): "ram:IssuerAssignedID",
    ("documents", "reference"): "ram:IssuerAssignedID",
    **{
        (kind, term): xpath
        for kind in ("allowances", "charges", "line_allowances", "line_charges")
        for term, xpath in _ALLOWANCE_TERMS.items()
    },
}

CII_PATHS = Paths(NAMESPACES, GROUPS, TERMS)
