"""The trade parties of a CII invoice: seller, buyer, payee, tax representative, deliver-to.

Element order is the D16B `TradePartyType`'s: ID, GlobalID, Name, Description,
SpecifiedLegalOrganization, DefinedTradeContact, PostalTradeAddress, URIUniversalCommunication,
SpecifiedTaxRegistration. Paths follow EN 16931-3-3: the legal name (BT-27) is `ram:Name`, the
trading name (BT-28) `ram:SpecifiedLegalOrganization/ram:TradingBusinessName`, the VAT id
`ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']`, the tax registration (BT-32) the one of
scheme FC, and the country (held by the party in the canonical invoice) the address's
`ram:CountryID`.
"""

from __future__ import annotations

from turnout.authoring import Address, Delivery, Identifier, Party, Payee, TaxRepresentative
from turnout.modules.export.cii_xml import Element, identifier, ram, text


def trade_party(parent: Element, name: str, party: Party) -> None:
    """The seller (BG-4) or the buyer (BG-7) as `ram:<name>`."""
    element = ram(parent, name)
    # identifiers without a scheme are ram:ID, which the schema puts before every ram:GlobalID
    ordered = sorted(party.identifiers, key=lambda i: i.scheme is not None)
    for value in ordered:
        identifier(element, value)
    text(element, "Name", party.name)
    text(element, "Description", party.legal_info)
    legal_organization(element, party.legal_registration, party.trading_name)
    contact = ram(element, "DefinedTradeContact")
    text(contact, "PersonName", party.contact.name)
    text(ram(contact, "TelephoneUniversalCommunication"), "CompleteNumber", party.contact.phone)
    text(ram(contact, "EmailURIUniversalCommunication"), "URIID", party.contact.email)
    postal_address(element, party.address, party.country)
    if party.electronic_address is not None and party.electronic_address.id is not None:
        uri = ram(element, "URIUniversalCommunication")
        address = party.electronic_address
        text(uri, "URIID", address.id, schemeID=address.scheme)
    tax_registration(element, party.vat_id, "VA")
    tax_registration(element, party.tax_registration_id, "FC")


def payee_party(parent: Element, payee: Payee | None) -> None:
    """BG-10 as `ram:PayeeTradeParty`."""
    if payee is None:
        return
    element = ram(parent, "PayeeTradeParty")
    identifier(element, payee.identifier)
    text(element, "Name", payee.name)
    legal_organization(element, payee.legal_registration, None)


def tax_representative_party(parent: Element, representative: TaxRepresentative | None) -> None:
    """BG-11 as `ram:SellerTaxRepresentativeTradeParty`."""
    if representative is None:
        return
    element = ram(parent, "SellerTaxRepresentativeTradeParty")
    text(element, "Name", representative.name)
    postal_address(element, representative.address, representative.country)
    tax_registration(element, representative.vat_id, "VA")


def ship_to_party(parent: Element, delivery: Delivery | None) -> None:
    """The deliver-to party of BG-13 (BT-70, BT-71, BG-15) as `ram:ShipToTradeParty`."""
    if delivery is None:
        return
    element = ram(parent, "ShipToTradeParty")
    identifier(element, delivery.location)
    text(element, "Name", delivery.party_name)
    postal_address(element, delivery.address, delivery.country)


def legal_organization(
    parent: Element, registration: Identifier | None, trading_name: str | None
) -> None:
    """`ram:SpecifiedLegalOrganization`: the legal registration id and its scheme, the trading
    name."""
    element = ram(parent, "SpecifiedLegalOrganization")
    if registration is not None:
        text(element, "ID", registration.id, schemeID=registration.scheme)
    text(element, "TradingBusinessName", trading_name)


def postal_address(parent: Element, address: Address, country: str | None) -> None:
    """`ram:PostalTradeAddress` in the schema's order, the owner's country in `ram:CountryID`."""
    element = ram(parent, "PostalTradeAddress")
    text(element, "PostcodeCode", address.post_code)
    text(element, "LineOne", address.line1)
    text(element, "LineTwo", address.line2)
    text(element, "LineThree", address.line3)
    text(element, "CityName", address.city)
    text(element, "CountryID", country)
    text(element, "CountrySubDivisionName", address.subdivision)


def tax_registration(parent: Element, value: str | None, scheme: str) -> None:
    """`ram:SpecifiedTaxRegistration/ram:ID` of `scheme` (VA: VAT id, FC: tax number)."""
    if value is not None:
        text(ram(parent, "SpecifiedTaxRegistration"), "ID", value, schemeID=scheme)
