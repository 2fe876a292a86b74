"""intake.standard: the real type from the bytes, hashes, size and page limits, bad files refused."""

from __future__ import annotations

import hashlib
import io
import os
from importlib.metadata import entry_points
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from support.pdfs import make_pdf
from turnout.domain.artifacts import Document, DocumentKind, Source
from turnout.domain.errors import InputRejected
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.stages import STAGES_BY_ID
from turnout.modules.intake.standard import StandardIntake

EXAMPLES = Path(__file__).parents[2] / "src" / "turnout" / "examples"


def intake(data: bytes, filename: str = "invoice.bin", **settings: int) -> Document:
    context = RunContext("run-1", 1, "intake", "intake.standard", Path())
    produced = list(StandardIntake(settings).process(Artifacts([Source(filename, data)]), context))
    assert len(produced) == 1
    document = produced[0]
    assert isinstance(document, Document)
    return document


def rejected(data: bytes, filename: str = "invoice.bin", **settings: int) -> str:
    with pytest.raises(InputRejected) as info:
        intake(data, filename, **settings)
    return str(info.value)


def image(fmt: str, frames: int = 1) -> bytes:
    buf = io.BytesIO()
    pictures = [Image.new("RGB", (8, 8), (i * 40, 0, 0)) for i in range(frames)]
    pictures[0].save(buf, format=fmt, save_all=frames > 1, append_images=pictures[1:])
    return buf.getvalue()


def test_spec_is_the_default_intake_and_mirrors_the_stage_contract() -> None:
    spec, contract = StandardIntake.spec, STAGES_BY_ID["intake"].contract
    assert (spec.module_id, spec.stage_id, spec.contract_id) == (
        "intake.standard",
        "intake",
        "intake-v1",
    )
    assert not spec.is_fallback
    assert spec.inputs == contract.inputs
    assert spec.outputs == contract.outputs
    assert contract.guarantees <= spec.guarantees
    group = entry_points(group="turnout.modules")["intake.standard"]
    assert group.load() is StandardIntake


def test_settings_schema_accepts_the_limits_and_refuses_anything_else() -> None:
    schema = StandardIntake.spec.settings_schema
    jsonschema.validate({}, schema)
    jsonschema.validate({"max_bytes": 1000, "max_pages": 3}, schema)
    for bad in ({"max_bytes": 0}, {"max_pages": "50"}, {"pages": 3}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
    assert StandardIntake().max_bytes == 20_000_000
    assert StandardIntake().max_pages == 50


def test_pdf_is_recognised_with_hash_size_pages_and_text_layer() -> None:
    data = make_pdf(pages=2)
    doc = intake(data, "scan.pdf")
    assert (doc.kind, doc.media_type, doc.pages, doc.text_layer) == (
        DocumentKind.PDF,
        "application/pdf",
        2,
        True,
    )
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.size == len(data)
    assert doc.data == data
    assert doc.filename == "scan.pdf"
    assert doc.xml is None


def test_pdf_without_characters_has_no_text_layer() -> None:
    assert intake(make_pdf(text="")).text_layer is False


def test_pdf_named_xml_is_still_a_pdf() -> None:
    assert intake(make_pdf(), "invoice.xml").kind is DocumentKind.PDF


def test_xml_named_pdf_is_still_an_e_invoice() -> None:
    data = (EXAMPLES / "ubl-invoice.xml").read_bytes()
    doc = intake(data, "invoice.pdf")
    assert (doc.kind, doc.media_type, doc.pages) == (DocumentKind.UBL, "application/xml", None)
    assert doc.xml == data


def test_cii_file_is_recognised_by_its_root() -> None:
    data = (EXAMPLES / "cii-invoice.xml").read_bytes()
    doc = intake(data, "rechnung.txt")
    assert doc.kind is DocumentKind.CII
    assert doc.xml == data


def test_pdf_header_after_leading_junk_within_one_kib_is_accepted() -> None:
    doc = intake(b"\r\n" + b"x" * 1000 + make_pdf())
    assert (doc.kind, doc.pages) == (DocumentKind.PDF, 1)


def test_pdf_header_beyond_one_kib_is_not_a_pdf() -> None:
    message = rejected(b"x" * 1100 + make_pdf())
    assert "unsupported file" in message


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("TIFF", "image/tiff")],
)
def test_images_are_recognised_by_their_magic_whatever_the_name(fmt: str, media_type: str) -> None:
    doc = intake(image(fmt), "invoice.pdf")
    assert (doc.kind, doc.media_type, doc.pages) == (DocumentKind.IMAGE, media_type, 1)


