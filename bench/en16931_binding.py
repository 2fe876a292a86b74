"""Where each EN 16931 business term is written in UBL 2.1 and in CII D16B, for the benchmarks that
ask what a file itself states.

The XPaths follow the syntax bindings EN 16931-3-2 (UBL) and EN 16931-3-3 (CII), as the official
validation artefacts name them; they are written here apart from einvoice.xml's readers, so a
value read through them tells what the file says, not what a reader made of it. Each is taken
from the document root and reaches every occurrence (all lines, all allowances), so a term of a
repeated group reads as the list of its values in the document. Where the binding wants a type
code that a file leaves out (a supporting document, a line's object identifier), the untyped
element is taken as einvoice.xml takes it.
"""

from __future__ import annotations

NAMESPACES = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}

# ---------------------------------------------------------------- UBL (EN 16931-3-2)
_SELLER = "cac:AccountingSupplierParty/cac:Party"
_BUYER = "cac:AccountingCustomerParty/cac:Party"
_REPRESENTATIVE = "cac:TaxRepresentativeParty"
_DELIVERY_ADDRESS = "cac:Delivery/cac:DeliveryLocation/cac:Address"
_MEANS = "cac:PaymentMeans"
_ACCOUNT = f"{_MEANS}/cac:PayeeFinancialAccount"
_LINE = "(cac:InvoiceLine|cac:CreditNoteLine)"
_VAT_SCHEME = "cac:TaxScheme/cbc:ID='VAT'"
_DOCUMENT = (
    "cac:AdditionalDocumentReference[not(cbc:DocumentTypeCode='130' or cbc:DocumentTypeCode='50')]"
)
_TOTALS = "cac:LegalMonetaryTotal"
# the binding types a line's object identifier 130; one without a type is read as one too
_LINE_OBJECT = "cac:DocumentReference[not(cbc:DocumentTypeCode) or cbc:DocumentTypeCode='130']"


def _ubl_allowance(parent: str, charge: bool) -> str:
    value = "true" if charge else "false"
    return f"{parent}cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator)='{value}']"


def _ubl_address(base: str) -> dict[str, str]:
    return {
        "line1": f"{base}/cbc:StreetName",
        "line2": f"{base}/cbc:AdditionalStreetName",
        "line3": f"{base}/cac:AddressLine/cbc:Line",
        "city": f"{base}/cbc:CityName",
        "post_code": f"{base}/cbc:PostalZone",
        "subdivision": f"{base}/cbc:CountrySubentity",
        "country": f"{base}/cac:Country/cbc:IdentificationCode",
    }


def _ubl_party(party: str, terms: list[str]) -> dict[str, str]:
    """name, trading name, identifiers (+scheme), legal registration (+scheme), VAT id,
    electronic address (+scheme), address line 1..3, city, post code, subdivision, country,
    contact name, phone, e-mail: the ids of the BTs in `terms`, in that order."""
    address = _ubl_address(f"{party}/cac:PostalAddress")
    identifier = f"{party}/cac:PartyIdentification/cbc:ID[not(@schemeID='SEPA')]"
    paths = [
        f"{party}/cac:PartyLegalEntity/cbc:RegistrationName",
        f"{party}/cac:PartyName/cbc:Name",
        identifier,
        f"{identifier}/@schemeID",
        f"{party}/cac:PartyLegalEntity/cbc:CompanyID",
        f"{party}/cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
        f"{party}/cac:PartyTaxScheme[{_VAT_SCHEME}]/cbc:CompanyID",
        f"{party}/cbc:EndpointID",
        f"{party}/cbc:EndpointID/@schemeID",
        *(address[k] for k in ("line1", "line2", "line3", "city", "post_code", "subdivision")),
        address["country"],
        f"{party}/cac:Contact/cbc:Name",
        f"{party}/cac:Contact/cbc:Telephone",
        f"{party}/cac:Contact/cbc:ElectronicMail",
    ]
    return dict(zip(terms, paths, strict=True))


_SELLER_TERMS = [
    "BT-27", "BT-28", "BT-29", "BT-29-1", "BT-30", "BT-30-1", "BT-31", "BT-34", "BT-34-1",
    "BT-35", "BT-36", "BT-162", "BT-37", "BT-38", "BT-39", "BT-40", "BT-41", "BT-42", "BT-43",
]  # fmt: skip
_BUYER_TERMS = [
    "BT-44", "BT-45", "BT-46", "BT-46-1", "BT-47", "BT-47-1", "BT-48", "BT-49", "BT-49-1",
    "BT-50", "BT-51", "BT-163", "BT-52", "BT-53", "BT-54", "BT-55", "BT-56", "BT-57", "BT-58",
]  # fmt: skip


