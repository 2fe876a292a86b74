"""Where each business term lives in a UBL 2.1 Invoice or CreditNote (EN 16931-3-2 syntax binding)."""

from __future__ import annotations

from turnout.modules.validate.en16931.ubl_cardinality import TERMS as CARDINALITY_TERMS
from turnout.modules.validate.en16931.view import Paths

NAMESPACES = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}

_SELLER = "cac:AccountingSupplierParty/cac:Party"
_BUYER = "cac:AccountingCustomerParty/cac:Party"
# XPath 1.0 (lxml): upper-case() is spelled with translate().
_SCHEME = "normalize-space(translate(cac:TaxScheme/cbc:ID, 'vat', 'VAT'))"
# Unit-test fragments often omit the TaxScheme: only an explicit non-VAT scheme is left out.
_VAT = f"[not(cac:TaxScheme) or {_SCHEME}='VAT']"
_STRICT_VAT = f"[{_SCHEME}='VAT']"
_NOT_VAT = f"[not({_SCHEME}='VAT')]"
_TOTALS = "cac:LegalMonetaryTotal"
_ALLOWANCE = "cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator)='false' or normalize-space(cbc:ChargeIndicator)='0']"
_CHARGE = "cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator)='true' or normalize-space(cbc:ChargeIndicator)='1']"

GROUPS = {
    ("invoice", "lines"): "cac:InvoiceLine|cac:CreditNoteLine",
    ("invoice", "allowances"): _ALLOWANCE,
    ("invoice", "charges"): _CHARGE,
    ("invoice", "vat_breakdown"): "cac:TaxTotal/cac:TaxSubtotal",
    ("invoice", "tax_totals"): "cac:TaxTotal",
    ("invoice", "payment_means"): "cac:PaymentMeans",
    ("invoice", "preceding_invoices"): "cac:BillingReference",
    ("invoice", "documents"): "cac:AdditionalDocumentReference",
    ("invoice", "invoice_period"): "cac:InvoicePeriod",
    ("invoice", "seller_address"): f"{_SELLER}/cac:PostalAddress",
    ("invoice", "buyer_address"): f"{_BUYER}/cac:PostalAddress",
    ("invoice", "payee"): "cac:PayeeParty",
    ("invoice", "tax_representative"): "cac:TaxRepresentativeParty",
    ("invoice", "deliver_to_address"): "cac:Delivery/cac:DeliveryLocation/cac:Address",
    ("tax_representative", "address"): "cac:PostalAddress",
    ("payment_means", "credit_transfer"): "cac:PayeeFinancialAccount",
    ("lines", "line_period"): "cac:InvoicePeriod",
    ("lines", "line_allowances"): _ALLOWANCE,
    ("lines", "line_charges"): _CHARGE,
    ("lines", "item_attributes"): "cac:Item/cac:AdditionalItemProperty",
}

_ALLOWANCE_TERMS = {
    "amount": "cbc:Amount",
    "base_amount": "cbc:BaseAmount",
    "reason": "cbc:AllowanceChargeReason",
    "reason_code": "cbc:AllowanceChargeReasonCode",
    "vat_category": f"cac:TaxCategory{_VAT}/cbc:ID",
    "vat_rate": f"cac:TaxCategory{_VAT}/cbc:Percent",
    "currency_amounts": "cbc:Amount|cbc:BaseAmount",
}

