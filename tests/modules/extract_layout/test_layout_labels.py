"""extract.layout: values read right of or under their labels, and title lines."""

from __future__ import annotations

from dataclasses import replace

import pytest

from turnout.domain.artifacts import Fields, Text
from turnout.domain.errors import InputRejected
from turnout.domain.page import Word
from turnout.modules.extract.layout.module import LayoutExtract

from .pages import put, read, text_of, value


def test_title_line_gives_number_and_date_but_not_the_type_code() -> None:
    fields = read(
        text_of(
            put(60, 80, "Handelsrechnung (380) Nr. 471102 vom 05.03.2018", size=14),
            put(60, 700, "Gesamtbetrag"),
            put(400, 700, "119,00 EUR"),
        )
    )
    assert value(fields, "invoice_number") == "471102"
    assert value(fields, "issue_date") == "05.03.2018"


@pytest.mark.parametrize(
    ("title", "number"),
    [
        ("Facture n° F-2024-17", "F-2024-17"),
        ("Invoice No. INV-0042", "INV-0042"),
        ("Fattura n. 2024/118", "2024/118"),
        ("Factuur nr. 20240077", "20240077"),
        ("Factura Nº A-553", "A-553"),
    ],
)
def test_title_lines_in_other_languages(title: str, number: str) -> None:
    fields = read(text_of(put(60, 80, title, size=14)))
    assert value(fields, "invoice_number") == number


def test_value_right_of_its_label_in_the_next_column() -> None:
    fields = read(
        text_of(
            put(320, 150, "Rechnungsnummer"),
            put(450, 150, "RE-2024-0815"),
            put(320, 164, "Rechnungsdatum"),
            put(450, 164, "12.02.2024"),
            put(320, 178, "Fälligkeitsdatum"),
            put(450, 178, "13.03.2024"),
        )
    )
    assert value(fields, "invoice_number") == "RE-2024-0815"
    # 12.02.2024 reads two ways; the due date shows the page writes the day first
    assert value(fields, "issue_date") == "2024-02-12"
    assert value(fields, "due_date") == "13.03.2024"
    assert fields.values["invoice_number"].confidence >= 0.8


def test_header_row_over_value_row_split_at_the_slash() -> None:
    fields = read(text_of(put(300, 150, "Invoice No. / Date"), put(300, 164, "123 / 2024-01-05")))
    assert value(fields, "invoice_number") == "123"
    assert value(fields, "issue_date") == "2024-01-05"


def test_page_numbers_customer_numbers_and_postcodes_are_not_invoice_numbers() -> None:
    fields = read(
        text_of(
            put(60, 60, "Rechnung"),
            put(400, 60, "Seite 1 von 2"),
            put(60, 80, "Kundennummer: 10077"),
            put(60, 100, "Rechnung 80333 München"),
            put(60, 120, "Invoice   Page 2/3"),
            put(60, 140, "Datum: 05.03.2018"),
        )
    )
    assert value(fields, "invoice_number") is None
    assert value(fields, "issue_date") == "05.03.2018"


def test_every_field_carries_boxes_of_the_words_it_came_from() -> None:
    fields = read(
        text_of(put(320, 150, "Invoice number:"), put(450, 150, "A-17"), put(60, 700, "EUR 10.00"))
    )
    (box,) = fields.values["invoice_number"].boxes
    assert box.page == 1
    assert box.left == pytest.approx(450 / 595, abs=0.001)
    assert box.top == pytest.approx(150 / 842, abs=0.001)
    assert all(f.module == "extract.layout" for f in fields.values.values())


def test_ocr_word_scores_lower_the_confidence() -> None:
    sure = read(text_of(put(60, 150, "Invoice number: A-17")))
    words = put(60, 150, "Invoice number: A-17")
    unsure = [replace(w, score=0.4) if w.text == "A-17" else w for w in words]
    low = read(text_of(unsure))
    assert low.values["invoice_number"].confidence < sure.values["invoice_number"].confidence


