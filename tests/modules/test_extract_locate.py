"""locate: the words on the page that print a value read from the text, for a field's boxes.

The pages are laid out here word by word (points from the top-left corner, 12-point lines on an
A4 page), so each test says exactly what is printed where.
"""

from __future__ import annotations

from turnout.domain.artifacts import Text
from turnout.domain.page import Word
from turnout.modules.extract.locate import (
    Locator,
    Near,
    TextLines,
    field_boxes,
    kind_of,
    line_boxes,
)

A4 = (595.0, 842.0)


def page(*rows: str | tuple[float, str], pages: int = 1) -> Locator:
    """A locator over `rows` printed top to bottom (a row is text, or (left, text)); words are
    split on single spaces, a run of three spaces is a column gap. `pages` repeats the rows."""
    words: list[Word] = []
    for number in range(1, pages + 1):
        for index, row in enumerate(rows):
            left, line = row if isinstance(row, tuple) else (40.0, row)
            top = 60.0 + 16.0 * index
            x = left
            for token in line.split(" "):
                if token:
                    words.append(Word(token, number, x, top, x + 6.0 * len(token), top + 10.0))
                x += 6.0 * (len(token) + 1)
    text = Text(
        pages=tuple(
            "\n".join(r if isinstance(r, str) else r[1] for r in rows) for _ in range(pages)
        ),
        method="test",
        words=tuple(words),
        page_sizes=(A4,) * pages,
    )
    locator = Locator.of(text)
    assert locator is not None
    return locator


def printed(words: tuple[Word, ...]) -> str:
    return " ".join(w.text for w in words)


def test_amounts_are_found_in_either_notation_with_marks_and_grouping() -> None:
    locator = page(
        "Net amount   1.234,56 EUR",
        "Tax   € 234.57",
        "Total due   USD 1,469.13",
        "Balance   1 469,13",
    )
    assert printed(locator.locate("1234.56", "amount")) == "1.234,56"
    assert printed(locator.locate("234,57", "amount")) == "234.57"
    assert printed(locator.locate("1469.13", "amount", "first")) == "1,469.13"
    # a space as thousands separator makes two words, both belong to the amount
    assert printed(locator.locate("1469.13", "amount", "last")) == "1 469,13"


def test_an_amount_is_compared_as_a_number_not_as_text() -> None:
    locator = page("Item   2   12.50   25.00", "Total   25,-")
    assert printed(locator.locate("25.0", "amount", "last")) == "25,-"
    assert printed(locator.locate("25", "amount", "first")) == "25.00"
    assert locator.locate("2.5", "amount") == ()
    assert printed(page("Prepaid   0,00", "Total   10.00").locate("0", "amount")) == "0,00"


def test_dates_are_found_when_printed_in_another_format_than_the_value() -> None:
    locator = page(
        "Rechnungsdatum   14. März 2024",
        "Fällig am   28.03.2024",
        "Delivered   03/15/2024",
    )
    assert printed(locator.locate("2024-03-14", "date")) == "14. März 2024"
    assert printed(locator.locate("28.03.24", "date")) == "28.03.2024"
    # month first (the day is above 12) is read as well as day first
    assert printed(locator.locate("2024-03-15", "date")) == "03/15/2024"
    assert locator.locate("2024-03-16", "date") == ()


def test_ids_match_with_the_spaces_of_print_ignored_both_ways() -> None:
    locator = page(
        "IBAN   DE89 3704 0044 0532 0130 00",
        "VAT no.   GB123456782",
        "Invoice n°INV-2024-0042",
    )
    iban = locator.locate("DE89370400440532013000", "id")
    assert printed(iban) == "DE89 3704 0044 0532 0130 00"
    assert printed(locator.locate("GB 123 456 782", "id")) == "GB123456782"
    # a label glued to the number (n°, Nr.:) does not hide it
    assert printed(locator.locate("INV-2024-0042", "id")) == "n°INV-2024-0042"
    # a value is matched word for word: a prefix of a word is not the value
    assert locator.locate("DE89 37", "id") == ()
    assert locator.locate("INV-2024", "id") == ()


def test_a_value_printed_twice_gives_the_highest_or_the_lowest_by_the_rule() -> None:
    locator = page("Invoice   A-77", "Subtotal   90.00", "Invoice   A-77", "Total   90.00")
    first = locator.locate("A-77", "id", "first")
    assert first[0].top == 60.0
    last = locator.locate("90.00", "amount", "last")
    assert last[0].top == 60.0 + 3 * 16.0


def test_a_value_printed_twice_gives_the_one_nearest_where_it_was_read() -> None:
    locator = page("Order   A-77", "filler", "filler", "filler", "Invoice   A-77", pages=2)
    words = locator.locate("A-77", "id", "first", Near(page=2, row=3))
    assert (words[0].page, words[0].top) == (2, 60.0 + 4 * 16.0)
    words = locator.locate("A-77", "id", "first", Near(page=1, row=1))
    assert (words[0].page, words[0].top) == (1, 60.0)


