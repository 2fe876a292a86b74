"""text.ocr on scans the test makes itself: a bundled example PDF rendered to a PNG, and a PDF
holding only that picture (no text layer), read through OCR, extraction and normalisation."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from PIL import Image

import turnout
from turnout.bootstrap import bootstrap
from turnout.domain.artifacts import Document, DocumentKind, Fields, InvoiceArtifact, Text
from turnout.domain.errors import InputRejected, NotApplicable
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.runs import RunStatus
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.extract.heuristic import HeuristicExtract
from turnout.modules.normalize.standard import StandardNormalize
from turnout.modules.text import ocr_engine
from turnout.modules.text.ocr import OcrText
from turnout.runtime.config_document import ConfigDocument, PolicyDoc
from turnout.runtime.defaults import default_document
from turnout.settings import Settings
from turnout.testing import ModuleContractSuite

EXAMPLES = Path(turnout.__file__).parent / "examples"
SCAN_DPI = 150  # enough for RapidOCR, and about half the time of 200 DPI


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data = (EXAMPLES / "invoice-acme-en.expected.json").read_text(encoding="utf-8")
    return dict(json.loads(data))


@pytest.fixture(scope="module")
def scan_png() -> bytes:
    """The ACME example's page as a picture, the way a scanner would deliver it."""
    pdf = pypdfium2.PdfDocument(EXAMPLES / "invoice-acme-en.pdf")
    try:
        image = pdf[0].render(scale=SCAN_DPI / 72).to_pil().convert("L")
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def scan_pdf(scan_png: bytes) -> bytes:
    """A PDF whose only content is the scanned picture: no text layer at all."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(scan_png)).save(buffer, "PDF", resolution=SCAN_DPI)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def engine() -> ocr_engine.OcrEngine:
    """The one engine of this test process, loaded once for the whole file."""
    OcrText.health_check()
    OcrText().warm_up()
    return ocr_engine.shared_engine()


def document(data: bytes, kind: DocumentKind, name: str = "scan.png") -> Document:
    media = {DocumentKind.PDF: "application/pdf", DocumentKind.IMAGE: "image/png"}
    return Document(
        filename=name,
        kind=kind,
        media_type=media.get(kind, "application/xml"),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
    )


def read(doc: Document, tmp_path: Path, **settings: object) -> Text:
    context = RunContext("run-1", 1, "text", "text.ocr", tmp_path)
    (text,) = OcrText(settings).process(Artifacts([doc]), context)
    assert isinstance(text, Text)
    assert not text.problems()
    return text


def invoice_from(text: Text, tmp_path: Path) -> dict[str, Any]:
    context = RunContext("run-1", 1, "extract", "extract.heuristic", tmp_path)
    (fields,) = HeuristicExtract().process(Artifacts([text]), context)
    assert isinstance(fields, Fields)
    (artifact,) = StandardNormalize().process(Artifacts([fields]), context)
    assert isinstance(artifact, InvoiceArtifact)
    return artifact.invoice.to_dict()


def letterhead_png() -> bytes:
    """The top quarter of the ACME example at 100 DPI: a few lines, read in well under a second."""
    pdf = pypdfium2.PdfDocument(EXAMPLES / "invoice-acme-en.pdf")
    try:
        page = pdf[0].render(scale=100 / 72).to_pil()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    page.crop((0, 0, page.width, page.height // 4)).save(buffer, "PNG")
    return buffer.getvalue()


def blank_png(size: tuple[int, int] = (400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_spec_is_the_designated_text_fallback_under_the_text_contract() -> None:
    spec = OcrText.spec
    stage = STAGES_BY_ID["text"]
    assert spec.module_id == "text.ocr" and spec.stage_id == "text"
    assert spec.contract_id == stage.contract.contract_id
    assert spec.is_fallback is True
    assert stage.contract.guarantees <= spec.guarantees
    properties = spec.settings_schema["properties"]
    assert spec.settings_schema["additionalProperties"] is False
    assert (properties["dpi"]["default"], properties["dpi"]["minimum"]) == (200, 72)
    assert properties["dpi"]["maximum"] == 400
    assert properties["max_pages"]["default"] == 20
    assert properties["min_confidence"]["default"] == 0.5


def test_models_ship_inside_the_installed_package() -> None:
    rapidocr = ocr_engine.load_rapidocr()
    models = Path(str(rapidocr.__file__)).parent / "models"
    names = [path.name for path in models.glob("*.onnx")]
    for part in ("_det_", "_cls_", "_rec_"):  # detection, direction, recognition: no download
        assert any(part in name for name in names), f"no {part} model in {models}: {names}"


@pytest.mark.slow
def test_scanned_png_reads_to_the_right_number_date_and_total(
    engine: ocr_engine.OcrEngine, scan_png: bytes, expected: dict[str, Any], tmp_path: Path
) -> None:
    text = read(document(scan_png, DocumentKind.IMAGE), tmp_path)
    assert text.method == "ocr"
    assert len(text.pages) == 1
    assert 0.9 <= text.page_confidence[0] <= 1.0
    invoice = invoice_from(text, tmp_path)
    assert invoice["invoice_number"] == expected["invoice_number"]
    assert invoice["issue_date"] == expected["issue_date"]
    assert invoice["totals"]["payable"] == expected["totals"]["payable"]


@pytest.mark.slow
def test_pdf_without_a_text_layer_is_rendered_and_read(
    engine: ocr_engine.OcrEngine, scan_pdf: bytes, expected: dict[str, Any], tmp_path: Path
) -> None:
    text = read(document(scan_pdf, DocumentKind.PDF, "scan.pdf"), tmp_path, dpi=SCAN_DPI)
    lines = text.full.splitlines()
    # the amount stays on its label's line, as in the pdfium layout
    assert any("Subtotal" in line and "7,366.00" in line for line in lines)
    invoice = invoice_from(text, tmp_path)
    assert invoice["invoice_number"] == expected["invoice_number"]
    assert invoice["issue_date"] == expected["issue_date"]
    assert invoice["totals"]["payable"] == expected["totals"]["payable"]


def letterhead_truth(word: str) -> tuple[float, float]:
    """The centre of `word` in the ACME example's text layer, in points from the top-left."""
    pdf = pypdfium2.PdfDocument(EXAMPLES / "invoice-acme-en.pdf")
    try:
        textpage = pdf[0].get_textpage()
        start, count = textpage.search(word).get_next()
        first, last = textpage.get_charbox(start), textpage.get_charbox(start + count - 1)
        height = pdf[0].get_size()[1]
    finally:
        pdf.close()
    return (first[0] + last[2]) / 2, height - (first[1] + first[3]) / 2