def test_min_confidence_drops_unsure_fields_but_keeps_required_ones() -> None:
    text = text_of(put(60, 60, "Bestellung: PO-7"), put(60, 80, "Datum 01.02.2024"))
    fields = read(text, min_confidence=0.95)
    assert value(fields, "order_reference") is None
    assert value(fields, "issue_date") == "01.02.2024"  # required: kept for review to see
    assert fields.values["issue_date"].confidence < 0.95


def test_a_page_without_any_invoice_field_is_rejected() -> None:
    with pytest.raises(InputRejected, match="no invoice fields found"):
        read(text_of(put(60, 60, "Lorem ipsum dolor sit amet")))


def test_plain_text_without_words_is_read_on_a_grid() -> None:
    text = Text(pages=("Invoice number:  INV-9\nInvoice date:  2024-03-01\n",), method="test")
    fields = read(text)
    assert value(fields, "invoice_number") == "INV-9"
    assert value(fields, "issue_date") == "2024-03-01"


def test_the_layout_reader_reads_for_the_extract_stage_fallback() -> None:
    # the default fallback is extract.learned: the layout reader, then what reviews taught about
    # the issuer; extract.layout stays a fallback an operator may select on its own
    from turnout.runtime.defaults import DEFAULT_POLICIES

    assert DEFAULT_POLICIES["extract"].fallback == "extract.learned"
    assert LayoutExtract.spec.is_fallback
    assert LayoutExtract.spec.contract_id == "extract-v1"


def test_a_due_date_said_in_a_sentence_is_the_first_date_after_it() -> None:
    fields = read(
        text_of(
            put(60, 60, "Rechnung Nr. 4711"),
            put(
                60,
                400,
                "Zahlbar innerhalb 30 Tagen netto bis 04.04.2018, 3% Skonto innerhalb 10 Tagen "
                "bis 15.03.2018",
            ),
        )
    )
    assert value(fields, "due_date") == "04.04.2018"
    remit = read(
        text_of(put(60, 60, "Invoice # RE-507"), put(60, 400, "Please remit until 2019-07-01."))
    )
    assert value(remit, "due_date") == "2019-07-01"


def test_payment_terms_without_a_printed_date_give_no_due_date() -> None:
    fields = read(
        text_of(
            put(60, 60, "Invoice No. 88"), put(60, 400, "Payment terms: payable within 30 days")
        )
    )
    assert value(fields, "due_date") is None


def test_a_credit_note_title_carries_its_number() -> None:
    fields = read(text_of(put(30, 95, "Avoir AV-2024-0031", size=14)), languages=["fr"])
    assert value(fields, "invoice_number") == "AV-2024-0031"


def test_a_word_the_text_layer_cut_in_two_is_read_whole() -> None:
    cut = [
        Word("Ver", 1, 60.0, 100.0, 73.0, 107.0),
        Word("käufer:", 1, 74.0, 100.0, 104.0, 107.0),  # 1 pt apart: kerning, not a space
    ]
    fields = read(
        text_of(
            put(60, 60, "Rechnung Nr. 17"),
            cut,
            put(60, 114, "Lieferant GmbH"),
            put(60, 128, "Lieferantenstraße 20"),
        )
    )
    assert value(fields, "seller.name") == "Lieferant GmbH"


def test_a_number_mark_under_the_title_gives_the_invoice_number_and_no_seller() -> None:
    fields = read(
        text_of(
            put(400, 27, "INVOICE", size=22),
            put(461, 60, "# inv_2024_17", size=10),
            put(437, 113, "Date: Jan 1, 2024"),
        )
    )
    assert value(fields, "invoice_number") == "inv_2024_17"
    assert value(fields, "seller.name") != "# inv_2024_17"


def test_vat_numbers_are_given_as_printed_and_checked_with_their_spacing() -> None:
    fields = read(text_of(put(60, 60, "Facture n° 12"), put(60, 80, "N° TVA : FR 604 219 388 61")))
    assert value(fields, "seller.vat_id") == "FR 604 219 388 61"
    assert fields.values["seller.vat_id"].confidence > 0.9  # the checksum holds


