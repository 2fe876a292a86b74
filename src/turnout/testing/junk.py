"""Junk inputs for any module: empty, random, huge, truncated and wrongly typed artifacts.

`junk_cases(spec)` reads what a module takes (`spec.inputs`) and builds, for every artifact it may
receive, bad versions of it next to harmless versions of the rest: a `Source` or `Document` of each
kind holding junk bytes, a `Text` of junk, `Fields` of junk values, an empty canonical invoice with
empty findings and decision for the stages downstream. A module given any of them must return valid
artifacts or raise a `ModuleError`, promptly (see `turnout.testing.probe`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from turnout.domain.artifacts import (
    Artifact,
    Decision,
    Document,
    DocumentKind,
    Duplicate,
    EInvoice,
    ExtractedField,
    Fields,
    Findings,
    InvoiceArtifact,
    Match,
    Outcome,
    Source,
    Text,
)
from turnout.domain.invoice import Invoice, InvoiceLine, Party, Totals
from turnout.domain.modules import Artifacts, ModuleSpec

HUGE_BYTES = 5_000_000
MEDIA_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.IMAGE: "image/png",
    DocumentKind.UBL: "application/xml",
    DocumentKind.CII: "application/xml",
}
FIELD_PATHS = (
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "seller.name",
    "seller.vat_id",
    "buyer.vat_id",
    "payment.iban",
    "payment.bic",
    "totals.tax_exclusive",
    "totals.tax",
    "totals.payable",
)
JUNK_VALUES = ("", " ", "-", "NaN", "-1e999", "9" * 60, "31.02.2024", "€€€", "\x00\ufffd", "ÿ" * 40)


@dataclass(frozen=True)
class JunkCase:
    """One bad input: a name saying what is wrong with it, and the artifacts to feed."""

    name: str
    inputs: Artifacts


def example_bytes(name: str) -> bytes:
    """A file bundled in `turnout/examples` (`invoice-acme-en.pdf`, `ubl-invoice.xml` ...)."""
    return resources.files("turnout").joinpath("examples", name).read_bytes()


def random_bytes(size: int, seed: int = 4) -> bytes:
    """`size` reproducible random bytes."""
    return random.Random(seed).randbytes(size)


def payloads() -> dict[str, bytes]:
    """Small junk byte strings by name (the huge one is made once per module, separately)."""
    pdf, xml = example_bytes("invoice-acme-en.pdf"), example_bytes("ubl-invoice.xml")
    return {
        "empty": b"",
        "random": random_bytes(4096),
        "nul": b"\x00" * 1024,
        "truncated-pdf": pdf[: len(pdf) // 2],
        "pdf-header-only": pdf[:64],
        "truncated-xml": xml[: len(xml) // 2],
        "xml-without-root": b"<?xml version='1.0'?>",
    }


def document(data: bytes, kind: DocumentKind, xml: bytes | None = None) -> Document:
    """A `Document` as intake would make it, claiming `kind` whatever the bytes are."""
    is_xml = kind in (DocumentKind.UBL, DocumentKind.CII)
    return Document(
        filename=f"junk.{kind.value}",
        kind=kind,
        media_type=MEDIA_TYPES[kind],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        pages=None if is_xml else 1,
        xml=data if is_xml and xml is None else xml,
        text_layer=True if kind is DocumentKind.PDF else None,
    )


def odd_invoice() -> Invoice:
    """A canonical invoice with legal but awkward values: negative, huge, unicode, half-empty."""
    return Invoice(
        invoice_number="\u202e-0",
        issue_date=dt.date(1, 1, 1),
        due_date=dt.date(9999, 12, 31),
        currency="XXX",
        seller=Party(name="\x00" + "ß" * 500, vat_id="DE000000000", country="ZZ"),
        buyer=Party(),
        totals=Totals(payable=Decimal("-1E+30"), tax=Decimal("0.000001")),
        lines=[InvoiceLine(), InvoiceLine(quantity=Decimal(0), net_amount=Decimal("-0"))],
    )


NEUTRAL_KINDS = frozenset(
    [
        "source",
        "document",
        "einvoice",
        "text",
        "fields",
        "invoice",
        "findings",
        "duplicate",
        "match",
        "decision",
    ]
)


def neutral(name: str) -> Artifact:
    """A harmless artifact of kind `name`, to stand beside the one that is junk."""
    pdf = example_bytes("invoice-acme-en.pdf")
    makers: dict[str, Callable[[], Artifact]] = {
        "source": lambda: Source("invoice.pdf", pdf),
        "document": lambda: document(pdf, DocumentKind.PDF),
        "einvoice": lambda: EInvoice("ubl", "Invoice", None, Invoice()),
        "text": lambda: Text(("",), "junk"),
        "fields": lambda: Fields({}),
        "invoice": lambda: InvoiceArtifact(Invoice()),
        "findings": lambda: Findings(),
        "duplicate": lambda: Duplicate(False),
        "match": lambda: Match(None),
        "decision": lambda: Decision(Outcome.REVIEW),
    }
    return makers[name]()


def _sources(blobs: dict[str, bytes]) -> Iterator[tuple[str, Artifact]]:
    for label, data in blobs.items():
        yield f"source {label}", Source("junk.bin", data)
    yield "source pdf named .xml", Source("invoice.xml", example_bytes("invoice-acme-en.pdf"))
    yield "source xml named .png", Source("scan.png", example_bytes("ubl-invoice.xml"))


def _documents(blobs: dict[str, bytes]) -> Iterator[tuple[str, Artifact]]:
    for kind in DocumentKind:
        for label, data in blobs.items():
            yield f"document {kind.value} of {label}", document(data, kind)
    pdf, ubl, cii = (
        example_bytes(n) for n in ("invoice-acme-en.pdf", "ubl-invoice.xml", "cii-invoice.xml")
    )
    yield "document image holding a pdf", document(pdf, DocumentKind.IMAGE)
    yield "document pdf holding xml", document(ubl, DocumentKind.PDF)
    yield "document ubl holding cii", document(cii, DocumentKind.UBL)
    yield "document cii holding a pdf", document(pdf, DocumentKind.CII)


def _texts(blobs: dict[str, bytes]) -> Iterator[tuple[str, Artifact]]:
    yield "text without pages", Text((), "junk")
    for label, data in blobs.items():
        yield f"text of {label}", Text((data.decode("latin-1"),), "junk", (0.0,))
    yield "text of junk values", Text(("\n".join(JUNK_VALUES),) * 3, "junk")


def _fields(_: dict[str, bytes]) -> Iterator[tuple[str, Artifact]]:
    for value in JUNK_VALUES:
        values = {path: ExtractedField(value, 0.5, "junk") for path in FIELD_PATHS}
        yield f"fields of {value!r}", Fields(values, ({"name": value, "quantity": value},))


def _invoices(_: dict[str, bytes]) -> Iterator[tuple[str, Artifact]]:
    yield "empty invoice", InvoiceArtifact(Invoice())
    yield "odd invoice", InvoiceArtifact(odd_invoice())
    yield "empty einvoice", EInvoice("cii", "CrossIndustryInvoice", None, Invoice())
    yield "odd einvoice", EInvoice("ubl", "CreditNote", "?", odd_invoice())


BUILDERS: dict[str, Callable[[dict[str, bytes]], Iterable[tuple[str, Artifact]]]] = {
    "source": _sources,
    "document": _documents,
    "text": _texts,
    "fields": _fields,
    "invoice": lambda b: (c for c in _invoices(b) if isinstance(c[1], InvoiceArtifact)),
    "einvoice": lambda b: (c for c in _invoices(b) if isinstance(c[1], EInvoice)),
}


def _huge(name: str) -> Artifact | None:
    """A 5 MB version of an input that carries bytes or text (None for the others)."""
    if name not in ("source", "document", "text", "fields"):
        return None
    data = random_bytes(HUGE_BYTES)
    if name == "source":
        return Source("huge.pdf", data)
    if name == "document":
        return document(data, DocumentKind.PDF)
    if name == "text":
        return Text((data.decode("latin-1"),), "junk")
    value = "9" * (HUGE_BYTES // len(FIELD_PATHS))
    return Fields({path: ExtractedField(value, 0.5, "junk") for path in FIELD_PATHS})


def junk_cases(spec: ModuleSpec, huge: bool = True) -> list[JunkCase]:
    """Junk inputs for a module with this spec: each input it takes, spoilt in every way known.

    `huge` adds one 5 MB input (for the first input that carries bytes or text), not one per kind.
    """
    names = [alt.name for group in spec.inputs for alt in group.alternatives]
    base = {
        group.alternatives[0].name: neutral(group.alternatives[0].name)
        for group in spec.inputs
        if group.required and group.alternatives[0].name in NEUTRAL_KINDS
    }
    blobs = payloads()
    cases: list[JunkCase] = []
    huge_done = not huge
    for name in dict.fromkeys(names):
        others = [a for n, a in base.items() if n != name and not _same_group(spec, n, name)]
        builder = BUILDERS.get(name)
        for label, artifact in builder(blobs) if builder else ():
            cases.append(JunkCase(label, Artifacts([*others, artifact])))
        if not huge_done and (big := _huge(name)) is not None:
            cases.append(JunkCase(f"huge {name} ({HUGE_BYTES:,} bytes)", Artifacts([*others, big])))
            huge_done = True
    return cases


def _same_group(spec: ModuleSpec, a: str, b: str) -> bool:
    """Whether `a` and `b` are alternatives of one input (then only the junk one is given)."""
    return any({a, b} <= {alt.name for alt in group.alternatives} for group in spec.inputs)