TERMS = {
    ("invoice", "specification_id"): "cbc:CustomizationID",
    ("invoice", "invoice_number"): "cbc:ID",
    ("invoice", "issue_date"): "cbc:IssueDate",
    ("invoice", "type_code"): "cbc:InvoiceTypeCode|cbc:CreditNoteTypeCode",
    ("invoice", "currency"): "cbc:DocumentCurrencyCode",
    ("invoice", "vat_currency"): "cbc:TaxCurrencyCode",
    ("invoice", "tax_point_date"): "cbc:TaxPointDate",
    ("invoice", "tax_point_date_code"): "cac:InvoicePeriod/cbc:DescriptionCode",
    ("invoice", "due_date"): "cbc:DueDate|cac:PaymentMeans/cbc:PaymentDueDate",
    ("invoice", "payment_terms"): "cac:PaymentTerms/cbc:Note",
    ("invoice", "actual_delivery_date"): "cac:Delivery/cbc:ActualDeliveryDate",
    ("invoice", "invoice_period_parts"): "cac:InvoicePeriod/*",
    (
        "invoice",
        "deliver_to_country",
    ): "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode",
    ("invoice", "seller_name"): f"{_SELLER}/cac:PartyLegalEntity/cbc:RegistrationName",
    # BT-29; a SEPA creditor id (BT-90) shares the element and is not the seller's identifier
    (
        "invoice",
        "seller_id",
    ): f"{_SELLER}/cac:PartyIdentification/cbc:ID[not(@schemeID='SEPA')]",
    ("invoice", "seller_legal_id"): f"{_SELLER}/cac:PartyLegalEntity/cbc:CompanyID",
    ("invoice", "seller_vat_id"): f"{_SELLER}/cac:PartyTaxScheme{_STRICT_VAT}/cbc:CompanyID",
    ("invoice", "seller_tax_registration"): f"{_SELLER}/cac:PartyTaxScheme{_NOT_VAT}/cbc:CompanyID",
    ("invoice", "seller_endpoint"): f"{_SELLER}/cbc:EndpointID",
    (
        "invoice",
        "seller_country",
    ): f"{_SELLER}/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    ("invoice", "buyer_country"): f"{_BUYER}/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    ("invoice", "buyer_name"): f"{_BUYER}/cac:PartyLegalEntity/cbc:RegistrationName",
    ("invoice", "buyer_legal_id"): f"{_BUYER}/cac:PartyLegalEntity/cbc:CompanyID",
    ("invoice", "buyer_vat_id"): f"{_BUYER}/cac:PartyTaxScheme{_STRICT_VAT}/cbc:CompanyID",
    ("invoice", "buyer_endpoint"): f"{_BUYER}/cbc:EndpointID",
    (
        "invoice",
        "tax_representative_vat_id",
    ): f"cac:TaxRepresentativeParty/cac:PartyTaxScheme{_VAT}/cbc:CompanyID",
    ("invoice", "line_net_total"): f"{_TOTALS}/cbc:LineExtensionAmount",
    ("invoice", "allowance_total"): f"{_TOTALS}/cbc:AllowanceTotalAmount",
    ("invoice", "charge_total"): f"{_TOTALS}/cbc:ChargeTotalAmount",
    ("invoice", "total_without_vat"): f"{_TOTALS}/cbc:TaxExclusiveAmount",
    ("invoice", "total_with_vat"): f"{_TOTALS}/cbc:TaxInclusiveAmount",
    ("invoice", "paid_amount"): f"{_TOTALS}/cbc:PrepaidAmount",
    ("invoice", "rounding_amount"): f"{_TOTALS}/cbc:PayableRoundingAmount",
    ("invoice", "amount_due"): f"{_TOTALS}/cbc:PayableAmount",
    ("invoice", "vat_total"): "cac:TaxTotal/cbc:TaxAmount",
    ("invoice", "all_amounts"): ".//cbc:*[@currencyID]",
    ("invoice", "all_countries"): ".//cac:Country/cbc:IdentificationCode",
    (
        "invoice",
        "all_unit_codes",
    ): ".//cbc:InvoicedQuantity|.//cbc:CreditedQuantity|.//cbc:BaseQuantity",
    (
        "invoice",
        "all_vat_categories",
    ): f".//cac:TaxCategory{_VAT}/cbc:ID|.//cac:ClassifiedTaxCategory{_VAT}/cbc:ID",
    ("invoice", "all_party_ids"): ".//cac:PartyIdentification/cbc:ID[@schemeID]",
    ("invoice", "all_legal_ids"): ".//cac:PartyLegalEntity/cbc:CompanyID[@schemeID]",
    ("invoice", "all_binary_objects"): ".//cbc:EmbeddedDocumentBinaryObject",
    (
        "invoice",
        "object_ids",
    ): "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID[@schemeID]",
    (
        "invoice",
        "document_ids_with_scheme",
    ): "cac:AdditionalDocumentReference[not(cbc:DocumentTypeCode='130' or cbc:DocumentTypeCode='50')]/cbc:ID[@schemeID]",
    # Every *Amount element except item prices (BT-146, BT-148), which may carry more decimals.
    (
        "invoice",
        "document_amounts",
    ): ".//cbc:*[substring(local-name(), string-length(local-name()) - 5) = 'Amount'][not(local-name()='PriceAmount') and not(parent::cac:AllowanceCharge/parent::cac:Price)]",
    ("invoice", "credit_note_root"): "self::*[local-name()='CreditNote']",
    ("invoice", "seller_tax_schemes"): f"{_SELLER}/cac:PartyTaxScheme",
    ("invoice", "payment_means_codes"): "cac:PaymentMeans/cbc:PaymentMeansCode",
    ("invoice", "card_numbers"): "cac:PaymentMeans/cac:CardAccount/cbc:PrimaryAccountNumberID",
    ("invoice", "tax_point_date_code_2005"): "cac:InvoicePeriod/cbc:DescriptionCode",
    ("invoice", "origin_countries"): ".//cac:OriginCountry/cbc:IdentificationCode",
    # BR-B-01 reads every country code of the document, the items' origin included
    ("invoice", "every_country_code"): ".//cbc:IdentificationCode",
    ("invoice", "tax_category_codes"): ".//cac:TaxCategory/cbc:ID",
    ("invoice", "line_tax_category_codes"): ".//cac:ClassifiedTaxCategory/cbc:ID",
    ("payee", "name"): "cac:PartyName/cbc:Name",
    ("tax_representative", "name"): "cac:PartyName/cbc:Name",
    ("tax_representative", "vat_id"): f"cac:PartyTaxScheme{_STRICT_VAT}/cbc:CompanyID",
    ("tax_representative", "country"): "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    ("seller_address", "country"): "cac:Country/cbc:IdentificationCode",
    ("buyer_address", "country"): "cac:Country/cbc:IdentificationCode",
    ("address", "country"): "cac:Country/cbc:IdentificationCode",
    ("deliver_to_address", "country"): "cac:Country/cbc:IdentificationCode",
    ("invoice_period", "start"): "cbc:StartDate",
    ("invoice_period", "end"): "cbc:EndDate",
    ("invoice_period", "code"): "cbc:DescriptionCode",
    ("line_period", "start"): "cbc:StartDate",
    ("line_period", "end"): "cbc:EndDate",
    ("lines", "line_id"): "cbc:ID",
    ("lines", "quantity"): "cbc:InvoicedQuantity|cbc:CreditedQuantity",
    ("lines", "net_amount"): "cbc:LineExtensionAmount",
    ("lines", "item_name"): "cac:Item/cbc:Name",
    ("lines", "net_price"): "cac:Price/cbc:PriceAmount",
    ("lines", "gross_price"): "cac:Price/cac:AllowanceCharge/cbc:BaseAmount",
    ("lines", "vat_category"): f"cac:Item/cac:ClassifiedTaxCategory{_VAT}/cbc:ID",
    ("lines", "vat_rate"): f"cac:Item/cac:ClassifiedTaxCategory{_VAT}/cbc:Percent",
    ("lines", "standard_id"): "cac:Item/cac:StandardItemIdentification/cbc:ID",
    (
        "lines",
        "classification_id",
    ): "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
    ("item_attributes", "name"): "cbc:Name",
    ("item_attributes", "value"): "cbc:Value",
    ("vat_breakdown", "taxable_amount"): "cbc:TaxableAmount",
    ("vat_breakdown", "tax_amount"): "cbc:TaxAmount",
    ("vat_breakdown", "category"): f"cac:TaxCategory{_VAT}/cbc:ID",
    ("vat_breakdown", "rate"): f"cac:TaxCategory{_VAT}/cbc:Percent",
    ("vat_breakdown", "exemption_reason"): "cac:TaxCategory/cbc:TaxExemptionReason",
    ("vat_breakdown", "exemption_code"): "cac:TaxCategory/cbc:TaxExemptionReasonCode",
    ("tax_totals", "tax_amount"): "cbc:TaxAmount",
    ("tax_totals", "subtotal_tax_amounts"): "cac:TaxSubtotal/cbc:TaxAmount",
    ("payment_means", "code"): "cbc:PaymentMeansCode",
    ("payment_means", "account_id"): "cac:PayeeFinancialAccount/cbc:ID",
    ("credit_transfer", "account_id"): "cbc:ID",
    ("preceding_invoices", "reference"): "cac:InvoiceDocumentReference/cbc:ID",
    ("documents", "reference"): "cbc:ID",
    **{
        (kind, term): xpath
        for kind in ("allowances", "charges", "line_allowances", "line_charges")
        for term, xpath in _ALLOWANCE_TERMS.items()
    },
}

UBL_PATHS = Paths(NAMESPACES, GROUPS, {**TERMS, **CARDINALITY_TERMS})
