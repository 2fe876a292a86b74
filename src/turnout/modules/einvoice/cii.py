"""UN/CEFACT Cross Industry Invoice (D16B) → the canonical invoice (Factur-X, ZUGFeRD 2, XRechnung).

Paths follow the EN 16931-3-3 binding. Dates are `udt:DateTimeString` in format 102 (YYYYMMDD).
BT-110 is the `ram:TaxTotalAmount` whose `currencyID` is the invoice currency (a second one may
carry the VAT accounting currency, BT-111). The VAT breakdown is the header-level
`ram:ApplicableTradeTax`, not the line-level one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from turnout.domain.invoice import Invoice, InvoiceLine, Party, Payment, Totals, VatBreakdown
from turnout.modules.einvoice.reading import Element, TreeReader, decimal_of, text_of

NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}

_cii = TreeReader(NAMESPACES)
_TRANSACTION = "rsm:SupplyChainTradeTransaction"


def read_cii(root: Element) -> tuple[str | None, Invoice]:
    """The profile (BT-24) and canonical invoice of a CII `CrossIndustryInvoice` root."""
    document = _cii.find(root, "rsm:ExchangedDocument")
    transaction = _cii.find(root, _TRANSACTION)
    agreement = _cii.find(transaction, "ram:ApplicableHeaderTradeAgreement")
    settlement = _cii.find(transaction, "ram:ApplicableHeaderTradeSettlement")
    currency = _cii.text(settlement, "ram:InvoiceCurrencyCode")
    invoice = Invoice(
        invoice_number=_cii.text(document, "ram:ID"),
        issue_date=_cii.date_102(
            document, "ram:IssueDateTime/udt:DateTimeString", "BT-2 issue date"
        ),
        type_code=_cii.text(document, "ram:TypeCode"),
        currency=currency,
        due_date=due_date(_cii, settlement),
        buyer_reference=_cii.text(agreement, "ram:BuyerReference"),
        order_reference=_cii.text(
            agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        seller=party(_cii, _cii.find(agreement, "ram:SellerTradeParty")),
        buyer=party(_cii, _cii.find(agreement, "ram:BuyerTradeParty")),
        payment=payment(_cii, settlement),
        totals=_totals(
            _cii.find(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation"), currency
        ),
        vat_breakdown=[_vat(t) for t in _cii.findall(settlement, "ram:ApplicableTradeTax")],
        lines=[_line(i) for i in _cii.findall(transaction, "ram:IncludedSupplyChainTradeLineItem")],
    )
    profile = _cii.text(
        root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    )
    return profile, invoice


def due_date(reader: TreeReader, settlement: Element | None) -> dt.date | None:
    """BT-9: the first payment terms with a due date (CII D16B and ZUGFeRD 1 alike)."""
    for terms in reader.findall(settlement, "ram:SpecifiedTradePaymentTerms"):
        due = reader.date_102(terms, "ram:DueDateDateTime/udt:DateTimeString", "BT-9 due date")
        if due is not None:
            return due
    return None


def party(reader: TreeReader, element: Element | None) -> Party:
    """A trade party: name, VAT id (the registration of scheme VA), country."""
    vat_id = None
    for registration in reader.findall(element, "ram:SpecifiedTaxRegistration/ram:ID"):
        if registration.get("schemeID") == "VA":
            vat_id = text_of(registration)
            break
    return Party(
        name=reader.text(element, "ram:Name"),
        vat_id=vat_id,
        country=reader.text(element, "ram:PostalTradeAddress/ram:CountryID"),
    )


def payment(reader: TreeReader, settlement: Element | None) -> Payment:
    """The first payment means with an IBAN (BT-84), and its BIC (BT-86)."""
    for means in reader.findall(settlement, "ram:SpecifiedTradeSettlementPaymentMeans"):
        iban = reader.text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        if iban is not None:
            return Payment(
                iban=iban,
                bic=reader.text(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
            )
    return Payment()


def _totals(summation: Element | None, currency: str | None) -> Totals:
    def amount(name: str, term: str) -> Decimal | None:
        return _cii.decimal(summation, f"ram:{name}", term)

    return Totals(
        line_net=amount("LineTotalAmount", "BT-106 sum of line net amounts"),
        allowances=amount("AllowanceTotalAmount", "BT-107 sum of allowances"),
        charges=amount("ChargeTotalAmount", "BT-108 sum of charges"),
        tax_exclusive=amount("TaxBasisTotalAmount", "BT-109 total without VAT"),
        tax=decimal_of(_tax_total(summation, currency), "BT-110 total VAT"),
        tax_inclusive=amount("GrandTotalAmount", "BT-112 total with VAT"),
        prepaid=amount("TotalPrepaidAmount", "BT-113 paid amount"),
        rounding=amount("RoundingAmount", "BT-114 rounding amount"),
        payable=amount("DuePayableAmount", "BT-115 amount due"),
    )


def _tax_total(summation: Element | None, currency: str | None) -> Element | None:
    """The TaxTotalAmount in the invoice currency; the only one when none names a currency."""
    amounts = _cii.findall(summation, "ram:TaxTotalAmount")
    for amount in amounts:
        if currency and amount.get("currencyID") == currency:
            return amount
    unlabelled = [a for a in amounts if a.get("currencyID") is None]
    return unlabelled[0] if unlabelled else None


def _vat(tax: Element) -> VatBreakdown:
    return VatBreakdown(
        category=_cii.text(tax, "ram:CategoryCode"),
        rate=_cii.decimal(tax, "ram:RateApplicablePercent", "BT-119 VAT rate"),
        taxable=_cii.decimal(tax, "ram:BasisAmount", "BT-116 VAT taxable amount"),
        tax=_cii.decimal(tax, "ram:CalculatedAmount", "BT-117 VAT amount"),
    )


def _line(item: Element) -> InvoiceLine:
    settlement = _cii.find(item, "ram:SpecifiedLineTradeSettlement")
    quantity = _cii.find(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    unit = quantity.get("unitCode") if quantity is not None else None
    return InvoiceLine(
        id=_cii.text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        name=_cii.text(item, "ram:SpecifiedTradeProduct/ram:Name"),
        quantity=decimal_of(quantity, "BT-129 invoiced quantity"),
        unit=(unit.strip() or None) if unit else None,
        net_price=_cii.decimal(
            item,
            "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
            "BT-146 item net price",
        ),
        net_amount=_cii.decimal(
            settlement,
            "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            "BT-131 line net amount",
        ),
        vat_category=_cii.text(settlement, "ram:ApplicableTradeTax/ram:CategoryCode"),
        vat_rate=_cii.decimal(
            settlement, "ram:ApplicableTradeTax/ram:RateApplicablePercent", "BT-152 VAT rate"
        ),
    )
