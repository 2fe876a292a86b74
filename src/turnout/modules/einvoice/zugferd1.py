"""ZUGFeRD 1.0 (`rsm:CrossIndustryDocument`, profiles BASIC, COMFORT, EXTENDED) → the canonical invoice.

ZUGFeRD 1 predates EN 16931 and uses an older UN/CEFACT CII vocabulary than CII D16B: the header
is `rsm:HeaderExchangedDocument`, the transaction `rsm:SpecifiedSupplyChainTradeTransaction` with
`ram:ApplicableSupplyChainTradeAgreement` / `...Delivery` / `...Settlement`, the header totals
`ram:SpecifiedTradeSettlementMonetarySummation`, the VAT rate `ram:ApplicablePercent`, the order
reference `ram:BuyerOrderReferencedDocument/ram:ID`, and a line's agreement, delivery and
settlement are `ram:SpecifiedSupplyChainTradeAgreement` / `...Delivery` / `...Settlement`.
Dates are `udt:DateTimeString` in format 102 (YYYYMMDD), as in CII D16B.

The amount due is optional in ZUGFeRD 1 (BASIC has none); when it is absent it is the grand
total less the prepaid amount, as EN 16931 defines it (BR-CO-16). There is no rounding amount.

A line item that carries only a note (ZUGFeRD 1 allows free-text positions: no product, no
quantity, no amount) is not an invoice line and is left out. A line without `ram:LineID` (BASIC
has none) keeps its id None; none is invented.
"""

from __future__ import annotations

from decimal import Decimal

from turnout.domain.invoice import Invoice, InvoiceLine, Totals, VatBreakdown
from turnout.modules.einvoice.cii_common import Dialect
from turnout.modules.einvoice.cii_parties import party
from turnout.modules.einvoice.cii_settlement import due_date, payment
from turnout.modules.einvoice.reading import Element, TreeReader, decimal_of

NAMESPACES = {
    "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
}

_zf1 = TreeReader(NAMESPACES)
ZUGFERD1 = Dialect(
    _zf1,
    rate="ram:ApplicablePercent",
    line_agreement="ram:SpecifiedSupplyChainTradeAgreement",
    line_delivery="ram:SpecifiedSupplyChainTradeDelivery",
    line_settlement="ram:SpecifiedSupplyChainTradeSettlement",
    line_summation="ram:SpecifiedTradeSettlementMonetarySummation",
)
_TRANSACTION = "rsm:SpecifiedSupplyChainTradeTransaction"


def read_zugferd1(root: Element) -> tuple[str | None, Invoice]:
    """The profile (guideline id) and canonical invoice of a ZUGFeRD 1 `CrossIndustryDocument`."""
    document = _zf1.find(root, "rsm:HeaderExchangedDocument")
    transaction = _zf1.find(root, _TRANSACTION)
    agreement = _zf1.find(transaction, "ram:ApplicableSupplyChainTradeAgreement")
    settlement = _zf1.find(transaction, "ram:ApplicableSupplyChainTradeSettlement")
    currency = _zf1.text(settlement, "ram:InvoiceCurrencyCode")
    items = _zf1.findall(transaction, "ram:IncludedSupplyChainTradeLineItem")
    invoice = Invoice(
        invoice_number=_zf1.text(document, "ram:ID"),
        issue_date=_zf1.date_102(
            document, "ram:IssueDateTime/udt:DateTimeString", "BT-2 issue date"
        ),
        type_code=_zf1.text(document, "ram:TypeCode"),
        currency=currency,
        due_date=due_date(ZUGFERD1, settlement),
        buyer_reference=_zf1.text(agreement, "ram:BuyerReference"),
        order_reference=_zf1.text(agreement, "ram:BuyerOrderReferencedDocument/ram:ID"),
        seller=party(ZUGFERD1, _zf1.find(agreement, "ram:SellerTradeParty")),
        buyer=party(ZUGFERD1, _zf1.find(agreement, "ram:BuyerTradeParty")),
        payment=payment(ZUGFERD1, settlement),
        totals=_totals(
            _zf1.find(settlement, "ram:SpecifiedTradeSettlementMonetarySummation"), currency
        ),
        vat_breakdown=[_vat(t) for t in _zf1.findall(settlement, "ram:ApplicableTradeTax")],
        lines=[_line(item) for item in items if not _note_only(item)],
    )
    profile = _zf1.text(
        root,
        "rsm:SpecifiedExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter"
        "/ram:ID",
    )
    return profile, invoice


