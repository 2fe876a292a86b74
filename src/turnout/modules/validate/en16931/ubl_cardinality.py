"""UBL-SR cardinality rules as XPaths that select the offending elements (UBL documents only).

Each entry maps a UBL-SR rule id to its message and an XPath, evaluated on the invoice root, that
returns every element breaking the rule (an empty result means the rule holds). `ubl_paths`
exposes them as the terms `violations:<rule id>`, and their union as `violations:any`; CII
documents have no such terms, so the engine skips these rules there.
"""

from __future__ import annotations

_SELLER = "cac:AccountingSupplierParty/cac:Party"
_BUYER = "cac:AccountingCustomerParty/cac:Party"
_VAT = "normalize-space(translate(cac:TaxScheme/cbc:ID, 'vat', 'VAT'))='VAT'"
_LINES = "(cac:InvoiceLine|cac:CreditNoteLine)"


ANY_VIOLATION = "violations:any"


def _second(path: str) -> str:
    """The second occurrence of `path`: present exactly when it occurs more than once."""
    return f"({path})[2]"


CARDINALITY: dict[str, tuple[str, str]] = {
    "UBL-SR-01": (
        "Contract identifier shall occur maximum once.",
        _second("cac:ContractDocumentReference/cbc:ID"),
    ),
    "UBL-SR-02": (
        "Receive advice identifier shall occur maximum once.",
        _second("cac:ReceiptDocumentReference/cbc:ID"),
    ),
    "UBL-SR-03": (
        "Despatch advice identifier shall occur maximum once.",
        _second("cac:DespatchDocumentReference/cbc:ID"),
    ),
    "UBL-SR-04": (
        "Invoice object identifier shall occur maximum once.",
        _second("cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID"),
    ),
    "UBL-SR-05": ("Payment terms shall occur maximum once.", _second("cac:PaymentTerms/cbc:Note")),
    "UBL-SR-08": ("Invoice period shall occur maximum once.", _second("cac:InvoicePeriod")),
    "UBL-SR-09": (
        "Seller name shall occur maximum once.",
        _second(f"{_SELLER}/cac:PartyLegalEntity/cbc:RegistrationName"),
    ),
    "UBL-SR-10": (
        "Seller trader name shall occur maximum once.",
        _second(f"{_SELLER}/cac:PartyName/cbc:Name"),
    ),
    "UBL-SR-11": (
        "Seller legal registration identifier shall occur maximum once.",
        _second(f"{_SELLER}/cac:PartyLegalEntity/cbc:CompanyID"),
    ),
    "UBL-SR-12": (
        "Seller VAT identifier shall occur maximum once.",
        _second(f"{_SELLER}/cac:PartyTaxScheme[{_VAT}]/cbc:CompanyID"),
    ),
    "UBL-SR-13": (
        "Seller tax registration shall occur maximum once.",
        _second(f"{_SELLER}/cac:PartyTaxScheme[not({_VAT})]/cbc:CompanyID"),
    ),
    "UBL-SR-14": (
        "Seller additional legal information shall occur maximum once.",
        _second(f"{_SELLER}/cac:PartyLegalEntity/cbc:CompanyLegalForm"),
    ),
    "UBL-SR-15": (
        "Buyer name shall occur maximum once.",
        _second(f"{_BUYER}/cac:PartyLegalEntity/cbc:RegistrationName"),
    ),
    "UBL-SR-16": (
        "Buyer identifier shall occur maximum once.",
        _second(f"{_BUYER}/cac:PartyIdentification/cbc:ID"),
    ),
    "UBL-SR-17": (
        "Buyer legal registration identifier shall occur maximum once.",
        _second(f"{_BUYER}/cac:PartyLegalEntity/cbc:CompanyID"),
    ),
    "UBL-SR-18": (
        "Buyer VAT identifier shall occur maximum once.",
        _second(f"{_BUYER}/cac:PartyTaxScheme[{_VAT}]/cbc:CompanyID"),
    ),
    "UBL-SR-19": (
        "Payee name shall occur maximum once, if the Payee is different from the Seller.",
        _second("cac:PayeeParty/cac:PartyName/cbc:Name"),
    ),
    "UBL-SR-20": (
        "Payee identifier shall occur maximum once, if the Payee is different from the Seller.",
        _second("cac:PayeeParty/cac:PartyIdentification/cbc:ID[not(@schemeID='SEPA')]"),
    ),
    "UBL-SR-21": (
        "Payee legal registration identifier shall occur maximum once, if the Payee is different from the Seller.",
        _second("cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyID"),
    ),
    "UBL-SR-22": (
        "Seller tax representative name shall occur maximum once, if the Seller has a tax representative.",
        _second("cac:TaxRepresentativeParty/cac:PartyName/cbc:Name"),
    ),
    "UBL-SR-23": (
        "Seller tax representative VAT identifier shall occur maximum once, if the Seller has a tax representative.",
        _second("cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:CompanyID"),
    ),
    "UBL-SR-24": ("Deliver to information shall occur maximum once.", _second("cac:Delivery")),
    "UBL-SR-25": (
        "Deliver to party name shall occur maximum once.",
        _second("cac:Delivery/cac:DeliveryParty/cac:PartyName/cbc:Name"),
    ),
    "UBL-SR-28": (
        "Mandate reference identifier shall occur maximum once.",
        _second("cac:PaymentMeans/cac:PaymentMandate/cbc:ID"),
    ),
    "UBL-SR-30": (
        "Document level allowance reason shall occur maximum once.",
        "cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator)='false']/cbc:AllowanceChargeReason[2]",
    ),
    "UBL-SR-31": (
        "Document level charge reason shall occur maximum once.",
        "cac:AllowanceCharge[normalize-space(cbc:ChargeIndicator)='true']/cbc:AllowanceChargeReason[2]",
    ),
    "UBL-SR-32": (
        "VAT exemption reason text shall occur maximum once.",
        "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason[2]",
    ),
    "UBL-SR-33": (
        "Supporting document description shall occur maximum once.",
        "cac:AdditionalDocumentReference/cbc:DocumentDescription[2]",
    ),
    "UBL-SR-34": ("Invoice line note shall occur maximum once.", f"{_LINES}/cbc:Note[2]"),
    "UBL-SR-35": (
        "Referenced purchase order line identifier shall occur maximum once.",
        f"{_LINES}/cac:OrderLineReference[2]",
    ),
    "UBL-SR-36": (
        "Invoice line period shall occur maximum once.",
        f"{_LINES}/cac:InvoicePeriod[2]",
    ),
    "UBL-SR-37": (
        "Item price discount shall occur maximum once.",
        f"{_LINES}/cac:Price/cac:AllowanceCharge[2]",
    ),
    "UBL-SR-39": (
        "Project reference shall occur maximum once.",
        _second("cac:ProjectReference/cbc:ID"),
    ),
    "UBL-SR-40": (
        "Buyer trade name shall occur maximum once.",
        _second(f"{_BUYER}/cac:PartyName/cbc:Name"),
    ),
    "UBL-SR-45": (
        "Due Date shall occur maximum once.",
        _second("cac:PaymentMeans/cbc:PaymentDueDate"),
    ),
    "UBL-SR-48": (
        "Invoice lines shall have one and only one classified tax category.",
        f"{_LINES}/cac:Item/cac:ClassifiedTaxCategory[2]",
    ),
    "UBL-SR-49": ("Value tax point date shall occur maximum once.", _second("cbc:TaxPointDate")),
    "UBL-SR-50": (
        "Item description shall occur maximum once.",
        f"{_LINES}/cac:Item/cbc:Description[2]",
    ),
    "UBL-SR-51": (
        "An address can only have one third line.",
        ".//cac:PostalAddress/cac:AddressLine[2]|.//cac:Address/cac:AddressLine[2]",
    ),
    "UBL-SR-54": (
        "An Invoice shall contain maximum one Payment Card account (BG-18).",
        _second("cac:PaymentMeans/cac:CardAccount"),
    ),
    "UBL-SR-55": (
        "An Invoice shall contain maximum one Payment Mandate (BG-19).",
        _second("cac:PaymentMeans/cac:PaymentMandate"),
    ),
    "UBL-SR-56": (
        "An Invoice shall contain maximum one Originator document reference identifier (BT-17).",
        _second("cac:OriginatorDocumentReference/cbc:ID"),
    ),
}

TERMS = {("invoice", f"violations:{rule_id}"): xpath for rule_id, (_, xpath) in CARDINALITY.items()}
# Every rule's offending elements in one query: a valid document (nearly all of them) needs this
# one evaluation instead of one a rule; the rules' own queries run only when it finds something.
TERMS[("invoice", ANY_VIOLATION)] = "|".join(f"({xpath})" for _, xpath in CARDINALITY.values())
