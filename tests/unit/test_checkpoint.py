"""Stored stage results: every artifact type comes back equal from its JSON form."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest

from turnout.domain.artifacts import (
    Artifact,
    Decision,
    Document,
    DocumentKind,
    Duplicate,
    EInvoice,
    ExtractedField,
    Fields,
    Finding,
    Findings,
    InvoiceArtifact,
    Match,
    Outcome,
    Receipt,
    Severity,
    Source,
    Text,
)
from turnout.domain.invoice import Invoice, Party, Totals
from turnout.runtime.checkpoint import NotStorable, decode, encode

XML = b"<Invoice>...</Invoice>"
SOURCE = Source("a.xml", XML)
INVOICE = Invoice(
    invoice_number="A-1", seller=Party("S", "DE123456789"), totals=Totals(payable=Decimal("9.50"))
)
FINDING = Finding("BR-01", Severity.FATAL, "missing", "/Invoice/cbc:ID")

ARTIFACTS: list[Artifact] = [
    Document("a.xml", DocumentKind.UBL, "application/xml", "ab" * 32, len(XML), XML, xml=XML),
    Document(
        "b.pdf", DocumentKind.PDF, "application/pdf", "cd" * 32, 3, b"%PD", 1, XML, "x.xml", True
    ),
    EInvoice("ubl", "Invoice", "urn:cen.eu:en16931:2017", INVOICE),
    Text(("page one", "page two"), "ocr", (0.9, 0.8)),
    Fields({"invoice_number": ExtractedField("A-1", 0.9, "extract.heuristic")}, ({"a": "b"},)),
    InvoiceArtifact(INVOICE, (FINDING,)),
    Findings((FINDING,), "en16931"),
    Duplicate(True, "run-1", "file_hash"),
    Match("V1", "Vendor", "vat_id", 100.0),
    Decision(Outcome.REVIEW, ("over 10k",)),
    Receipt("file", "/tmp/x.json", "run:export", {"bytes": "12"}),
]


@pytest.mark.parametrize("artifact", ARTIFACTS, ids=lambda a: type(a).__name__)
def test_every_artifact_type_comes_back_equal_through_json(artifact: Artifact) -> None:
    stored = json.loads(json.dumps(encode(artifact, SOURCE)))
    assert decode(stored, SOURCE) == artifact


def test_bytes_equal_to_the_source_are_stored_as_a_reference() -> None:
    stored = encode(ARTIFACTS[0], SOURCE)
    assert base64.b64encode(XML).decode() not in json.dumps(stored) and stored["data"] is None
    assert stored["xml"] == "=source"


def test_an_unknown_artifact_type_is_not_storable() -> None:
    with pytest.raises(NotStorable):
        encode(SOURCE, SOURCE)
    with pytest.raises(NotStorable):
        decode({"type": "mystery"}, SOURCE)
