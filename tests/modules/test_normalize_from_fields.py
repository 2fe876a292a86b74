"""Raw fields at any canonical path become the typed values of the canonical invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from turnout.domain.artifacts import ExtractedField, Fields
from turnout.domain.invoice import Address, Identifier, Invoice, Note
from turnout.domain.page import Box
from turnout.modules.normalize.from_fields import invoice_from_fields

_BOX = Box(page=1, left=0.1, top=0.2, right=0.3, bottom=0.25)


def _read(values: dict[str, str]) -> Invoice:
    fields = Fields(
        values={k: ExtractedField(v, 0.8, "extract.layout", (_BOX,)) for k, v in values.items()}
    )
    invoice, _ = invoice_from_fields(fields, "DMY")
    return invoice


def test_nested_party_terms_are_set_as_texts() -> None:
    invoice = _read(
        {
            "seller.address.line1": " Hauptstraße 5 ",
            "seller.address.post_code": "80331",
            "seller.address.city": "München",
            "seller.contact.email": "rechnung@example.de",
            "seller.contact.phone": "+49 89 123456",
            "buyer.address.city": "Lyon",
        }
    )
    assert invoice.seller.address == Address(
        line1="Hauptstraße 5", city="München", post_code="80331"
    )
    assert invoice.seller.contact.email == "rechnung@example.de"
    assert invoice.seller.contact.phone == "+49 89 123456"
    assert invoice.buyer.address.city == "Lyon"


def test_optional_groups_are_made_only_when_a_value_is_set_in_them() -> None:
    invoice = _read({"seller.legal_registration.id": "HRB 12345", "payment.remittance": "R-1"})
    assert invoice.seller.legal_registration == Identifier(id="HRB 12345")
    assert invoice.buyer.legal_registration is None
    assert invoice.payment.direct_debit is None
    assert invoice.payee is None
    assert invoice.payment.remittance == "R-1"

    with_mandate = _read({"payment.direct_debit.mandate": "MANDAT-7"})
    assert with_mandate.payment.direct_debit is not None
    assert with_mandate.payment.direct_debit.mandate == "MANDAT-7"
    assert with_mandate.payment.direct_debit.creditor_id is None


def test_dates_are_read_in_the_configured_order() -> None:
    invoice = _read({"invoicing_period.start": "01.03.2023", "invoicing_period.end": "31/03/2023"})
    assert invoice.invoicing_period.start == dt.date(2023, 3, 1)
    assert invoice.invoicing_period.end == dt.date(2023, 3, 31)


def test_an_unreadable_date_is_left_empty_with_a_note() -> None:
    fields = Fields(values={"invoicing_period.start": ExtractedField("soon", 0.8, "x")})
    invoice, notes = invoice_from_fields(fields, "DMY")
    assert invoice.invoicing_period.start is None
    assert [n.rule for n in notes] == ["TURNOUT-DATE-UNREADABLE"]
    assert notes[0].path == "invoicing_period.start"


def test_amounts_and_rates_become_decimals_as_written() -> None:
    invoice = _read(
        {
            "totals.payable": "1.234,50 €",
            "vat_breakdown[0].rate": "19 %",
            "vat_breakdown[0].taxable": "1.037,39",
            "allowances[0].percent": "2,5%",
            "allowances[0].amount": "10,00",
        }
    )
    assert invoice.totals.payable == Decimal("1234.50")
    assert invoice.vat_breakdown[0].rate == Decimal("19")
    assert invoice.vat_breakdown[0].taxable == Decimal("1037.39")
    assert invoice.allowances[0].percent == Decimal("2.5")
    assert invoice.allowances[0].amount == Decimal("10.00")


def test_list_items_are_numbered_from_zero_in_written_order() -> None:
    invoice = _read(
        {"notes[10].text": "third", "notes[2].text": "second", "notes[1].text": "first"}
    )
    assert invoice.notes == [Note(text="first"), Note(text="second"), Note(text="third")]
    assert set(invoice.provenance) == {"notes[0].text", "notes[1].text", "notes[2].text"}


def test_every_value_keeps_its_provenance_under_the_path_it_was_set_at() -> None:
    invoice = _read({"seller.address.city": "Gent", "buyer.identifiers[4].id": "K-77"})
    assert invoice.buyer.identifiers == [Identifier(id="K-77")]
    source = invoice.provenance["buyer.identifiers[0].id"]
    assert (source.module, source.confidence, source.boxes) == ("extract.layout", 0.8, (_BOX,))
    assert invoice.provenance["seller.address.city"].boxes == (_BOX,)


def test_paths_the_model_lacks_are_left_out() -> None:
    invoice = _read(
        {
            "extra.partner_website": "example.com",
            "seller.website": "example.com",
            "seller.address[0].city": "Gent",
            "seller.address": "Gent",
            "seller.name": "Acme GmbH",
        }
    )
    assert invoice.to_dict() == _read({"seller.name": "Acme GmbH"}).to_dict()
    assert invoice.seller.address == Address()


def test_blank_values_make_no_group() -> None:
    invoice = _read({"payee.name": "  ", "delivery.address.city": ""})
    assert invoice.payee is None
    assert invoice.delivery is None
