"""The totals solver on hand-built totals areas: labels in several languages, the arithmetic of
EN 16931 deciding when labels are missing, VAT breakdowns, discounts, prepaid amounts, currency."""

from __future__ import annotations

from decimal import Decimal

from turnout.domain.page import Word
from turnout.modules.extract.layout.page import Found, Layout, lines_of
from turnout.modules.extract.layout.totals import CONSISTENT, SURE, read_totals
from turnout.modules.normalize.money import parse_amount

CHAR, HEIGHT = 5.0, 10.0


def row(top: float, *cells: tuple[float, str], page: int = 1) -> list[Word]:
    words: list[Word] = []
    for left, text in cells:
        x = left
        for token in text.split(" "):
            words.append(Word(token, page, x, top, x + CHAR * len(token), top + HEIGHT))
            x += CHAR * (len(token) + 1)
    return words


def right(edge: float, text: str) -> tuple[float, str]:
    return (edge - CHAR * len(text), text)


def layout(*rows: list[Word]) -> Layout:
    words = [w for r in rows for w in r]
    return Layout(lines_of(words), ((595.0, 842.0),))


def values(found: dict[str, Found]) -> dict[str, Decimal | str | None]:
    return {
        k: (v.value if k == "currency" or k.endswith(".rate") else parse_amount(v.value))
        for k, v in found.items()
    }


def test_german_labels_with_two_vat_rates() -> None:
    page = layout(
        row(100, (300, "Zwischensumme"), right(520, "1.100,00")),
        row(115, (300, "zzgl. 19 % MwSt. auf"), right(450, "1.000,00"), right(520, "190,00")),
        row(130, (300, "zzgl. 7 % MwSt. auf"), right(450, "100,00"), right(520, "7,00")),
        row(145, (300, "Gesamtbetrag EUR"), right(520, "1.297,00")),
    )
    found = read_totals(page, [Decimal("1000.00"), Decimal("100.00")], None)
    got = values(found)
    assert got["totals.tax_exclusive"] == Decimal("1100.00")
    assert got["totals.line_net"] == Decimal("1100.00")
    assert got["totals.tax"] == Decimal("197.00")  # the rows' taxes, no total printed
    assert got["totals.tax_inclusive"] == Decimal("1297.00")
    assert got["totals.payable"] == Decimal("1297.00")
    assert (got["vat_breakdown[0].rate"], got["vat_breakdown[0].taxable"]) == (
        "19",
        Decimal("1000.00"),
    )
    assert (got["vat_breakdown[1].rate"], got["vat_breakdown[1].tax"]) == ("7", Decimal("7.00"))
    assert found["vat_breakdown[0].tax"].confidence == SURE  # the rows add up to the tax total
    assert got["currency"] == "EUR"
    assert found["totals.tax_inclusive"].confidence == SURE
    assert found["totals.tax_inclusive"].words[0].text == "1.297,00"


def test_labels_missing_the_arithmetic_decides() -> None:
    page = layout(
        row(100, right(520, "250.00")),
        row(115, right(520, "47.50")),
        row(130, right(520, "297.50")),
        row(160, (40, "Thank you for your business")),
    )
    got = read_totals(page, [], None)
    assert values(got)["totals.tax_exclusive"] == Decimal("250.00")
    assert values(got)["totals.tax"] == Decimal("47.50")
    assert values(got)["totals.tax_inclusive"] == Decimal("297.50")
    assert got["totals.tax_inclusive"].confidence == CONSISTENT
    assert "currency" not in got  # nothing printed, nothing guessed


def test_french_prepaid_and_amount_due() -> None:
    page = layout(
        row(100, (350, "Total HT"), right(540, "624,90 €")),
        row(115, (350, "Total TVA"), right(540, "46,25 €")),
        row(130, (350, "Total TTC"), right(540, "671,15 €")),
        row(145, (350, "Acompte versé"), right(540, "201,00 €")),
        row(160, (350, "Net à payer"), right(540, "470,15 €")),
    )
    got = values(read_totals(page, [], None))
    assert got["totals.tax_inclusive"] == Decimal("671.15")
    assert got["totals.prepaid"] == Decimal("201.00")
    assert got["totals.payable"] == Decimal("470.15")
    assert got["currency"] == "EUR"


