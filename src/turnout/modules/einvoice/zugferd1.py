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

The terms ZUGFeRD 1 shares with EN 16931 are read as for CII D16B (`cii_parties`,
`cii_settlement`, `cii_lines`): parties with addresses and contacts, notes, payment means,
allowances and charges, VAT exemption reasons, invoicing period, delivery and line details. Its
referenced documents carry their number in `ram:ID`. Elements it has that EN 16931 has no place
for (the invoicee, logistics charges, a free-text position) are kept verbatim as extensions.

A line item that carries only a note (ZUGFeRD 1 allows free-text positions: no product, no
quantity, no amount) is not an invoice line: it is kept as an extension. A line without
`ram:LineID` (BASIC has none) keeps its id None; none is invented.
"""

from __future__ import annotations

from decimal import Decimal

from turnout.authoring import Invoice, Totals
from turnout.modules.einvoice.cii import notes
from turnout.modules.einvoice.cii_common import (
    Dialect,
    allowances_and_charges,
    calendar_day,
    period,
)
from turnout.modules.einvoice.cii_extensions import outermost, unknown_elements
from turnout.modules.einvoice.cii_lines import line, price_surcharges
from turnout.modules.einvoice.cii_parties import delivery, party, payee
from turnout.modules.einvoice.cii_settlement import (
    due_date,
    payment,
    payment_terms,
    tax_total,
    vat_breakdown,
)
from turnout.modules.einvoice.reading import Element, TreeReader, decimal_of, text_of
from turnout.modules.einvoice.siblings import extensions_of
from turnout.modules.einvoice.zugferd1_known import KNOWN_ZUGFERD1, NAMESPACES

_zf1 = TreeReader(NAMESPACES)
ZUGFERD1 = Dialect(
    _zf1,
    rate="ram:ApplicablePercent",
    line_agreement="ram:SpecifiedSupplyChainTradeAgreement",
    line_delivery="ram:SpecifiedSupplyChainTradeDelivery",
    line_settlement="ram:SpecifiedSupplyChainTradeSettlement",
    line_summation="ram:SpecifiedTradeSettlementMonetarySummation",
    line_account="ram:SpecifiedTradeAccountingAccount",
    dates_102_only=False,
)
_DATE_TIME = f"{{{NAMESPACES['udt']}}}DateTimeString"
_TRANSACTION = "rsm:SpecifiedSupplyChainTradeTransaction"


def read_zugferd1(root: Element) -> tuple[str | None, Invoice]:
    """The profile (guideline id) and canonical invoice of a ZUGFeRD 1 `CrossIndustryDocument`."""
    document = _zf1.find(root, "rsm:HeaderExchangedDocument")
    transaction = _zf1.find(root, _TRANSACTION)
    agreement = _zf1.find(transaction, "ram:ApplicableSupplyChainTradeAgreement")
    header_delivery = _zf1.find(transaction, "ram:ApplicableSupplyChainTradeDelivery")
    settlement = _zf1.find(transaction, "ram:ApplicableSupplyChainTradeSettlement")
    currency = _zf1.text(settlement, "ram:InvoiceCurrencyCode")
    items = _zf1.findall(transaction, "ram:IncludedSupplyChainTradeLineItem")
    allowances, charges = allowances_and_charges(ZUGFERD1, settlement, with_vat=True)
    profile = _zf1.text(
        root,
        "rsm:SpecifiedExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter"
        "/ram:ID",
    )
    free_text: list[Element] = []  # free-text positions have no term: kept as extensions
    priced: list[Element] = []
    for item in items:
        (free_text if _note_only(item) else priced).append(item)
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
        vat_breakdown=vat_breakdown(ZUGFERD1, settlement),
        lines=[line(ZUGFERD1, item) for item in priced],
        contract_reference=_zf1.text(agreement, "ram:ContractReferencedDocument/ram:ID"),
        despatch_advice_reference=_zf1.text(
            header_delivery, "ram:DespatchAdviceReferencedDocument/ram:ID"
        ),
        buyer_accounting_reference=_zf1.text(
            settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"
        ),
        payment_terms=payment_terms(ZUGFERD1, settlement),
        notes=notes(_zf1, document),
        specification_id=profile,
        payee=payee(ZUGFERD1, _zf1.find(settlement, "ram:PayeeTradeParty")),
        delivery=delivery(ZUGFERD1, header_delivery),
        invoicing_period=period(
            ZUGFERD1,
            _zf1.find(settlement, "ram:BillingSpecifiedPeriod"),
            "BT-73 invoicing period start date",
            "BT-74 invoicing period end date",
        ),
        allowances=allowances,
        charges=charges,
        extensions=extensions_of(_unmapped(root, items, free_text)),
    )
    return profile, invoice


def _unmapped(root: Element, items: list[Element], free_text: list[Element]) -> list[Element]:
    """The elements EN 16931 has no place for, outermost only: unknown ones, free-text positions,
    surcharges on a gross price and dates that are not calendar days."""
    found = unknown_elements(root, KNOWN_ZUGFERD1) + free_text + price_surcharges(ZUGFERD1, items)
    for date in root.iter(_DATE_TIME):
        if calendar_day(date) is None and text_of(date) is not None:
            holder = date.getparent()
            found.extend(() if holder is None else (holder,))
    return outermost(found)


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
        tax=decimal_of(
            tax_total(_zf1.findall(summation, "ram:TaxTotalAmount"), currency), "BT-110 total VAT"
        ),
        tax_inclusive=grand_total,
        prepaid=prepaid,
        rounding=None,  # ZUGFeRD 1 has no rounding amount
        payable=payable,
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
