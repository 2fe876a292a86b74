"""normalize.standard on raw fields and on canonical e-invoices; bad identifiers become notes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from turnout.domain.artifacts import EInvoice, ExtractedField, Fields, InvoiceArtifact
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import FieldSource, Invoice, Party, Payment, Totals
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.normalize.standard import StandardNormalize


def fields(values: dict[str, str], confidence: float = 0.9, **extra: object) -> Fields:
    return Fields(
        values={k: ExtractedField(v, confidence, "extract.test") for k, v in values.items()},
        **extra,  # type: ignore[arg-type]
    )


def normalise(artifact: Fields | EInvoice, **settings: object) -> InvoiceArtifact:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    (out,) = StandardNormalize(settings).process(Artifacts([artifact]), context)
    assert isinstance(out, InvoiceArtifact)
    return out


def test_raw_fields_become_decimal_money_iso_dates_and_checked_identifiers() -> None:
    out = normalise(
        fields(
            {
                "invoice_number": "RE-2024-0815",
                "issue_date": "05.03.2024",
                "due_date": "4. April 2024",
                "currency": "€",
                "seller.name": "Müller Feinmechanik GmbH",
                "seller.vat_id": "DE 136 695 976",
                "buyer.vat_id": "fr 40 303 265 045",
                "payment.iban": "DE89 3704 0044 0532 0130 00",
                "payment.bic": "cobadeffxxx",
                "totals.tax_exclusive": "1.578,50 €",
                "totals.tax": "299,92",
                "totals.payable": "1.878,42 €",
            }
        )
    )
    invoice = out.invoice
    assert invoice.issue_date == dt.date(2024, 3, 5)
    assert invoice.due_date == dt.date(2024, 4, 4)
    assert invoice.currency == "EUR"
    assert invoice.totals.payable == Decimal("1878.42")
    assert invoice.totals.tax_exclusive == Decimal("1578.50")
    assert isinstance(invoice.totals.tax, Decimal)
    assert invoice.seller.vat_id == "DE136695976"
    assert invoice.seller.country == "DE"  # from the VAT number's prefix
    assert invoice.buyer.vat_id == "FR40303265045"
    assert invoice.payment.iban == "DE89370400440532013000"
    assert invoice.payment.bic == "COBADEFFXXX"
    assert out.notes == ()
    assert invoice.provenance["totals.payable"] == FieldSource("extract.test", 0.9)
    assert invoice.provenance["seller.country"].module == "normalize.standard"
    assert invoice.to_dict()["totals"]["payable"] == "1878.42"


def test_invalid_vat_checksum_is_kept_as_written_with_a_warning_note() -> None:
    out = normalise(fields({"invoice_number": "1", "seller.vat_id": "DE 136 695 977"}))
    assert out.invoice.seller.vat_id == "DE 136 695 977"
    (note,) = out.notes
    assert (note.rule, note.severity, note.path) == (
        "TURNOUT-VAT-CHECKSUM",
        "warning",
        "seller.vat_id",
    )
    assert "DE 136 695 977" in note.message


def test_invalid_iban_and_bic_become_notes_not_exceptions() -> None:
    out = normalise(
        fields(
            {
                "totals.payable": "10.00",
                "payment.iban": "DE89 3704 0044 0532 0130 01",
                "payment.bic": "bic",
            }
        )
    )
    assert out.invoice.payment.iban == "DE89 3704 0044 0532 0130 01"
    assert [n.rule for n in out.notes] == ["TURNOUT-IBAN-INVALID", "TURNOUT-BIC-INVALID"]


def test_unreadable_amounts_and_dates_become_notes() -> None:
    out = normalise(fields({"invoice_number": "7", "totals.tax": "n/a", "issue_date": "soon"}))
    assert out.invoice.totals.tax is None and out.invoice.issue_date is None
    assert {n.rule for n in out.notes} == {"TURNOUT-AMOUNT-UNREADABLE", "TURNOUT-DATE-UNREADABLE"}


def test_date_order_setting_reads_ambiguous_dates() -> None:
    raw = fields({"invoice_number": "1", "issue_date": "03/04/2024"})
    assert normalise(raw).invoice.issue_date == dt.date(2024, 4, 3)
    assert normalise(raw, date_order="MDY").invoice.issue_date == dt.date(2024, 3, 4)


def test_currency_comes_from_the_amount_or_the_default_with_low_confidence() -> None:
    assert normalise(fields({"totals.payable": "£12.00"})).invoice.currency == "GBP"
    out = normalise(fields({"totals.payable": "12.00"}), default_currency="CHF")
    assert out.invoice.currency == "CHF"
    assert out.invoice.provenance["currency"].confidence < 0.5
    assert normalise(fields({"totals.payable": "12.00"})).invoice.currency is None


def test_unknown_currency_is_a_note() -> None:
    out = normalise(fields({"totals.payable": "12.00", "currency": "XYZ"}))
    assert out.invoice.currency is None
    assert [n.rule for n in out.notes] == ["TURNOUT-CURRENCY-UNKNOWN"]


def test_lines_are_read_from_fields() -> None:
    line = {"name": "Bolt", "quantity": "250", "net_price": "3,40", "net_amount": "850,00"}
    out = normalise(fields({"invoice_number": "9"}, lines=(line,)))
    (read,) = out.invoice.lines
    assert (read.name, read.quantity, read.net_amount) == ("Bolt", Decimal(250), Decimal("850.00"))


def test_fields_without_number_or_total_are_rejected() -> None:
    with pytest.raises(InputRejected, match="neither an invoice number nor a total"):
        normalise(fields({"seller.name": "ACME", "issue_date": "2024-01-01"}))


def einvoice(invoice: Invoice) -> EInvoice:
    return EInvoice(syntax="ubl", document_type="Invoice", profile=None, invoice=invoice)


def test_einvoice_invoice_is_normalised_and_not_mutated() -> None:
    original = Invoice(
        invoice_number="INV-1",
        issue_date=dt.date(2024, 1, 31),
        currency="eur",
        seller=Party(name="Seller BV", vat_id="nl 810433941 b01"),
        buyer=Party(name="Buyer GmbH", vat_id="DE136695976", country="deu"),
        payment=Payment(iban="NL50 INGB 0683 2513 09", bic="INGBNL2A"),
        totals=Totals(
            tax_exclusive=Decimal("100.00"), tax=Decimal("21.00"), payable=Decimal("121.00")
        ),
        provenance={"invoice_number": FieldSource("einvoice.xml", 1.0)},
    )
    out = normalise(einvoice(original))
    invoice = out.invoice
    assert invoice.currency == "EUR"
    assert invoice.seller.vat_id == "NL810433941B01"
    assert invoice.seller.country == "NL"
    assert invoice.buyer.country == "DE"
    assert invoice.payment.iban == "NL50INGB0683251309"
    assert invoice.totals.payable == Decimal("121.00")
    assert invoice.provenance["invoice_number"] == FieldSource("einvoice.xml", 1.0)
    assert out.notes == ()
    assert original.currency == "eur"  # the input artifact stays as it was


def test_einvoice_with_bad_identifiers_gets_notes() -> None:
    bad = Invoice(invoice_number="X", seller=Party(vat_id="FR00123456789", country="Atlantis"))
    out = normalise(einvoice(bad))
    assert {n.rule for n in out.notes} == {"TURNOUT-VAT-CHECKSUM", "TURNOUT-COUNTRY-UNKNOWN"}


def test_einvoice_wins_over_fields_when_both_are_present() -> None:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    inputs = Artifacts([fields({"invoice_number": "FROM-TEXT"}), einvoice(Invoice("FROM-XML"))])
    (out,) = StandardNormalize().process(inputs, context)
    assert isinstance(out, InvoiceArtifact) and out.invoice.invoice_number == "FROM-XML"


def test_spec_mirrors_the_normalize_contract_and_its_schema_is_valid() -> None:
    contract = STAGES_BY_ID["normalize"].contract
    spec = StandardNormalize.spec
    assert (spec.stage_id, spec.contract_id) == ("normalize", contract.contract_id)
    assert spec.inputs == contract.inputs and spec.outputs == contract.outputs
    assert contract.guarantees <= spec.guarantees
    schema = dict(spec.settings_schema)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate({"default_currency": "EUR", "date_order": "MDY"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"date_order": "YMD"}, schema)


def test_the_date_order_comes_from_the_schema_and_an_unknown_one_is_refused() -> None:
    schema_default = StandardNormalize.spec.settings_schema["properties"]["date_order"]["default"]
    assert StandardNormalize().date_order == schema_default
    assert StandardNormalize({"date_order": "MDY"}).date_order == "MDY"
    with pytest.raises(ValueError, match=r"date_order is 'YMD'; choose one of DMY, MDY"):
        StandardNormalize({"date_order": "YMD"})
