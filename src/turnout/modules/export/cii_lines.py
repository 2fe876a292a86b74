"""An invoice line (BG-25) as `ram:IncludedSupplyChainTradeLineItem`, and allowances/charges.

The line item holds, in the D16B schema's order: the line document (BT-126, BT-127), the product
(BT-157, BT-155, BT-156, BT-153, BT-154, BG-32, BT-158, BT-159), the line agreement (BT-132, the
gross price BT-148 with its discount BT-147, the net price BT-146 with its base quantity BT-149,
BT-150), the billed quantity (BT-129, BT-130) and the line settlement (BT-151, BT-152, BG-26,
BG-27, BG-28, BT-131, BT-128, BT-133).
"""

from __future__ import annotations

from turnout.authoring import AllowanceCharge, InvoiceLine
from turnout.modules.export.cii_xml import (
    Element,
    date_time,
    indicator,
    ram,
    text,
    vat_scheme,
)

# UNTDID 1001 "invoiced object identifier" document type of BT-18 and BT-128
INVOICED_OBJECT = "130"


def line_item(parent: Element, line: InvoiceLine) -> None:
    """One `ram:IncludedSupplyChainTradeLineItem`."""
    item = ram(parent, "IncludedSupplyChainTradeLineItem")
    document = ram(item, "AssociatedDocumentLineDocument")
    text(document, "LineID", line.id)
    text(ram(document, "IncludedNote"), "Content", line.note)
    _product(ram(item, "SpecifiedTradeProduct"), line)
    _agreement(ram(item, "SpecifiedLineTradeAgreement"), line)
    quantity_unit = line.unit if line.quantity is not None else None
    delivery = ram(item, "SpecifiedLineTradeDelivery")
    text(delivery, "BilledQuantity", line.quantity, unitCode=quantity_unit)
    _settlement(ram(item, "SpecifiedLineTradeSettlement"), line)


def _product(product: Element, line: InvoiceLine) -> None:
    if line.standard_id is not None:
        standard = line.standard_id
        text(product, "GlobalID", standard.id, schemeID=standard.scheme)
    text(product, "SellerAssignedID", line.seller_item_id)
    text(product, "BuyerAssignedID", line.buyer_item_id)
    text(product, "Name", line.name)
    text(product, "Description", line.description)
    for attribute in line.attributes:
        characteristic = ram(product, "ApplicableProductCharacteristic")
        text(characteristic, "Description", attribute.name)
        text(characteristic, "Value", attribute.value)
    for classification in line.classifications:
        designated = ram(product, "DesignatedProductClassification")
        text(
            designated,
            "ClassCode",
            classification.id,
            listID=classification.scheme,
            listVersionID=classification.version,
        )
    text(ram(product, "OriginTradeCountry"), "ID", line.origin_country)


def _agreement(agreement: Element, line: InvoiceLine) -> None:
    text(ram(agreement, "BuyerOrderReferencedDocument"), "LineID", line.order_line_reference)
    if line.gross_price is not None or line.price_discount is not None:
        gross = ram(agreement, "GrossPriceProductTradePrice")
        text(gross, "ChargeAmount", line.gross_price)
        _base_quantity(gross, line)
        if line.price_discount is not None:
            discount = ram(gross, "AppliedTradeAllowanceCharge")
            indicator(discount, charge=False)
            text(discount, "ActualAmount", line.price_discount)
    net = ram(agreement, "NetPriceProductTradePrice")
    text(net, "ChargeAmount", line.net_price)
    _base_quantity(net, line)


def _base_quantity(price: Element, line: InvoiceLine) -> None:
    """BT-149/BT-150 on the net price (the binding's place) and on the gross price, where
    XRechnung writes it: both the same, so either reading finds it."""
    unit = line.base_quantity_unit if line.base_quantity is not None else None
    text(price, "BasisQuantity", line.base_quantity, unitCode=unit)


def _settlement(settlement: Element, line: InvoiceLine) -> None:
    if line.vat_category is not None or line.vat_rate is not None:
        tax = ram(settlement, "ApplicableTradeTax")
        vat_scheme(tax)
        text(tax, "CategoryCode", line.vat_category)
        text(tax, "RateApplicablePercent", line.vat_rate)
    period = ram(settlement, "BillingSpecifiedPeriod")
    date_time(period, "StartDateTime", line.period.start)
    date_time(period, "EndDateTime", line.period.end)
    # BG-27/BG-28 have no VAT terms: a `ram:CategoryTradeTax` here would count as a
    # document-level allowance's (BR-G-01 and its kin); the builder refuses a line
    # allowance or charge that carries one rather than dropping it
    for allowance in line.allowances:
        allowance_charge(settlement, allowance, charge=False, with_vat=False)
    for charge in line.charges:
        allowance_charge(settlement, charge, charge=True, with_vat=False)
    summation = ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
    text(summation, "LineTotalAmount", line.net_amount)
    if line.object_id is not None and line.object_id.id is not None:
        document = ram(settlement, "AdditionalReferencedDocument")
        text(document, "IssuerAssignedID", line.object_id.id)
        text(document, "TypeCode", INVOICED_OBJECT)
        text(document, "ReferenceTypeCode", line.object_id.scheme)
    account = ram(settlement, "ReceivableSpecifiedTradeAccountingAccount")
    text(account, "ID", line.accounting_reference)


def allowance_charge(
    parent: Element, entry: AllowanceCharge, charge: bool, *, with_vat: bool = True
) -> None:
    """`ram:SpecifiedTradeAllowanceCharge`: the indicator, percent, base, amount, reason code and
    text, and with `with_vat` (the document level only) the VAT category and rate."""
    element = ram(parent, "SpecifiedTradeAllowanceCharge")
    indicator(element, charge)
    text(element, "CalculationPercent", entry.percent)
    text(element, "BasisAmount", entry.base)
    text(element, "ActualAmount", entry.amount)
    text(element, "ReasonCode", entry.reason_code)
    text(element, "Reason", entry.reason)
    if with_vat and (entry.vat_category is not None or entry.vat_rate is not None):
        tax = ram(element, "CategoryTradeTax")
        vat_scheme(tax)
        text(tax, "CategoryCode", entry.vat_category)
        text(tax, "RateApplicablePercent", entry.vat_rate)
