"""The trade parties of a CII invoice (EN 16931-3-3): seller, buyer, tax representative, payee and
deliver-to party, shared by CII D16B and ZUGFeRD 1.

BT-27 is `ram:Name` (the legal name), BT-28 the legal organisation's `ram:TradingBusinessName`.
The country (`ram:PostalTradeAddress/ram:CountryID`) belongs to the party, not to its address.
The contact point (BT-41, BT-56) is the contact's `ram:PersonName`, or its `ram:DepartmentName`
when it names no person.
"""

from __future__ import annotations

from turnout.authoring import Address, Contact, Delivery, Party, Payee, TaxRepresentative
from turnout.modules.einvoice.cii_common import (
    Dialect,
    date_time,
    first_party_id,
    identifier,
    party_ids,
)
from turnout.modules.einvoice.reading import Element, text_of


def party(dialect: Dialect, element: Element | None) -> Party:
    """A seller or buyer (BG-4, BG-7) with its identifiers, address and contact."""
    reader = dialect.reader
    legal = reader.find(element, "ram:SpecifiedLegalOrganization")
    contact = reader.find(element, "ram:DefinedTradeContact")
    return Party(
        name=reader.text(element, "ram:Name"),
        vat_id=tax_registration(dialect, element, "VA"),
        country=reader.text(element, "ram:PostalTradeAddress/ram:CountryID"),
        trading_name=reader.text(legal, "ram:TradingBusinessName"),
        identifiers=party_ids(dialect, element),
        legal_registration=identifier(dialect, legal, "ram:ID"),
        tax_registration_id=tax_registration(dialect, element, "FC"),
        legal_info=reader.text(element, "ram:Description"),
        electronic_address=identifier(dialect, element, "ram:URIUniversalCommunication/ram:URIID"),
        address=address(dialect, reader.find(element, "ram:PostalTradeAddress")),
        contact=Contact(
            name=reader.text(contact, "ram:PersonName")
            or reader.text(contact, "ram:DepartmentName"),
            phone=reader.text(contact, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
            email=reader.text(contact, "ram:EmailURIUniversalCommunication/ram:URIID"),
        ),
    )


def tax_registration(dialect: Dialect, element: Element | None, scheme: str) -> str | None:
    """The ID of the first `ram:SpecifiedTaxRegistration` of `scheme` (VA: VAT id, FC: tax
    number); any other registration is kept as an extension (`cii_checks`)."""
    reader = dialect.reader
    for registration in reader.findall(element, "ram:SpecifiedTaxRegistration"):
        found = reader.find(registration, "ram:ID")
        if found is not None and found.get("schemeID") == scheme:
            return text_of(found)
    return None


def address(dialect: Dialect, element: Element | None) -> Address:
    """A `ram:PostalTradeAddress` without its country (an empty address when absent)."""
    reader = dialect.reader
    return Address(
        line1=reader.text(element, "ram:LineOne"),
        line2=reader.text(element, "ram:LineTwo"),
        line3=reader.text(element, "ram:LineThree"),
        city=reader.text(element, "ram:CityName"),
        post_code=reader.text(element, "ram:PostcodeCode"),
        subdivision=reader.text(element, "ram:CountrySubDivisionName"),
    )


def tax_representative(dialect: Dialect, element: Element | None) -> TaxRepresentative | None:
    """BG-11, the `ram:SellerTaxRepresentativeTradeParty`, or None when there is none."""
    if element is None:
        return None
    reader = dialect.reader
    return TaxRepresentative(
        name=reader.text(element, "ram:Name"),
        vat_id=tax_registration(dialect, element, "VA"),
        country=reader.text(element, "ram:PostalTradeAddress/ram:CountryID"),
        address=address(dialect, reader.find(element, "ram:PostalTradeAddress")),
    )


def payee(dialect: Dialect, element: Element | None) -> Payee | None:
    """BG-10, the `ram:PayeeTradeParty`, or None when there is none."""
    if element is None:
        return None
    return Payee(
        name=dialect.reader.text(element, "ram:Name"),
        identifier=first_party_id(dialect, element),
        legal_registration=identifier(dialect, element, "ram:SpecifiedLegalOrganization/ram:ID"),
    )


def delivery(dialect: Dialect, header_delivery: Element | None) -> Delivery | None:
    """BG-13, the deliver-to party and the actual delivery date, or None when neither is given."""
    reader = dialect.reader
    ship_to = reader.find(header_delivery, "ram:ShipToTradeParty")
    date = date_time(
        dialect,
        header_delivery,
        "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime",
        "BT-72 actual delivery date",
    )
    if ship_to is None and date is None:
        return None
    return Delivery(
        party_name=reader.text(ship_to, "ram:Name"),
        location=first_party_id(dialect, ship_to),
        date=date,
        country=reader.text(ship_to, "ram:PostalTradeAddress/ram:CountryID"),
        address=address(dialect, reader.find(ship_to, "ram:PostalTradeAddress")),
    )
