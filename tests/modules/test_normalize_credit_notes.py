"""Credit notes printed with negative amounts become positive EN 16931 credit notes."""

from __future__ import annotations

from decimal import Decimal

from turnout.domain.artifacts import ExtractedField, Fields, Finding, Severity
from turnout.domain.invoice import Invoice
from turnout.modules.normalize.credit_note import RULE
from turnout.modules.normalize.from_fields import invoice_from_fields

_PRINTED = {
    "invoice_number": "AV-2017-0005",
    "totals.line_net": "-218,48",
    "totals.tax_exclusive": "-218,48",
    "totals.tax": "-14,99",
    "totals.tax_inclusive": "-233,47",
    "totals.payable": "-233,47 €",
    "vat_breakdown[0].rate": "20,0",
    "vat_breakdown[0].taxable": "-20,48",
    "vat_breakdown[0].tax": "-4,10",
    "vat_breakdown[1].rate": "5,5 %",
    "vat_breakdown[1].taxable": "-198,00",
    "vat_breakdown[1].tax": "-10,89",
}
_LINES = (
    {"quantity": "5", "net_price": "4,55", "net_amount": "-20,48"},  # a positive quantity printed
    {"quantity": "-10", "net_price": "19,80", "net_amount": "-198,00"},
)


def _read(
    values: dict[str, str], type_code: str | None, lines: tuple[dict[str, str], ...] = ()
) -> tuple[Invoice, list[Finding]]:
    if type_code is not None:
        values = {**values, "type_code": type_code}
    fields = Fields(
        values={k: ExtractedField(v, 0.9, "extract.layout") for k, v in values.items()},
        lines=lines,
    )
    return invoice_from_fields(fields, "DMY")


def _amounts(invoice: Invoice) -> dict[str, Decimal | None]:
    t = invoice.totals
    return {
        "line_net": t.line_net,
        "tax_exclusive": t.tax_exclusive,
        "tax": t.tax,
        "tax_inclusive": t.tax_inclusive,
        "payable": t.payable,
    }


def test_a_credit_note_printed_negative_holds_positive_totals_and_a_note_says_so() -> None:
    invoice, notes = _read(_PRINTED, "381", _LINES)
    assert _amounts(invoice) == {
        "line_net": Decimal("218.48"),
        "tax_exclusive": Decimal("218.48"),
        "tax": Decimal("14.99"),
        "tax_inclusive": Decimal("233.47"),
        "payable": Decimal("233.47"),
    }
    (note,) = [n for n in notes if n.rule == RULE]
    assert note.severity is Severity.WARNING
    assert "-233.47" in note.message
    assert "AV-2017-0005" in note.message
    assert note.path == "type_code"


def test_a_credit_notes_vat_breakdown_is_turned_but_not_its_rates() -> None:
    invoice, _ = _read(_PRINTED, "381")
    rows = [(r.rate, r.taxable, r.tax) for r in invoice.vat_breakdown]
    assert rows == [
        (Decimal("20"), Decimal("20.48"), Decimal("4.10")),
        (Decimal("5.5"), Decimal("198.00"), Decimal("10.89")),
    ]


def test_a_credit_notes_lines_keep_quantity_times_price_and_never_turn_a_price() -> None:
    invoice, _ = _read(_PRINTED, "381", _LINES)
    first, second = invoice.lines
    assert (first.quantity, first.net_price, first.net_amount) == (
        Decimal("5"),
        Decimal("4.55"),
        Decimal("20.48"),
    )
    assert (second.quantity, second.net_price, second.net_amount) == (
        Decimal("10"),
        Decimal("19.80"),
        Decimal("198.00"),
    )


def test_a_line_a_credit_note_charges_back_turns_negative() -> None:
    lines = (*_LINES, {"quantity": "1", "net_price": "5,00", "net_amount": "5,00"})
    invoice, _ = _read(_PRINTED, "381", lines)
    line = invoice.lines[2]
    assert (line.quantity, line.net_price, line.net_amount) == (
        Decimal("-1"),
        Decimal("5.00"),
        Decimal("-5.00"),
    )


def test_rows_and_lines_printed_positive_under_negative_totals_stay_positive() -> None:
    values = {k: v for k, v in _PRINTED.items() if not k.startswith("vat_breakdown[1]")}
    values["vat_breakdown[0].taxable"], values["vat_breakdown[0].tax"] = "20,48", "4,10"
    lines = ({"quantity": "5", "net_price": "4,55", "net_amount": "20,48"},)
    invoice, _ = _read(values, "381", lines)
    assert invoice.totals.payable == Decimal("233.47")
    assert (invoice.vat_breakdown[0].taxable, invoice.vat_breakdown[0].tax) == (
        Decimal("20.48"),
        Decimal("4.10"),
    )
    assert (invoice.lines[0].quantity, invoice.lines[0].net_amount) == (
        Decimal("5"),
        Decimal("20.48"),
    )


def test_a_line_without_amount_has_its_quantity_turned() -> None:
    invoice, _ = _read(_PRINTED, "381", ({"quantity": "-3", "name": "Returned"},))
    assert invoice.lines[0].quantity == Decimal("3")


def test_a_negative_invoice_stays_as_printed() -> None:
    for type_code in ("380", None):
        invoice, notes = _read(_PRINTED, type_code, _LINES)
        assert invoice.totals.payable == Decimal("-233.47")
        assert invoice.vat_breakdown[0].taxable == Decimal("-20.48")
        assert invoice.lines[1].quantity == Decimal("-10")
        assert not [n for n in notes if n.rule == RULE]


def test_a_credit_note_printed_positive_stays_as_printed() -> None:
    positive = {k: v.replace("-", "") for k, v in _PRINTED.items()}
    invoice, notes = _read(positive, "381", ({"quantity": "5", "net_amount": "20,48"},))
    assert invoice.totals.payable == Decimal("233.47")
    assert invoice.lines[0].net_amount == Decimal("20.48")
    assert not [n for n in notes if n.rule == RULE]


def test_the_gross_total_decides_when_no_amount_due_was_read_and_zero_stays_unsigned() -> None:
    values = {"totals.tax_inclusive": "-119,00", "totals.tax": "-19,00", "totals.prepaid": "0,00"}
    invoice, notes = _read(values, "381")
    assert invoice.totals.tax_inclusive == Decimal("119.00")
    assert invoice.totals.tax == Decimal("19.00")
    assert str(invoice.totals.prepaid) == "0.00"
    assert [n.rule for n in notes] == [RULE]


def test_a_credit_note_whose_amount_due_is_zero_is_decided_by_its_gross_total() -> None:
    values = {
        "totals.payable": "0,00",
        "totals.tax_inclusive": "-50,00",
        "totals.prepaid": "-50,00",
    }
    invoice, _ = _read(values, "381")
    assert (invoice.totals.tax_inclusive, invoice.totals.prepaid) == (
        Decimal("50.00"),
        Decimal("50.00"),
    )
    assert str(invoice.totals.payable) == "0.00"
