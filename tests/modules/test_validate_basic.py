"""validate.basic: required fields, arithmetic and consistency rules on hand-made invoices."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from turnout.domain.artifacts import Finding, Findings, InvoiceArtifact, Severity
from turnout.domain.invoice import Invoice, InvoiceLine, Party, Totals, VatBreakdown
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.validate.basic import BasicValidate

D = Decimal


def complete_invoice() -> Invoice:
    """An invoice on which every basic rule passes: 2 lines, an allowance, a charge, prepaid."""
    return Invoice(
        invoice_number="INV-2024-001",
        issue_date=dt.date(2024, 3, 1),
        due_date=dt.date(2024, 3, 31),
        currency="EUR",
        seller=Party(name="Acme GmbH", vat_id="DE123456789", country="DE"),
        buyer=Party(name="Buyer BV", country="NL"),
        totals=Totals(
            line_net=D("120.00"),
            allowances=D("10.00"),
            charges=D("5.00"),
            tax_exclusive=D("115.00"),
            tax=D("23.00"),
            tax_inclusive=D("138.00"),
            prepaid=D("38.00"),
            rounding=D("0.00"),
            payable=D("100.00"),
        ),
        vat_breakdown=[VatBreakdown("S", D("20"), D("115.00"), D("23.00"))],
        lines=[
            InvoiceLine("1", "Widget", D("2"), "C62", D("50.00"), D("100.00"), "S", D("20")),
            InvoiceLine("2", "Gadget", D("1"), "C62", D("20.00"), D("20.00"), "S", D("20")),
        ],
    )


def validate(
    invoice: Invoice,
    settings: Mapping[str, Any] | None = None,
    notes: tuple[Finding, ...] = (),
) -> Findings:
    context = RunContext("run-1", 1, "validate", "validate.basic", Path())
    module = BasicValidate(settings)
    (out,) = module.process(Artifacts([InvoiceArtifact(invoice, notes)]), context)
    assert isinstance(out, Findings)
    return out


def rules(findings: Findings) -> list[str]:
    return [f.rule for f in findings.items]


def with_totals(**changes: Decimal | None) -> Invoice:
    invoice = complete_invoice()
    invoice.totals = dataclasses.replace(invoice.totals, **changes)
    return invoice


# --- the module's declaration ---------------------------------------------------------------


def test_spec_is_the_validate_fallback_and_mirrors_the_stage_contract() -> None:
    spec, contract = BasicValidate.spec, STAGES_BY_ID["validate"].contract
    assert spec.is_fallback
    assert (spec.stage_id, spec.contract_id) == ("validate", contract.contract_id)
    assert spec.inputs == contract.inputs
    assert spec.outputs == contract.outputs
    assert contract.guarantees <= spec.guarantees


def test_settings_schema_accepts_documented_settings_and_refuses_others() -> None:
    schema = BasicValidate.spec.settings_schema
    jsonschema.validate({}, schema)
    jsonschema.validate({"tolerance": "0.05", "required_fields": ["buyer.name", "lines"]}, schema)
    for bad in (
        {"tolerance": "-1"},
        {"tolerance": 0.01},
        {"required_fields": ["seller.nmae"]},
        {"strict": True},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


# --- a complete invoice ---------------------------------------------------------------------


def test_complete_consistent_invoice_has_no_findings() -> None:
    findings = validate(complete_invoice())
    assert findings.items == ()
    assert findings.ruleset == "basic"


def test_normalisation_notes_come_first_in_the_findings() -> None:
    note = Finding("TURNOUT-VAT-ID", Severity.WARNING, "checksum of seller VAT id fails", "seller")
    invoice = complete_invoice()
    invoice.invoice_number = None
    findings = validate(invoice, notes=(note,))
    assert findings.items[0] == note
    assert rules(findings) == ["TURNOUT-VAT-ID", "BR-02"]


# --- required fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "rule", "term"),
    [
        ("invoice_number", "BR-02", "BT-1"),
        ("issue_date", "BR-03", "BT-2"),
        ("currency", "BR-05", "BT-5"),
        ("seller.name", "BR-06", "BT-27"),
        ("totals.payable", "BR-15", "BT-115"),
    ],
)
def test_missing_default_required_field_is_a_fatal_finding_with_its_en16931_rule(
    path: str, rule: str, term: str
) -> None:
    invoice = complete_invoice()
    owner: Any = invoice
    *parents, leaf = path.split(".")
    for part in parents:
        owner = getattr(owner, part)
    setattr(owner, leaf, None)
    findings = validate(invoice)
    assert rules(findings) == [rule]
    (finding,) = findings.items
    assert finding.severity is Severity.FATAL
    assert finding.path == path
    assert term in finding.message and "missing" in finding.message


def test_blank_text_counts_as_missing() -> None:
    invoice = complete_invoice()
    invoice.invoice_number = "   "
    invoice.seller.name = ""
    assert rules(validate(invoice)) == ["BR-02", "BR-06"]


def test_buyer_name_is_not_required_by_default_but_can_be() -> None:
    invoice = complete_invoice()
    invoice.buyer.name = None
    assert validate(invoice).items == ()
    assert rules(validate(invoice, {"required_fields": ["buyer.name"]})) == ["BR-07"]


def test_required_field_without_an_en16931_rule_reports_turnout_required() -> None:
    invoice = complete_invoice()
    findings = validate(invoice, {"required_fields": ["payment.iban"]})
    assert [(f.rule, f.path) for f in findings.items] == [("TURNOUT-REQUIRED", "payment.iban")]
    assert "BT-84" in findings.items[0].message


def test_required_lists_must_have_an_entry() -> None:
    invoice = complete_invoice()
    invoice.lines, invoice.vat_breakdown = [], []
    invoice.totals.line_net = invoice.totals.tax = None
    findings = validate(invoice, {"required_fields": ["lines", "vat_breakdown"]})
    assert rules(findings) == ["BR-16", "BR-CO-18"]


def test_unknown_required_field_is_refused_with_the_known_paths() -> None:
    with pytest.raises(ValueError, match=r"`seller\.nmae`.*seller\.name"):
        BasicValidate({"required_fields": ["seller.nmae"]})


def test_negative_or_junk_tolerance_is_refused_with_an_example() -> None:
    for bad in ("-0.01", "abc", "NaN"):
        with pytest.raises(ValueError, match="non-negative decimal"):
            BasicValidate({"tolerance": bad})


# --- arithmetic -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rule", "path"),
    [
        (
            {
                "line_net": D("121.00"),
                "tax_exclusive": D("116.00"),
                "tax_inclusive": D("139.00"),
                "payable": D("101.00"),
            },
            "BR-CO-10",
            "totals.line_net",
        ),
        (
            {"tax_exclusive": D("125.00"), "tax_inclusive": D("148.00"), "payable": D("110.00")},
            "BR-CO-13",
            "totals.tax_exclusive",
        ),
        (
            {"tax": D("24.00"), "tax_inclusive": D("139.00"), "payable": D("101.00")},
            "BR-CO-14",
            "totals.tax",
        ),
        (
            {"tax_inclusive": D("140.00"), "payable": D("102.00")},
            "BR-CO-15",
            "totals.tax_inclusive",
        ),
        ({"payable": D("138.00")}, "BR-CO-16", "totals.payable"),
    ],
)
def test_totals_that_do_not_add_up_fire_their_rule_alone(
    changes: dict[str, Decimal], rule: str, path: str
) -> None:
    findings = validate(with_totals(**changes))
    assert [(f.rule, f.path, f.severity) for f in findings.items] == [(rule, path, Severity.FATAL)]
    assert "tolerance 0.01" in findings.items[0].message


def test_br_co_15_message_shows_the_terms_and_the_difference() -> None:
    (finding,) = validate(with_totals(tax_inclusive=D("140.00"), payable=D("102.00"))).items
    assert finding.message == (
        "the total amount with VAT (BT-112) is 140.00 but total without VAT (BT-109) 115.00 + "
        "total VAT (BT-110) 23.00 = 138.00; the difference 2.00 exceeds the rounding tolerance 0.01"
    )


def test_difference_within_the_tolerance_passes() -> None:
    invoice = with_totals(payable=D("100.01"))
    assert validate(invoice).items == ()
    assert rules(validate(invoice, {"tolerance": "0"})) == ["BR-CO-16"]
    assert validate(with_totals(payable=D("100.05")), {"tolerance": "0.05"}).items == ()


def test_absent_allowances_and_charges_count_as_zero() -> None:
    assert rules(validate(with_totals(allowances=None))) == ["BR-CO-13"]
    no_adjustments = with_totals(
        allowances=None,
        charges=None,
        tax_exclusive=D("120.00"),
        tax_inclusive=D("143.00"),
        payable=D("105.00"),
    )
    assert validate(no_adjustments).items == ()


def test_absent_prepaid_and_rounding_count_as_zero() -> None:
    assert validate(with_totals(prepaid=None, rounding=None, payable=D("138.00"))).items == ()
    assert validate(with_totals(rounding=D("0.40"), payable=D("100.40"))).items == ()


@pytest.mark.parametrize(
    "missing",
    ["line_net", "tax_exclusive", "tax", "tax_inclusive"],
)
def test_a_missing_amount_is_not_an_arithmetic_error(missing: str) -> None:
    findings = validate(with_totals(**{missing: None}))
    assert findings.items == ()


def test_line_sum_is_not_checked_when_a_line_lacks_its_net_amount() -> None:
    invoice = with_totals(line_net=D("999.00"), tax_exclusive=D("994.00"))
    invoice.lines[1].net_amount = None
    assert "BR-CO-10" not in rules(validate(invoice))


def test_vat_sum_is_not_checked_without_breakdown_tax_amounts() -> None:
    invoice = complete_invoice()
    invoice.vat_breakdown[0].tax = None
    invoice.totals.tax = D("23.00")
    assert validate(invoice).items == ()
    invoice.vat_breakdown = []
    assert validate(invoice).items == ()


def test_line_net_amount_differing_from_quantity_times_price_is_a_warning() -> None:
    invoice = complete_invoice()
    invoice.lines[0].net_price = D("49.00")
    findings = validate(invoice)
    assert [(f.rule, f.severity, f.path) for f in findings.items] == [
        ("TURNOUT-LINE-NET", Severity.WARNING, "lines[0].net_amount")
    ]
    assert findings.items[0].message.startswith("line 1: the net amount (BT-131) is 100.00")


def test_line_net_amount_is_compared_after_rounding_to_cents() -> None:
    invoice = complete_invoice()
    invoice.lines = [InvoiceLine("1", "Bolts", D("3"), "C62", D("3.335"), D("10.01"))]
    invoice.totals = Totals(line_net=D("10.01"), tax_exclusive=D("10.01"), payable=D("10.01"))
    invoice.vat_breakdown = []
    # 3 x 3.335 = 10.005, rounded half up to 10.01: equal even with no tolerance at all
    assert validate(invoice, {"tolerance": "0"}).items == ()
    invoice.lines[0].net_amount = D("10.00")
    invoice.totals = Totals(line_net=D("10.00"), tax_exclusive=D("10.00"), payable=D("10.00"))
    assert rules(validate(invoice, {"tolerance": "0"})) == ["TURNOUT-LINE-NET"]


# --- consistency ----------------------------------------------------------------------------


def test_due_date_before_issue_date_is_a_warning() -> None:
    invoice = complete_invoice()
    invoice.due_date = dt.date(2024, 2, 28)
    findings = validate(invoice)
    assert [(f.rule, f.severity, f.path) for f in findings.items] == [
        ("TURNOUT-DUE-DATE", Severity.WARNING, "due_date")
    ]
    assert "2024-02-28" in findings.items[0].message and "2024-03-01" in findings.items[0].message


def test_due_date_on_the_issue_date_passes() -> None:
    invoice = complete_invoice()
    invoice.due_date = invoice.issue_date
    assert validate(invoice).items == ()


@pytest.mark.parametrize("currency", ["eur", "EURO", "€", "E1R"])
def test_currency_that_is_not_three_capital_letters_is_fatal(currency: str) -> None:
    invoice = complete_invoice()
    invoice.currency = currency
    findings = validate(invoice)
    assert [(f.rule, f.severity) for f in findings.items] == [
        ("TURNOUT-CURRENCY-FORMAT", Severity.FATAL)
    ]


# --- partial and junk invoices never raise --------------------------------------------------


def test_empty_invoice_reports_the_required_fields_and_nothing_else() -> None:
    assert rules(validate(Invoice())) == ["BR-02", "BR-03", "BR-05", "BR-06", "BR-15"]


@pytest.mark.parametrize(
    "invoice",
    [
        Invoice(totals=Totals(payable=D("10.00"))),
        Invoice(lines=[InvoiceLine(name="only a name")], vat_breakdown=[VatBreakdown()]),
        Invoice(lines=[InvoiceLine(quantity=D("2"))], totals=Totals(line_net=D("5"))),
        Invoice(issue_date=dt.date(2024, 1, 2), due_date=None, currency=""),
        Invoice(totals=Totals(tax_inclusive=D("-50.00"), payable=D("-50.00"))),
        Invoice(totals=Totals(line_net=D("1E+30"), tax_exclusive=D("1E+30"))),
        Invoice(totals=Totals(payable=D("NaN"), tax_inclusive=D("Infinity"))),
        Invoice(lines=[InvoiceLine(quantity=D("1E+19"), net_price=D("9E+19"), net_amount=D("1"))]),
    ],
)
def test_partial_or_junk_invoice_never_raises(invoice: Invoice) -> None:
    findings = validate(invoice, {"required_fields": ["lines", "vat_breakdown", "buyer.name"]})
    assert all(isinstance(f, Finding) and f.message for f in findings.items)


def test_amount_that_is_not_a_usable_number_is_reported_and_left_out_of_sums() -> None:
    invoice = with_totals(payable=D("NaN"), tax_inclusive=D("1E+25"))
    findings = validate(invoice)
    assert [(f.rule, f.path) for f in findings.items] == [
        ("TURNOUT-AMOUNT", "totals.tax_inclusive"),
        ("TURNOUT-AMOUNT", "totals.payable"),
    ]


def test_removing_any_single_field_of_a_complete_invoice_never_raises() -> None:
    base = complete_invoice().to_dict()
    for key in base:
        if isinstance(base[key], dict):
            for sub in base[key]:
                data = complete_invoice().to_dict()
                data[key][sub] = None
                validate(Invoice.from_dict(data))
        else:
            data = complete_invoice().to_dict()
            data[key] = None
            validate(Invoice.from_dict(data))
