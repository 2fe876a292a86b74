"""route.rules never approves an invoice read from a page without its required fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from turnout.domain.artifacts import Decision, Finding, Findings, InvoiceArtifact, Outcome, Severity
from turnout.domain.invoice import FieldSource, Invoice, Party, Totals
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.route.rules import RulesRoute, read_from_page

PAGE = FieldSource("extract.layout", 0.9)
XML = FieldSource("einvoice.xml", 1.0)
NOT_READ = "the {} was not read from the document"


def invoice(source: FieldSource = PAGE, **changes: Any) -> Invoice:
    values: dict[str, Any] = {
        "invoice_number": "INV-7",
        "issue_date": dt.date(2024, 5, 2),
        "currency": "EUR",
        "seller.name": "Acme GmbH",
        "totals.payable": Decimal("1190.00"),
        **changes,
    }
    inv = Invoice(
        invoice_number=values["invoice_number"],
        issue_date=values["issue_date"],
        currency=values["currency"],
        seller=Party(name=values["seller.name"]),
        totals=Totals(payable=values["totals.payable"]),
    )
    inv.provenance = {path: source for path, value in values.items() if value is not None}
    return inv


def route(
    inv: Invoice, findings: tuple[Finding, ...] = (), settings: Mapping[str, Any] | None = None
) -> Decision:
    context = RunContext("run-1", 3, "route", "route.rules", Path())
    artifacts = Artifacts([InvoiceArtifact(inv), Findings(findings, "en16931")])
    (out,) = RulesRoute(settings).process(artifacts, context)
    assert isinstance(out, Decision)
    return out


def test_a_page_read_invoice_with_every_required_field_is_approved() -> None:
    assert route(invoice()).outcome is Outcome.APPROVE


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("invoice_number", "invoice number"),
        ("issue_date", "issue date"),
        ("seller.name", "seller name"),
        ("totals.payable", "amount due"),
    ],
)
def test_a_required_field_not_read_sends_to_review_with_its_reason(path: str, label: str) -> None:
    decision = route(invoice(**{path: None}))
    assert decision.outcome is Outcome.REVIEW
    (reason,) = decision.reasons
    assert reason.startswith(NOT_READ.format(label))
    assert "required_fields" in reason


def test_a_blank_value_is_not_read_either() -> None:
    decision = route(invoice(invoice_number="  "))
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons[0].startswith(NOT_READ.format("invoice number"))


def test_each_missing_field_has_its_own_reason_in_the_order_of_the_setting() -> None:
    decision = route(invoice(invoice_number=None, **{"totals.payable": None}))
    assert decision.outcome is Outcome.REVIEW
    assert [r.split(" was ")[0] for r in decision.reasons] == [
        "the invoice number",
        "the amount due",
    ]


def test_a_required_field_read_with_low_confidence_sends_to_review() -> None:
    inv = invoice()
    inv.provenance["seller.name"] = FieldSource("extract.layout", 0.42)
    decision = route(inv)
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "the seller name was read with confidence 0.42, below required_confidence 0.6; "
        "check it on the page",
    )


def test_a_nan_confidence_is_never_enough() -> None:
    inv = invoice()
    inv.provenance["invoice_number"] = FieldSource("extract.layout", float("nan"))
    assert route(inv).outcome is Outcome.REVIEW


def test_the_fatal_finding_that_the_field_is_missing_does_not_reject() -> None:
    """validate.basic says so at the field's path, EN 16931 by its rule (at the invoice)."""
    findings = (
        Finding("BR-02", Severity.FATAL, "An Invoice shall have an Invoice number.", "invoice"),
        Finding("BR-15", Severity.FATAL, "the amount due is missing", "totals.payable"),
    )
    decision = route(invoice(invoice_number=None, **{"totals.payable": None}), findings)
    assert decision.outcome is Outcome.REVIEW
    assert len(decision.reasons) == 2
    assert not any(r.startswith("BR-") for r in decision.reasons)


def test_another_fatal_finding_still_rejects_and_the_missing_field_is_listed() -> None:
    other = Finding("BR-CO-15", Severity.FATAL, "total with VAT does not add up", "totals")
    decision = route(invoice(invoice_number=None), (other,))
    assert decision.outcome is Outcome.REJECT
    assert decision.reasons[0].startswith("BR-CO-15")
    assert decision.reasons[1].startswith(NOT_READ.format("invoice number"))


def test_a_fatal_finding_on_a_field_read_with_low_confidence_still_rejects() -> None:
    inv = invoice()
    inv.provenance["totals.payable"] = FieldSource("extract.layout", 0.3)
    finding = Finding("TURNOUT-X", Severity.FATAL, "amount due is negative", "totals.payable")
    assert route(inv, (finding,)).outcome is Outcome.REJECT


def test_an_einvoice_keeps_todays_rules() -> None:
    assert route(invoice(XML, invoice_number=None)).outcome is Outcome.APPROVE
    br02 = Finding("BR-02", Severity.FATAL, "An Invoice shall have an Invoice number.", "/Invoice")
    assert route(invoice(XML, invoice_number=None), (br02,)).outcome is Outcome.REJECT
    low = invoice(XML)
    low.provenance["seller.name"] = FieldSource("einvoice.xml", 0.55)
    assert route(low).outcome is Outcome.APPROVE


def test_what_was_read_from_a_page_is_told_by_the_provenance() -> None:
    assert read_from_page(invoice())
    assert not read_from_page(invoice(XML))
    assert not read_from_page(Invoice())  # no provenance: nobody said where it came from
    mixed = invoice(XML)
    mixed.provenance["currency"] = FieldSource("normalize.standard", 0.2)
    assert not read_from_page(mixed)
    with_default = invoice()
    with_default.provenance["currency"] = FieldSource("normalize.standard", 0.2)
    assert read_from_page(with_default)


def test_required_fields_and_required_confidence_are_settings() -> None:
    settings = {"required_fields": ["invoice_number", "payment.iban"], "required_confidence": 0.3}
    decision = route(invoice(**{"totals.payable": None}), (), settings)
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "the IBAN was not read from the document; check the page and enter it "
        "(setting required_fields)",
    )
    inv = invoice()
    inv.provenance["invoice_number"] = FieldSource("extract.layout", 0.55)
    assert route(inv).outcome is Outcome.REVIEW
    assert route(inv, (), {"required_confidence": 0.5}).outcome is Outcome.APPROVE
    assert route(invoice(invoice_number=None), (), {"required_fields": []}).outcome is (
        Outcome.APPROVE
    )


def test_the_settings_schema_knows_the_new_settings_and_refuses_unknown_fields() -> None:
    schema = RulesRoute.spec.settings_schema
    jsonschema.validate({"required_fields": ["seller.vat_id"], "required_confidence": 1}, schema)
    for bad in (
        {"required_fields": ["lines"]},
        {"required_fields": "invoice_number"},
        {"required_confidence": 1.5},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
    with pytest.raises(ValueError, match=r"required_fields.*use some of"):
        RulesRoute({"required_fields": ["nonsense"]})


def test_a_weak_line_is_named_once_among_the_low_confidence_fields() -> None:
    inv = invoice()
    weak = FieldSource("extract.layout", 0.4)
    for name in ("name", "quantity", "net_amount"):
        inv.provenance[f"lines[2].{name}"] = weak
    decision = route(inv)
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "fields extracted with confidence below 0.50: lines[2] 0.40 (extract.layout); "
        "a person should check them (setting min_confidence)",
    )
