"""normalize.standard keeps where each value of a printed invoice was read, and its VAT rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from turnout.domain.artifacts import ExtractedField, Fields, InvoiceArtifact
from turnout.domain.invoice import FieldSource, Invoice, VatBreakdown
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.page import Box
from turnout.modules.normalize.standard import StandardNormalize

NUMBER_BOX = Box(1, 0.62, 0.1, 0.8, 0.12)
TOTAL_BOX = Box(1, 0.7, 0.8, 0.9, 0.82)
ROW_BOXES = ((Box(1, 0.1, 0.4, 0.9, 0.42),), (Box(1, 0.1, 0.43, 0.9, 0.45),))


def field(value: str, confidence: float = 0.9, *boxes: Box) -> ExtractedField:
    return ExtractedField(value, confidence, "extract.layout", boxes)


def normalise(fields: Fields) -> Invoice:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    (out,) = StandardNormalize().process(Artifacts([fields]), context)
    assert isinstance(out, InvoiceArtifact)
    return out.invoice


def test_each_value_keeps_the_boxes_it_was_read_from() -> None:
    invoice = normalise(
        Fields(
            {
                "invoice_number": field("RE-2024-0815", 0.95, NUMBER_BOX),
                "issue_date": field("05.03.2024", 0.8, NUMBER_BOX),
                "totals.payable": field("1.878,42 €", 0.7, TOTAL_BOX),
                "seller.name": field("Müller GmbH", 0.6),
            }
        )
    )
    assert invoice.provenance["invoice_number"] == FieldSource(
        "extract.layout", 0.95, (NUMBER_BOX,)
    )
    assert invoice.provenance["issue_date"].boxes == (NUMBER_BOX,)
    assert invoice.provenance["totals.payable"].boxes == (TOTAL_BOX,)
    assert invoice.provenance["seller.name"].boxes == ()
    # the currency read next to the amount due points where that amount was read
    assert invoice.currency == "EUR"
    assert invoice.provenance["currency"].boxes == (TOTAL_BOX,)
    rendered = invoice.to_dict()["provenance"]
    assert rendered["invoice_number"]["boxes"] == [NUMBER_BOX.to_dict()]
    assert "boxes" not in rendered["seller.name"]


def test_vat_breakdown_rows_are_read_with_rates_as_percentages() -> None:
    invoice = normalise(
        Fields(
            {
                "invoice_number": field("A-1"),
                "totals.payable": field("142,80"),
                "vat_breakdown[0].rate": field("19,00 %", 0.8, TOTAL_BOX),
                "vat_breakdown[0].taxable": field("100,00"),
                "vat_breakdown[0].tax": field("19,00 €"),
                "vat_breakdown[0].category": field("S"),
                "vat_breakdown[1].rate": field("7%"),
                "vat_breakdown[1].taxable": field("22,24"),
                "vat_breakdown[1].tax": field("1,56"),
            }
        )
    )
    assert invoice.vat_breakdown == [
        VatBreakdown("S", Decimal("19"), Decimal("100.00"), Decimal("19.00")),
        VatBreakdown(None, Decimal("7"), Decimal("22.24"), Decimal("1.56")),
    ]
    assert str(invoice.vat_breakdown[0].rate) == "19"
    assert invoice.provenance["vat_breakdown[0].rate"].boxes == (TOTAL_BOX,)
    assert invoice.provenance["vat_breakdown[1].tax"].confidence == 0.9
    assert "vat_breakdown[1].category" not in invoice.provenance


def test_vat_rows_are_numbered_in_order_and_an_unreadable_amount_is_a_note() -> None:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    fields = Fields(
        {
            "invoice_number": field("A-1"),
            "vat_breakdown[3].rate": field("20"),
            "vat_breakdown[3].tax": field("n/a"),
        }
    )
    (out,) = StandardNormalize().process(Artifacts([fields]), context)
    assert isinstance(out, InvoiceArtifact)
    assert out.invoice.vat_breakdown == [VatBreakdown(rate=Decimal("20"))]
    assert "vat_breakdown[0].rate" in out.invoice.provenance
    (note,) = [n for n in out.notes if n.path == "vat_breakdown[3].tax"]
    assert note.rule == "TURNOUT-AMOUNT-UNREADABLE"


def test_each_line_value_gets_the_line_boxes_and_the_fields_confidence() -> None:
    invoice = normalise(
        Fields(
            {"invoice_number": field("A-1", 0.9), "totals.payable": field("30,00", 0.7)},
            ({"name": "Widget", "quantity": "2", "net_amount": "10,00"}, {"net_amount": "20,00"}),
            ROW_BOXES,
        )
    )
    assert [line.net_amount for line in invoice.lines] == [Decimal("10.00"), Decimal("20.00")]
    first = invoice.provenance["lines[0].net_amount"]
    assert first == FieldSource("extract.layout", 0.8, ROW_BOXES[0])
    assert invoice.provenance["lines[0].name"] == first
    assert invoice.provenance["lines[1].net_amount"].boxes == ROW_BOXES[1]
    assert "lines[1].name" not in invoice.provenance


def test_lines_without_boxes_still_get_a_source() -> None:
    invoice = normalise(
        Fields({"invoice_number": field("A-1", 0.6)}, ({"net_amount": "5"},)),
    )
    assert invoice.provenance["lines[0].net_amount"] == FieldSource("extract.layout", 0.6)
