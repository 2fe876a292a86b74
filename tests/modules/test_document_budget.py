"""A document's resource budget where its bytes expand: inflated streams in intake.standard,
pages, pixels and OCR seconds in text.ocr; each refusal names its limit and its setting."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest
from PIL import Image

from support import hostile_files
from support.pdfs import make_pdf
from turnout.domain.artifacts import Document, DocumentKind, Source
from turnout.domain.errors import InputRejected
from turnout.domain.modules import Artifacts, RunContext
from turnout.modules.intake.pdf_streams import StreamLimit, check_inflated_size
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.text.ocr import OcrText

MIB = 1 << 20
EXAMPLES = Path(__file__).parents[2] / "src" / "turnout" / "examples"
SETTING = "the intake.standard setting `max_inflated_bytes`"


def limit(size: int) -> StreamLimit:
    return StreamLimit(size, SETTING)


def intake(data: bytes, **settings: int) -> Document:
    return StandardIntake(settings).identify(Source("invoice.pdf", data))


def ocr(data: bytes, kind: DocumentKind, **settings: object) -> None:
    document = Document(
        filename="scan",
        kind=kind,
        media_type="application/pdf" if kind is DocumentKind.PDF else "image/tiff",
        sha256="0" * 64,
        size=len(data),
        data=data,
    )
    context = RunContext("run-1", 1, "text", "text.ocr", Path())
    list(OcrText(settings).process(Artifacts([document]), context))


@pytest.mark.parametrize(
    "bomb", [hostile_files.inflating_attachment_pdf, hostile_files.inflating_content_pdf]
)
def test_pdf_inflating_past_the_budget_is_refused_naming_the_setting(bomb: object) -> None:
    data = bomb(4 * MIB)  # type: ignore[operator]
    with pytest.raises(InputRejected) as info:
        intake(data, max_inflated_bytes=MIB, max_content_bytes=64 * MIB)
    assert "more than 1,048,576 bytes" in str(info.value)
    assert "`max_inflated_bytes`" in str(info.value) and "intake.standard" in str(info.value)
    # the limit is the setting
    assert intake(data, max_inflated_bytes=8 * MIB, max_content_bytes=8 * MIB).pages == 1


def test_the_default_budget_refuses_a_two_gib_attachment() -> None:
    with pytest.raises(InputRejected, match=r"more than 134,217,728 bytes.*max_inflated_bytes"):
        intake(hostile_files.inflating_attachment_pdf())


def test_normal_pdfs_are_counted_and_pass() -> None:
    hybrid = (EXAMPLES / "facturx-invoice.pdf").read_bytes()
    inflated = check_inflated_size(hybrid, limit(128 * MIB))
    assert 0 < inflated < MIB
    assert intake(hybrid).xml is not None
    assert intake(make_pdf(pages=3)).pages == 3


def test_chained_filters_and_an_indirect_length_are_counted_in_full() -> None:
    inner = zlib.compress(b" " * (3 * MIB), 9)
    twice = zlib.compress(inner, 9)
    pdf = (
        b"%PDF-1.7\n4 0 obj\n<< /Filter [/FlateDecode /FlateDecode] /Length 5 0 R >>\nstream\n"
        + twice
        + b"\nendstream\nendobj\n5 0 obj\n%d\nendobj\n" % len(twice)
    )
    assert check_inflated_size(pdf, limit(10 * MIB)) == 3 * MIB
    with pytest.raises(InputRejected, match="more than 2,097,152 bytes"):
        check_inflated_size(pdf, limit(2 * MIB))


def test_endstream_inside_the_data_does_not_hide_what_follows() -> None:
    # a stored deflate block may carry any bytes, "endstream" too; /Length says where it ends
    bomb = hostile_files.flate_bomb(4 * MIB)
    stored = b"\x00" + (9).to_bytes(2, "little") + (0xFFFF ^ 9).to_bytes(2, "little")
    checksum = zlib.adler32(b" " * (4 * MIB), zlib.adler32(b"endstream")).to_bytes(4, "big")
    data = bomb[:2] + stored + b"endstream" + bomb[2:-4] + checksum
    raw = zlib.decompressobj()
    assert len(raw.decompress(data)) == 4 * MIB + 9  # still one valid zlib stream
    pdf = b"%%PDF-1.7\n1 0 obj\n<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(data)
    with pytest.raises(InputRejected, match="max_inflated_bytes"):
        check_inflated_size(pdf + data + b"\nendstream\nendobj\n", limit(MIB))


def test_png_over_the_page_pixel_limit_is_refused_from_its_header() -> None:
    with pytest.raises(InputRejected) as info:
        ocr(hostile_files.pixel_bomb_png(), DocumentKind.IMAGE)
    message = str(info.value)
    assert "7700x7700 pixels" in message and "36,000,000" in message
    assert "`max_page_pixels`" in message


def test_tiff_frames_over_the_total_pixel_budget_are_refused_before_decoding() -> None:
    frames = [Image.new("1", (3000, 3000), 1) for _ in range(4)]  # 9 Mpx each
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    with pytest.raises(InputRejected) as info:
        ocr(buffer.getvalue(), DocumentKind.IMAGE, max_total_pixels=30_000_000)
    assert "4 pages come to 36,000,000 pixels" in str(info.value)
    assert "`max_total_pixels`" in str(info.value)


def test_pdf_of_huge_blank_pages_is_refused_before_rendering() -> None:
    with pytest.raises(InputRejected) as info:
        ocr(hostile_files.blank_pages_pdf(), DocumentKind.PDF, max_page_pixels=60_000_000)
    assert "20 pages come to" in str(info.value) and "`max_total_pixels`" in str(info.value)
    with pytest.raises(InputRejected, match=r"page 1 is 39x39 inches.*`max_page_pixels`"):
        ocr(hostile_files.blank_pages_pdf(), DocumentKind.PDF)


def test_ocr_stops_between_pages_once_the_document_is_over_its_seconds() -> None:
    frames = [Image.new("L", (200, 100), "white") for _ in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(InputRejected) as info:
        ocr(buffer.getvalue(), DocumentKind.IMAGE, max_seconds=1e-9)
    assert "read 1 pages" in str(info.value) and "`max_seconds`" in str(info.value)


def test_page_contents_over_their_budget_are_refused_compressed_or_not() -> None:
    # PDFium parses operators into objects at ~20 bytes each per byte: 100 MiB cost 1.9 GB
    operators = b"0 0 m 1 1 l S\n" * (3 * MIB // 14)
    flate = hostile_files.content_pdf(zlib.compress(operators), filtered=True)
    raw = hostile_files.content_pdf(operators, filtered=False)
    for data in (flate, raw):
        with pytest.raises(InputRejected) as info:
            intake(data, max_content_bytes=2 * MIB)
        assert "page contents come to more than 2,097,152 bytes" in str(info.value)
        assert "`max_content_bytes`" in str(info.value)
        assert intake(data, max_content_bytes=4 * MIB).pages == 1


def test_images_fonts_and_attachments_do_not_count_as_page_contents() -> None:
    hybrid = (EXAMPLES / "facturx-invoice.pdf").read_bytes()
    assert intake(hybrid, max_content_bytes=64 * 1024).xml is not None  # its XML is 9 KB
