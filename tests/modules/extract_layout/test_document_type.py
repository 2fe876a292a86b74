"""The document's type read from the title of its first page."""

from __future__ import annotations

import pytest

from turnout.domain.artifacts import Text
from turnout.domain.page import Word
from turnout.modules.extract.layout.document_type import read_document_type
from turnout.modules.extract.layout.page import Found, layout_of

from .pages import put, text_of


def _letterhead() -> list[Word]:
    return [
        *put(60, 40, "Nordlicht Handel GmbH · Hafenstraße 3 · 20457 Hamburg", 8),
        *put(60, 150, "Baumann Elektro KG", 10),
        *put(60, 162, "Lindenweg 7", 10),
        *put(60, 174, "80331 München", 10),
    ]


def _body() -> list[Word]:
    return [
        *put(60, 330, "Pos   Bezeichnung   Menge   Betrag", 10),
        *put(60, 344, "1   Kabel   5   20,00", 10),
        *put(60, 700, "Zahlbar innerhalb 14 Tagen ohne Abzug. Es gelten unsere AGB.", 8),
    ]


def _type(*groups: list[Word]) -> Found | None:
    return read_document_type(layout_of(text_of(_letterhead(), *groups, _body())))


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Rechnung Nr. 4711", "380"),
        ("Rechnung 2024.17 vom 05.03.2024", "380"),
        ("Invoice", "380"),
        ("Facture n° F-2024-17", "380"),
        ("Fattura 17/2024", "380"),
        ("Factura A-17", "380"),
        ("Factuur 2024-17", "380"),
        ("Gutschrift Nr. 17", "381"),
        ("Credit note CN-17", "381"),
        ("Credit memo 17", "381"),
        ("Avoir AV-2017-0005", "381"),
        ("Facture d'avoir 17", "381"),
        ("Nota di credito 17", "381"),
        ("Nota de crédito 17", "381"),
        ("Abono 17", "381"),
        ("Creditnota 17", "381"),
        ("Creditfactuur 17", "381"),
        ("Korrekturrechnung 17", "384"),
        ("Rechnungskorrektur 17", "384"),
        ("Corrected invoice 17", "384"),
        ("Facture rectificative 17", "384"),
        ("Factura rectificativa 17", "384"),
        ("Gutschrift im Gutschriftverfahren 17", "389"),
        ("Self-billed invoice 17", "389"),
        ("Autofacturation 17", "389"),
        ("Autofattura 17", "389"),
        ("Autofactura 17", "389"),
    ],
)
def test_a_large_title_gives_its_type_in_six_languages(title: str, code: str) -> None:
    found = _type(put(60, 240, title, 16))
    assert found is not None
    assert found.value == code
    assert found.confidence >= 0.9
    assert found.words[0].text == title.split()[0]


def test_a_type_code_printed_in_brackets_wins_over_the_words() -> None:
    found = _type(put(60, 240, "Mietrechnung (387) Nr. 93141 vom 01.10.2018", 14))
    assert found is not None
    assert (found.value, found.confidence) == ("387", 0.95)


def test_a_remark_in_brackets_makes_a_credit_note_a_self_billed_invoice() -> None:
    found = _type(put(60, 240, "Gutschrift (Selbst ausgestellte Rechnung) Nr. 12", 14))
    assert found is not None
    assert found.value == "389"
    assert [w.text for w in found.words] == ["Gutschrift", "(Selbst", "ausgestellte", "Rechnung)"]


def test_a_title_of_ordinary_size_high_on_the_page_is_read_less_surely() -> None:
    found = _type(put(400, 60, "GUTSCHRIFT", 10))
    assert found is not None
    assert found.value == "381"
    assert 0.6 < found.confidence < 0.9


def test_a_title_printed_with_spaced_letters_is_read() -> None:
    found = _type(put(400, 60, "R E C H N U N G S K O R R E K T U R", 10))
    assert found is not None
    assert found.value == "384"
    assert len(found.words) == 18


def test_the_most_prominent_title_wins_over_a_reference_to_an_invoice() -> None:
    found = _type(put(60, 220, "Credit note CN-9", 18), put(60, 250, "Invoice 2024-17", 10))
    assert found is not None
    assert found.value == "381"


def test_of_titles_as_prominent_the_credit_note_wins_over_the_invoice_it_names() -> None:
    found = _type(put(60, 220, "Rechnung R-17", 10), put(300, 220, "Gutschrift G-3", 10))
    assert found is not None
    assert found.value == "381"


@pytest.mark.parametrize(
    "line",
    [
        "Rechnung an: Baumann Elektro KG",
        "Facture à Dupont SA",
        "Invoice to: ACME Ltd",
        "Invoice date: 05.03.2024",
        "Rechnungskorrektur wird separat per Post an Sie versendet",
        "Gutschrift erfolgt nach Eingang der Ware auf Ihr Konto",
        "Rechnungsnummer 4711",
        "Gutschrift: -10,00 €",
        "Credit note applied   1,250.00",
    ],
)
def test_a_heading_a_label_or_a_sentence_is_no_title(line: str) -> None:
    assert _type(put(60, 240, line, 10)) is None


def test_a_credit_note_mentioned_in_the_terms_at_the_foot_is_no_title() -> None:
    assert _type(put(60, 760, "Gutschrift", 10)) is None


def test_a_word_written_upwards_in_the_margin_is_no_title() -> None:
    upright = Word("Beispielrechnung", 1, 18, 400, 24, 460)
    assert _type([upright]) is None


def test_a_page_without_words_has_no_type() -> None:
    assert read_document_type(layout_of(text_of())) is None


def test_plain_text_on_a_character_grid_is_read_by_position() -> None:
    lines = ["Nordlicht Handel GmbH", "", "GUTSCHRIFT Nr. 17", "", *["Kabel   5   20,00"] * 20]
    found = read_document_type(layout_of(Text(pages=("\n".join(lines),), method="plain")))
    assert found is not None
    assert found.value == "381"