def _ubl_allowance_terms(base: str, terms: list[str]) -> dict[str, str]:
    paths = [
        f"{base}/cbc:Amount",
        f"{base}/cbc:BaseAmount",
        f"{base}/cbc:MultiplierFactorNumeric",
        f"{base}/cbc:AllowanceChargeReason",
        f"{base}/cbc:AllowanceChargeReasonCode",
        f"{base}/cac:TaxCategory/cbc:ID",
        f"{base}/cac:TaxCategory/cbc:Percent",
    ]
    return dict(zip(terms, paths[: len(terms)], strict=True))


UBL: dict[str, str] = {
    "BT-1": "cbc:ID",
    "BT-2": "cbc:IssueDate",
    "BT-3": "cbc:InvoiceTypeCode|cbc:CreditNoteTypeCode",
    "BT-5": "cbc:DocumentCurrencyCode",
    "BT-6": "cbc:TaxCurrencyCode",
    "BT-7": "cbc:TaxPointDate",
    "BT-8": "cac:InvoicePeriod/cbc:DescriptionCode",
    "BT-9": "cbc:DueDate|cac:PaymentMeans/cbc:PaymentDueDate",
    "BT-10": "cbc:BuyerReference",
    "BT-11": "cac:ProjectReference/cbc:ID"
    "|cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID",
    "BT-12": "cac:ContractDocumentReference/cbc:ID",
    "BT-13": "cac:OrderReference/cbc:ID",
    "BT-14": "cac:OrderReference/cbc:SalesOrderID",
    "BT-15": "cac:ReceiptDocumentReference/cbc:ID",
    "BT-16": "cac:DespatchDocumentReference/cbc:ID",
    "BT-17": "cac:OriginatorDocumentReference/cbc:ID",
    "BT-18": "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID",
    "BT-18-1": "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID/@schemeID",
    "BT-19": "cbc:AccountingCost",
    "BT-20": "cac:PaymentTerms/cbc:Note",
    "BT-21": "cbc:Note",
    "BT-22": "cbc:Note",
    "BT-23": "cbc:ProfileID",
    "BT-24": "cbc:CustomizationID",
    "BT-25": "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
    "BT-26": "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate",
    **_ubl_party(_SELLER, _SELLER_TERMS),
    "BT-32": f"{_SELLER}/cac:PartyTaxScheme[not({_VAT_SCHEME})]/cbc:CompanyID",
    "BT-33": f"{_SELLER}/cac:PartyLegalEntity/cbc:CompanyLegalForm",
    **_ubl_party(_BUYER, _BUYER_TERMS),
    "BT-59": "cac:PayeeParty/cac:PartyName/cbc:Name",
    "BT-60": "cac:PayeeParty/cac:PartyIdentification/cbc:ID[not(@schemeID='SEPA')]",
    "BT-60-1": "cac:PayeeParty/cac:PartyIdentification/cbc:ID[not(@schemeID='SEPA')]/@schemeID",
    "BT-61": "cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyID",
    "BT-61-1": "cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
    "BT-62": f"{_REPRESENTATIVE}/cac:PartyName/cbc:Name",
    "BT-63": f"{_REPRESENTATIVE}/cac:PartyTaxScheme/cbc:CompanyID",
    **dict(
        zip(
            ["BT-64", "BT-65", "BT-164", "BT-66", "BT-67", "BT-68", "BT-69"],
            _ubl_address(f"{_REPRESENTATIVE}/cac:PostalAddress").values(),
            strict=True,
        )
    ),
    "BT-70": "cac:Delivery/cac:DeliveryParty/cac:PartyName/cbc:Name",
    "BT-71": "cac:Delivery/cac:DeliveryLocation/cbc:ID",
    "BT-71-1": "cac:Delivery/cac:DeliveryLocation/cbc:ID/@schemeID",
    "BT-72": "cac:Delivery/cbc:ActualDeliveryDate",
    "BT-73": "cac:InvoicePeriod/cbc:StartDate",
    "BT-74": "cac:InvoicePeriod/cbc:EndDate",
    **dict(
        zip(
            ["BT-75", "BT-76", "BT-165", "BT-77", "BT-78", "BT-79", "BT-80"],
            _ubl_address(_DELIVERY_ADDRESS).values(),
            strict=True,
        )
    ),
    "BT-81": f"{_MEANS}/cbc:PaymentMeansCode",
    "BT-82": f"{_MEANS}/cbc:PaymentMeansCode/@name",
    "BT-83": f"{_MEANS}/cbc:PaymentID",
    "BT-84": f"{_ACCOUNT}/cbc:ID",
    "BT-85": f"{_ACCOUNT}/cbc:Name",
    "BT-86": f"{_ACCOUNT}/cac:FinancialInstitutionBranch/cbc:ID",
    "BT-87": f"{_MEANS}/cac:CardAccount/cbc:PrimaryAccountNumberID",
    "BT-88": f"{_MEANS}/cac:CardAccount/cbc:HolderName",
    "BT-89": f"{_MEANS}/cac:PaymentMandate/cbc:ID",
    "BT-90": f"(cac:PayeeParty|{_SELLER})/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']",
    "BT-91": f"{_MEANS}/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID",
    **_ubl_allowance_terms(
        _ubl_allowance("", charge=False),
        ["BT-92", "BT-93", "BT-94", "BT-97", "BT-98", "BT-95", "BT-96"],
    ),
    **_ubl_allowance_terms(
        _ubl_allowance("", charge=True),
        ["BT-99", "BT-100", "BT-101", "BT-104", "BT-105", "BT-102", "BT-103"],
    ),
    "BT-106": f"{_TOTALS}/cbc:LineExtensionAmount",
    "BT-107": f"{_TOTALS}/cbc:AllowanceTotalAmount",
    "BT-108": f"{_TOTALS}/cbc:ChargeTotalAmount",
    "BT-109": f"{_TOTALS}/cbc:TaxExclusiveAmount",
    "BT-110": "cac:TaxTotal/cbc:TaxAmount[@currencyID=/*/cbc:DocumentCurrencyCode]",
    "BT-111": "cac:TaxTotal/cbc:TaxAmount[@currencyID=/*/cbc:TaxCurrencyCode]",
    "BT-112": f"{_TOTALS}/cbc:TaxInclusiveAmount",
    "BT-113": f"{_TOTALS}/cbc:PrepaidAmount",
    "BT-114": f"{_TOTALS}/cbc:PayableRoundingAmount",
    "BT-115": f"{_TOTALS}/cbc:PayableAmount",
    "BT-116": "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
    "BT-117": "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount",
    "BT-118": "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID",
    "BT-119": "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent",
    "BT-120": "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason",
    "BT-121": "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode",
    "BT-122": f"{_DOCUMENT}/cbc:ID",
    "BT-123": f"{_DOCUMENT}/cbc:DocumentDescription",
    "BT-124": f"{_DOCUMENT}/cac:Attachment/cac:ExternalReference/cbc:URI",
    "BT-125": f"{_DOCUMENT}/cac:Attachment/cbc:EmbeddedDocumentBinaryObject",
    "BT-125-1": f"{_DOCUMENT}/cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@mimeCode",
    "BT-125-2": f"{_DOCUMENT}/cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@filename",
    "BT-126": f"{_LINE}/cbc:ID",
    "BT-127": f"{_LINE}/cbc:Note",
    "BT-128": f"{_LINE}/{_LINE_OBJECT}/cbc:ID",
    "BT-128-1": f"{_LINE}/{_LINE_OBJECT}/cbc:ID/@schemeID",
    "BT-129": f"{_LINE}/cbc:InvoicedQuantity|{_LINE}/cbc:CreditedQuantity",
    "BT-130": f"{_LINE}/cbc:InvoicedQuantity/@unitCode|{_LINE}/cbc:CreditedQuantity/@unitCode",
    "BT-131": f"{_LINE}/cbc:LineExtensionAmount",
    "BT-132": f"{_LINE}/cac:OrderLineReference/cbc:LineID",
    "BT-133": f"{_LINE}/cbc:AccountingCost",
    "BT-134": f"{_LINE}/cac:InvoicePeriod/cbc:StartDate",
    "BT-135": f"{_LINE}/cac:InvoicePeriod/cbc:EndDate",
    **_ubl_allowance_terms(
        _ubl_allowance(f"{_LINE}/", charge=False),
        ["BT-136", "BT-137", "BT-138", "BT-139", "BT-140"],
    ),
    **_ubl_allowance_terms(
        _ubl_allowance(f"{_LINE}/", charge=True),
        ["BT-141", "BT-142", "BT-143", "BT-144", "BT-145"],
    ),
    "BT-146": f"{_LINE}/cac:Price/cbc:PriceAmount",
    "BT-147": f"{_LINE}/cac:Price/cac:AllowanceCharge/cbc:Amount",
    "BT-148": f"{_LINE}/cac:Price/cac:AllowanceCharge/cbc:BaseAmount",
    "BT-149": f"{_LINE}/cac:Price/cbc:BaseQuantity",
    "BT-150": f"{_LINE}/cac:Price/cbc:BaseQuantity/@unitCode",
    "BT-151": f"{_LINE}/cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
    "BT-152": f"{_LINE}/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent",
    "BT-153": f"{_LINE}/cac:Item/cbc:Name",
    "BT-154": f"{_LINE}/cac:Item/cbc:Description",
    "BT-155": f"{_LINE}/cac:Item/cac:SellersItemIdentification/cbc:ID",
    "BT-156": f"{_LINE}/cac:Item/cac:BuyersItemIdentification/cbc:ID",
    "BT-157": f"{_LINE}/cac:Item/cac:StandardItemIdentification/cbc:ID",
    "BT-157-1": f"{_LINE}/cac:Item/cac:StandardItemIdentification/cbc:ID/@schemeID",
    "BT-158": f"{_LINE}/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
    "BT-158-1": f"{_LINE}/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode/@listID",
    "BT-158-2": f"{_LINE}/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode"
    "/@listVersionID",
    "BT-159": f"{_LINE}/cac:Item/cac:OriginCountry/cbc:IdentificationCode",
    "BT-160": f"{_LINE}/cac:Item/cac:AdditionalItemProperty/cbc:Name",
    "BT-161": f"{_LINE}/cac:Item/cac:AdditionalItemProperty/cbc:Value",
}