def _totals(summation: Element | None, currency: str | None) -> Totals:
    def amount(name: str, term: str) -> Decimal | None:
        return _zf1.decimal(summation, f"ram:{name}", term)

    grand_total = amount("GrandTotalAmount", "BT-112 total with VAT")
    prepaid = amount("TotalPrepaidAmount", "BT-113 paid amount")
    payable = amount("DuePayableAmount", "BT-115 amount due")
    if payable is None and grand_total is not None:
        # BASIC has no amount due: it is the grand total less what was paid (BR-CO-16).
        payable = grand_total - prepaid if prepaid is not None else grand_total
    return Totals(
        line_net=amount("LineTotalAmount", "BT-106 sum of line net amounts"),
        allowances=amount("AllowanceTotalAmount", "BT-107 sum of allowances"),
        charges=amount("ChargeTotalAmount", "BT-108 sum of charges"),
        tax_exclusive=amount("TaxBasisTotalAmount", "BT-109 total without VAT"),
        tax=decimal_of(_tax_total(summation, currency), "BT-110 total VAT"),
        tax_inclusive=grand_total,
        prepaid=prepaid,
        rounding=None,  # ZUGFeRD 1 has no rounding amount
        payable=payable,
    )


def _tax_total(summation: Element | None, currency: str | None) -> Element | None:
    """The TaxTotalAmount in the invoice currency; else the first one without a currency."""
    amounts = _zf1.findall(summation, "ram:TaxTotalAmount")
    for amount in amounts:
        if currency and amount.get("currencyID") == currency:
            return amount
    unlabelled = [a for a in amounts if a.get("currencyID") is None]
    return unlabelled[0] if unlabelled else None


def _vat(tax: Element) -> VatBreakdown:
    return VatBreakdown(
        category=_zf1.text(tax, "ram:CategoryCode"),
        rate=_zf1.decimal(tax, "ram:ApplicablePercent", "BT-119 VAT rate"),
        taxable=_zf1.decimal(tax, "ram:BasisAmount", "BT-116 VAT taxable amount"),
        tax=_zf1.decimal(tax, "ram:CalculatedAmount", "BT-117 VAT amount"),
    )


_LINE_AMOUNT = (
    "ram:SpecifiedSupplyChainTradeSettlement/ram:SpecifiedTradeSettlementMonetarySummation"
    "/ram:LineTotalAmount"
)
_QUANTITY = "ram:SpecifiedSupplyChainTradeDelivery/ram:BilledQuantity"


def _note_only(item: Element) -> bool:
    """A free-text position: no product, no billed quantity and no line amount."""
    return (
        _zf1.find(item, "ram:SpecifiedTradeProduct") is None
        and _zf1.text(item, _QUANTITY) is None
        and _zf1.text(item, _LINE_AMOUNT) is None
    )


def _line(item: Element) -> InvoiceLine:
    settlement = _zf1.find(item, "ram:SpecifiedSupplyChainTradeSettlement")
    quantity = _zf1.find(item, _QUANTITY)
    unit = quantity.get("unitCode") if quantity is not None else None
    return InvoiceLine(
        id=_zf1.text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        name=_zf1.text(item, "ram:SpecifiedTradeProduct/ram:Name"),
        quantity=decimal_of(quantity, "BT-129 invoiced quantity"),
        unit=(unit.strip() or None) if unit else None,
        net_price=_zf1.decimal(
            item,
            "ram:SpecifiedSupplyChainTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
            "BT-146 item net price",
        ),
        net_amount=_zf1.decimal(item, _LINE_AMOUNT, "BT-131 line net amount"),
        vat_category=_zf1.text(settlement, "ram:ApplicableTradeTax/ram:CategoryCode"),
        vat_rate=_zf1.decimal(
            settlement, "ram:ApplicableTradeTax/ram:ApplicablePercent", "BT-152 VAT rate"
        ),
    )