def test_a_value_not_on_the_page_has_no_words_and_no_box() -> None:
    locator = page("Invoice   A-77", "Total   90.00")
    assert locator.locate("A-78", "id") == ()
    assert locator.locate("91.00", "amount") == ()
    assert locator.locate("2024-01-01", "date") == ()
    assert locator.boxes("Brightwater Supplies", "name") == ()
    assert field_boxes(locator, "invoice_number", "A-78") == ()


def test_a_short_value_printed_more_than_once_is_not_guessed() -> None:
    locator = page("Pos   4   Screws", "Invoice no.   4", "Qty   4")
    assert locator.locate("4", "id") == ()
    # read from a line: the 4 printed there
    assert locator.locate("4", "id", near=Near(1, 1))[0].top == 60.0 + 16.0
    # printed once: that is the one
    assert printed(page("Invoice no.   7").locate("7", "id")) == "7"


def test_a_name_may_go_on_in_the_phrase_under_it() -> None:
    locator = page((300.0, "Brightwater Supplies"), (300.0, "and Sons Ltd"), "Total   9.00")
    words = locator.locate("Brightwater Supplies and Sons Ltd", "name")
    assert printed(words) == "Brightwater Supplies and Sons Ltd"
    # text values stay on their line
    assert locator.locate("Brightwater Supplies and Sons Ltd", "text") == ()


def test_a_currency_is_found_by_its_code_or_its_symbol_by_the_totals() -> None:
    locator = page("Price   € 10.00", "Total   EUR 10.00")
    assert printed(locator.locate("EUR", "currency", "last")) == "EUR"
    assert printed(locator.locate("EUR", "currency", "first")) == "€"
    assert locator.locate("GBP", "currency") == ()


def test_boxes_are_fractions_of_the_page_one_per_page() -> None:
    locator = page("Invoice   A-77")
    (box,) = field_boxes(locator, "invoice_number", "A-77")
    assert box.page == 1
    assert box.left == (40.0 + 6.0 * 10) / 595.0
    assert box.top == 60.0 / 842.0 and box.bottom == 70.0 / 842.0


def test_kinds_follow_the_field_and_fields_never_printed_are_not_looked_for() -> None:
    assert kind_of("totals.payable", "12.00") == "amount"
    assert kind_of("vat_breakdown[0].rate", "19") == "percent"
    assert kind_of("issue_date", "2024-03-14") == "date"
    assert kind_of("vat_breakdown[1].taxable", "100.00") == "amount"
    assert kind_of("seller.name", "Acme GmbH") == "name"
    assert kind_of("type_code", "380") is None
    assert kind_of("vat_breakdown[0].category", "S") is None
    # a template's extras never reach the invoice: they are not looked for
    assert kind_of("extra.date_start", "2024-03-01") is None
    assert kind_of("extra.po_box", "4471") is None
    assert kind_of("extra.city", "Leeds") is None
    assert kind_of("extra.lines", '[{"a": 1}]') is None


def test_line_items_get_boxes_only_when_amount_and_description_stand_together() -> None:
    locator = page(
        "Description   Qty   Amount",
        "Widget large   2   20.00",
        "Widget small   1   20.00",
        "Gadget   3   30.00",
        "Total   70.00",
    )
    lines = (
        {"name": "Widget large", "net_amount": "20.00"},
        {"name": "Widget small", "net_amount": "20.0"},
        {"name": "Sprocket", "net_amount": "30.00"},  # not printed: no box
        {"quantity": "9", "net_amount": "70.00"},  # no description, no quantity beside it
    )
    boxes = line_boxes(locator, lines)
    assert [b[0].top * 842.0 if b else None for b in boxes] == [
        60.0 + 16.0,
        60.0 + 2 * 16.0,
        None,
        None,
    ]
    assert line_boxes(locator, ({"name": "Nothing", "net_amount": "1.00"},)) == ()


def test_text_lines_map_a_line_of_the_full_text_to_its_page_and_row() -> None:
    lines = TextLines(("a\nb\nc", "d\ne\n", "f"))
    assert lines.near(0) == Near(1, 0)
    assert lines.near(2) == Near(1, 2)
    assert lines.near(3) == Near(2, 0)
    assert lines.near(5) == Near(2, 2)  # the page's text ends with a line break
    assert lines.near(6) == Near(3, 0)
    full = "\n\f".join(("a\nb\nc", "d\ne\n", "f")).replace("\f", "").splitlines()
    assert (full[3], full[6]) == ("d", "f")


def test_a_text_without_words_has_no_locator() -> None:
    assert Locator.of(Text(pages=("Invoice A-77",), method="file")) is None
