"""Stored stage results keep where things were read: words, page sizes and boxes."""

from __future__ import annotations

import json
from decimal import Decimal

from turnout.domain.artifacts import ExtractedField, Fields, InvoiceArtifact, Source, Text
from turnout.domain.invoice import FieldSource, Invoice, Totals
from turnout.domain.page import Box, Word
from turnout.runtime.checkpoint import decode, encode

SOURCE = Source("a.pdf", b"%PDF-1.7 ...")
WORDS = (
    Word("Invoice", 1, 56.5, 70.25, 110.0, 82.75),
    Word("RE-2024-0815", 1, 120.0, 70.25, 190.12, 82.75, 0.87),
    Word("1.878,42", 2, 400.0, 700.5, 440.0, 711.0),
)
BOX = Box(1, 0.0625, 0.1041, 0.3101, 0.1209)
LINE_BOX = Box(2, 0.1, 0.5, 0.9, 0.52)


def through_json(artifact: object) -> object:
    assert isinstance(artifact, Text | Fields | InvoiceArtifact)
    return decode(json.loads(json.dumps(encode(artifact, SOURCE))), SOURCE)


def test_a_text_comes_back_with_its_words_and_page_sizes() -> None:
    text = Text(("p1", "p2"), "pdfium", (1.0, 1.0), WORDS, ((595.28, 841.89), (842.0, 595.0)))
    assert through_json(text) == text


def test_a_word_is_stored_as_a_compact_list_rounded_to_hundredths() -> None:
    word = Word("Total", 1, 10.123456, 20.987654, 30.5, 40.004, 0.91234)
    stored = encode(Text(("Total",), "ocr", (0.9,), (word,), ((612.0, 792.0),)), SOURCE)
    assert stored["words"] == [["Total", 1, 10.12, 20.99, 30.5, 40.0, 0.91]]
    assert stored["page_sizes"] == [[612.0, 792.0]]
    back = decode(json.loads(json.dumps(stored)), SOURCE)
    assert isinstance(back, Text)
    assert back.words == (Word("Total", 1, 10.12, 20.99, 30.5, 40.0, 0.91),)


def test_a_text_without_geometry_is_stored_without_the_new_keys() -> None:
    stored = encode(Text(("page",), "plain", (1.0,)), SOURCE)
    assert "words" not in stored and "page_sizes" not in stored


def test_results_stored_before_words_and_boxes_existed_still_decode() -> None:
    old_text = {"type": "text", "pages": ["a"], "method": "pdfium", "confidence": [1.0]}
    assert decode(old_text, SOURCE) == Text(("a",), "pdfium", (1.0,))
    old_fields = {
        "type": "fields",
        "values": {"invoice_number": {"value": "A-1", "confidence": 0.9, "module": "m"}},
        "lines": [{"net_amount": "5"}],
    }
    assert decode(old_fields, SOURCE) == Fields(
        {"invoice_number": ExtractedField("A-1", 0.9, "m")}, ({"net_amount": "5"},)
    )


def test_fields_come_back_with_their_boxes_and_line_boxes() -> None:
    fields = Fields(
        {
            "invoice_number": ExtractedField("RE-2024-0815", 0.9, "extract.layout", (BOX,)),
            "currency": ExtractedField("EUR", 0.5, "extract.layout"),
        },
        ({"net_amount": "1.878,42"},),
        ((LINE_BOX,),),
    )
    assert through_json(fields) == fields
    stored = encode(fields, SOURCE)
    assert "boxes" not in stored["values"]["currency"]
    assert stored["line_boxes"] == [[LINE_BOX.to_dict()]]


def test_an_invoice_comes_back_with_the_boxes_of_its_provenance() -> None:
    invoice = Invoice(invoice_number="RE-1", totals=Totals(payable=Decimal("9.50")))
    invoice.provenance["invoice_number"] = FieldSource("extract.layout", 0.9, (BOX,))
    invoice.provenance["totals.payable"] = FieldSource("extract.layout", 0.8)
    artifact = InvoiceArtifact(invoice)
    back = through_json(artifact)
    assert back == artifact
    assert isinstance(back, InvoiceArtifact)
    assert back.invoice.provenance["invoice_number"].boxes == (BOX,)
