"""The page model: words a text module glued together are cut, lines do not swallow their neighbours."""

from __future__ import annotations

from turnout.domain.artifacts import Text
from turnout.domain.page import Word
from turnout.modules.extract.layout.page import layout_of, unglued
from turnout.modules.extract.layout.spans import LineText


def test_a_label_glued_to_its_value_is_cut_with_its_share_of_the_box() -> None:
    label, amount = unglued([Word("Gesamtbetrag:571,04", 1, 0.0, 0.0, 190.0, 10.0)])
    assert (label.text, amount.text) == ("Gesamtbetrag:", "571,04")
    assert label.right == amount.left == 130.0


def test_iban_and_bic_glued_to_their_labels_are_cut() -> None:
    words = [
        Word("IBANDE02120300000000202051", 1, 0.0, 0.0, 260.0, 10.0),
        Word("BICCOBADEFFXXX", 1, 0.0, 20.0, 140.0, 30.0),
    ]
    assert [w.text for w in unglued(words)] == [
        "IBAN",
        "DE02120300000000202051",
        "BIC",
        "COBADEFFXXX",
    ]


def test_times_urls_and_plain_words_stay_whole() -> None:
    words = [Word(t, 1, 0.0, 0.0, 50.0, 10.0) for t in ("10:35", "http://a.b/", "BICYCLE", "Nr.")]
    assert [w.text for w in unglued(words)] == ["10:35", "http://a.b/", "BICYCLE", "Nr."]


def test_padded_boxes_of_neighbouring_lines_stay_on_their_lines() -> None:
    # OCR boxes: two lines in the right column 13 pt apart, 16 pt tall, and a line of the left
    # column half way between them
    words = (
        Word("Acme", 1, 325.0, 131.8, 360.0, 147.8, 0.99),
        Word("Shop", 1, 365.0, 131.8, 400.0, 147.8, 0.99),
        Word("Acme", 1, 35.0, 138.6, 70.0, 154.0, 0.98),
        Word("Depot", 1, 75.0, 138.6, 114.0, 154.0, 0.98),
        Word("Anna", 1, 325.0, 144.8, 355.0, 160.7, 0.99),
        Word("Berg", 1, 360.0, 144.8, 390.0, 160.7, 0.99),
    )
    layout = layout_of(Text(pages=("",), method="ocr", words=words, page_sizes=((595.0, 842.0),)))
    texts = [line.text for line in layout.lines]
    assert "Anna Berg" in " | ".join(texts)
    assert all("Acme Anna" not in t and "Shop Berg" not in t for t in texts)


def test_a_capital_set_tight_after_a_small_letter_starts_a_new_word() -> None:
    words = [
        Word("Discount", 1, 60.0, 200.0, 100.0, 207.0),
        Word("of", 1, 103.0, 200.0, 112.0, 207.0),
        Word("Rs", 1, 113.0, 200.0, 122.0, 207.0),  # 1 pt after "of": set tight, two words
        Word("-40.00,", 1, 125.0, 200.0, 152.0, 207.0),
        Word("Ver", 1, 60.0, 230.0, 73.0, 237.0),
        Word("käufer", 1, 74.0, 230.0, 100.0, 237.0),  # 1 pt apart: one word kerned in two
    ]
    text = Text(pages=("",), method="test", words=tuple(words), page_sizes=((595.0, 842.0),))
    lines = [LineText.of(line).text for line in layout_of(text).lines]
    assert lines == ["Discount of Rs -40.00,", "Verkäufer"]
