"""The lines of a UBL invoice (BG-25 to BG-32): `cac:InvoiceLine`, or `cac:CreditNoteLine` with
`cbc:CreditedQuantity`, in the element order of the UBL 2.1 line, item and price types.

The price details (BG-29) are `cac:Price`: the net price (BT-146), the base quantity with its
unit (BT-149, BT-150) and, when the gross price or the price discount is known, one allowance
holding the discount (BT-147) as its amount and the gross price (BT-148) as its base.
"""

from __future__ import annotations

from turnout.authoring import InvoiceLine
from turnout.modules.export.ubl_amounts import allowances_and_charges, tax_category
from turnout.modules.export.ubl_references import OBJECT_TYPE
from turnout.modules.export.ubl_xml import Element, amount, cac, cbc, has_any, identifier


def line(root: Element, value: InvoiceLine, kind: str, currency: str) -> None:
    """One `cac:InvoiceLine` or `cac:CreditNoteLine`."""
    element = cac(root, f"{kind}Line")
    cbc(element, "ID", value.id)
    cbc(element, "Note", value.note)
    quantity_name = "CreditedQuantity" if kind == "CreditNote" else "InvoicedQuantity"
    cbc(element, quantity_name, value.quantity, unitCode=value.unit)
    amount(element, "LineExtensionAmount", value.net_amount, currency)
    cbc(element, "AccountingCost", value.accounting_reference)
    if has_any(value.period.start, value.period.end):
        period = cac(element, "InvoicePeriod")
        cbc(period, "StartDate", value.period.start)
        cbc(period, "EndDate", value.period.end)
    if value.order_line_reference is not None:
        cbc(cac(element, "OrderLineReference"), "LineID", value.order_line_reference)
    if value.object_id is not None:
        reference = cac(element, "DocumentReference")
        identifier(reference, "ID", value.object_id)
        cbc(reference, "DocumentTypeCode", OBJECT_TYPE)
    allowances_and_charges(element, value.allowances, value.charges, currency, with_vat=False)
    _item(element, value)
    _price(element, value, currency)


def _item(parent: Element, value: InvoiceLine) -> None:
    item = cac(parent, "Item")
    cbc(item, "Description", value.description)
    cbc(item, "Name", value.name)
    if value.buyer_item_id is not None:
        cbc(cac(item, "BuyersItemIdentification"), "ID", value.buyer_item_id)
    if value.seller_item_id is not None:
        cbc(cac(item, "SellersItemIdentification"), "ID", value.seller_item_id)
    if value.standard_id is not None:
        identifier(cac(item, "StandardItemIdentification"), "ID", value.standard_id)
    if value.origin_country is not None:
        cbc(cac(item, "OriginCountry"), "IdentificationCode", value.origin_country)
    for found in value.classifications:
        cbc(
            cac(item, "CommodityClassification"),
            "ItemClassificationCode",
            found.id,
            listID=found.scheme,
            listVersionID=found.version,
        )
    if value.vat_category is not None or value.vat_rate is not None:
        tax_category(item, "ClassifiedTaxCategory", value.vat_category, value.vat_rate)
    for attribute in value.attributes:
        element = cac(item, "AdditionalItemProperty")
        cbc(element, "Name", attribute.name)
        cbc(element, "Value", attribute.value)


def _price(parent: Element, value: InvoiceLine, currency: str) -> None:
    details = (value.net_price, value.base_quantity, value.price_discount, value.gross_price)
    if not has_any(*details):
        return
    price = cac(parent, "Price")
    amount(price, "PriceAmount", value.net_price, currency)
    cbc(price, "BaseQuantity", value.base_quantity, unitCode=value.base_quantity_unit)
    if value.price_discount is not None or value.gross_price is not None:
        discount = cac(price, "AllowanceCharge")
        cbc(discount, "ChargeIndicator", "false")
        amount(discount, "Amount", value.price_discount, currency)
        amount(discount, "BaseAmount", value.gross_price, currency)