@pytest.mark.slow
def test_words_carry_their_boxes_in_points_where_the_page_prints_them(
    engine: ocr_engine.OcrEngine, scan_pdf: bytes, tmp_path: Path
) -> None:
    text = read(document(scan_pdf, DocumentKind.PDF, "scan.pdf"), tmp_path, dpi=SCAN_DPI)
    assert text.page_sizes == (pytest.approx((612.0, 792.0), abs=1.0),)
    assert len(text.words) >= 60
    assert all(w.page == 1 and 0 <= w.left < w.right <= 612 for w in text.words)
    assert all(0 <= w.top < w.bottom <= 792 and 0.5 <= w.score <= 1 for w in text.words)
    (number,) = [w for w in text.words if w.text == "ACM-24-0173"]
    x, y = letterhead_truth("ACM-24-0173")
    assert abs((number.left + number.right) / 2 - x) < 4
    assert abs((number.top + number.bottom) / 2 - y) < 4
    # the words of a box are its text, in order
    assert " ".join(w.text for w in text.words if w.text).count("ACM-24-0173") == 1


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_turned_scan_is_read_upright(
    engine: ocr_engine.OcrEngine, turn: int, tmp_path: Path
) -> None:
    letterhead = Image.open(io.BytesIO(letterhead_png()))
    buffer = io.BytesIO()
    letterhead.rotate(turn, expand=True, fillcolor="white").save(buffer, "PNG")
    read_turned = engine.read(Image.open(io.BytesIO(buffer.getvalue())))
    assert (read_turned.turned + turn) % 360 == 0
    assert (read_turned.width, read_turned.height) == letterhead.size
    text = read(document(buffer.getvalue(), DocumentKind.IMAGE), tmp_path)
    assert "ACM-24-0173" in text.full
    assert text.page_sizes[0][0] > text.page_sizes[0][1]  # the letterhead is wide, read upright


