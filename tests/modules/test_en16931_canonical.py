"""The EN 16931 rules over the canonical invoice (no XML): every term they read is mapped, so an
invoice read from a page is checked as its e-invoice would be. Invoices of our own making."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from turnout.domain.invoice import (
    Address,
    AllowanceCharge,
    Attachment,
    Card,
    Classification,
    CreditTransfer,
    Delivery,
    Identifier,
    Invoice,
    InvoiceLine,
    ItemAttribute,
    Party,
    Payee,
    Payment,
    Period,
    PrecedingInvoice,
    SupportingDocument,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)
from turnout.modules.validate.en16931 import RULES, validate_node
from turnout.modules.validate.en16931.canonical import (
    XML_ONLY_FAMILIES,
    canonical_node,
    canonical_rules,
)

D = Decimal
RULES_ON_CANONICAL = canonical_rules(RULES.values())


def valid_invoice() -> Invoice:
    """100.00 of goods at 19 %, a 10.00 allowance and a 5.00 charge: every sum adds up."""
    line = InvoiceLine("1", "Widget", D("2"), "C62", D("50.00"), D("100.00"), "S", D("19"))
    line.allowances = [AllowanceCharge(D("5.00"), D("100.00"), D("5"), reason_code="95")]
    line.charges = [AllowanceCharge(D("5.00"), reason="Packing")]
    line.net_amount = D("100.00")  # 2 x 50.00 - 5.00 + 5.00
    line.standard_id = Identifier("4012345000016", "0160")
    line.classifications = [Classification("12345678", "STI")]
    line.attributes = [ItemAttribute("Colour", "Blue")]
    line.period = Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    return Invoice(
        invoice_number="INV-1",
        issue_date=dt.date(2024, 4, 2),
        type_code="380",
        currency="EUR",
        due_date=dt.date(2024, 5, 2),
        specification_id="urn:cen.eu:en16931:2017",
        seller=Party(
            name="Seller GmbH",
            vat_id="DE136695976",
            country="DE",
            electronic_address=Identifier("seller@example.com", "EM"),
            address=Address(line1="Hauptstr. 1", city="Berlin", post_code="10115"),
        ),
        buyer=Party(
            name="Buyer SA",
            vat_id="FR40303265045",
            country="FR",
            electronic_address=Identifier("buyer@example.com", "EM"),
            address=Address(city="Paris"),
        ),
        payment=Payment(iban="DE89370400440532013000", means_code="58"),
        totals=Totals(
            line_net=D("100.00"),
            allowances=D("10.00"),
            charges=D("5.00"),
            tax_exclusive=D("95.00"),
            tax=D("18.05"),
            tax_inclusive=D("113.05"),
            payable=D("113.05"),
        ),
        vat_breakdown=[VatBreakdown("S", D("19"), D("95.00"), D("18.05"))],
        lines=[line],
        allowances=[AllowanceCharge(D("10.00"), D("100.00"), D("10"), "S", D("19"), "Loyalty")],
        charges=[AllowanceCharge(D("5.00"), None, None, "S", D("19"), None, "FC")],
        invoicing_period=Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    )


def fired(invoice: Invoice) -> set[tuple[str, str | None]]:
    report = validate_node(canonical_node(invoice), "canonical", RULES_ON_CANONICAL)
    return {(f.rule, f.path) for f in report.findings}


def rule_ids(invoice: Invoice) -> set[str]:
    return {rule for rule, _ in fired(invoice)}


def test_a_consistent_invoice_with_allowances_and_charges_breaks_no_rule() -> None:
    assert fired(valid_invoice()) == set()


def test_only_the_syntax_rules_are_left_to_xml() -> None:
    left_out = {r.rule_id for r in RULES.values()} - {r.rule_id for r in RULES_ON_CANONICAL}
    assert left_out and all(rule.startswith(XML_ONLY_FAMILIES) for rule in left_out)
    assert {"UBL-SR-01", "UBL-DT-01", "UBL-SR-47"} <= left_out
    # every other rule finds each term it reads in the model: none is skipped
    report = validate_node(canonical_node(valid_invoice()), "canonical", RULES_ON_CANONICAL)
    assert report.skipped == ()


def test_document_allowances_that_do_not_add_up_to_bt_107_fire_br_co_11() -> None:
    invoice = valid_invoice()
    invoice.allowances.append(AllowanceCharge(D("1.00"), vat_category="S", vat_rate=D("19")))
    invoice.allowances[1].reason = "Early order"
    assert ("BR-CO-11", "totals.allowances") in fired(invoice)
    assert "BR-CO-12" not in rule_ids(invoice)


def test_document_charges_without_their_sum_fire_br_co_12_on_the_invoice() -> None:
    invoice = valid_invoice()
    invoice.totals.charges = None
    assert ("BR-CO-12", "invoice") in fired(invoice)


def test_a_charge_sum_that_differs_fires_br_co_12_at_bt_108() -> None:
    invoice = valid_invoice()
    invoice.charges[0].amount = D("6.00")
    found = fired(invoice)
    assert ("BR-CO-12", "totals.charges") in found
    assert ("BR-S-08", "vat_breakdown[0]") in found  # the taxable amount no longer adds up


def test_allowances_and_charges_need_a_reason_a_vat_category_and_two_decimals() -> None:
    invoice = valid_invoice()
    invoice.allowances[0].reason = None
    invoice.charges[0].vat_category = None
    invoice.lines[0].allowances[0].reason_code = None
    invoice.lines[0].charges[0].amount = D("5.001")
    found = fired(invoice)
    assert {("BR-33", "allowances[0]"), ("BR-CO-21", "allowances[0]")} <= found
    assert ("BR-37", "charges[0]") in found
    assert {("BR-42", "lines[0].allowances[0]"), ("BR-CO-23", "lines[0].allowances[0]")} <= found
    assert ("BR-DEC-27", "lines[0].charges[0].amount") in found


def test_reason_codes_come_from_their_code_lists() -> None:
    invoice = valid_invoice()
    invoice.allowances[0].reason_code = "ZZZ"
    invoice.lines[0].charges[0].reason_code = "NOPE"
    found = fired(invoice)
    assert ("BR-CL-19", "allowances[0].reason_code") in found
    assert ("BR-CL-20", "lines[0].charges[0].reason_code") in found


def exempt_invoice(category: str, reason: str | None, code: str | None) -> Invoice:
    """A 100.00 invoice of one VAT category without tax, its breakdown with the given exemption."""
    line = InvoiceLine("1", "Service", D("1"), "C62", D("100.00"), D("100.00"), category)
    line.vat_rate = None if category == "O" else D("0")
    rate = None if category == "O" else D("0")
    breakdown = VatBreakdown(category, rate, D("100.00"), D("0.00"), reason, code)
    ids = category != "O"
    return Invoice(
        invoice_number="INV-2",
        issue_date=dt.date(2024, 4, 2),
        type_code="380",
        currency="EUR",
        due_date=dt.date(2024, 5, 2),
        seller=Party(
            name="Seller",
            vat_id="DE136695976" if ids else None,
            legal_registration=None if ids else Identifier("HRB 1234"),
            country="DE",
        ),
        buyer=Party(name="Buyer", vat_id="FR40303265045" if ids else None, country="FR"),
        totals=Totals(
            line_net=D("100.00"),
            tax_exclusive=D("100.00"),
            tax=D("0.00"),
            tax_inclusive=D("100.00"),
            payable=D("100.00"),
        ),
        vat_breakdown=[breakdown],
        lines=[line],
    )


@pytest.mark.parametrize(
    ("category", "rule"), [("E", "BR-E-10"), ("AE", "BR-AE-10"), ("O", "BR-O-10")]
)
def test_an_exempt_category_without_an_exemption_reason_fires_its_10th_rule(
    category: str, rule: str
) -> None:
    assert (rule, "vat_breakdown[0]") in fired(exempt_invoice(category, None, None))
    assert fired(exempt_invoice(category, "Exempt by law", None)) == set()
    assert fired(exempt_invoice(category, None, f"VATEX-EU-{category}")) == set()


def test_a_standard_rated_breakdown_with_an_exemption_reason_fires_br_s_10() -> None:
    invoice = valid_invoice()
    invoice.vat_breakdown[0].exemption_reason = "Exempt"
    assert ("BR-S-10", "vat_breakdown[0]") in fired(invoice)


def test_not_subject_to_vat_forbids_vat_ids_and_other_categories() -> None:
    invoice = exempt_invoice("O", "Not subject to VAT", None)
    invoice.buyer.vat_id = "FR40303265045"
    invoice.allowances = [AllowanceCharge(D("1.00"), None, None, "S", D("19"), "Discount")]
    found = rule_ids(invoice)
    assert {"BR-O-02", "BR-O-13", "BR-S-01"} <= found


def test_parties_and_identifiers_are_checked_as_in_xml() -> None:
    invoice = valid_invoice()
    invoice.seller.electronic_address = Identifier("seller@example.com")
    invoice.lines[0].standard_id = Identifier("4012345000016")
    invoice.lines[0].classifications = [Classification("12345678")]
    invoice.lines[0].attributes = [ItemAttribute("Colour")]
    invoice.buyer.country = "XX"
    found = fired(invoice)
    assert ("BR-62", "seller.electronic_address.id") in found
    assert ("BR-64", "lines[0].standard_id.id") in found
    assert ("BR-65", "lines[0].classifications[0].id") in found
    assert ("BR-54", "lines[0].attributes[0]") in found
    assert ("BR-CL-14", "buyer.country") in found


def test_groups_the_source_has_are_checked_for_what_they_must_contain() -> None:
    invoice = valid_invoice()
    invoice.payee = Payee()
    invoice.tax_representative = TaxRepresentative(address=Address(city="Wien"))
    invoice.delivery = Delivery(address=Address(city="Lyon"))
    invoice.preceding_invoices = [PrecedingInvoice(issue_date=dt.date(2024, 1, 1))]
    invoice.documents = [SupportingDocument(description="Timesheet")]
    found = fired(invoice)
    assert {("BR-17", "payee"), ("BR-18", "tax_representative")} <= found
    assert {("BR-20", "tax_representative.address"), ("BR-56", "tax_representative")} <= found
    assert ("BR-57", "delivery.address") in found
    assert ("BR-55", "preceding_invoices[0]") in found
    assert ("BR-52", "documents[0]") in found


def test_an_absent_optional_group_is_not_checked() -> None:
    invoice = valid_invoice()
    invoice.delivery = Delivery(date=dt.date(2024, 3, 30))  # no address at all: no BR-57
    assert fired(invoice) == set()


def test_payment_means_accounts_and_cards() -> None:
    invoice = valid_invoice()
    invoice.payment = Payment(means_code="58", more_transfers=[CreditTransfer(account_name="X")])
    assert {("BR-50", "payment.more_transfers[0]"), ("BR-61", "payment")} <= fired(invoice)
    invoice.payment = Payment(bic="COBADEFFXXX")
    assert ("BR-49", "payment") in fired(invoice)
    invoice.payment = Payment(means_code="54", card=Card("4111111111111111", "J Doe"))
    assert ("BR-51", "payment.card.account") in fired(invoice)
    invoice.payment = Payment(means_code="99")
    assert ("BR-CL-16", "payment.means_code") in fired(invoice)


def test_vat_accounting_currency_needs_bt_111_with_two_decimals() -> None:
    invoice = valid_invoice()
    invoice.vat_currency = "SEK"
    assert ("BR-53", "invoice") in fired(invoice)
    invoice.totals.tax_accounting = D("200.123")
    found = fired(invoice)
    assert "BR-53" not in rule_ids(invoice)
    assert ("BR-DEC-15", "totals.tax_accounting") in found


def test_periods_dates_and_delivery_rules() -> None:
    invoice = valid_invoice()
    invoice.invoicing_period = Period(dt.date(2024, 3, 31), dt.date(2024, 3, 1))
    invoice.lines[0].period = Period(dt.date(2024, 3, 31), dt.date(2024, 3, 1))
    invoice.tax_point_date, invoice.tax_point_code = dt.date(2024, 3, 31), "35"
    found = fired(invoice)
    assert {("BR-29", "invoicing_period"), ("BR-30", "lines[0].period")} <= found
    assert ("BR-CO-03", "invoice") in found


def test_intra_community_supply_needs_the_deliver_to_country() -> None:
    invoice = exempt_invoice("K", "Intra-community supply", None)
    assert {"BR-IC-11", "BR-IC-12"} <= rule_ids(invoice)
    invoice.delivery = Delivery(date=dt.date(2024, 4, 1), country="FR")
    assert not {"BR-IC-11", "BR-IC-12"} & rule_ids(invoice)


def test_an_attachment_needs_a_mime_code_of_the_list() -> None:
    invoice = valid_invoice()
    attachment = Attachment("application/x-unknown", "a.bin", "00" * 32, 3)
    invoice.documents = [SupportingDocument("DOC-1", attachment=attachment)]
    assert ("BR-CL-24", "documents[0].attachment") in fired(invoice)
    attachment.mime_code = "application/pdf"
    assert fired(invoice) == set()


def test_a_credit_note_may_leave_out_the_due_date_as_ubl_writes_it() -> None:
    invoice = valid_invoice()
    invoice.due_date = None
    assert ("BR-CO-25", "invoice") in fired(invoice)
    invoice.type_code = "381"
    assert "BR-CO-25" not in rule_ids(invoice)


def test_an_invoice_that_names_no_specification_is_not_asked_for_one() -> None:
    invoice = valid_invoice()
    invoice.specification_id = None  # a printed page claims no specification
    assert fired(invoice) == set()


def test_bt_111_without_its_currency_is_not_taken_for_a_second_vat_total() -> None:
    invoice = valid_invoice()
    invoice.totals.tax_accounting = D("200.00")
    assert fired(invoice) == set()
