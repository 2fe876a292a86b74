"""The parties of a UBL invoice: seller, buyer, payee, tax representative and delivery (BG-4 to
BG-15), in the element order of the UBL 2.1 `PartyType`, `AddressType` and `DeliveryType`.

BT-27 (the legal name) is `cac:PartyLegalEntity/cbc:RegistrationName`, BT-28 (the trading name)
`cac:PartyName/cbc:Name`. The bank-assigned creditor identifier of a direct debit (BT-90) is a
party identifier of the seller with `schemeID="SEPA"`, as the syntax binding writes it.
"""

from __future__ import annotations

from dataclasses import astuple

from turnout.authoring import Address, Delivery, Identifier, Party, Payee, TaxRepresentative
from turnout.modules.export.ubl_xml import Element, cac, cbc, has_any, identifier

VAT = "VAT"
SEPA = "SEPA"


def party(
    holder: Element,
    value: Party,
    *,
    tax_scheme: str = "FC",
    creditor_id: str | None = None,
) -> None:
    """`cac:Party` of the seller or the buyer under `holder` (`cac:Accounting...Party`).
    `tax_scheme` is the scheme id of the seller's tax registration (BT-32), which is not VAT."""
    element = cac(holder, "Party")
    identifier(element, "EndpointID", value.electronic_address)
    for found in value.identifiers:
        identifier(cac(element, "PartyIdentification"), "ID", found)
    if creditor_id is not None:
        identifier(cac(element, "PartyIdentification"), "ID", Identifier(creditor_id, SEPA))
    if value.trading_name is not None:
        cbc(cac(element, "PartyName"), "Name", value.trading_name)
    address(element, "PostalAddress", value.address, value.country)
    party_tax_scheme(element, value.vat_id, VAT)
    party_tax_scheme(element, value.tax_registration_id, tax_scheme)
    if has_any(value.name, value.legal_registration, value.legal_info):
        legal = cac(element, "PartyLegalEntity")
        cbc(legal, "RegistrationName", value.name)
        identifier(legal, "CompanyID", value.legal_registration)
        cbc(legal, "CompanyLegalForm", value.legal_info)
    contact = value.contact
    if has_any(contact.name, contact.phone, contact.email):
        element_contact = cac(element, "Contact")
        cbc(element_contact, "Name", contact.name)
        cbc(element_contact, "Telephone", contact.phone)
        cbc(element_contact, "ElectronicMail", contact.email)


def party_tax_scheme(parent: Element, company_id: str | None, scheme: str) -> None:
    """`cac:PartyTaxScheme` with the company id under `scheme`, when the id is known."""
    if company_id is None:
        return
    element = cac(parent, "PartyTaxScheme")
    cbc(element, "CompanyID", company_id)
    cbc(cac(element, "TaxScheme"), "ID", scheme)


def address(parent: Element, name: str, value: Address, country: str | None) -> None:
    """A postal address (`name` is `PostalAddress` or `Address`) with the owner's country code;
    nothing when neither is known."""
    lines = (value.line1, value.line2, value.line3, value.city, value.post_code, value.subdivision)
    if not has_any(*lines, country):
        return
    element = cac(parent, name)
    cbc(element, "StreetName", value.line1)
    cbc(element, "AdditionalStreetName", value.line2)
    cbc(element, "CityName", value.city)
    cbc(element, "PostalZone", value.post_code)
    cbc(element, "CountrySubentity", value.subdivision)
    if value.line3 is not None:
        cbc(cac(element, "AddressLine"), "Line", value.line3)
    if country is not None:
        cbc(cac(element, "Country"), "IdentificationCode", country)


def payee(root: Element, value: Payee | None) -> None:
    """`cac:PayeeParty` (BG-10)."""
    if value is None:
        return
    element = cac(root, "PayeeParty")
    if value.identifier is not None:
        identifier(cac(element, "PartyIdentification"), "ID", value.identifier)
    if value.name is not None:
        cbc(cac(element, "PartyName"), "Name", value.name)
    if value.legal_registration is not None:
        identifier(cac(element, "PartyLegalEntity"), "CompanyID", value.legal_registration)


def tax_representative(root: Element, value: TaxRepresentative | None) -> None:
    """`cac:TaxRepresentativeParty` (BG-11, with its address BG-12)."""
    if value is None:
        return
    element = cac(root, "TaxRepresentativeParty")
    if value.name is not None:
        cbc(cac(element, "PartyName"), "Name", value.name)
    address(element, "PostalAddress", value.address, value.country)
    party_tax_scheme(element, value.vat_id, VAT)


def delivery(root: Element, value: Delivery | None) -> None:
    """`cac:Delivery` (BG-13: date, location, deliver-to address BG-15, party name)."""
    if value is None:
        return
    element = cac(root, "Delivery")
    cbc(element, "ActualDeliveryDate", value.date)
    place = value.address
    if has_any(value.location, value.country, *astuple(place)):
        location = cac(element, "DeliveryLocation")
        identifier(location, "ID", value.location)
        address(location, "Address", place, value.country)
    if value.party_name is not None:
        cbc(cac(cac(element, "DeliveryParty"), "PartyName"), "Name", value.party_name)
