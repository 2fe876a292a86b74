"""UBL parties → the canonical invoice's seller (BG-4), buyer (BG-7), payee (BG-10), seller's tax
representative (BG-11) and delivery (BG-13), per the EN 16931-3-2 binding.

A seller's or payee's `cac:PartyIdentification/cbc:ID` with scheme `SEPA` is the bank-assigned
creditor identifier (BT-90), not a party identifier: `ubl_payment` reads it.
"""

from __future__ import annotations

from turnout.authoring import Address, Contact, Delivery, Party, Payee, TaxRepresentative
from turnout.modules.einvoice.reading import Element, attribute_of
from turnout.modules.einvoice.ubl_tree import UBL, identifier, identifier_of

SEPA = "SEPA"


def party(element: Element | None, unmapped: list[Element]) -> Party:
    """The seller or buyer of `cac:Accounting{Supplier,Customer}Party/cac:Party`; a tax scheme
    the model has no place for goes to `unmapped`."""
    if element is None:
        return Party()
    vat_id = tax_registration_id = None
    for scheme in UBL.findall(element, "cac:PartyTaxScheme"):
        if UBL.text(scheme, "cac:TaxScheme/cbc:ID") == "VAT":
            if vat_id is None:
                vat_id = UBL.text(scheme, "cbc:CompanyID")
                continue
        elif tax_registration_id is None:  # BT-32, under another scheme (`FC`, `LOC`)
            tax_registration_id = UBL.text(scheme, "cbc:CompanyID")
            continue
        unmapped.append(scheme)  # a second one of either: the model holds one
    legal = UBL.find(element, "cac:PartyLegalEntity")
    trading_name = UBL.text(element, "cac:PartyName/cbc:Name")
    postal = UBL.find(element, "cac:PostalAddress")
    return Party(
        # BT-27 is the legal registration name; the trading name stands in when it is missing
        # (EN 16931 makes it mandatory; only a non-conformant invoice lacks it).
        name=UBL.text(legal, "cbc:RegistrationName") or trading_name,
        vat_id=vat_id,
        country=country(postal),
        trading_name=trading_name,
        identifiers=[
            found
            for element_id in UBL.findall(element, "cac:PartyIdentification/cbc:ID")
            if attribute_of(element_id, "schemeID") != SEPA
            and (found := identifier_of(element_id)) is not None
        ],
        legal_registration=identifier(legal, "cbc:CompanyID"),
        tax_registration_id=tax_registration_id,
        legal_info=UBL.text(legal, "cbc:CompanyLegalForm"),
        electronic_address=identifier(element, "cbc:EndpointID"),
        address=address(postal),
        contact=_contact(UBL.find(element, "cac:Contact")),
    )


def address(element: Element | None) -> Address:
    """A `cac:PostalAddress` or `cac:Address` without its country, which its owner holds."""
    if element is None:
        return Address()
    return Address(
        line1=UBL.text(element, "cbc:StreetName"),
        line2=UBL.text(element, "cbc:AdditionalStreetName"),
        line3=UBL.text(element, "cac:AddressLine/cbc:Line"),
        city=UBL.text(element, "cbc:CityName"),
        post_code=UBL.text(element, "cbc:PostalZone"),
        subdivision=UBL.text(element, "cbc:CountrySubentity"),
    )


def country(address_element: Element | None) -> str | None:
    """The country code of an address (BT-40, BT-55, BT-69, BT-80)."""
    return UBL.text(address_element, "cac:Country/cbc:IdentificationCode")


def _contact(element: Element | None) -> Contact:
    if element is None:
        return Contact()
    return Contact(
        name=UBL.text(element, "cbc:Name"),
        phone=UBL.text(element, "cbc:Telephone"),
        email=UBL.text(element, "cbc:ElectronicMail"),
    )


def payee(element: Element | None) -> Payee | None:
    """BG-10 of `cac:PayeeParty`, or None when the invoice names no payee."""
    if element is None:
        return None
    ids = [
        element_id
        for element_id in UBL.findall(element, "cac:PartyIdentification/cbc:ID")
        if attribute_of(element_id, "schemeID") != SEPA
    ]
    found = Payee(
        name=UBL.text(element, "cac:PartyName/cbc:Name"),
        identifier=identifier_of(ids[0]) if ids else None,
        legal_registration=identifier(element, "cac:PartyLegalEntity/cbc:CompanyID"),
    )
    return None if found == Payee() else found


def tax_representative(element: Element | None) -> TaxRepresentative | None:
    """BG-11 of `cac:TaxRepresentativeParty`, or None when the seller has none."""
    if element is None:
        return None
    postal = UBL.find(element, "cac:PostalAddress")
    found = TaxRepresentative(
        name=UBL.text(element, "cac:PartyName/cbc:Name"),
        vat_id=UBL.text(element, "cac:PartyTaxScheme/cbc:CompanyID"),
        country=country(postal),
        address=address(postal),
    )
    return None if found == TaxRepresentative() else found


def delivery(element: Element | None) -> Delivery | None:
    """BG-13 of the first `cac:Delivery`, or None when the invoice has none."""
    if element is None:
        return None
    location = UBL.find(element, "cac:DeliveryLocation")
    place = UBL.find(location, "cac:Address")
    found = Delivery(
        party_name=UBL.text(element, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
        location=identifier(location, "cbc:ID"),
        date=UBL.iso_date(element, "cbc:ActualDeliveryDate", "BT-72 actual delivery date"),
        country=country(place),
        address=address(place),
    )
    return None if found == Delivery() else found