@pytest.mark.slow
def test_ink_in_a_corner_of_a_large_blank_page_is_found_where_it_is(
    engine: ocr_engine.OcrEngine, tmp_path: Path
) -> None:
    letterhead = Image.open(io.BytesIO(letterhead_png())).convert("L")
    page = Image.new("L", (letterhead.width * 2, letterhead.height * 4), 255)
    page.paste(letterhead, (letterhead.width, letterhead.height * 3))  # bottom right quarter
    read_page = engine.read(page)
    alone = engine.read(letterhead)
    (moved,) = [b for b in read_page.boxes if b.text == "ACM-24-0173"]
    (there,) = [b for b in alone.boxes if b.text == "ACM-24-0173"]
    assert moved.left - there.left == pytest.approx(letterhead.width, abs=3)
    assert moved.top - there.top == pytest.approx(letterhead.height * 3, abs=3)


def test_boxes_below_min_confidence_are_dropped(
    engine: ocr_engine.OcrEngine, tmp_path: Path
) -> None:
    letterhead = document(letterhead_png(), DocumentKind.IMAGE)
    everything = read(letterhead, tmp_path, min_confidence=0.0)
    sure_only = read(letterhead, tmp_path, min_confidence=0.995)
    assert "ACM-24-0173" in everything.full
    assert len(sure_only.full.split()) < len(everything.full.split())
    # the page confidence is the mean score of the boxes kept
    assert everything.page_confidence[0] < 0.995 <= sure_only.page_confidence[0]
    assert len(sure_only.words) < len(everything.words)


def test_blank_image_gives_empty_text_with_zero_confidence(
    engine: ocr_engine.OcrEngine, tmp_path: Path
) -> None:
    text = read(document(blank_png(), DocumentKind.IMAGE), tmp_path)
    assert text.pages == ("",)
    assert text.page_confidence == (0.0,)
    assert text.is_empty()


