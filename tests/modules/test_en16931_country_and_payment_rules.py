"""validate.en16931: rules that read every country code, the seller's identifiers, the VAT point
date code in each syntax, and the payment instructions of a canonical invoice. Invoices of our
own making, written in UBL and CII by the exports' builders; where the official XSLT is the
reference (`corpus`), our verdict is compared with it."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from turnout.domain.invoice import (
    Address,
    CreditTransfer,
    Delivery,
    DirectDebit,
    Identifier,
    Invoice,
    InvoiceLine,
    Party,
    Payment,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)
from turnout.modules.export.cii_builder import build_cii
from turnout.modules.export.ubl_builder import build_ubl
from turnout.modules.validate.en16931 import RULES, validate_node, validate_xml
from turnout.modules.validate.en16931.canonical import canonical_node, canonical_rules

D = Decimal
XSLT = Path(__file__).parents[2].parent / "shared" / "corpora" / "en16931" / "xslt"
BUILDERS = {"ubl": build_ubl, "cii": build_cii}


def split_payment_invoice() -> Invoice:
    """A domestic Italian invoice of VAT category B (split payment): one line of 100.00 at 22 %."""
    line = InvoiceLine("1", "Servizio", D("1"), "C62", D("100.00"), D("100.00"), "B", D("22"))
    return Invoice(
        invoice_number="FT-1",
        issue_date=dt.date(2024, 4, 2),
        type_code="380",
        currency="EUR",
        due_date=dt.date(2024, 5, 2),
        specification_id="urn:cen.eu:en16931:2017",
        seller=Party(
            name="Venditore Srl",
            vat_id="IT01234567890",
            country="IT",
            electronic_address=Identifier("venditore@example.it", "EM"),
            address=Address(line1="Via Roma 1", city="Roma", post_code="00100"),
        ),
        buyer=Party(
            name="Comune di Milano",
            vat_id="IT09876543210",
            country="IT",
            electronic_address=Identifier("comune@example.it", "EM"),
            address=Address(city="Milano", post_code="20100"),
        ),
        payment=Payment(iban="IT60X0542811101000000123456", means_code="58"),
        totals=Totals(
            line_net=D("100.00"),
            tax_exclusive=D("100.00"),
            tax=D("22.00"),
            tax_inclusive=D("122.00"),
            payable=D("122.00"),
        ),
        vat_breakdown=[VatBreakdown("B", D("22"), D("100.00"), D("22.00"))],
        lines=[line],
    )


def rules_on_canonical(invoice: Invoice) -> set[str]:
    report = validate_node(canonical_node(invoice), "canonical", canonical_rules(RULES.values()))
    return {f.rule for f in report.findings}


def rules_on_xml(data: bytes) -> set[str]:
    return {f.rule for f in validate_xml(etree.fromstring(data)).findings}


def official_rules(data: bytes) -> set[str]:
    """The fatal rules the official EN 16931 XSLT finds broken, or a skip without it."""
    if not XSLT.is_dir():
        pytest.skip(f"the EN 16931 XSLT is not at {XSLT} (../shared/corpora is absent)")
    pytest.importorskip("saxonche", reason="saxonche (the dev extra) runs the official XSLT")
    module = sys.modules.get("xslt_validator")
    if module is None:
        path = Path(__file__).parents[2] / "bench" / "xslt_validator.py"
        spec = importlib.util.spec_from_file_location("xslt_validator", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["xslt_validator"] = module
        spec.loader.exec_module(module)
    validator: Any = module.OfficialValidator(XSLT)
    return {a.rule for a in validator.failed_asserts(data) if a.flag == "fatal"}


# ---- BR-B-01: every country code of a split-payment invoice is IT ----------------------------


def with_delivery_to(country: str) -> Invoice:
    invoice = split_payment_invoice()
    invoice.delivery = Delivery(date=dt.date(2024, 3, 30), country=country)
    return invoice


def with_origin(country: str) -> Invoice:
    invoice = split_payment_invoice()
    invoice.lines[0].origin_country = country
    return invoice


def test_a_domestic_italian_split_payment_invoice_passes_br_b_01_in_every_view() -> None:
    invoice = with_delivery_to("IT")
    assert "BR-B-01" not in rules_on_canonical(invoice)
    for build in BUILDERS.values():
        assert "BR-B-01" not in rules_on_xml(build(invoice))


@pytest.mark.parametrize("syntax", ["ubl", "cii", "canonical"])
def test_a_split_payment_invoice_delivered_abroad_breaks_br_b_01(syntax: str) -> None:
    invoice = with_delivery_to("FR")  # seller and buyer are both in Italy
    found = (
        rules_on_canonical(invoice)
        if syntax == "canonical"
        else rules_on_xml(BUILDERS[syntax](invoice))
    )
    assert "BR-B-01" in found


def test_a_split_payment_tax_representative_abroad_breaks_br_b_01() -> None:
    invoice = split_payment_invoice()
    invoice.tax_representative = TaxRepresentative(
        name="Rappresentante GmbH", vat_id="DE136695976", country="DE"
    )
    assert "BR-B-01" in rules_on_canonical(invoice)
    for build in BUILDERS.values():
        assert "BR-B-01" in rules_on_xml(build(invoice))


def test_an_item_made_abroad_breaks_br_b_01_where_the_binding_counts_it() -> None:
    # UBL's rule reads every cbc:IdentificationCode, the item's origin included; CII's reads
    # ram:CountryID, which an item's origin (ram:OriginTradeCountry/ram:ID) is not
    invoice = with_origin("CN")
    assert "BR-B-01" in rules_on_canonical(invoice)
    assert "BR-B-01" in rules_on_xml(build_ubl(invoice))
    assert "BR-B-01" not in rules_on_xml(build_cii(invoice))


@pytest.mark.corpus
@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize(
    "invoice",
    [with_delivery_to("IT"), with_delivery_to("FR"), with_origin("CN"), with_origin("IT")],
    ids=["delivered-in-italy", "delivered-abroad", "made-abroad", "made-in-italy"],
)
def test_br_b_01_agrees_with_the_official_rule(syntax: str, invoice: Invoice) -> None:
    data = BUILDERS[syntax](invoice)
    assert ("BR-B-01" in rules_on_xml(data)) == ("BR-B-01" in official_rules(data))


# ---- BR-CO-26: a SEPA creditor id is not the seller's identifier -----------------------------


def seller_known_only_by(identifiers: list[Identifier]) -> Invoice:
    """An invoice whose seller has no VAT id nor legal registration: BR-CO-26 rests on BT-29."""
    invoice = with_delivery_to("IT")
    for line in invoice.lines:
        line.vat_category, line.vat_rate = "S", D("22")
    invoice.vat_breakdown[0].category = "S"
    invoice.seller.vat_id = None
    invoice.seller.identifiers = identifiers
    invoice.tax_representative = None
    return invoice


def test_a_seller_known_only_by_a_sepa_creditor_id_breaks_br_co_26_in_ubl() -> None:
    invoice = seller_known_only_by([])
    invoice.payment = Payment(
        means_code="59",
        direct_debit=DirectDebit("MANDATE-1", "IT98ZZZ09999999999", "IT60X0542811101000000123456"),
    )
    data = build_ubl(invoice)  # the creditor id is written as a SEPA PartyIdentification
    assert b'schemeID="SEPA"' in data
    assert "BR-CO-26" in rules_on_xml(data)
    assert "BR-CO-26" in rules_on_canonical(invoice)


def test_a_seller_identifier_with_another_scheme_satisfies_br_co_26_in_ubl() -> None:
    invoice = seller_known_only_by([Identifier("4012345000016", "0088")])
    assert "BR-CO-26" not in rules_on_xml(build_ubl(invoice))
    assert "BR-CO-26" not in rules_on_canonical(invoice)


# ---- BR-CL-06: the VAT point date code in each syntax's code list ----------------------------


def with_tax_point_code(code: str) -> Invoice:
    invoice = with_delivery_to("IT")
    invoice.tax_point_code = code
    return invoice


@pytest.mark.parametrize("code", ["3", "35", "432"])
def test_each_en16931_tax_point_code_passes_br_cl_06_in_both_syntaxes(code: str) -> None:
    invoice = with_tax_point_code(code)
    for build in BUILDERS.values():
        report = validate_xml(etree.fromstring(build(invoice)))
        assert "BR-CL-06" not in {f.rule for f in report.findings}
        assert "BR-CL-06" not in report.skipped


def test_a_cii_due_date_type_code_outside_untdid_2475_breaks_br_cl_06() -> None:
    data = build_cii(with_tax_point_code("3"))
    assert b"<ram:DueDateTypeCode>5</ram:DueDateTypeCode>" in data
    # 3 is UNTDID 2005's invoice date code: UBL's, not the CII binding's
    wrong = data.replace(b"<ram:DueDateTypeCode>5<", b"<ram:DueDateTypeCode>3<")
    report = validate_xml(etree.fromstring(wrong))
    assert "BR-CL-06" in {f.rule for f in report.findings}
    assert "BR-CL-06" not in report.skipped


def test_a_ubl_description_code_outside_untdid_2005_breaks_br_cl_06() -> None:
    data = build_ubl(with_tax_point_code("3"))
    wrong = data.replace(b"<cbc:DescriptionCode>3<", b"<cbc:DescriptionCode>5<")
    assert wrong != data
    assert "BR-CL-06" in rules_on_xml(wrong)


@pytest.mark.corpus
def test_br_cl_06_on_cii_agrees_with_the_official_rule() -> None:
    data = build_cii(with_tax_point_code("35"))
    wrong = data.replace(b"<ram:DueDateTypeCode>29<", b"<ram:DueDateTypeCode>35<")
    for document in (data, wrong):
        assert ("BR-CL-06" in rules_on_xml(document)) == ("BR-CL-06" in official_rules(document))


# ---- BR-49: payment instructions without a means code on a canonical invoice -----------------


@pytest.mark.parametrize(
    "payment",
    [
        Payment(remittance="RF18539007547034"),
        Payment(direct_debit=DirectDebit("MANDATE-1", None, "IT60X0542811101000000123456")),
        Payment(means_text="Bonifico"),
    ],
    ids=["remittance", "direct-debit", "means-text"],
)
def test_payment_instructions_without_a_means_code_break_br_49(payment: Payment) -> None:
    invoice = with_delivery_to("IT")
    invoice.payment = payment
    assert "BR-49" in rules_on_canonical(invoice)


def test_an_invoice_without_payment_instructions_is_not_asked_for_a_means_code() -> None:
    invoice = with_delivery_to("IT")
    invoice.payment = Payment()
    assert "BR-49" not in rules_on_canonical(invoice)


def test_canonical_payment_means_are_the_ones_the_exports_write_one_per_transfer() -> None:
    """A second credit transfer is a payment means of its own (as both exports write it), so a
    first means without its account breaks BR-61 on the canonical invoice as in the XML."""

    def fired(payment: Payment) -> set[str]:
        report = validate_node(canonical_node(Invoice(payment=payment)), "canonical")
        return {f.rule for f in report.findings}

    second = [CreditTransfer("DE02120300000000202051")]
    assert "BR-61" in fired(Payment(means_code="58", account_name="Main", more_transfers=second))
    whole = Payment(means_code="58", iban="DE89370400440532013000", more_transfers=second)
    assert not {"BR-50", "BR-61"} & fired(whole)
