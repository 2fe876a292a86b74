"""The line-item table reader on hand-built pages: headers in several languages, wrapped
descriptions, tables across pages, the quantity x price check, credits and both decimal marks."""

from __future__ import annotations

from decimal import Decimal

from turnout.domain.page import Word
from turnout.modules.extract.layout.page import Layout, lines_of
from turnout.modules.extract.layout.table import CHECKED, MISMATCH, Table, read_line_items
from turnout.modules.normalize.money import parse_amount

CHAR, HEIGHT = 5.0, 10.0


def row(page: int, top: float, *cells: tuple[float, str]) -> list[Word]:
    """The words of one printed line: each cell's text from its left edge, 5 points a char."""
    words: list[Word] = []
    for left, text in cells:
        x = left
        for token in text.split(" "):
            words.append(Word(token, page, x, top, x + CHAR * len(token), top + HEIGHT))
            x += CHAR * (len(token) + 1)
    return words


def right(edge: float, text: str) -> tuple[float, str]:
    """A cell right-aligned on `edge`, the way numbers are printed in columns."""
    return (edge - CHAR * len(text), text)


def layout(*rows: list[Word]) -> Layout:
    words = [w for r in rows for w in r]
    pages = max(w.page for w in words)
    return Layout(lines_of(words), tuple((595.0, 842.0) for _ in range(pages)))


def nets(table: Table | None) -> list[Decimal | None]:
    assert table is not None
    return [parse_amount(item.values["net_amount"].value) for item in table.items]


def german_header(page: int, top: float) -> list[Word]:
    return row(
        page,
        top,
        (40, "Pos"),
        (80, "Bezeichnung"),
        (300, "Menge"),
        (380, "Einzelpreis"),
        (480, "Gesamt"),
    )


