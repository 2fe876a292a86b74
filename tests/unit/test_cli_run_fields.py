"""`turnout runs show`'s invoice table: each value with its confidence and where it was read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rich.console import Console

from turnout.cli.common import console as cli_console
from turnout.cli.run_fields import NO_BOX, field_rows, fields_table
from turnout.domain.invoice import FieldSource, Invoice, InvoiceLine, Party, Totals
from turnout.domain.page import Box

NUMBER_BOX = Box(1, 0.0625, 0.104, 0.31, 0.121)
TOTAL_BOXES = (Box(1, 0.7, 0.8, 0.9, 0.82), Box(2, 0.7, 0.1, 0.9, 0.12))


def read_invoice() -> Invoice:
    inv = Invoice(
        invoice_number="RE-2024-0815",
        seller=Party(name="Müller [GmbH]"),
        totals=Totals(payable=Decimal("1878.42")),
        lines=[InvoiceLine(name="Drehteil", net_amount=Decimal("850.00"))],
    )
    inv.provenance = {
        "invoice_number": FieldSource("extract.layout", 0.95, (NUMBER_BOX,)),
        "seller.name": FieldSource("extract.layout", 0.42),
        "totals.payable": FieldSource("extract.layout", 0.9, TOTAL_BOXES),
        "lines[0].net_amount": FieldSource("extract.layout", 0.88, (NUMBER_BOX,)),
    }
    return inv


def test_each_value_has_its_confidence_module_and_boxes() -> None:
    rows = {row[0]: row for row in field_rows(read_invoice().to_dict())}
    assert rows["invoice_number"] == (
        "invoice_number",
        "RE-2024-0815",
        "0.95",
        "extract.layout",
        "p1 (0.062,0.104)-(0.310,0.121)",
    )
    assert rows["totals.payable"][4] == (
        "p1 (0.700,0.800)-(0.900,0.820) p2 (0.700,0.100)-(0.900,0.120)"
    )
    assert rows["lines[0].net_amount"][1:] == (
        "850.00",
        "0.88",
        "extract.layout",
        str(NUMBER_BOX),
    )


def test_a_value_without_a_box_or_without_a_source_says_so() -> None:
    rows = {row[0]: row for row in field_rows(read_invoice().to_dict())}
    assert rows["seller.name"][2:] == ("0.42", "extract.layout", NO_BOX)
    assert rows["lines[0].name"][2:] == ("-", "-", NO_BOX)  # no source recorded for it
    assert "buyer.name" not in rows  # no value, no row


def test_an_einvoice_has_no_boxes() -> None:
    inv = Invoice(invoice_number="A-1")
    inv.provenance["invoice_number"] = FieldSource("einvoice.xml", 1.0)
    assert field_rows(inv.to_dict()) == [("invoice_number", "A-1", "1.00", "einvoice.xml", NO_BOX)]


def test_the_table_prints_values_as_written_never_as_markup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli_console, "width", 200)  # wide: every column (narrow drops `where`)
    console = Console(width=200, record=True)
    console.print(fields_table(read_invoice().to_dict()))
    out = console.export_text()
    assert "Müller [GmbH]" in out
    assert "p1 (0.062,0.104)-(0.310,0.121)" in out