# ---------------------------------------------------------------- CII (EN 16931-3-3)
_CONTEXT = "rsm:ExchangedDocumentContext"
_HEAD = "rsm:ExchangedDocument"
_TRADE = "rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_TRADE}/ram:ApplicableHeaderTradeAgreement"
_HEADER_DELIVERY = f"{_TRADE}/ram:ApplicableHeaderTradeDelivery"
_SETTLEMENT = f"{_TRADE}/ram:ApplicableHeaderTradeSettlement"
_CII_MEANS = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
_CII_TERMS = f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
_SUMMATION = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_ITEM = f"{_TRADE}/ram:IncludedSupplyChainTradeLineItem"
_LINE_AGREEMENT = f"{_ITEM}/ram:SpecifiedLineTradeAgreement"
_LINE_SETTLEMENT = f"{_ITEM}/ram:SpecifiedLineTradeSettlement"
_PRODUCT = f"{_ITEM}/ram:SpecifiedTradeProduct"
_SHIP_TO = f"{_HEADER_DELIVERY}/ram:ShipToTradeParty"
_CII_REPRESENTATIVE = f"{_AGREEMENT}/ram:SellerTaxRepresentativeTradeParty"
# the binding types a supporting document 916; one without a type is read as one too
_CII_DOCUMENT = (
    f"{_AGREEMENT}/ram:AdditionalReferencedDocument[not(ram:TypeCode='130' or ram:TypeCode='50')]"
)
# BT-149 is the net price's base quantity, or the gross price's where the net price gives none
_NET_BASE = f"{_LINE_AGREEMENT}/ram:NetPriceProductTradePrice/ram:BasisQuantity"
_GROSS_BASE = (
    f"{_LINE_AGREEMENT}[not(ram:NetPriceProductTradePrice/ram:BasisQuantity)]"
    "/ram:GrossPriceProductTradePrice/ram:BasisQuantity"
)
_BASE_QUANTITY = f"{_NET_BASE}|{_GROSS_BASE}"
_OBJECT = "ram:AdditionalReferencedDocument[ram:TypeCode='130']"
_DATE = "udt:DateTimeString"


