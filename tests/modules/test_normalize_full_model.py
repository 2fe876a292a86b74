"""normalize.standard on the whole EN 16931 model: every country, VAT id, account and amount group,
and the extensions an e-invoice carried reported on the invoice artifact."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from turnout.domain.artifacts import EInvoice, InvoiceArtifact, Severity
from turnout.domain.invoice import (
    AllowanceCharge,
    CreditTransfer,
    Delivery,
    Extension,
    FieldSource,
    Identifier,
    Invoice,
    InvoiceLine,
    Party,
    Payment,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.normalize.canonical import EXTENSION_RULE
from turnout.modules.normalize.credit_note import turn_credit_note_signs
from turnout.modules.normalize.standard import StandardNormalize

D = Decimal


def normalised(invoice: Invoice) -> InvoiceArtifact:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    einvoice = EInvoice(syntax="ubl", document_type="Invoice", profile=None, invoice=invoice)
    (out,) = StandardNormalize().process(Artifacts([einvoice]), context)
    assert isinstance(out, InvoiceArtifact)
    return out


def test_every_owner_of_a_country_gets_it_in_upper_case() -> None:
    invoice = Invoice(
        invoice_number="R-1",
        seller=Party(name="S", country="de"),
        buyer=Party(name="B", country="fr"),
        tax_representative=TaxRepresentative(name="T", country="at"),
        delivery=Delivery(country="nl"),
        lines=[InvoiceLine("1", origin_country="it")],
    )
    out = normalised(invoice).invoice
    assert out.seller.country == "DE"
    assert out.buyer.country == "FR"
    assert out.tax_representative is not None and out.tax_representative.country == "AT"
    assert out.delivery is not None and out.delivery.country == "NL"
    assert out.lines[0].origin_country == "IT"


def test_codes_en16931_allows_beyond_iso_are_kept_as_written() -> None:
    invoice = Invoice(invoice_number="R-2", seller=Party(country="XI"), buyer=Party(country="1a"))
    out = normalised(invoice).invoice
    assert (out.seller.country, out.buyer.country) == ("XI", "1A")


def test_tax_representative_vat_id_is_compacted_and_a_bad_one_noted() -> None:
    good = Invoice(
        invoice_number="R-3", tax_representative=TaxRepresentative(vat_id="de 136 695 976")
    )
    rep = normalised(good).invoice.tax_representative
    assert rep is not None and rep.vat_id == "DE136695976"
    bad = Invoice(invoice_number="R-4", tax_representative=TaxRepresentative(vat_id="DE136695977"))
    notes = normalised(bad).notes
    assert [(n.rule, n.path) for n in notes] == [
        ("TURNOUT-VAT-CHECKSUM", "tax_representative.vat_id")
    ]


def test_every_credit_transfer_account_is_checked_not_only_the_first() -> None:
    invoice = Invoice(
        invoice_number="R-5",
        payment=Payment(
            iban="DE89 3704 0044 0532 0130 00",
            more_transfers=[
                CreditTransfer("fr76 3000 6000 0112 3456 7890 189", "Dupont", "bnpa frpp"),
                CreditTransfer("DE00 1234", None, "NOTABIC"),
            ],
        ),
    )
    out = normalised(invoice)
    first, second = out.invoice.payment.more_transfers
    assert (first.account, first.provider) == ("FR7630006000011234567890189", "BNPAFRPP")
    assert first.account_name == "Dupont"
    assert second.account == "DE00 1234"  # kept as written, with a note
    assert {(n.rule, n.path) for n in out.notes} == {
        ("TURNOUT-IBAN-INVALID", "payment.more_transfers[1].account"),
        ("TURNOUT-BIC-INVALID", "payment.more_transfers[1].provider"),
    }


def test_each_extension_is_reported_as_a_warning_naming_where_it_was() -> None:
    invoice = Invoice(
        invoice_number="R-6",
        extensions=[
            Extension("/Invoice/ext:UBLExtensions", "<ext:UBLExtensions/>"),
            Extension("/rsm:CrossIndustryInvoice/rsm:Extra", "<rsm:Extra/>"),
        ],
    )
    out = normalised(invoice)
    assert [(n.rule, n.severity, n.message, n.path) for n in out.notes] == [
        (
            EXTENSION_RULE,
            Severity.WARNING,
            "kept verbatim, not part of EN 16931: /Invoice/ext:UBLExtensions",
            "extensions[0]",
        ),
        (
            EXTENSION_RULE,
            Severity.WARNING,
            "kept verbatim, not part of EN 16931: /rsm:CrossIndustryInvoice/rsm:Extra",
            "extensions[1]",
        ),
    ]
    assert out.invoice.extensions == invoice.extensions  # kept, not dropped


def test_an_e_invoice_without_anything_to_fix_gives_no_notes() -> None:
    invoice = Invoice(
        invoice_number="R-7",
        seller=Party(name="S", vat_id="DE136695976", country="DE"),
        tax_representative=TaxRepresentative(vat_id="DE136695976", country="DE"),
        payment=Payment(more_transfers=[CreditTransfer("DE89370400440532013000", None, None)]),
    )
    assert normalised(invoice).notes == ()


def _printed_credit_note() -> Invoice:
    line = InvoiceLine("1", quantity=D("2"), net_price=D("50.00"), net_amount=D("-90.00"))
    line.gross_price, line.price_discount = D("55.00"), D("5.00")
    line.allowances = [AllowanceCharge(D("-10.00"), D("-100.00"), D("10"))]
    line.charges = [AllowanceCharge(D("0.00"))]
    return Invoice(
        invoice_number="AV-1",
        type_code="381",
        totals=Totals(
            line_net=D("-90.00"),
            allowances=D("-5.00"),
            charges=D("-2.00"),
            tax_exclusive=D("-87.00"),
            tax_accounting=D("-16.53"),
            payable=D("-87.00"),
        ),
        allowances=[AllowanceCharge(D("-5.00"), D("-50.00"), D("10"), "S", D("19"))],
        charges=[AllowanceCharge(D("-2.00"), None, None, "S", D("19"))],
        lines=[line],
    )


def test_a_credit_note_printed_negative_turns_its_allowances_charges_and_bt_111() -> None:
    invoice = _printed_credit_note()
    assert turn_credit_note_signs(invoice) is not None
    assert invoice.totals.tax_accounting == D("16.53")
    (allowance,), (charge,) = invoice.allowances, invoice.charges
    assert (allowance.amount, allowance.base, allowance.percent) == (D("5.00"), D("50.00"), D(10))
    assert (allowance.vat_rate, charge.amount, charge.base) == (D("19"), D("2.00"), None)
    (line,) = invoice.lines
    assert (line.allowances[0].amount, line.allowances[0].base) == (D("10.00"), D("100.00"))
    assert line.charges[0].amount == D("0.00")
    # prices are never turned: a price is what one unit costs
    assert (line.net_price, line.gross_price, line.price_discount) == (
        D("50.00"),
        D("55.00"),
        D("5.00"),
    )


def test_allowances_printed_positive_on_a_negative_credit_note_stay_positive() -> None:
    invoice = _printed_credit_note()
    invoice.allowances[0].amount, invoice.allowances[0].base = D("5.00"), D("50.00")
    turn_credit_note_signs(invoice)
    assert (invoice.allowances[0].amount, invoice.allowances[0].base) == (D("5.00"), D("50.00"))
    assert invoice.charges[0].amount == D("2.00")


def test_an_invoice_keeps_its_negative_allowances() -> None:
    invoice = _printed_credit_note()
    invoice.type_code = "380"
    assert turn_credit_note_signs(invoice) is None
    assert invoice.allowances[0].amount == D("-5.00")


def test_a_partys_identifiers_without_a_scheme_come_first_with_their_provenance() -> None:
    source = FieldSource("einvoice.xml", 1.0)
    other = FieldSource("einvoice.xml", 0.9)
    invoice = Invoice(
        invoice_number="1",
        seller=Party(identifiers=[Identifier("4000001123452", "0088"), Identifier("S-77")]),
    )
    invoice.provenance.update(
        {
            "seller.identifiers[0].id": source,
            "seller.identifiers[0].scheme": source,
            "seller.identifiers[1].id": other,
        }
    )
    out = normalised(invoice).invoice
    assert out.seller.identifiers == [Identifier("S-77"), Identifier("4000001123452", "0088")]
    assert out.provenance["seller.identifiers[0].id"] is other
    assert out.provenance["seller.identifiers[1].id"] is source
    assert out.provenance["seller.identifiers[1].scheme"] is source
    assert "seller.identifiers[0].scheme" not in out.provenance


def test_a_vat_breakdown_without_its_total_gets_the_sum_br_co_14_requires() -> None:
    invoice = Invoice(
        invoice_number="1",
        vat_breakdown=[
            VatBreakdown("S", Decimal(19), Decimal(100), Decimal("19.00")),
            VatBreakdown("O", None, Decimal(50), Decimal("0.00")),
        ],
    )
    out = normalised(invoice).invoice
    assert out.totals.tax == Decimal("19.00")
    assert out.provenance["totals.tax"].module == "normalize.standard"


def test_no_vat_total_is_derived_when_a_breakdown_amount_is_missing() -> None:
    invoice = Invoice(
        invoice_number="1",
        vat_breakdown=[VatBreakdown("S", Decimal(19), Decimal(100), None)],
    )
    assert normalised(invoice).invoice.totals.tax is None
