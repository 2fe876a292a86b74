"""A person's corrections: paths checked against the canonical invoice, values read as typed, the
corrected invoice handed to normalize as raw fields or as the e-invoice, and read back unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from turnout.domain.artifacts import Artifact, EInvoice
from turnout.domain.invoice import FieldSource, Invoice
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.review import InvalidCorrection
from turnout.modules.normalize.standard import StandardNormalize
from turnout.runtime.corrections import (
    apply_corrections,
    changing,
    json_value,
    parse_corrections,
    parse_day,
    parse_decimal,
)
from turnout.runtime.review_fields import LINE_VALUES, einvoice_with, fields_of
from turnout.testing.einvoices import generate

# what raw fields cannot carry of an e-invoice's line (kept by continuing from the e-invoice)
LINE_GROUPS_ONLY_EINVOICES_HAVE = {
    "note",
    "object_id",
    "order_line_reference",
    "accounting_reference",
    "period",
    "allowances",
    "charges",
    "price_discount",
    "gross_price",
    "base_quantity",
    "base_quantity_unit",
    "description",
    "seller_item_id",
    "buyer_item_id",
    "standard_id",
    "classifications",
    "origin_country",
    "attributes",
}


def normalized(artifact: Artifact) -> Invoice:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    (out,) = StandardNormalize().process(Artifacts([artifact]), context)
    return out.invoice  # type: ignore[attr-defined, no-any-return]


def canonical(seed: int) -> Invoice:
    return normalized(EInvoice("ubl", "Invoice", None, generate(seed)))


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1234.56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1 234,56", Decimal("1234.56")),
        ("1'234.56", Decimal("1234.56")),
        ("-12.5", Decimal("-12.5")),
        ("1.5", Decimal("1.5")),  # one mark alone is the decimal mark
        ("1,50", Decimal("1.50")),
        ("0.125", Decimal("0.125")),  # a leading zero: no thousands
        ("1234.500", Decimal("1234.500")),
        ("1.5000", Decimal("1.5000")),
        ("1.500", None),  # 1500 or 1.5: refused
        ("1,500", None),
        ("-12.345", None),
        ("1.234.567", Decimal("1234567")),
        ("1.234,567", Decimal("1234.567")),  # grouped: the mark is clear
        ("99999999999999.999999", Decimal("99999999999999.999999")),
        ("100000000000000", None),  # 10^14: beyond what the database stores
        ("-100000000000000", None),
        ("1.1234567", None),  # more than 6 decimals
        ("\u0661\u0662\u0663", None),  # Arabic-Indic digits
        ("1\u00b2", None),  # a superscript two
        ("\uff11\uff12", None),  # fullwidth digits
        ("12,34,5", None),
        ("12 EUR", None),
        ("", None),
    ],
)
def test_amounts_are_read_with_either_decimal_mark(typed: str, value: Decimal | None) -> None:
    assert parse_decimal(typed) == value


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("05.03.2024", dt.date(2024, 3, 5)),
        ("5/3/2024", dt.date(2024, 3, 5)),
        ("05-03-2024", dt.date(2024, 3, 5)),
        ("31.02.2024", None),
        ("March 5", None),
    ],
)
def test_dates_are_read_iso_or_day_first(typed: str, value: dt.date | None) -> None:
    assert parse_day(typed) == value


def test_corrections_are_typed_and_set_with_the_reviewer_as_their_source() -> None:
    invoice = canonical(1)
    corrections = parse_corrections(
        {
            "invoice_number": " R-2024-1 ",
            "issue_date": "05.03.2024",
            "totals.payable": "1.234,50",
            "lines[0].net_amount": "10",
            "payee.name": "Factor AG",
        },
        invoice,
    )
    corrected = apply_corrections(invoice, corrections, "review:alice")
    assert corrected.invoice_number == "R-2024-1"
    assert corrected.issue_date == dt.date(2024, 3, 5)
    assert corrected.totals.payable == Decimal("1234.50")
    assert corrected.lines[0].net_amount == Decimal("10")
    assert corrected.payee is not None and corrected.payee.name == "Factor AG"
    assert corrected.provenance["lines[0].net_amount"] == FieldSource("review:alice", 1.0)
    assert corrected.provenance["totals.payable"].boxes == ()
    assert invoice.invoice_number != "R-2024-1"  # the original is not changed
    assert [c.path for c in corrections][3] == "lines.0.net_amount"


def test_an_empty_value_clears_the_field_and_its_source() -> None:
    invoice = canonical(2)
    assert invoice.order_reference is not None or invoice.buyer_reference is not None
    path = "order_reference" if invoice.order_reference else "buyer_reference"
    corrected = apply_corrections(invoice, parse_corrections({path: ""}, invoice), "review:a")
    assert getattr(corrected, path) is None
    assert path not in corrected.provenance


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        ("invoice_nummer", "1", "`invoice_nummer` is not a field of the canonical invoice"),
        ("seller.nmae", "x", "`seller.nmae` is not a field"),
        ("lines.99.net_amount", "1", "a correction can change an item it has, not add one"),
        ("lines.net_amount", "1", "name one item by its number"),
        ("seller", "x", "is not a field"),
        ("issue_date", "someday", "issue_date: `someday` is not a date; write it as 2024-03-05"),
        ("totals.payable", "12,34,5", "write it as 1234.56 or 1234,56"),
        ("totals.payable", "1.500", "`1.500` is ambiguous: read as thousands it is 1500, "),
        ("totals.payable", "1,500", "write 1500 or 1.50"),
        ("totals.payable", "-12.345", "write -12345 or -12.3450"),
        ("totals.payable", "1e3", "is not an amount"),
        ("totals.payable", "100000000000000", "amounts stay below 10^14 (100,000,000,000,000)"),
        ("totals.payable", "0.1234567", "has 7 decimals; at most 6 are kept"),
    ],
)
def test_a_correction_that_does_not_fit_names_the_field_and_the_form(
    path: str, value: str, says: str
) -> None:
    with pytest.raises(InvalidCorrection) as caught:
        parse_corrections({path: value}, canonical(3))
    assert says in str(caught.value)


def test_a_correction_to_the_value_a_field_has_changes_nothing() -> None:
    invoice = canonical(6)
    payable = invoice.totals.payable
    assert payable is not None and invoice.invoice_number
    typed = parse_corrections(
        {
            "invoice_number": f" {invoice.invoice_number} ",
            "totals.payable": f"{payable:.4f}",  # the same amount, written otherwise
            "payee.name": "",  # clearing what is not there
            "buyer_reference": "BR-NEW",
        },
        invoice,
    )
    assert [c.path for c in changing(typed, invoice)] == ["buyer_reference"]


def test_json_values_are_read_at_a_dotted_path() -> None:
    data = canonical(4).to_dict()
    assert json_value(data, "lines.0.net_amount") == data["lines"][0]["net_amount"]
    assert json_value(data, "lines.42.net_amount") is None
    assert json_value(data, "seller") is None  # a group is not a value


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_an_uncorrected_einvoice_reads_back_the_same_through_normalize(seed: int) -> None:
    invoice = canonical(seed)
    again = normalized(
        einvoice_with(EInvoice("cii", "CrossIndustryInvoice", None, invoice), invoice)
    )
    assert again.to_dict() == invoice.to_dict()


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_an_uncorrected_invoice_reads_back_the_same_from_raw_fields(seed: int) -> None:
    """Every value outside the lines, with its source, and the values a line of raw fields
    carries; what only e-invoice lines have is what a run read from an e-invoice keeps by
    continuing from the e-invoice."""
    invoice = canonical(seed)
    again = normalized(fields_of(invoice))
    before, after = invoice.to_dict(), again.to_dict()
    for key in before:
        if key not in ("lines", "provenance"):
            assert after[key] == before[key], key
    assert len(after["lines"]) == len(before["lines"])
    for line_before, line_after in zip(before["lines"], after["lines"], strict=True):
        for name in LINE_VALUES:
            assert line_after[name] == line_before[name], name
        assert set(line_before) - set(LINE_VALUES) <= LINE_GROUPS_ONLY_EINVOICES_HAVE
    header = {k: v for k, v in before["provenance"].items() if not k.startswith("lines[")}
    assert {k: after["provenance"][k] for k in header} == header


def test_three_decimals_are_written_so_that_normalize_reads_them_back() -> None:
    invoice = canonical(5)
    invoice.lines[0].quantity = Decimal("1.125")
    invoice.lines[0].net_price = Decimal("158.125")
    again = normalized(fields_of(invoice))
    assert again.lines[0].quantity == Decimal("1.125")
    assert str(again.lines[0].net_price) == "158.125"