def _cii_allowance(parent: str, charge: bool) -> str:
    value = "true" if charge else "false"
    return (
        f"{parent}/ram:SpecifiedTradeAllowanceCharge"
        f"[normalize-space(ram:ChargeIndicator/udt:Indicator)='{value}']"
    )


def _cii_address(base: str) -> list[str]:
    return [
        f"{base}/ram:LineOne",
        f"{base}/ram:LineTwo",
        f"{base}/ram:LineThree",
        f"{base}/ram:CityName",
        f"{base}/ram:PostcodeCode",
        f"{base}/ram:CountrySubDivisionName",
        f"{base}/ram:CountryID",
    ]


def _cii_party(party: str, terms: list[str]) -> dict[str, str]:
    """The same terms as `_ubl_party`, in the same order."""
    contact = f"{party}/ram:DefinedTradeContact"
    identifier = f"{party}/ram:ID|{party}/ram:GlobalID"
    paths = [
        f"{party}/ram:Name",
        f"{party}/ram:SpecifiedLegalOrganization/ram:TradingBusinessName",
        identifier,
        f"{party}/ram:GlobalID/@schemeID",
        f"{party}/ram:SpecifiedLegalOrganization/ram:ID",
        f"{party}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID",
        f"{party}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
        f"{party}/ram:URIUniversalCommunication/ram:URIID",
        f"{party}/ram:URIUniversalCommunication/ram:URIID/@schemeID",
        *_cii_address(f"{party}/ram:PostalTradeAddress"),
        f"{contact}/ram:PersonName|{contact}[not(ram:PersonName)]/ram:DepartmentName",
        f"{contact}/ram:TelephoneUniversalCommunication/ram:CompleteNumber",
        f"{contact}/ram:EmailURIUniversalCommunication/ram:URIID",
    ]
    return dict(zip(terms, paths, strict=True))


