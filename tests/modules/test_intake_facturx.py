"""intake.standard pulls the e-invoice XML out of hybrid PDFs, whatever the attachment is called."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.pdfs import make_pdf, with_attachments
from turnout.domain.artifacts import DocumentKind, Source
from turnout.domain.errors import InputRejected
from turnout.modules.intake.standard import StandardIntake

EXAMPLES = Path(__file__).parents[2] / "src" / "turnout" / "examples"
CII = (EXAMPLES / "cii-invoice.xml").read_bytes()
UBL = (EXAMPLES / "ubl-invoice.xml").read_bytes()
ZUGFERD_1 = (
    b'<?xml version="1.0"?><rsm:CrossIndustryDocument '
    b'xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>'
)


def identify(data: bytes, **settings: int) -> tuple[bytes | None, str | None]:
    doc = StandardIntake(settings).identify(Source("invoice.pdf", data))
    assert doc.kind is DocumentKind.PDF
    return doc.xml, doc.xml_name


def test_bundled_facturx_example_yields_its_cii_xml() -> None:
    data = (EXAMPLES / "facturx-invoice.pdf").read_bytes()
    doc = StandardIntake().identify(Source("facturx-invoice.pdf", data))
    assert (doc.kind, doc.pages, doc.text_layer) == (DocumentKind.PDF, 1, True)
    assert (doc.xml, doc.xml_name) == (CII, "factur-x.xml")


@pytest.mark.parametrize(
    "name", ["factur-x.xml", "zugferd-invoice.xml", "ZUGFeRD-invoice.xml", "xrechnung.xml"]
)
def test_standard_attachment_names_are_found(name: str) -> None:
    assert identify(with_attachments(make_pdf(), {name: CII})) == (CII, name)


def test_attachment_with_any_other_name_is_recognised_by_its_content() -> None:
    pdf = with_attachments(make_pdf(), {"notes.txt": b"hello", "Rechnung 4711 (UBL).xml": UBL})
    assert identify(pdf) == (UBL, "Rechnung 4711 (UBL).xml")


def test_standard_name_wins_over_a_content_match_that_comes_first() -> None:
    pdf = with_attachments(make_pdf(), {"copy.xml": UBL, "factur-x.xml": CII})
    assert identify(pdf) == (CII, "factur-x.xml")


def test_zugferd_1_xml_is_taken_when_the_pdf_has_no_ubl_or_cii() -> None:
    pdf = with_attachments(make_pdf(), {"ZUGFeRD-invoice.xml": ZUGFERD_1})
    assert identify(pdf) == (ZUGFERD_1, "ZUGFeRD-invoice.xml")


def test_unrelated_broken_xml_attachment_is_ignored() -> None:
    pdf = with_attachments(make_pdf(), {"data.xml": b"<a><b></a>", "invoice.xml": CII})
    assert identify(pdf) == (CII, "invoice.xml")


def test_broken_standard_attachment_rejects_the_file_with_the_reason() -> None:
    pdf = with_attachments(make_pdf(), {"factur-x.xml": b"<rsm:CrossIndustryInvoice"})
    with pytest.raises(
        InputRejected, match=r"embedded attachment `factur-x\.xml` is not well-formed"
    ):
        identify(pdf)


def test_standard_attachment_with_a_dtd_is_refused() -> None:
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'
    pdf = with_attachments(make_pdf(), {"factur-x.xml": hostile})
    with pytest.raises(InputRejected, match="DTD is not accepted"):
        identify(pdf)


def test_attachment_that_inflates_past_max_bytes_is_refused_naming_the_setting() -> None:
    # PDFium stores attachments deflated: 200 kB of XML fit in a PDF of about 2 kB.
    padded = CII.replace(b"?>", b"?><!--" + b"a" * 200_000 + b"-->", 1)
    pdf = with_attachments(make_pdf(), {"factur-x.xml": padded})
    assert len(pdf) < 100_000
    with pytest.raises(
        InputRejected,
        match=r"`factur-x.xml` is 2\d\d,\d{3} bytes, over the limit of 100,000.*`max_bytes`",
    ):
        identify(pdf, max_bytes=100_000)


def test_unrelated_attachment_past_max_bytes_is_skipped() -> None:
    padded = UBL.replace(b"?>", b"?><!--" + b"a" * 200_000 + b"-->", 1)
    pdf = with_attachments(make_pdf(), {"big.xml": padded, "invoice.xml": CII})
    assert identify(pdf, max_bytes=100_000) == (CII, "invoice.xml")


def test_pdf_without_attachments_has_no_xml() -> None:
    assert identify(make_pdf()) == (None, None)
