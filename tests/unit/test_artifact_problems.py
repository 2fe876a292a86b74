"""Every artifact checks its own fields and items deeply, naming the path of each bad value."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest

from turnout.domain.artifacts import (
    ARTIFACT_TYPES,
    Artifact,
    Decision,
    Document,
    DocumentKind,
    Duplicate,
    EInvoice,
    ExtractedField,
    Fields,
    Finding,
    Findings,
    InvoiceArtifact,
    Match,
    Outcome,
    Receipt,
    Severity,
    Source,
    Text,
)
from turnout.domain.invoice import (
    FieldSource,
    Invoice,
    InvoiceLine,
    Party,
    Totals,
    VatBreakdown,
    invoice_problems,
)

DATA = b"%PDF-1.7 an invoice"


def sound_invoice() -> Invoice:
    return Invoice(
        invoice_number="INV-1",
        issue_date=dt.date(2026, 1, 31),
        currency="EUR",
        seller=Party("ACME", "DE123456789", "DE"),
        totals=Totals(tax_exclusive=Decimal("100.00"), payable=Decimal("119.00")),
        vat_breakdown=[VatBreakdown("S", Decimal("19"), Decimal("100.00"), Decimal("19.00"))],
        lines=[InvoiceLine("1", "Widget", Decimal("2"), "C62", Decimal("50"), Decimal("100"))],
        provenance={"totals.payable": FieldSource("einvoice.xml", 1.0)},
    )


def sound() -> list[Artifact]:
    """One valid instance of every artifact type."""
    finding = Finding("BR-01", Severity.WARNING, "no buyer reference", "invoice.buyer_reference")
    return [
        Source("a.pdf", DATA),
        Document(
            "a.pdf",
            DocumentKind.PDF,
            "application/pdf",
            hashlib.sha256(DATA).hexdigest(),
            len(DATA),
            DATA,
            pages=1,
            text_layer=True,
        ),
        EInvoice("ubl", "Invoice", None, sound_invoice()),
        Text(("INVOICE 1",), "pdfium", (1.0,)),
        Fields({"totals.payable": ExtractedField("119.00", 0.9, "extract.x")}, ({"name": "W"},)),
        InvoiceArtifact(sound_invoice(), (finding,)),
        Findings((finding,), "basic"),
        Duplicate(True, "run-1", "same number"),
        Match("V1", "ACME", "vat_id", 1.0),
        Decision(Outcome.APPROVE, ("all checks passed",)),
        Receipt("file", "/tmp/x.json", "run-1:export", {"bytes": "10"}),
    ]


def test_a_valid_instance_of_every_artifact_type_has_no_problems() -> None:
    artifacts = sound()
    assert {type(a) for a in artifacts} == set(ARTIFACT_TYPES.values())
    for artifact in artifacts:
        assert artifact.problems() == [], artifact


def _bad(artifact: Artifact, **changes: Any) -> list[str]:
    # bypasses the frozen dataclass, as a careless module's code would with wrong types
    return dataclasses.replace(artifact, **changes).problems()


def _of(kind: type[Artifact]) -> Artifact:
    return next(a for a in sound() if type(a) is kind)


@pytest.mark.parametrize(
    ("kind", "changes", "expected"),
    [
        (Source, {"data": "text"}, "source.data: expected bytes, got str 'text'"),
        (Source, {"filename": None}, "source.filename: expected str, got NoneType None"),
        (Document, {"kind": "pdf"}, "document.kind: expected a DocumentKind (pdf/image/ubl/cii)"),
        (Document, {"pages": 0}, "document.pages: expected a page count >= 1, got int 0"),
        (Document, {"pages": "1"}, "document.pages: expected int, got str '1'"),
        (Document, {"size": 3}, "document.size: expected 19 (len(data)), got int 3"),
        (Document, {"text_layer": "yes"}, "document.text_layer: expected bool, got str 'yes'"),
        (EInvoice, {"syntax": "edifact"}, "einvoice.syntax: expected `ubl` or `cii`"),
        (Text, {"pages": ("a", 7)}, "text.pages[1]: expected str, got int 7"),
        (Text, {"page_confidence": (1.5,)}, "text.page_confidence[0]: expected a number in 0..1"),
        (Text, {"page_confidence": (1.0, 1.0)}, "text.page_confidence: expected one per page (1)"),
        (Text, {"method": 3}, "text.method: expected str, got int 3"),
        (Duplicate, {"is_duplicate": "no"}, "duplicate.is_duplicate: expected bool, got str 'no'"),
        (Match, {"score": 87}, "match.score: expected a number in 0..1, got 87"),
        (Match, {"score": "high"}, "match.score: expected a number in 0..1, got str 'high'"),
        (
            Decision,
            {"outcome": "approve"},
            "decision.outcome: expected an Outcome (approve/review/reject)",
        ),
        (Decision, {"reasons": ("ok", None)}, "decision.reasons[1]: expected str, got NoneType"),
        (Receipt, {"details": {"bytes": 10}}, "receipt.details['bytes']: expected str, got int 10"),
        (Receipt, {"key": b"k"}, "receipt.key: expected str, got bytes b'k'"),
    ],
)
def test_each_bad_value_gives_a_problem_with_its_path(
    kind: type[Artifact], changes: dict[str, Any], expected: str
) -> None:
    problems = _bad(_of(kind), **changes)
    assert any(p.startswith(expected) for p in problems), problems


def test_findings_whose_items_are_strings_and_numbers_name_each_bad_item() -> None:
    good = Finding("BR-01", Severity.FATAL, "missing")
    problems = Findings((good, "oops", 42), "odd").problems()  # type: ignore[arg-type]
    assert problems == [
        "findings.items[1]: expected a Finding, got str 'oops'",
        "findings.items[2]: expected a Finding, got int 42",
    ]


def test_a_finding_with_a_string_severity_is_caught_inside_findings_and_invoice_notes() -> None:
    loose = Finding("BR-01", "fatal", "missing")  # type: ignore[arg-type]
    assert Findings((loose,)).problems() == [
        "findings.items[0].severity: expected a Severity (fatal/warning), got str 'fatal'"
    ]
    notes = InvoiceArtifact(Invoice(), (loose,)).problems()
    assert notes[0].startswith("invoice.notes[0].severity: expected a Severity")


def test_fields_name_the_bad_field_and_the_bad_line() -> None:
    fields = Fields(
        {
            "totals.payable": ExtractedField(119.0, 0.9, "x"),  # type: ignore[arg-type]
            "seller.name": ExtractedField("ACME", 2.0, "x"),
            "currency": "EUR",  # type: ignore[dict-item]
        },
        ({"name": "W", "quantity": 2},),  # type: ignore[dict-item]
    )
    assert fields.problems() == [
        "fields.values['totals.payable'].value: expected str, got float 119.0",
        "fields.values['seller.name'].confidence: expected a number in 0..1, got 2.0",
        "fields.values['currency']: expected an ExtractedField, got str 'EUR'",
        "fields.lines[0]['quantity']: expected str, got int 2",
    ]


def test_the_canonical_invoice_is_checked_field_by_field_row_by_row() -> None:
    invoice = sound_invoice()
    invoice.totals.payable = 119.0  # type: ignore[assignment]
    invoice.totals.tax = Decimal("NaN")
    invoice.issue_date = "2026-01-31"  # type: ignore[assignment]
    invoice.due_date = dt.datetime(2026, 2, 28, 12, 0)
    invoice.seller.vat_id = 123  # type: ignore[assignment]
    invoice.lines.append("a line")  # type: ignore[arg-type]
    invoice.lines[0].quantity = 2  # type: ignore[assignment]
    invoice.vat_breakdown = ()  # type: ignore[assignment]
    invoice.provenance["seller.name"] = FieldSource("x", -0.1)
    problems = InvoiceArtifact(invoice).problems()
    assert problems == [
        "invoice.issue_date: expected date, got str '2026-01-31'",
        "invoice.due_date: expected date, got datetime datetime.datetime(2026, 2, 28, 12, 0)",
        "invoice.seller.vat_id: expected str, got int 123",
        "invoice.totals.tax: expected a finite Decimal, got Decimal Decimal('NaN')",
        "invoice.totals.payable: expected Decimal, got float 119.0",
        "invoice.vat_breakdown: expected a list, got tuple ()",
        "invoice.lines[0].quantity: expected Decimal, got int 2",
        "invoice.lines[1]: expected an InvoiceLine, got str 'a line'",
        "invoice.provenance['seller.name'].confidence: expected a number in 0..1, got -0.1",
    ]


def test_an_einvoice_prefixes_its_invoice_paths_and_refuses_a_non_invoice() -> None:
    invoice = sound_invoice()
    invoice.buyer = None  # type: ignore[assignment]
    assert EInvoice("cii", "CrossIndustryInvoice", None, invoice).problems() == [
        "einvoice.invoice.buyer: expected a Party, got NoneType None"
    ]
    assert invoice_problems({"invoice_number": "1"}) == [
        "invoice: expected an Invoice, got dict {'invoice_number': '1'}"
    ]


def test_a_long_bad_value_is_shortened_in_the_problem() -> None:
    [problem] = Text(("x" * 1000, 5), "m").problems()  # type: ignore[arg-type]
    assert problem == "text.pages[1]: expected str, got int 5"
    [problem] = Findings(("y" * 1000,)).problems()  # type: ignore[arg-type]
    assert len(problem) < 120 and problem.endswith("...")


def test_values_of_subclasses_pass_through_the_exact_check_without_false_alarms() -> None:
    class Currency(StrEnum):
        EUR = "EUR"

    invoice = sound_invoice()
    invoice.currency = Currency.EUR
    invoice.lines[0].quantity = Amount("2")
    invoice.provenance["currency"] = FieldSource("normalize.standard", True)  # type: ignore[arg-type]
    assert invoice_problems(invoice) == [
        "invoice.provenance['currency'].confidence: expected a number in 0..1, got bool True"
    ]
    del invoice.provenance["currency"]
    assert invoice_problems(invoice) == []


class Amount(Decimal):
    """A Decimal of a module's own, still a Decimal."""