def _cii_allowance_terms(base: str, terms: list[str]) -> dict[str, str]:
    paths = [
        f"{base}/ram:ActualAmount",
        f"{base}/ram:BasisAmount",
        f"{base}/ram:CalculationPercent",
        f"{base}/ram:Reason",
        f"{base}/ram:ReasonCode",
        f"{base}/ram:CategoryTradeTax/ram:CategoryCode",
        f"{base}/ram:CategoryTradeTax/ram:RateApplicablePercent",
    ]
    return dict(zip(terms, paths[: len(terms)], strict=True))


CII: dict[str, str] = {
    "BT-1": f"{_HEAD}/ram:ID",
    "BT-2": f"{_HEAD}/ram:IssueDateTime/{_DATE}",
    "BT-3": f"{_HEAD}/ram:TypeCode",
    "BT-5": f"{_SETTLEMENT}/ram:InvoiceCurrencyCode",
    "BT-6": f"{_SETTLEMENT}/ram:TaxCurrencyCode",
    "BT-7": f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString",
    "BT-8": f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode",
    "BT-9": f"{_CII_TERMS}/ram:DueDateDateTime/{_DATE}",
    "BT-10": f"{_AGREEMENT}/ram:BuyerReference",
    "BT-11": f"{_AGREEMENT}/ram:SpecifiedProcuringProject/ram:ID",
    "BT-12": f"{_AGREEMENT}/ram:ContractReferencedDocument/ram:IssuerAssignedID",
    "BT-13": f"{_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
    "BT-14": f"{_AGREEMENT}/ram:SellerOrderReferencedDocument/ram:IssuerAssignedID",
    "BT-15": f"{_HEADER_DELIVERY}/ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID",
    "BT-16": f"{_HEADER_DELIVERY}/ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID",
    "BT-17": f"{_AGREEMENT}/ram:AdditionalReferencedDocument[ram:TypeCode='50']"
    "/ram:IssuerAssignedID",
    "BT-18": f"{_AGREEMENT}/{_OBJECT}/ram:IssuerAssignedID",
    "BT-18-1": f"{_AGREEMENT}/{_OBJECT}/ram:ReferenceTypeCode",
    "BT-19": f"{_SETTLEMENT}/ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID",
    "BT-20": f"{_CII_TERMS}/ram:Description",
    "BT-21": f"{_HEAD}/ram:IncludedNote/ram:SubjectCode",
    "BT-22": f"{_HEAD}/ram:IncludedNote/ram:Content",
    "BT-23": f"{_CONTEXT}/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
    "BT-24": f"{_CONTEXT}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    "BT-25": f"{_SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
    "BT-26": f"{_SETTLEMENT}/ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime"
    "/qdt:DateTimeString",
    **_cii_party(f"{_AGREEMENT}/ram:SellerTradeParty", _SELLER_TERMS),
    "BT-32": f"{_AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration"
    "/ram:ID[@schemeID='FC']",
    "BT-33": f"{_AGREEMENT}/ram:SellerTradeParty/ram:Description",
    **_cii_party(f"{_AGREEMENT}/ram:BuyerTradeParty", _BUYER_TERMS),
    "BT-59": f"{_SETTLEMENT}/ram:PayeeTradeParty/ram:Name",
    "BT-60": f"{_SETTLEMENT}/ram:PayeeTradeParty/ram:ID|{_SETTLEMENT}/ram:PayeeTradeParty"
    "/ram:GlobalID",
    "BT-60-1": f"{_SETTLEMENT}/ram:PayeeTradeParty/ram:GlobalID/@schemeID",
    "BT-61": f"{_SETTLEMENT}/ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
    "BT-61-1": f"{_SETTLEMENT}/ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:ID/@schemeID",
    "BT-62": f"{_CII_REPRESENTATIVE}/ram:Name",
    "BT-63": f"{_CII_REPRESENTATIVE}/ram:SpecifiedTaxRegistration/ram:ID",
    **dict(
        zip(
            ["BT-64", "BT-65", "BT-164", "BT-66", "BT-67", "BT-68", "BT-69"],
            _cii_address(f"{_CII_REPRESENTATIVE}/ram:PostalTradeAddress"),
            strict=True,
        )
    ),
    "BT-70": f"{_SHIP_TO}/ram:Name",
    "BT-71": f"{_SHIP_TO}/ram:ID|{_SHIP_TO}/ram:GlobalID",
    "BT-71-1": f"{_SHIP_TO}/ram:GlobalID/@schemeID",
    "BT-72": f"{_HEADER_DELIVERY}/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime"
    f"/{_DATE}",
    "BT-73": f"{_SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:StartDateTime/{_DATE}",
    "BT-74": f"{_SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:EndDateTime/{_DATE}",
    **dict(
        zip(
            ["BT-75", "BT-76", "BT-165", "BT-77", "BT-78", "BT-79", "BT-80"],
            _cii_address(f"{_SHIP_TO}/ram:PostalTradeAddress"),
            strict=True,
        )
    ),
    "BT-81": f"{_CII_MEANS}/ram:TypeCode",
    "BT-82": f"{_CII_MEANS}/ram:Information",
    "BT-83": f"{_SETTLEMENT}/ram:PaymentReference",
    "BT-84": f"{_CII_MEANS}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID"
    f"|{_CII_MEANS}/ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID",
    "BT-85": f"{_CII_MEANS}/ram:PayeePartyCreditorFinancialAccount/ram:AccountName",
    "BT-86": f"{_CII_MEANS}/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID",
    "BT-87": f"{_CII_MEANS}/ram:ApplicableTradeSettlementFinancialCard/ram:ID",
    "BT-88": f"{_CII_MEANS}/ram:ApplicableTradeSettlementFinancialCard/ram:CardholderName",
    "BT-89": f"{_CII_TERMS}/ram:DirectDebitMandateID",
    "BT-90": f"{_SETTLEMENT}/ram:CreditorReferenceID",
    "BT-91": f"{_CII_MEANS}/ram:PayerPartyDebtorFinancialAccount/ram:IBANID",
    **_cii_allowance_terms(
        _cii_allowance(_SETTLEMENT, charge=False),
        ["BT-92", "BT-93", "BT-94", "BT-97", "BT-98", "BT-95", "BT-96"],
    ),
    **_cii_allowance_terms(
        _cii_allowance(_SETTLEMENT, charge=True),
        ["BT-99", "BT-100", "BT-101", "BT-104", "BT-105", "BT-102", "BT-103"],
    ),
    "BT-106": f"{_SUMMATION}/ram:LineTotalAmount",
    "BT-107": f"{_SUMMATION}/ram:AllowanceTotalAmount",
    "BT-108": f"{_SUMMATION}/ram:ChargeTotalAmount",
    "BT-109": f"{_SUMMATION}/ram:TaxBasisTotalAmount",
    "BT-110": f"{_SUMMATION}/ram:TaxTotalAmount[@currencyID=/*/{_SETTLEMENT}"
    "/ram:InvoiceCurrencyCode]",
    "BT-111": f"{_SUMMATION}/ram:TaxTotalAmount[@currencyID=/*/{_SETTLEMENT}/ram:TaxCurrencyCode]",
    "BT-112": f"{_SUMMATION}/ram:GrandTotalAmount",
    "BT-113": f"{_SUMMATION}/ram:TotalPrepaidAmount",
    "BT-114": f"{_SUMMATION}/ram:RoundingAmount",
    "BT-115": f"{_SUMMATION}/ram:DuePayableAmount",
    "BT-116": f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:BasisAmount",
    "BT-117": f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount",
    "BT-118": f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode",
    "BT-119": f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent",
    "BT-120": f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReason",
    "BT-121": f"{_SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReasonCode",
    "BT-122": f"{_CII_DOCUMENT}/ram:IssuerAssignedID",
    "BT-123": f"{_CII_DOCUMENT}/ram:Name",
    "BT-124": f"{_CII_DOCUMENT}/ram:URIID",
    "BT-125": f"{_CII_DOCUMENT}/ram:AttachmentBinaryObject",
    "BT-125-1": f"{_CII_DOCUMENT}/ram:AttachmentBinaryObject/@mimeCode",
    "BT-125-2": f"{_CII_DOCUMENT}/ram:AttachmentBinaryObject/@filename",
    "BT-126": f"{_ITEM}/ram:AssociatedDocumentLineDocument/ram:LineID",
    "BT-127": f"{_ITEM}/ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content",
    "BT-128": f"{_LINE_SETTLEMENT}/{_OBJECT}/ram:IssuerAssignedID",
    "BT-128-1": f"{_LINE_SETTLEMENT}/{_OBJECT}/ram:ReferenceTypeCode",
    "BT-129": f"{_ITEM}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
    "BT-130": f"{_ITEM}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
    "BT-131": f"{_LINE_SETTLEMENT}/ram:SpecifiedTradeSettlementLineMonetarySummation"
    "/ram:LineTotalAmount",
    "BT-132": f"{_LINE_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:LineID",
    "BT-133": f"{_LINE_SETTLEMENT}/ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID",
    "BT-134": f"{_LINE_SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:StartDateTime/{_DATE}",
    "BT-135": f"{_LINE_SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:EndDateTime/{_DATE}",
    **_cii_allowance_terms(
        _cii_allowance(_LINE_SETTLEMENT, charge=False),
        ["BT-136", "BT-137", "BT-138", "BT-139", "BT-140"],
    ),
    **_cii_allowance_terms(
        _cii_allowance(_LINE_SETTLEMENT, charge=True),
        ["BT-141", "BT-142", "BT-143", "BT-144", "BT-145"],
    ),
    "BT-146": f"{_LINE_AGREEMENT}/ram:NetPriceProductTradePrice/ram:ChargeAmount",
    "BT-147": f"{_LINE_AGREEMENT}/ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge"
    "/ram:ActualAmount",
    "BT-148": f"{_LINE_AGREEMENT}/ram:GrossPriceProductTradePrice/ram:ChargeAmount",
    "BT-149": _BASE_QUANTITY,
    "BT-150": f"{_NET_BASE}/@unitCode|{_GROSS_BASE}/@unitCode",
    "BT-151": f"{_LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode",
    "BT-152": f"{_LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent",
    "BT-153": f"{_PRODUCT}/ram:Name",
    "BT-154": f"{_PRODUCT}/ram:Description",
    "BT-155": f"{_PRODUCT}/ram:SellerAssignedID",
    "BT-156": f"{_PRODUCT}/ram:BuyerAssignedID",
    "BT-157": f"{_PRODUCT}/ram:GlobalID",
    "BT-157-1": f"{_PRODUCT}/ram:GlobalID/@schemeID",
    "BT-158": f"{_PRODUCT}/ram:DesignatedProductClassification/ram:ClassCode",
    "BT-158-1": f"{_PRODUCT}/ram:DesignatedProductClassification/ram:ClassCode/@listID",
    "BT-158-2": f"{_PRODUCT}/ram:DesignatedProductClassification/ram:ClassCode/@listVersionID",
    "BT-159": f"{_PRODUCT}/ram:OriginTradeCountry/ram:ID",
    "BT-160": f"{_PRODUCT}/ram:ApplicableProductCharacteristic/ram:Description",
    "BT-161": f"{_PRODUCT}/ram:ApplicableProductCharacteristic/ram:Value",
}

SYNTAXES = {"ubl": UBL, "cii": CII}