def test_every_frame_of_a_multi_page_tiff_is_a_page(
    engine: ocr_engine.OcrEngine, tmp_path: Path
) -> None:
    frames = [Image.new("L", (300, 200), "white") for _ in range(2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    text = read(document(buffer.getvalue(), DocumentKind.IMAGE, "scan.tiff"), tmp_path)
    assert text.pages == ("", "")
    with pytest.raises(InputRejected, match=r"2 pages, more than max_pages=1"):
        read(document(buffer.getvalue(), DocumentKind.IMAGE, "scan.tiff"), tmp_path, max_pages=1)


def test_junk_bytes_labelled_as_an_image_are_rejected_with_the_reason(tmp_path: Path) -> None:
    junk = document(b"\x89PNG\r\n\x1a\n this is not really a picture" * 3, DocumentKind.IMAGE)
    with pytest.raises(
        InputRejected, match=r"cannot be decoded.*send a complete PNG, JPEG or TIFF"
    ):
        read(junk, tmp_path)


def test_truncated_png_is_rejected(scan_png: bytes, tmp_path: Path) -> None:
    cut = document(scan_png[: len(scan_png) // 2], DocumentKind.IMAGE)
    with pytest.raises(InputRejected, match=r"truncated"):
        read(cut, tmp_path)


def test_image_too_large_to_read_is_rejected_before_decoding(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000), 1).save(buffer, "PNG")  # 81 Mpx of white, a few kB
    with pytest.raises(InputRejected, match=r"9000x9000 pixels, too large.*200-300 DPI"):
        read(document(buffer.getvalue(), DocumentKind.IMAGE), tmp_path)


def test_huge_pdf_page_is_rejected_before_rendering(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("L", (1000, 1000), "white").save(buffer, "PDF", resolution=10)  # 100 x 100 inches
    with pytest.raises(InputRejected, match=r"page 1 is 100x100 inches.*lower `dpi`"):
        read(document(buffer.getvalue(), DocumentKind.PDF, "poster.pdf"), tmp_path)


def test_damaged_pdf_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match=r"pdfium cannot open this PDF"):
        read(document(b"%PDF-1.7\n garbage", DocumentKind.PDF, "scan.pdf"), tmp_path)


@pytest.mark.parametrize("kind", [DocumentKind.UBL, DocumentKind.CII])
def test_xml_e_invoices_are_not_applicable(kind: DocumentKind, tmp_path: Path) -> None:
    with pytest.raises(NotApplicable, match=r"einvoice stage reads it"):
        read(document(b"<Invoice/>", kind, "invoice.xml"), tmp_path)


def test_concurrent_first_use_loads_one_shared_engine() -> None:
    engines: list[ocr_engine.OcrEngine] = []
    threads = [
        threading.Thread(target=lambda: engines.append(ocr_engine.shared_engine()))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(engines) == 4 and all(e is engines[0] for e in engines)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # one OCR run is enough
def test_scanned_pdf_completes_through_the_ocr_fallback_of_the_default_configuration(
    db_url: str,
    engine: ocr_engine.OcrEngine,
    scan_pdf: bytes,
    expected: dict[str, Any],
    tmp_path: Path,
) -> None:
    app = bootstrap(Settings(home=tmp_path, database_url=db_url))
    try:
        app.init("ann")
        base = default_document()
        ocr_policy = PolicyDoc("text.ocr", ("error", "empty_output"), {"on_exhausted": "review"})
        doc = ConfigDocument(
            "OCR for scans", base.selections, {**base.policies, "text": ocr_policy}
        )
        service = app.configurations
        version = service.create(doc, "ann").config.version
        report = service.validate(version, "ann")
        assert report.valid, report.problems
        service.activate(version, "ann")
        run = app.runner.run_bytes("scan.pdf", scan_pdf)
    finally:
        app.close()
    text_attempts = [(a.module_id, a.outcome.value) for a in run.attempts if a.stage_id == "text"]
    assert text_attempts == [("text.pdfium", "rejected"), ("text.ocr", "fallback")]
    assert run.status is RunStatus.COMPLETED_WITH_FALLBACK, run.reason
    assert run.invoice is not None
    assert run.invoice["invoice_number"] == expected["invoice_number"]
    assert run.invoice["totals"]["payable"] == expected["totals"]["payable"]


class TestOcrTextContract(ModuleContractSuite):
    """The contract test kit on text.ocr, with a small picture so each OCR call stays short."""

    module_class = OcrText

    def sample_inputs(self) -> Artifacts:
        return Artifacts([document(letterhead_png(), DocumentKind.IMAGE)])

    def expected_not_applicable_inputs(self) -> Iterable[Artifacts]:
        yield Artifacts([document(b"<Invoice/>", DocumentKind.UBL, "invoice.xml")])


@pytest.mark.slow
def test_lines_read_together_read_as_each_alone_and_in_their_order(
    engine: ocr_engine.OcrEngine, scan_png: bytes
) -> None:
    page = Image.open(io.BytesIO(scan_png)).convert("L")
    found = engine._detect(page)
    assert found is not None
    # short cells and long lines mixed, several of one width where the page has them
    crops = sorted(found.crops, key=lambda crop: crop.shape[1])
    sample = crops[:6] + crops[len(crops) // 2 : len(crops) // 2 + 4] + crops[-4:]
    sample = sample[::2] + sample[1::2]
    readers = engine._readers
    together = ocr_engine._recognise(readers, sample)
    alone = [ocr_engine._recognise(readers, [crop])[0] for crop in sample]
    assert [text for text, _score in together] == [text for text, _score in alone]
    assert [score for _text, score in together] == pytest.approx([s for _t, s in alone], abs=1e-3)
    assert len({text for text, _score in together}) >= len(sample) // 2