def test_big_endian_tiff_is_an_image() -> None:
    # Pillow writes little-endian TIFF; this is a minimal big-endian one made by hand:
    # header, one image directory with no entries, no next directory.
    data = b"MM\x00*" + (8).to_bytes(4, "big") + (0).to_bytes(2, "big") + (0).to_bytes(4, "big")
    doc = intake(data)
    assert (doc.kind, doc.media_type, doc.pages) == (DocumentKind.IMAGE, "image/tiff", 1)


def test_multi_page_tiff_counts_its_pages_and_respects_the_page_limit() -> None:
    data = image("TIFF", frames=3)
    assert intake(data).pages == 3
    message = rejected(data, max_pages=2)
    assert "more than 2 pages" in message
    assert "max_pages" in message


def test_empty_file_is_refused_saying_it_is_empty() -> None:
    message = rejected(b"", "invoice.pdf")
    assert "empty file" in message
    assert "PDF, PNG, JPEG, TIFF" in message


def test_random_bytes_are_refused_as_unrecognised_binary() -> None:
    message = rejected(os.urandom(4096).replace(b"%PDF-", b"xxxxx").replace(b"<", b"."))
    assert "unrecognised binary data" in message


def test_plain_text_and_html_are_refused_naming_what_they_are() -> None:
    assert "plain text" in rejected(b"Invoice 4711\nTotal: 120.00 EUR\n", "invoice.xml")
    html = b"<!DOCTYPE html><html><body>Invoice</body></html>"
    assert "an HTML page" in rejected(html, "invoice.xml")


def test_zip_archive_is_refused_as_an_archive() -> None:
    assert "ZIP archive" in rejected(b"PK\x03\x04" + b"\x00" * 100, "invoice.pdf")


def test_other_xml_is_refused_naming_its_root_and_the_accepted_syntaxes() -> None:
    message = rejected(b'<?xml version="1.0"?><Order xmlns="urn:example:order"><ID>1</ID></Order>')
    assert "{urn:example:order}Order" in message
    assert "UBL 2.1 Invoice or CreditNote" in message
    assert "CII" in message


def test_ubl_root_name_in_the_wrong_namespace_is_not_ubl() -> None:
    message = rejected(b"<Invoice><ID>1</ID></Invoice>")
    assert "Invoice (no namespace)" in message


def test_broken_xml_is_refused_with_the_parser_reason_and_line() -> None:
    data = b'<?xml version="1.0"?>\n<Invoice xmlns="urn:x">\n  <ID>1</Idd>\n</Invoice>'
    message = rejected(data)
    assert "not well-formed" in message
    assert "line 3" in message


def test_file_over_max_bytes_is_refused_naming_the_limit_and_the_setting() -> None:
    message = rejected(make_pdf(), max_bytes=500)
    assert "over the limit of 500" in message
    assert "`max_bytes`" in message


def test_pdf_over_max_pages_is_refused_naming_the_limit_and_the_setting() -> None:
    message = rejected(make_pdf(pages=4), max_pages=3)
    assert "4 pages, over the limit of 3" in message
    assert "`max_pages`" in message


def test_encrypted_pdf_is_refused_asking_for_an_unprotected_copy() -> None:
    message = rejected(make_pdf(user_password="secret"))
    assert "encrypted PDF" in message
    assert "ask the sender for an unprotected copy" in message


def test_pdf_with_only_an_owner_password_opens_normally() -> None:
    assert intake(make_pdf(user_password="")).pages == 1


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_pdf_is_refused_as_damaged(keep: float) -> None:
    data = make_pdf()
    message = rejected(data[: int(len(data) * keep)])
    assert "cannot be opened" in message
    assert "damaged or truncated" in message


def test_pdf_header_alone_is_refused_as_damaged() -> None:
    assert "damaged or truncated" in rejected(b"%PDF-1.7\n%%EOF\n")