def test_discount_and_shipping_between_line_total_and_net() -> None:
    page = layout(
        row(100, (300, "Positionssumme"), right(520, "202,70")),
        row(115, (300, "Versandkosten"), right(520, "5,80")),
        row(130, (300, "Rabatt"), right(520, "-14,73")),
        row(145, (300, "Nettobetrag"), right(520, "193,77")),
        row(160, (300, "Umsatzsteuer"), right(520, "21,30")),
        row(175, (300, "Bruttobetrag"), right(520, "215,07")),
        row(190, (300, "bereits bezahlt"), right(520, "-50,00")),
        row(205, (300, "Zahlbetrag"), right(520, "165,07")),
    )
    got = values(read_totals(page, [Decimal("150.00"), Decimal("52.70")], None))
    assert got["totals.line_net"] == Decimal("202.70")
    assert got["totals.allowances"] == Decimal("14.73")
    assert got["totals.charges"] == Decimal("5.80")
    assert got["totals.tax_exclusive"] == Decimal("193.77")
    assert got["totals.prepaid"] == Decimal("50.00")
    assert got["totals.payable"] == Decimal("165.07")


def test_swiss_and_spaced_thousands_and_a_currency_label() -> None:
    swiss = layout(
        row(80, (40, "Währung:"), (120, "CHF")),
        row(100, (300, "Subtotal"), right(520, "1'234.50")),
        row(115, (300, "MWST 8.1%"), right(520, "100.00")),
        row(130, (300, "Total"), right(520, "1'334.50")),
    )
    spaced = layout(
        row(100, (300, "Base imponible"), right(520, "2 450,00")),
        row(115, (300, "IVA 21%"), right(520, "514,50")),
        row(130, (300, "Importe a pagar"), right(520, "2 964,50")),
    )
    got = values(read_totals(swiss, [], None))
    assert (got["totals.tax_exclusive"], got["totals.tax_inclusive"]) == (
        Decimal("1234.50"),
        Decimal("1334.50"),
    )
    assert got["currency"] == "CHF"
    got = values(read_totals(spaced, [], None))
    assert got["totals.tax_exclusive"] == Decimal("2450.00")
    assert got["totals.payable"] == Decimal("2964.50")


def test_only_lines_below_the_table_count() -> None:
    page = layout(
        row(100, (40, "Widget"), right(520, "100.00")),
        row(115, (40, "Gadget"), right(520, "19.00")),
        row(130, (40, "Gizmo"), right(520, "119.00")),
        row(160, (300, "Net total"), right(520, "238.00")),
        row(175, (300, "VAT 20%"), right(520, "47.60")),
        row(190, (300, "Total due"), right(520, "285.60")),
    )
    table_end = page.lines[2].index
    got = values(read_totals(page, [Decimal(100), Decimal(19), Decimal(119)], table_end))
    assert got["totals.line_net"] == Decimal("238.00")
    assert got["totals.tax_exclusive"] == Decimal("238.00")
    assert got["totals.tax_inclusive"] == Decimal("285.60")
    assert got["vat_breakdown[0].rate"] == "20"
    assert got["vat_breakdown[0].taxable"] == Decimal("238.00")


def test_labelled_amounts_that_do_not_add_up_are_kept_less_sure() -> None:
    page = layout(
        row(100, (300, "Netto"), right(520, "100,00")),
        row(115, (300, "MwSt"), right(520, "19,00")),
        row(130, (300, "Brutto"), right(520, "120,00")),
    )
    found = read_totals(page, [], None)
    assert parse_amount(found["totals.tax_inclusive"].value) == Decimal("120.00")
    assert found["totals.tax_inclusive"].confidence < CONSISTENT


def test_a_decimal_comma_drawn_below_its_digits_is_put_back() -> None:
    # some producers draw the comma as its own glyph, lower than the digits: the text layer
    # gives "671", "15" and a "," on a line of its own, or one word "-23347" with the comma apart
    words = [
        *row(100, (300, "Total HT"), right(520, "624,90")),
        *row(115, (300, "TVA"), right(520, "46,25")),
        Word("Total", 1, 300, 130, 325, 140),
        Word("TTC", 1, 330, 130, 345, 140),
        Word("671", 1, 480, 130, 495, 140),
        Word("15", 1, 498, 130, 508, 140),
        Word(",", 1, 495.5, 137, 497.5, 143),
    ]
    page = Layout(lines_of(words), ((595.0, 842.0),))
    got = values(read_totals(page, [], None))
    assert got["totals.tax_inclusive"] == Decimal("671.15")
    joined = [
        *row(100, (300, "Total HT"), right(520, "-218,48")),
        *row(115, (300, "TVA"), right(520, "-14,99")),
        Word("Total", 1, 300, 130, 325, 140),
        Word("-23347", 1, 480, 130, 510, 140),
        Word(",", 1, 499.5, 137, 500.5, 143),
    ]
    got = values(read_totals(Layout(lines_of(joined), ((595.0, 842.0),)), [], None))
    assert got["totals.tax_inclusive"] == Decimal("-233.47")


