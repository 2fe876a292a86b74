"""The invoice lines of a CII invoice (BG-25 to BG-32, EN 16931-3-3), for CII D16B and ZUGFeRD 1.

A line's notes (BT-127) are joined one a line when there are several. The item price base
quantity (BT-149, BT-150) is the net price's `ram:BasisQuantity`, else the gross price's; the price
discount (BT-147) is the gross price's applied allowance. A surcharge applied to the gross price
(ZUGFeRD 1 EXTENDED has them) is no price discount: `price_surcharges` finds them, to be kept as
extensions.
"""

from __future__ import annotations

from decimal import Decimal

from turnout.authoring import Classification, Identifier, InvoiceLine, ItemAttribute
from turnout.modules.einvoice.cii_common import (
    Dialect,
    allowances_and_charges,
    identifier,
    is_charge,
    period,
)
from turnout.modules.einvoice.reading import Element, attribute_of, decimal_of, text_of

_PRICE_ALLOWANCE = "an allowance or charge on a gross price (BT-147)"


def line(dialect: Dialect, item: Element) -> InvoiceLine:
    """One `ram:IncludedSupplyChainTradeLineItem`."""
    reader = dialect.reader
    product = reader.find(item, "ram:SpecifiedTradeProduct")
    agreement = reader.find(item, dialect.line_agreement)
    settlement = reader.find(item, dialect.line_settlement)
    tax = reader.find(settlement, "ram:ApplicableTradeTax")
    gross = reader.find(agreement, "ram:GrossPriceProductTradePrice")
    net = reader.find(agreement, "ram:NetPriceProductTradePrice")
    quantity = reader.find(item, f"{dialect.line_delivery}/ram:BilledQuantity")
    basis = reader.find(net, "ram:BasisQuantity")
    if basis is None:
        basis = reader.find(gross, "ram:BasisQuantity")
    allowances, charges = allowances_and_charges(dialect, settlement, with_vat=False)
    notes = reader.findall(item, "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content")
    return InvoiceLine(
        id=reader.text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        name=reader.text(product, "ram:Name"),
        quantity=decimal_of(quantity, "BT-129 invoiced quantity"),
        unit=attribute_of(quantity, "unitCode"),
        net_price=reader.decimal(net, "ram:ChargeAmount", "BT-146 item net price"),
        net_amount=reader.decimal(
            settlement, f"{dialect.line_summation}/ram:LineTotalAmount", "BT-131 line net amount"
        ),
        vat_category=reader.text(tax, "ram:CategoryCode"),
        vat_rate=reader.decimal(tax, dialect.rate, "BT-152 VAT rate"),
        note="\n".join(filter(None, map(text_of, notes))) or None,
        object_id=_object_id(dialect, settlement),
        order_line_reference=reader.text(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"),
        accounting_reference=reader.text(settlement, f"{dialect.line_account}/ram:ID"),
        period=period(
            dialect,
            reader.find(settlement, "ram:BillingSpecifiedPeriod"),
            "BT-134 invoice line period start date",
            "BT-135 invoice line period end date",
        ),
        allowances=allowances,
        charges=charges,
        price_discount=_price_discount(dialect, gross),
        gross_price=reader.decimal(gross, "ram:ChargeAmount", "BT-148 item gross price"),
        base_quantity=decimal_of(basis, "BT-149 item price base quantity"),
        base_quantity_unit=attribute_of(basis, "unitCode"),
        description=reader.text(product, "ram:Description"),
        seller_item_id=reader.text(product, "ram:SellerAssignedID"),
        buyer_item_id=reader.text(product, "ram:BuyerAssignedID"),
        standard_id=identifier(dialect, product, "ram:GlobalID"),
        classifications=[
            Classification(text_of(c), attribute_of(c, "listID"), attribute_of(c, "listVersionID"))
            for c in reader.findall(product, "ram:DesignatedProductClassification/ram:ClassCode")
        ],
        origin_country=reader.text(product, "ram:OriginTradeCountry/ram:ID"),
        attributes=[
            ItemAttribute(reader.text(c, "ram:Description"), reader.text(c, "ram:Value"))
            for c in reader.findall(product, "ram:ApplicableProductCharacteristic")
        ],
    )


def _price_discount(dialect: Dialect, gross: Element | None) -> Decimal | None:
    """BT-147, the first allowance applied to the gross price."""
    for applied in dialect.reader.findall(gross, "ram:AppliedTradeAllowanceCharge"):
        if not is_charge(dialect, applied, _PRICE_ALLOWANCE, absent_is_charge=False):
            return dialect.reader.decimal(applied, "ram:ActualAmount", "BT-147 item price discount")
    return None


def price_surcharges(dialect: Dialect, items: list[Element]) -> list[Element]:
    """The charges applied to the gross prices of `items`, which EN 16931 has no place for."""
    path = (
        f"{dialect.line_agreement}/ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge"
    )
    return [
        applied
        for item in items
        for applied in dialect.reader.findall(item, path)
        if is_charge(dialect, applied, _PRICE_ALLOWANCE, absent_is_charge=False)
    ]


def _object_id(dialect: Dialect, settlement: Element | None) -> Identifier | None:
    """BT-128, the line's `ram:AdditionalReferencedDocument` of type 130 (invoiced object)."""
    reader = dialect.reader
    for document in reader.findall(settlement, "ram:AdditionalReferencedDocument"):
        if reader.text(document, "ram:TypeCode") in (None, "130"):
            number = reader.text(document, "ram:IssuerAssignedID")
            if number is not None:
                return Identifier(number, reader.text(document, "ram:ReferenceTypeCode"))
    return None
