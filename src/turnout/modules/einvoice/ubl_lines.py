"""UBL `cac:InvoiceLine` / `cac:CreditNoteLine` → the canonical invoice line (BG-25..32), per the
EN 16931-3-2 binding.

The price details (BG-29) are `cac:Price`: the net price (BT-146), its base quantity and unit
(BT-149, BT-150), and the price discount and gross price (BT-147, BT-148) as the `Amount` and
`BaseAmount` of the price's own `cac:AllowanceCharge` (a surcharge there is no discount: it is
kept as an extension, its base amount still the gross price). The line's object identifier (BT-128) is its
`cac:DocumentReference` with type code 130.
"""

from __future__ import annotations

from turnout.authoring import Classification, Identifier, InvoiceLine, ItemAttribute, Period
from turnout.modules.einvoice.reading import Element, attribute_of, decimal_of, text_of
from turnout.modules.einvoice.ubl_tree import (
    LINE_ALLOWANCE,
    LINE_CHARGE,
    UBL,
    Children,
    allowances_and_charges,
    identifier,
    identifier_of,
    is_surcharge,
)

INVOICED_OBJECT = "130"  # UNTDID 1001: the invoiced object (BT-18, BT-128)


def lines(root: Element, document_type: str, unmapped: list[Element]) -> list[InvoiceLine]:
    """Every line of an Invoice or CreditNote, in document order; a line's references the model
    has no place for go to `unmapped`."""
    quantity = "cbc:CreditedQuantity" if document_type == "CreditNote" else "cbc:InvoicedQuantity"
    return [_line(e, quantity, unmapped) for e in UBL.findall(root, f"cac:{document_type}Line")]


def _line(element: Element, quantity_path: str, unmapped: list[Element]) -> InvoiceLine:
    line = Children(element)
    quantity = line.find(quantity_path)
    item = Children(line.find("cac:Item"))
    price = Children(line.find("cac:Price"))
    found = InvoiceLine(
        id=line.text("cbc:ID"),
        name=item.text("cbc:Name"),
        quantity=decimal_of(quantity, "BT-129 invoiced quantity"),
        unit=attribute_of(quantity, "unitCode"),
        net_price=price.decimal("cbc:PriceAmount", "BT-146 item net price"),
        net_amount=line.decimal("cbc:LineExtensionAmount", "BT-131 line net amount"),
        vat_category=item.text("cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=item.decimal("cac:ClassifiedTaxCategory/cbc:Percent", "BT-152 VAT rate"),
        note=line.text("cbc:Note"),
        object_id=_object_id(line.findall("cac:DocumentReference"), unmapped),
        order_line_reference=line.text("cac:OrderLineReference/cbc:LineID"),
        accounting_reference=line.text("cbc:AccountingCost"),
        period=period(line.find("cac:InvoicePeriod"), "BT-134", "BT-135", "line"),
    )
    if line.has("cac:AllowanceCharge"):
        found.allowances, found.charges = allowances_and_charges(
            element, "line", LINE_ALLOWANCE, LINE_CHARGE
        )
    adjustment = price.find("cac:AllowanceCharge")
    if adjustment is not None:
        found.gross_price = UBL.decimal(adjustment, "cbc:BaseAmount", "BT-148 item gross price")
        if not is_surcharge(adjustment):  # a surcharge is kept as an extension
            found.price_discount = UBL.decimal(
                adjustment, "cbc:Amount", "BT-147 item price discount"
            )
    if price.has("cbc:BaseQuantity"):
        base = price.find("cbc:BaseQuantity")
        found.base_quantity = decimal_of(base, "BT-149 item price base quantity")
        found.base_quantity_unit = attribute_of(base, "unitCode")
    _item(found, item)
    return found


def _item(found: InvoiceLine, item: Children) -> None:
    """BG-31 and BG-32, the item's details and attributes."""
    found.description = item.text("cbc:Description")
    found.seller_item_id = item.text("cac:SellersItemIdentification/cbc:ID")
    found.buyer_item_id = item.text("cac:BuyersItemIdentification/cbc:ID")
    if item.has("cac:StandardItemIdentification"):
        found.standard_id = identifier(item.element, "cac:StandardItemIdentification/cbc:ID")
    found.classifications = [
        Classification(
            text_of(code), attribute_of(code, "listID"), attribute_of(code, "listVersionID")
        )
        for code in item.findall("cac:CommodityClassification/cbc:ItemClassificationCode")
    ]
    found.origin_country = item.text("cac:OriginCountry/cbc:IdentificationCode")
    found.attributes = [
        ItemAttribute(UBL.text(p, "cbc:Name"), UBL.text(p, "cbc:Value"))
        for p in item.findall("cac:AdditionalItemProperty")
    ]


def _object_id(references: list[Element], unmapped: list[Element]) -> Identifier | None:
    """BT-128 from the line's first object reference (type 130, or none given); any other
    reference the model has no place for."""
    found = None
    for reference in references:
        code = UBL.text(reference, "cbc:DocumentTypeCode")
        if found is None and code in (None, INVOICED_OBJECT):
            found = identifier_of(UBL.find(reference, "cbc:ID"))
        else:
            unmapped.append(reference)
    return found


def period(element: Element | None, start: str, end: str, what: str) -> Period:
    """A `cac:InvoicePeriod`'s start and end dates (BG-14 or BG-26)."""
    if element is None:
        return Period()
    return Period(
        start=UBL.iso_date(element, "cbc:StartDate", f"{start} {what} period start date"),
        end=UBL.iso_date(element, "cbc:EndDate", f"{end} {what} period end date"),
    )
