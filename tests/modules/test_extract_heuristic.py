"""extract.heuristic on the bundled example PDFs (through text.pdfium) and on plain text."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import turnout
from turnout.domain.artifacts import Document, DocumentKind, Fields, InvoiceArtifact, Text
from turnout.domain.errors import InputRejected
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.page import Box
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.extract.heuristic import HeuristicExtract
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.text.pdfium import PdfiumText

EXAMPLES = Path(turnout.__file__).parent / "examples"
PDF_EXAMPLES = ("invoice-acme-en", "rechnung-mueller-de", "facture-dupont-fr")

CORE = ("invoice_number", "issue_date", "totals.payable", "currency")
# what each example must give beyond the core, after normalisation
MORE = {
    "invoice-acme-en": (
        "due_date",
        "order_reference",
        "totals.tax",
        "totals.tax_exclusive",
        "buyer.name",
        "seller.name",
    ),
    "rechnung-mueller-de": (
        "due_date",
        "order_reference",
        "seller.vat_id",
        "buyer.vat_id",
        "payment.iban",
        "payment.bic",
        "totals.tax",
        "totals.tax_exclusive",
        "seller.name",
        "seller.country",
    ),
    "facture-dupont-fr": (
        "due_date",
        "seller.vat_id",
        "buyer.vat_id",
        "payment.iban",
        "payment.bic",
        "totals.tax",
        "totals.tax_exclusive",
        "buyer.name",
        "seller.country",
    ),
}


def pdf_text(data: bytes) -> str:
    document = Document(
        filename="invoice.pdf",
        kind=DocumentKind.PDF,
        media_type="application/pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        pages=1,
    )
    context = RunContext("run-1", 1, "text", "text.pdfium", Path())
    (text,) = PdfiumText().process(Artifacts([document]), context)
    assert isinstance(text, Text)
    return text.full


def extract(text: str, **settings: object) -> Fields:
    context = RunContext("run-1", 1, "extract", "extract.heuristic", Path())
    artifacts = Artifacts([Text(pages=(text,), method="test", page_confidence=(1.0,))])
    (fields,) = HeuristicExtract(settings).process(artifacts, context)
    assert isinstance(fields, Fields)
    return fields


def flat(invoice: dict[str, object]) -> dict[str, object]:
    """The canonical invoice JSON keyed by dotted path (`totals.payable`)."""
    out: dict[str, object] = {}
    for key, value in invoice.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def normalised(fields: Fields) -> dict[str, object]:
    context = RunContext("run-1", 1, "normalize", "normalize.standard", Path())
    (artifact,) = StandardNormalize().process(Artifacts([fields]), context)
    assert isinstance(artifact, InvoiceArtifact)
    return flat(artifact.invoice.to_dict())


@pytest.mark.parametrize("name", PDF_EXAMPLES)
def test_examples_give_their_expected_values_after_normalisation(name: str) -> None:
    expected = flat(json.loads((EXAMPLES / f"{name}.expected.json").read_text(encoding="utf-8")))
    fields = extract(pdf_text((EXAMPLES / f"{name}.pdf").read_bytes()))
    got = normalised(fields)
    for path in CORE + MORE[name]:
        want, have = expected[path], got[path]
        if path.endswith(".name"):
            want, have = str(want).casefold(), str(have).casefold()
        assert have == want, f"{name}: {path}"
    assert all(f.module == "extract.heuristic" for f in fields.values.values())
    assert all(0 < f.confidence <= 1 for f in fields.values.values())


def test_label_on_the_same_line_is_more_confident_than_a_bare_pattern() -> None:
    fields = extract(
        "Invoice No: 2024-117\nVAT No: DE136695976\nDE813654274\nTotal due: 1,250.00 EUR\n"
    )
    assert fields.values["invoice_number"].value == "2024-117"
    assert fields.values["seller.vat_id"].value == "DE136695976"
    assert fields.values["seller.vat_id"].confidence > 0.9
    assert fields.values["totals.payable"].value == "1,250.00 EUR"


def test_totals_that_add_up_win_over_a_larger_stray_total() -> None:
    text = "\n".join(
        [
            "Rechnungsnummer: R-77",
            "Summe        9.999,00",
            "Nettobetrag    100,00 €",
            "MwSt 19 %       19,00 €",
            "Gesamtbetrag   119,00 €",
        ]
    )
    values = extract(text).values
    assert values["totals.payable"].value == "119,00 €"
    assert values["totals.tax"].value == "19,00 €"
    assert values["totals.tax_exclusive"].value == "100,00 €"


def test_values_under_column_headers_are_found() -> None:
    text = "\n".join(
        [
            "Factuurnummer     Factuurdatum     Vervaldatum",
            "F-1009            03-04-2024       03-05-2024",
            "Totaal incl. BTW      € 60,50",
        ]
    )
    values = extract(text).values
    assert values["invoice_number"].value == "F-1009"
    assert values["issue_date"].value == "03-04-2024"
    assert values["due_date"].value == "03-05-2024"
    assert values["currency"].value == "EUR"


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Rechnungsnummer: RE-1", "RE-1"),
        ("Facture n° F-2", "F-2"),
        ("Factuurnummer: NL-3", "NL-3"),
        ("Factura nº ES-4", "ES-4"),
        ("Fattura n. IT-5", "IT-5"),
        ("Invoice #: EN-6", "EN-6"),
    ],
)
def test_invoice_number_labels_of_six_languages(line: str, number: str) -> None:
    assert extract(line).values["invoice_number"].value == number


def test_languages_setting_limits_the_labels_used() -> None:
    text = "Rechnungsnummer: RE-1\nGesamtbetrag: 10,00"
    assert "invoice_number" in extract(text, languages=["de"]).values
    with pytest.raises(InputRejected, match="no invoice fields found"):
        extract(text, languages=["fr"])


def test_min_confidence_drops_weak_fields() -> None:
    text = "Hello 12.03.2024\nInvoice No: A-1"
    assert "issue_date" in extract(text).values
    assert set(extract(text, min_confidence=0.8).values) == {"invoice_number"}


def test_dollar_sign_reads_as_the_dollar_the_text_names() -> None:
    text = "Invoice No: 55\nAll amounts in CAD\nTotal: $120.00"
    assert extract(text).values["currency"].value == "CAD"


def test_text_without_invoice_fields_is_rejected() -> None:
    with pytest.raises(InputRejected, match="no invoice fields found"):
        extract("Lorem ipsum dolor sit amet, consectetur adipiscing elit.")


def test_spec_is_the_extract_fallback_and_mirrors_the_contract() -> None:
    contract = STAGES_BY_ID["extract"].contract
    spec = HeuristicExtract.spec
    assert (spec.stage_id, spec.contract_id) == ("extract", contract.contract_id)
    assert spec.inputs == contract.inputs and spec.outputs == contract.outputs
    assert contract.guarantees <= spec.guarantees
    assert spec.is_fallback
    assert spec.settings_schema["additionalProperties"] is False


def pdf_words(data: bytes) -> Text:
    document = Document(
        filename="invoice.pdf",
        kind=DocumentKind.PDF,
        media_type="application/pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        pages=1,
    )
    context = RunContext("run-1", 1, "text", "text.pdfium", Path())
    (text,) = PdfiumText().process(Artifacts([document]), context)
    assert isinstance(text, Text)
    return text


def words_in(text: Text, box: Box) -> str:
    """The words whose middle lies inside `box`, in the text's order, letters and digits only."""
    width, height = text.page_sizes[box.page - 1]
    inside = [
        w.text
        for w in text.words
        if w.page == box.page
        and box.left <= (w.left + w.right) / 2 / width <= box.right
        and box.top <= (w.top + w.bottom) / 2 / height <= box.bottom
    ]
    return "".join(c for c in " ".join(inside).casefold() if c.isalnum())


@pytest.mark.parametrize("name", PDF_EXAMPLES)
def test_every_field_of_a_pdf_has_the_box_of_the_words_printing_it(name: str) -> None:
    text = pdf_words((EXAMPLES / f"{name}.pdf").read_bytes())
    context = RunContext("run-1", 1, "extract", "extract.heuristic", Path())
    (fields,) = HeuristicExtract().process(Artifacts([text]), context)
    assert isinstance(fields, Fields)
    for path, field in fields.values.items():
        assert len(field.boxes) == 1, f"{name}: {path} has no box"
        if path != "currency":  # read as a code, printed as a symbol
            value = "".join(c for c in field.value.casefold() if c.isalnum())
            assert value in words_in(text, field.boxes[0]), f"{name}: {path}"


def test_plain_text_fields_have_no_boxes() -> None:
    fields = extract("Invoice number: INV-1\nInvoice date: 2024-03-01\nTotal: 12.00 EUR\n")
    assert fields.values and all(f.boxes == () for f in fields.values.values())