def test_a_title_with_a_remark_in_brackets_and_its_date_on_the_next_line() -> None:
    fields = read(
        text_of(
            put(50, 40, "ZUGFeRD-Version: 2.1 vom 24.03.2020", size=6),
            put(50, 144, "Gutschrift (Selbst ausgestellte Rechnung) (389) Nr. 47110818", size=11),
            put(50, 160, "vom 31.10.2018", size=8),
        )
    )
    assert value(fields, "invoice_number") == "47110818"
    assert value(fields, "issue_date") == "31.10.2018"


def test_a_text_of_more_words_than_the_reader_reads_is_rejected_before_layout() -> None:
    from turnout.modules.extract.layout.module import MAX_WORDS

    words = tuple(
        Word("x", 1, 0.0, float(i % 800), 5.0, float(i % 800) + 8) for i in range(MAX_WORDS + 1)
    )
    text = Text(pages=("",), method="test", words=words, page_sizes=((595.0, 842.0),))
    with pytest.raises(InputRejected, match="split the document"):
        read(text)


def test_the_module_gives_the_document_type_read_from_the_title() -> None:
    fields = read(text_of(put(50, 60, "Gutschrift Nr. 4711 vom 05.03.2018", size=16)))
    assert value(fields, "type_code") == "381"
    assert fields.values["type_code"].boxes


def test_a_generic_date_beside_the_invoice_number_is_sure_enough() -> None:
    pair = read(
        text_of(
            put(60, 40, "Harbor Tools, Inc.", size=18),
            put(60, 120, "INVOICE #"),
            put(200, 120, "DATE"),
            put(60, 134, "HT-24-0173"),
            put(200, 134, "March 12, 2024"),
        )
    )
    alone = read(
        text_of(
            put(60, 40, "Harbor Tools, Inc.", size=18),
            put(60, 120, "INVOICE #"),
            put(60, 134, "HT-24-0173"),
            put(300, 400, "DATE"),
            put(300, 414, "March 12, 2024"),
        )
    )
    assert value(pair, "issue_date") == value(alone, "issue_date") == "March 12, 2024"
    assert pair.values["issue_date"].confidence >= 0.75
    assert alone.values["issue_date"].confidence < 0.6


def test_the_bare_word_invoice_heading_a_column_gives_the_number_under_it() -> None:
    fields = read(
        text_of(
            put(60, 200, "Klant"),
            put(150, 200, "Factuurdatum"),
            put(270, 200, "Factuur"),
            put(380, 200, "Vervaldatum"),
            put(60, 214, "KL-20931"),
            put(150, 214, "4-3-2024"),
            put(270, 214, "VF2024-00417"),
            put(380, 214, "18-3-2024"),
        )
    )
    assert value(fields, "invoice_number") == "VF2024-00417"
    assert value(fields, "issue_date") == "2024-03-04"  # 18-3-2024 puts the day first
    assert fields.values["invoice_number"].confidence < 0.6  # a weak label: a surer one wins


def test_the_bare_word_invoice_as_a_title_gives_no_number_under_it() -> None:
    fields = read(
        text_of(
            put(60, 80, "INVOICE", size=18),
            put(60, 104, "KL-20931"),
            put(60, 300, "Invoice Date: 03/04/2024"),
        )
    )
    assert value(fields, "invoice_number") is None


def test_a_date_that_reads_two_ways_is_read_in_the_order_the_page_shows() -> None:
    def page(*more: tuple[float, float, str]) -> Fields:
        rows = [(60, 40, "Invoice FA-2017-0008"), (60, 60, "Invoice Date 11/03/2017"), *more]
        return read(text_of(*(put(x, y, line) for x, y, line in rows)))

    # "11/17/2017" can only be month first: the invoice is of November 3rd
    american = page((60, 300, "SEPA Wire transfer 11/17/2017 623.00 €"))
    assert value(american, "issue_date") == "2017-11-03"
    assert american.values["issue_date"].boxes  # still the printed date's words
    # "17/11/2017" can only be day first
    assert value(page((60, 300, "Paid 17/11/2017 623.00 €")), "issue_date") == "2017-03-11"
    # no other date, or dates that show both orders: left as printed for normalize's setting
    assert value(page(), "issue_date") == "11/03/2017"
    both = page((60, 300, "Paid 17/11/2017"), (60, 320, "Shipped 11/17/2017"))
    assert value(both, "issue_date") == "11/03/2017"