def test_german_table_with_wrapped_descriptions_and_thousands_separators() -> None:
    page = layout(
        row(1, 100, (40, "Rechnung Nr. 4711")),
        german_header(1, 200),
        row(
            1,
            220,
            (40, "1"),
            (80, "Amboss 250 kg"),
            right(330, "2"),
            right(440, "1.000,00"),
            right(510, "2.000,00"),
        ),
        row(1, 232, (80, "geschmiedet, mit Horn")),
        row(
            1,
            250,
            (40, "2"),
            (80, "Kette"),
            right(330, "30"),
            right(440, "10,50"),
            right(510, "315,00"),
        ),
        row(1, 280, (300, "Summe netto"), right(510, "2.315,00")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("2000.00"), Decimal("315.00")]
    assert table is not None
    first = table.items[0].values
    assert first["quantity"].value == "2"
    assert first["net_price"].value == "1.000,00"
    assert first["net_amount"].confidence == CHECKED
    assert first["name"].value == "Amboss 250 kg geschmiedet, mit Horn"
    assert first["id"].value == "1"
    # the totals line is not a row, and the table ends before it
    assert table.last_line == page.lines[-2].index
    assert {w.text for w in table.items[0].words} >= {"geschmiedet,", "Horn"}


def test_english_decimal_point_and_a_credit_line() -> None:
    page = layout(
        row(1, 100, (40, "Description"), (250, "Qty"), (320, "Unit price"), (460, "Amount")),
        row(
            1,
            120,
            (40, "Consulting"),
            right(265, "3"),
            right(370, "1,200.00"),
            right(500, "3,600.00"),
        ),
        row(
            1,
            135,
            (40, "Goodwill credit"),
            right(265, "1"),
            right(370, "-50.00"),
            right(500, "-50.00"),
        ),
        row(
            1,
            150,
            (40, "Returned part"),
            right(265, "1"),
            right(370, "25.00"),
            right(500, "25.00-"),
        ),
        row(1, 180, (320, "Subtotal"), right(500, "3,525.00")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("3600.00"), Decimal("-50.00"), Decimal("-25.00")]
    # no position printed: each line is identified by its place in the table
    assert table is not None
    assert [item.values["id"].value for item in table.items] == ["1", "2", "3"]
    assert all(item.values["id"].confidence == 0.7 for item in table.items)


def test_quantity_times_price_mismatch_lowers_confidence_and_price_per_hundred_holds() -> None:
    page = layout(
        row(1, 100, (40, "Artikel"), (250, "Menge"), (320, "Preis"), (460, "Betrag")),
        row(1, 120, (40, "Schrauben"), right(280, "500"), right(370, "4,00"), right(500, "20,00")),
        row(1, 135, (40, "Muttern"), right(280, "3"), right(370, "2,00"), right(500, "7,00")),
    )
    table = read_line_items(page)
    assert table is not None
    per_hundred, wrong = (item.values["net_amount"].confidence for item in table.items)
    assert per_hundred == CHECKED  # 500 x 4,00 per 100 = 20,00
    assert wrong == MISMATCH


def test_table_continued_on_the_next_page_under_a_repeated_header() -> None:
    page = layout(
        german_header(1, 500),
        row(
            1,
            520,
            (40, "1"),
            (80, "Schraube"),
            right(330, "10"),
            right(440, "1,00"),
            right(510, "10,00"),
        ),
        row(1, 540, (300, "Übertrag"), right(510, "10,00")),
        row(1, 800, (250, "Seite 1 von 2")),
        row(2, 40, (40, "Musterfirma GmbH")),
        german_header(2, 60),
        row(2, 80, (300, "Übertrag"), right(510, "10,00")),
        row(
            2,
            100,
            (40, "2"),
            (80, "Mutter"),
            right(330, "4"),
            right(440, "0,50"),
            right(510, "2,00"),
        ),
        row(2, 130, (300, "Gesamtbetrag"), right(510, "12,00")),
    )
    assert nets(read_line_items(page)) == [Decimal("10.00"), Decimal("2.00")]


def test_table_continued_without_a_repeated_header() -> None:
    page = layout(
        german_header(1, 600),
        row(
            1,
            620,
            (40, "1"),
            (80, "Schraube"),
            right(330, "10"),
            right(440, "1,00"),
            right(510, "10,00"),
        ),
        row(
            1,
            640,
            (40, "2"),
            (80, "Dübel"),
            right(330, "10"),
            right(440, "0,20"),
            right(510, "2,00"),
        ),
        row(1, 810, (250, "Seite 1 von 2")),
        row(
            2,
            50,
            (40, "3"),
            (80, "Mutter"),
            right(330, "4"),
            right(440, "0,50"),
            right(510, "2,00"),
        ),
        row(2, 80, (300, "Summe"), right(510, "14,00")),
    )
    assert nets(read_line_items(page)) == [Decimal("10.00"), Decimal("2.00"), Decimal("2.00")]


def test_french_header_on_two_lines_and_quantity_with_unit() -> None:
    page = layout(
        row(1, 90, (330, "Prix")),
        row(1, 100, (40, "Désignation"), (250, "Quantité"), (460, "Montant HT")),
        row(1, 110, (320, "unitaire")),
        row(
            1, 130, (40, "Nougat 250g"), (250, "20 pièces"), right(370, "4,55"), right(515, "91,00")
        ),
        row(
            1,
            145,
            (40, "Huile d'olive"),
            (250, "25 litres"),
            right(370, "19,80"),
            right(515, "495,00"),
        ),
        row(1, 175, (400, "Total HT"), right(515, "586,00")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("91.00"), Decimal("495.00")]
    assert table is not None
    first = table.items[0].values
    assert (first["quantity"].value, first["unit"].value) == ("20", "pièces")
    assert first["net_price"].value == "4,55"
    assert first["net_amount"].confidence == CHECKED


def test_italian_and_dutch_headers() -> None:
    italian = layout(
        row(1, 100, (40, "Descrizione"), (250, "Quantità"), (320, "Prezzo"), (460, "Importo")),
        row(1, 120, (40, "Caffè"), right(290, "2"), right(360, "7,50"), right(500, "15,00")),
        row(1, 150, (320, "Imponibile"), right(500, "15,00")),
    )
    dutch = layout(
        row(1, 100, (40, "Omschrijving"), (250, "Aantal"), (320, "Prijs"), (460, "Bedrag")),
        row(1, 120, (40, "Koffie"), right(290, "2"), right(360, "7,50"), right(500, "15,00")),
        row(1, 150, (320, "Subtotaal"), right(500, "15,00")),
    )
    assert nets(read_line_items(italian)) == [Decimal("15.00")]
    assert nets(read_line_items(dutch)) == [Decimal("15.00")]


def test_numbers_printed_on_the_last_line_of_a_description_of_three() -> None:
    page = layout(
        german_header(1, 100),
        row(
            1,
            120,
            (40, "1"),
            (80, "Wartung"),
            right(330, "1"),
            right(440, "80,00"),
            right(510, "80,00"),
        ),
        row(1, 132, (80, "Heizungsanlage Keller")),
        row(
            1,
            150,
            (40, "2"),
            (80, "Anfahrt"),
            right(330, "1"),
            right(440, "25,00"),
            right(510, "25,00"),
        ),
        row(1, 180, (300, "Nettobetrag"), right(510, "105,00")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("80.00"), Decimal("25.00")]
    assert table is not None
    assert table.items[0].values["name"].value == "Wartung Heizungsanlage Keller"
    assert table.items[1].values["name"].value == "Anfahrt"


def test_no_header_and_no_sum_no_table() -> None:
    page = layout(
        row(1, 100, (40, "Sehr geehrte Damen und Herren,")), row(1, 120, (40, "Betrag 5,00"))
    )
    assert read_line_items(page) is None


def test_a_discount_printed_under_an_item_is_taken_off_its_net() -> None:
    page = layout(
        german_header(1, 100),
        row(
            1,
            120,
            (40, "1"),
            (80, "Kunstrasen"),
            right(330, "3"),
            right(440, "4,00"),
            right(510, "12,00"),
        ),
        row(1, 132, (80, "abzgl. 16,7% Rabatt"), right(510, "-2,00")),
        row(
            1,
            150,
            (40, "2"),
            (80, "Pfand"),
            right(330, "20"),
            right(440, "2,77"),
            right(510, "55,40"),
        ),
        row(1, 180, (300, "Zwischensumme"), right(510, "65,40")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("10.00"), Decimal("55.40")]
    assert table is not None
    assert {w.text for w in table.items[0].values["net_amount"].words} == {"12,00", "-2,00"}


def test_a_group_subtotal_inside_the_table_is_neither_a_row_nor_its_end() -> None:
    page = layout(
        row(1, 100, (40, "Description"), (250, "Quantity"), (330, "Unit Price"), (460, "Amount")),
        row(
            1, 120, (40, "Beeswax"), right(290, "1.00 kg"), right(380, "42.00"), right(500, "42.00")
        ),
        row(1, 135, (420, "Subtotal"), right(500, "42.00")),
        row(
            1, 150, (40, "Olive oil"), right(290, "2.00 L"), right(380, "1.50"), right(500, "3.00")
        ),
        row(1, 165, (420, "Subtotal"), right(500, "3.00")),
        row(1, 185, (330, "Subtotal"), right(500, "45.00")),
        row(1, 200, (330, "Tax 15%"), right(500, "6.75")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("42.00"), Decimal("3.00")]
    assert table is not None
    assert table.last_line == page.lines[3].index


def test_spanish_table_ends_at_suma_with_amounts_marked_eur() -> None:
    page = layout(
        row(1, 100, (40, "Descripción"), (250, "Cant."), (320, "Precio unit."), (460, "Importe")),
        row(
            1,
            120,
            (40, "Canaleta"),
            right(280, "12 ud"),
            right(370, "931,07"),
            right(520, "11.172,84 EUR"),
        ),
        row(1, 140, (320, "Suma"), right(520, "11.172,84 EUR")),
        row(1, 155, (320, "Gastos de envío"), right(520, "9,50 EUR")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("11172.84")]


def test_dutch_table_over_two_pages_with_a_carried_sum_and_a_footer_after_a_gap() -> None:
    header = [(40, "Omschrijving"), (250, "Aantal"), (320, "Prijs"), (460, "Bedrag")]
    page = layout(
        row(1, 500, *header),
        row(1, 520, (40, "Transport"), right(280, "1"), right(370, "120,00"), right(500, "120,00")),
        row(1, 540, (40, "Montage"), right(280, "2"), right(370, "50,00"), right(500, "100,00")),
        row(1, 560, (40, "Transport"), right(500, "220,00")),
        row(1, 740, (40, "Jansen B.V."), (230, "IBAN NL91 ABNA 0417 1643 00")),
        row(1, 752, (40, "Stationsweg 4"), (230, "Pagina 1 van 2")),
        row(2, 60, *header),
        row(2, 80, (40, "Transport"), right(500, "220,00")),
        row(2, 100, (40, "Kabel"), right(280, "3"), right(370, "10,00"), right(500, "30,00")),
        row(2, 130, (320, "Subtotaal"), right(500, "250,00")),
    )
    assert nets(read_line_items(page)) == [Decimal("120.00"), Decimal("100.00"), Decimal("30.00")]


def test_a_discount_column_counts_in_the_quantity_times_price_check() -> None:
    page = layout(
        row(
            1,
            100,
            (40, "Description"),
            (250, "Quantité"),
            (330, "Prix"),
            (400, "Rem."),
            (480, "Montant"),
        ),
        row(
            1,
            120,
            (40, "Nougat"),
            right(290, "20"),
            right(370, "4,55"),
            right(430, "10%"),
            right(520, "81,90"),
        ),
        row(1, 135, (40, "Biscuits"), right(290, "15"), right(370, "3,20"), right(520, "48,00")),
    )
    table = read_line_items(page)
    assert table is not None
    assert [i.values["net_amount"].confidence for i in table.items] == [CHECKED, CHECKED]


def test_items_without_a_header_are_the_amounts_their_sum_line_adds_up() -> None:
    page = layout(
        row(1, 100, (40, "Folgende Risiken sind versichert:")),
        row(1, 120, (40, "Privathaftpflicht"), right(330, "50,00 €")),
        row(1, 135, (40, "Lebensgefährte/in zur Privathaftpflicht"), right(330, "0,00 €")),
        row(1, 150, (40, "Gesamtbeitrag"), right(330, "50,00 €")),
        row(1, 165, (40, "Versicherungsteuer 19 %"), right(330, "9,50 €")),
        row(1, 180, (40, "Rechnungsbetrag"), right(330, "59,50 €")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("50.00"), Decimal("0.00")]
    assert table is not None
    assert table.header is None
    assert table.items[0].values["name"].value == "Privathaftpflicht"
    assert [item.values["id"].value for item in table.items] == ["1", "2"]
    assert table.last_line == page.lines[2].index


def test_no_header_and_nothing_adding_up_is_no_table() -> None:
    page = layout(
        row(1, 120, (40, "Beratung"), right(330, "50,00 €")),
        row(1, 135, (40, "Anfahrt"), right(330, "20,00 €")),
        row(1, 150, (40, "Hinweis"), right(330, "65,00 €")),
    )
    assert read_line_items(page) is None


def test_a_header_stacked_as_its_rows_gives_the_description_of_the_second_line() -> None:
    # "Art-Nr" over "Artikelbezeichnung": a row prints its article number, then its name under it
    page = layout(
        row(1, 100, (40, "GTIN"), (112, "Art-Nr"), (242, "Menge"), (347, "Preis"), (460, "Betrag")),
        row(1, 110, (40, "Art-Nr-Kunde"), (112, "Artikelbezeichnung")),
        row(
            1,
            130,
            (40, "4123456000014"),
            (112, "ZS997"),
            right(265, "100"),
            right(395, "1,00"),
            right(500, "100,00"),
        ),
        row(1, 140, (112, "Zitronensäure 100ml")),
        row(1, 150, (112, "Lieferung in 4 Kartons")),
        row(
            1,
            170,
            (40, "4123456000021"),
            (112, "GZ250"),
            right(265, "50"),
            right(395, "1,45"),
            right(500, "72,50"),
        ),
        row(1, 180, (112, "Gelierzucker Extra 250g")),
        row(1, 210, (347, "Summe"), right(500, "172,50")),
    )
    table = read_line_items(page)
    assert nets(table) == [Decimal("100.00"), Decimal("72.50")]
    assert table is not None
    names = [item.values["name"].value for item in table.items]
    assert names == ["Zitronensäure 100ml", "Gelierzucker Extra 250g"]


def test_a_number_with_one_decimal_in_the_net_column_is_no_row() -> None:
    # money has 0, 2 or 3 decimals: "7,0" under the net column is a VAT rate standing over
    page = layout(
        row(1, 100, (40, "Beschreibung"), (250, "Menge"), (330, "Preis"), (460, "Betrag")),
        row(
            1, 120, (40, "Mischpalette"), right(265, "2"), right(370, "29,10"), right(500, "58,20")
        ),
        row(1, 135, (60, "Erdbeer 20 x 150g Becher"), right(265, "20"), right(495, "7,0")),
        row(1, 150, (60, "Banane 20 x 150g Becher"), right(265, "20"), right(495, "7,0")),
        row(1, 180, (330, "Summe"), right(500, "58,20")),
    )
    assert nets(read_line_items(page)) == [Decimal("58.20")]
