"""The amount, currency and date readers shared by extract.heuristic and normalize.standard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from turnout.modules.extract.amounts import find_amounts
from turnout.modules.normalize.dates import evident_order, find_dates, is_ambiguous, parse_date
from turnout.modules.normalize.money import currency_of, parse_amount, parse_currency


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("1'234.50", "1234.50"),
        ("1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("€ 1.234,56", "1234.56"),
        ("1.234,56 EUR", "1234.56"),
        ("$1,234.56", "1234.56"),
        ("USD 99", "99"),
        ("Rs 1939", "1939"),
        ("12,-", "12"),
        ("-12.00", "-12.00"),
        ("12.00-", "-12.00"),
        ("(12.00)", "-12.00"),
        ("1.234", "1234"),
        ("0.500", "0.500"),
        ("1,5", "1.5"),
    ],
)
def test_amounts_are_read_with_either_decimal_separator(text: str, value: str) -> None:
    amount = parse_amount(text)
    assert amount == Decimal(value)
    assert isinstance(amount, Decimal)


@pytest.mark.parametrize(
    "junk", ["", "abc", "EUR", "1.2.3,4,5", "12/03/2024", "20%", "12 34,56", "(12.00", "1,23.4"]
)
def test_junk_is_not_an_amount(junk: str) -> None:
    assert parse_amount(junk) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("€", "EUR"), ("eur", "EUR"), ("£", "GBP"), ("$", "USD"), ("C$", "CAD"), ("Rs.", "INR")],
)
def test_currencies_are_read_from_codes_and_symbols(text: str, code: str) -> None:
    assert parse_currency(text) == code


def test_unknown_currency_codes_are_not_currencies() -> None:
    assert parse_currency("XYZ") is None
    assert currency_of("total 12.00") is None
    assert currency_of("12,00 €") == "EUR"


def test_amounts_in_a_line_skip_dates_percentages_and_identifiers() -> None:
    line = "VAT 21% on 12.03.2024   ref 123456789012   € 1.234,56   7,50 EUR"
    found = [(a.raw, a.value, a.currency) for a in find_amounts(line)]
    assert found == [
        ("€ 1.234,56", Decimal("1234.56"), "EUR"),
        ("7,50 EUR", Decimal("7.50"), "EUR"),
    ]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2024-03-12", dt.date(2024, 3, 12)),
        ("2024/03/12", dt.date(2024, 3, 12)),
        ("12.03.2024", dt.date(2024, 3, 12)),
        ("12/03/2024", dt.date(2024, 3, 12)),
        ("12-03-2024", dt.date(2024, 3, 12)),
        ("03/26/2024", dt.date(2024, 3, 26)),
        ("12.03.24", dt.date(2024, 3, 12)),
        ("8-9-2022", dt.date(2022, 9, 8)),
        ("12 March 2024", dt.date(2024, 3, 12)),
        ("March 12, 2024", dt.date(2024, 3, 12)),
        ("Mar 12 2024", dt.date(2024, 3, 12)),
        ("12-Mar-2024", dt.date(2024, 3, 12)),
        ("12th March 2024", dt.date(2024, 3, 12)),
        ("12. März 2024", dt.date(2024, 3, 12)),
        ("7. Mai 2014", dt.date(2014, 5, 7)),
        ("1er mars 2024", dt.date(2024, 3, 1)),
        ("02 Juillet 2015", dt.date(2015, 7, 2)),
        ("11 février 2024", dt.date(2024, 2, 11)),
        ("29 maart 2014", dt.date(2014, 3, 29)),
        ("12 de marzo de 2024", dt.date(2024, 3, 12)),
        ("12 dicembre 2024", dt.date(2024, 12, 12)),
    ],
)
def test_dates_are_read_in_many_formats_and_languages(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


def test_ambiguous_numeric_dates_follow_the_date_order() -> None:
    assert parse_date("03/04/2024") == dt.date(2024, 4, 3)
    assert parse_date("03/04/2024", "MDY") == dt.date(2024, 3, 4)
    assert parse_date("13/04/2024", "MDY") == dt.date(2024, 4, 13)  # unambiguous wins


@pytest.mark.parametrize(
    "junk",
    ["", "junk", "31.02.2024", "2024-13-01", "12.03", "March 2024", "1234.56", "32 May 2024"],
)
def test_junk_is_not_a_date(junk: str) -> None:
    assert parse_date(junk) is None


def test_dates_are_found_inside_a_line() -> None:
    found = [d for _, _, d in find_dates("Facture n°562044387 du 02 Juillet 2015, payée 05.07.15")]
    assert found == [dt.date(2015, 7, 2), dt.date(2015, 7, 5)]


def test_the_order_a_document_shows_its_numeric_dates_in() -> None:
    assert evident_order(["Date 11/03/2017", "Paid 11/17/2017"]) == "MDY"
    assert evident_order(["Datum 11.03.2017", "bis 17.11.2017"]) == "DMY"
    assert evident_order(["11/03/2017", "04.05.2018"]) is None  # nothing shows an order
    assert evident_order(["17/11/2017", "11/17/2017"]) is None  # both: none
    assert evident_order(["Ref 1.45.2024", "Ref 45/13/2024"]) is None  # no such dates
    assert is_ambiguous("11/03/2017") and not is_ambiguous("17/11/2017")
    assert not is_ambiguous("2017-03-11")


def test_a_number_counting_days_or_months_is_no_amount() -> None:
    terms = "Zahlbar innerhalb 30 Tagen netto, 3% Skonto innerhalb 10 Tagen; net 14 days"
    assert [a.value for a in find_amounts(terms)] == []
    assert [a.value for a in find_amounts("Garantie innerhalb 24 Monate 49,90")] == [
        Decimal("49.90")
    ]
    # a quantity counted in days in a table's row stays a number
    assert [a.value for a in find_amounts("Gerüstmiete   3 Tage   45,00   135,00")] == [
        Decimal("3"),
        Decimal("45.00"),
        Decimal("135.00"),
    ]
    # an amount written as money stays one, whatever follows it
    assert [a.value for a in find_amounts("€ 30 Tagespauschale, 12,50 days")] == [
        Decimal("30"),
        Decimal("12.50"),
    ]