def test_a_credit_note_with_negative_vat_rows_and_no_tax_total_printed() -> None:
    page = layout(
        row(
            100,
            (40, "Umsatzsteuer (S)"),
            right(300, "-4,85"),
            right(400, "19"),
            right(520, "-0,92"),
        ),
        row(
            115, (40, "Umsatzsteuer (S)"), right(300, "-2,82"), right(400, "7"), right(520, "-0,20")
        ),
        row(130, (300, "Rechnungssumme ohne USt."), right(520, "-7,67")),
        row(145, (300, "Bruttosumme"), right(520, "-8,79")),
    )
    got = values(read_totals(page, [], None))
    assert got["totals.tax_exclusive"] == Decimal("-7.67")
    assert got["totals.tax"] == Decimal("-1.12")
    assert got["totals.tax_inclusive"] == Decimal("-8.79")
    assert (got["vat_breakdown[1].rate"], got["vat_breakdown[1].tax"]) == ("7", Decimal("-0.20"))


def test_italian_and_dutch_labels() -> None:
    italian = layout(
        row(100, (300, "Imponibile"), right(520, "1.000,00")),
        row(115, (300, "IVA 22%"), right(520, "220,00")),
        row(130, (300, "Totale documento"), right(520, "1.220,00")),
        row(145, (300, "Acconto"), right(520, "200,00")),
        row(160, (300, "Netto a pagare"), right(520, "1.020,00")),
    )
    dutch = layout(
        row(100, (300, "Subtotaal"), right(520, "€ 80,00")),
        row(115, (300, "BTW 21%"), right(520, "€ 16,80")),
        row(130, (300, "Totaal incl. BTW"), right(520, "€ 96,80")),
        row(145, (300, "Te betalen"), right(520, "€ 96,80")),
    )
    got = values(read_totals(italian, [], None))
    assert (got["totals.tax_exclusive"], got["totals.tax"]) == (
        Decimal("1000.00"),
        Decimal("220.00"),
    )
    assert (got["totals.prepaid"], got["totals.payable"]) == (Decimal("200.00"), Decimal("1020.00"))
    assert got["vat_breakdown[0].rate"] == "22"
    got = values(read_totals(dutch, [], None))
    assert got["totals.tax_inclusive"] == Decimal("96.80")
    assert got["totals.payable"] == Decimal("96.80")
    assert got["currency"] == "EUR"


def test_a_rate_in_brackets_is_not_negative() -> None:
    # "Sales Tax (6.25%)" (the bundled invoice-acme-en.pdf): brackets around a rate are not an
    # accountant's negative amount
    page = layout(
        row(100, (300, "Subtotal"), right(520, "7,366.00")),
        row(115, (300, "Sales Tax (6.25%)"), right(520, "460.38")),
        row(130, (300, "Total Due"), right(520, "7,826.38")),
    )
    got = values(read_totals(page, [Decimal("7366.00")], None))
    assert got["vat_breakdown[0].rate"] == "6.25"
    assert got["totals.tax"] == Decimal("460.38")


def test_a_lone_plain_total_is_the_amount_due_guessed() -> None:
    page = layout(
        row(400, (300, "Gesamt"), right(520, "119,00 €")),
    )
    found = read_totals(page, [], None)
    assert values(found)["totals.payable"] == Decimal("119.00")
    assert found["totals.payable"].confidence <= 0.5
    assert "totals.tax_inclusive" not in found


def test_plain_totals_whose_last_is_not_the_largest_give_no_amount_due() -> None:
    page = layout(
        row(400, (300, "Total"), right(520, "119.00")),
        row(414, (300, "Total"), right(520, "19.00")),
    )
    assert "totals.payable" not in read_totals(page, [], None)
