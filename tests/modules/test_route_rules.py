"""route.rules: every reason to reject or review, each setting, and the approve case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from turnout.domain.artifacts import (
    Artifact,
    Decision,
    Duplicate,
    Finding,
    Findings,
    InvoiceArtifact,
    Match,
    Outcome,
    Severity,
)
from turnout.domain.invoice import FieldSource, Invoice, Party, Totals
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.route.rules import APPROVED, RulesRoute

FATAL = Finding("BR-CO-15", Severity.FATAL, "total with VAT does not add up", "totals")
WARNING = Finding("TURNOUT-DUE-DATE", Severity.WARNING, "due date before issue date", "due_date")


def invoice(payable: str | None = "1190.00", currency: str | None = "EUR") -> Invoice:
    return Invoice(
        invoice_number="INV-7",
        issue_date=dt.date(2024, 5, 2),
        currency=currency,
        seller=Party(name="Acme GmbH"),
        totals=Totals(payable=Decimal(payable) if payable is not None else None),
    )


def route(
    inv: Invoice | None = None,
    settings: Mapping[str, Any] | None = None,
    findings: tuple[Finding, ...] = (),
    *extra: Artifact,
) -> Decision:
    context = RunContext("run-1", 3, "route", "route.rules", Path())
    artifacts = Artifacts([InvoiceArtifact(inv or invoice()), Findings(findings, "basic"), *extra])
    (out,) = RulesRoute(settings).process(artifacts, context)
    assert isinstance(out, Decision)
    return out


def test_spec_is_the_default_route_module_and_mirrors_the_stage_contract() -> None:
    spec, contract = RulesRoute.spec, STAGES_BY_ID["route"].contract
    assert not spec.is_fallback
    assert (spec.stage_id, spec.contract_id) == ("route", contract.contract_id)
    assert spec.inputs == contract.inputs and spec.outputs == contract.outputs
    assert contract.guarantees <= spec.guarantees


def test_settings_schema_accepts_documented_settings_and_refuses_others() -> None:
    schema = RulesRoute.spec.settings_schema
    jsonschema.validate({}, schema)
    jsonschema.validate(
        {
            "reject_on_fatal": False,
            "reject_duplicates": True,
            "review_on_warnings": True,
            "review_above": "10000.00",
            "review_unmatched_vendor": False,
            "currencies": ["EUR", "CHF"],
            "min_confidence": 0.7,
        },
        schema,
    )
    for bad in (
        {"review_above": "10,000"},
        {"review_above": 10000},
        {"currencies": ["eur"]},
        {"min_confidence": 1.5},
        {"auto_pay": True},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_clean_invoice_is_approved_with_a_reason() -> None:
    decision = route()
    assert decision.outcome is Outcome.APPROVE
    assert decision.reasons == (APPROVED,)


# --- findings -------------------------------------------------------------------------------


def test_fatal_finding_rejects_and_names_the_rule() -> None:
    decision = route(None, None, (FATAL,))
    assert decision.outcome is Outcome.REJECT
    assert decision.reasons == ("BR-CO-15: total with VAT does not add up",)


def test_fatal_finding_goes_to_review_when_reject_on_fatal_is_off() -> None:
    decision = route(None, {"reject_on_fatal": False}, (FATAL,))
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == ("BR-CO-15: total with VAT does not add up",)


def test_warnings_are_approved_by_default() -> None:
    assert route(None, None, (WARNING,)).outcome is Outcome.APPROVE


def test_warnings_go_to_review_when_review_on_warnings_is_on() -> None:
    decision = route(None, {"review_on_warnings": True}, (WARNING,))
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "warning TURNOUT-DUE-DATE: due date before issue date (setting review_on_warnings)",
    )


# --- duplicates -----------------------------------------------------------------------------


def test_duplicate_goes_to_review_by_default() -> None:
    dup = Duplicate(True, of_run="run-0", reason="same supplier and invoice number")
    decision = route(None, None, (), dup)
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "duplicate of run run-0 (same supplier and invoice number) (setting reject_duplicates)",
    )


def test_duplicate_is_rejected_when_reject_duplicates_is_on() -> None:
    decision = route(None, {"reject_duplicates": True}, (), Duplicate(True))
    assert decision.outcome is Outcome.REJECT
    assert decision.reasons == ("duplicate of an earlier invoice (setting reject_duplicates)",)


def test_duplicate_check_that_found_nothing_approves() -> None:
    assert route(None, {"reject_duplicates": True}, (), Duplicate(False)).outcome is Outcome.APPROVE


# --- amount threshold -----------------------------------------------------------------------


def test_amount_above_review_above_goes_to_review_with_the_amounts() -> None:
    decision = route(invoice("12000.00"), {"review_above": "10000.00"})
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "total 12,000.00 EUR is above the review threshold 10,000.00 (setting review_above)",
    )


def test_amount_equal_to_review_above_is_approved() -> None:
    assert route(invoice("10000.00"), {"review_above": "10000.00"}).outcome is Outcome.APPROVE


def test_missing_amount_goes_to_review_when_a_threshold_is_set() -> None:
    decision = route(invoice(None), {"review_above": "500"})
    assert decision.outcome is Outcome.REVIEW
    assert "missing" in decision.reasons[0] and "500.00" in decision.reasons[0]
    assert route(invoice(None)).outcome is Outcome.APPROVE


# --- vendor match ---------------------------------------------------------------------------


def test_unmatched_vendor_goes_to_review_when_a_match_ran() -> None:
    decision = route(None, None, (), Match(vendor_id=None))
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "seller 'Acme GmbH' was not found in the vendor master; check the vendor or add it "
        "(setting review_unmatched_vendor)",
    )


def test_matched_vendor_or_no_match_stage_approves() -> None:
    assert route(None, None, (), Match("V-1", "Acme", "vat_id", 1.0)).outcome is Outcome.APPROVE
    assert route().outcome is Outcome.APPROVE


def test_unmatched_vendor_is_approved_when_review_unmatched_vendor_is_off() -> None:
    decision = route(None, {"review_unmatched_vendor": False}, (), Match(None))
    assert decision.outcome is Outcome.APPROVE


# --- currencies -----------------------------------------------------------------------------


def test_currency_outside_the_accepted_list_goes_to_review() -> None:
    decision = route(invoice(currency="USD"), {"currencies": ["EUR", "CHF"]})
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "currency USD is not one of the accepted currencies EUR, CHF (setting currencies)",
    )


def test_accepted_currency_approves_and_missing_currency_goes_to_review() -> None:
    assert route(invoice(currency="CHF"), {"currencies": ["EUR", "CHF"]}).outcome is Outcome.APPROVE
    missing = route(invoice(currency=None), {"currencies": ["EUR"]})
    assert missing.outcome is Outcome.REVIEW
    assert missing.reasons[0].startswith("the currency is missing")


# --- extraction confidence ------------------------------------------------------------------


def weakly_extracted(confidence: float) -> Invoice:
    inv = invoice()
    inv.provenance = {
        # not a required field: those have a rule of their own (test_route_required_fields.py)
        "currency": FieldSource("extract.heuristic", confidence),
        "seller.name": FieldSource("extract.heuristic", 0.95),
    }
    return inv


def test_field_below_min_confidence_goes_to_review_naming_the_field() -> None:
    decision = route(weakly_extracted(0.3))
    assert decision.outcome is Outcome.REVIEW
    assert decision.reasons == (
        "fields extracted with confidence below 0.50: currency 0.30 (extract.heuristic); "
        "a person should check them (setting min_confidence)",
    )


def test_confident_fields_approve_and_the_threshold_is_a_setting() -> None:
    assert route(weakly_extracted(0.9)).outcome is Outcome.APPROVE
    assert route(weakly_extracted(0.3), {"min_confidence": 0.2}).outcome is Outcome.APPROVE


def test_nan_confidence_is_never_confident_enough() -> None:
    assert route(weakly_extracted(float("nan"))).outcome is Outcome.REVIEW


# --- several reasons ------------------------------------------------------------------------


def test_rejection_lists_reject_reasons_first_then_every_review_reason() -> None:
    decision = route(
        invoice("20000.00", "USD"),
        {"review_above": "10000", "currencies": ["EUR"], "review_on_warnings": True},
        (WARNING, FATAL),
        Duplicate(True, "run-0"),
        Match(None),
    )
    assert decision.outcome is Outcome.REJECT
    assert [r.split(" ")[0] for r in decision.reasons] == [
        "BR-CO-15:",
        "duplicate",
        "warning",
        "total",
        "seller",
        "currency",
    ]


def test_same_inputs_give_the_same_decision() -> None:
    args = (weakly_extracted(0.1), {"review_above": "1"}, (FATAL, WARNING), Match(None))
    assert route(*args) == route(*args)
