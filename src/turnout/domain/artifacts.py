"""The named, versioned artifacts that flow through a run (each stage's inputs and outputs in
`turnout.domain.stages`).

A contract speaks of artifacts by `ArtifactRef` (name and major version). At run time each artifact
is one of the dataclasses below; `NAME` and `MAJOR` tie the class to its reference. Artifacts are
immutable once produced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from turnout.domain import schema
from turnout.domain.invoice import Invoice, invoice_problems
from turnout.domain.outcome import Outcome as Outcome  # where it was always imported from
from turnout.domain.page import Box, Word, box_problems, word_problems

_REF = re.compile(r"^(?P<name>[a-z][a-z_]*)(?:/v?(?P<major>\d+))?$")


@dataclass(frozen=True, order=True)
class ArtifactRef:
    """An artifact named with its major version, written `text/v1`."""

    name: str
    major: int = 1

    @classmethod
    def parse(cls, text: str) -> ArtifactRef:
        """Parse `text/v1`, `text/1` or `text` (major 1)."""
        m = _REF.match(text.strip())
        if not m:
            raise ValueError(f"`{text}` is not an artifact reference; write it as `name/v1`")
        return cls(m["name"], int(m["major"] or 1))

    def satisfied_by(self, produced: ArtifactRef) -> bool:
        """Same name and same major version: minor changes are compatible, majors are not."""
        return self.name == produced.name and self.major == produced.major

    def __str__(self) -> str:
        return f"{self.name}/v{self.major}"


class Artifact:
    """Base of every artifact class; subclasses set NAME and MAJOR."""

    NAME: ClassVar[str]
    MAJOR: ClassVar[int] = 1

    @classmethod
    def ref(cls) -> ArtifactRef:
        return ArtifactRef(cls.NAME, cls.MAJOR)

    def is_empty(self) -> bool:
        """True when the artifact carries nothing usable (the `empty_output` trigger)."""
        return False

    def confidence(self) -> float | None:
        """How sure the producing module is, 0..1 (the `low_confidence` trigger); None if unknown."""
        return None

    def problems(self) -> list[str]:
        """Ways this instance breaks its artifact's schema (the `contract_violation` trigger), each
        naming the path of the bad value: `findings.items[2]: expected a Finding, got str 'oops'`.
        """
        return []


_SYNTAXES = frozenset({"ubl", "cii"})


class DocumentKind(StrEnum):
    PDF = "pdf"
    IMAGE = "image"
    UBL = "ubl"
    CII = "cii"


@dataclass(frozen=True)
class Source(Artifact):
    """The submitted file as received: its name (never used as a path) and its bytes."""

    NAME: ClassVar[str] = "source"
    filename: str
    data: bytes

    def problems(self) -> list[str]:
        found: list[str] = []
        schema.check_strings(found, "source", self, ("filename",))
        schema.check_instance(found, "source.data", self.data, bytes, "bytes")
        return found


@dataclass(frozen=True)
class Document(Artifact):
    """What intake learned from the bytes: the real type, hash, size, pages, embedded e-invoice."""

    NAME: ClassVar[str] = "document"
    filename: str
    kind: DocumentKind
    media_type: str
    sha256: str
    size: int
    data: bytes
    pages: int | None = None
    xml: bytes | None = None  # the e-invoice XML: the file itself, or the one embedded in a PDF
    xml_name: str | None = None  # name of the embedded attachment, when there was one
    text_layer: bool | None = None  # whether a PDF carries extractable text

    def problems(self) -> list[str]:
        found: list[str] = []
        schema.check_strings(found, "document", self, ("filename", "media_type", "sha256"))
        schema.check_enum(found, "document.kind", self.kind, DocumentKind)
        if schema.check_instance(found, "document.data", self.data, bytes, "bytes"):
            size = self.size
            if not isinstance(size, int) or isinstance(size, bool) or size != len(self.data):
                schema.wrong(found, "document.size", f"{len(self.data)} (len(data))", self.size)
        pages = self.pages
        if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool)):
            schema.wrong(found, "document.pages", "int", pages)
        elif pages is not None and pages < 1:
            schema.wrong(found, "document.pages", "a page count >= 1", pages)
        if self.xml is not None:
            schema.check_instance(found, "document.xml", self.xml, bytes, "bytes")
        schema.check_optional(found, "document", self, ("xml_name",))
        if self.text_layer is not None:
            schema.check_instance(found, "document.text_layer", self.text_layer, bool, "bool")
        return found


@dataclass(frozen=True)
class EInvoice(Artifact):
    """A structured e-invoice parsed from UBL or CII into the canonical invoice."""

    NAME: ClassVar[str] = "einvoice"
    syntax: str  # "ubl" | "cii"
    document_type: str  # "Invoice" | "CreditNote" | "CrossIndustryInvoice"
    profile: str | None  # BT-24 specification identifier, when given
    invoice: Invoice

    def problems(self) -> list[str]:
        found: list[str] = []
        if not isinstance(self.syntax, str) or self.syntax not in _SYNTAXES:
            schema.wrong(found, "einvoice.syntax", "`ubl` or `cii`", self.syntax)
        schema.check_strings(found, "einvoice", self, ("document_type",))
        schema.check_optional(found, "einvoice", self, ("profile",))
        found.extend(invoice_problems(self.invoice, "einvoice.invoice"))
        return found


@dataclass(frozen=True)
class Text(Artifact):
    """Text of a document, one string per page, with the method and a confidence per page.

    `words` are the words read with their boxes (in points from each page's top-left corner) and
    `page_sizes` each page's (width, height) in points: what a layout reader works from. A text
    module that has no geometry (a plain text file) leaves both empty.
    """

    NAME: ClassVar[str] = "text"
    pages: tuple[str, ...]
    method: str
    page_confidence: tuple[float, ...] = ()
    words: tuple[Word, ...] = ()
    page_sizes: tuple[tuple[float, float], ...] = ()

    @property
    def full(self) -> str:
        return "\n\f".join(self.pages)

    def is_empty(self) -> bool:
        return not any(page.strip() for page in self.pages)

    def confidence(self) -> float | None:
        return min(self.page_confidence) if self.page_confidence else None

    def problems(self) -> list[str]:
        found: list[str] = []
        schema.check_items(found, "text.pages", self.pages, str, "str")
        schema.check_strings(found, "text", self, ("method",))
        confidence = self.page_confidence
        if schema.check_sequence(found, "text.page_confidence", confidence):
            pages = self.pages
            if confidence and isinstance(pages, tuple | list) and len(confidence) != len(pages):
                found.append(
                    f"text.page_confidence: expected one per page ({len(pages)}), "
                    f"got {len(confidence)}"
                )
            for i, c in enumerate(confidence):
                if not (schema.is_number(c) and 0.0 <= c <= 1.0):
                    schema.check_confidence(found, f"text.page_confidence[{i}]", c)
        word_problems(found, "text.words", self.words)
        if schema.check_sequence(found, "text.page_sizes", self.page_sizes):
            for i, size in enumerate(self.page_sizes):
                if not (
                    isinstance(size, tuple | list)
                    and len(size) == 2
                    and all(schema.is_number(v) and v > 0 for v in size)
                ):
                    schema.wrong(found, f"text.page_sizes[{i}]", "(width, height) > 0", size)
        return found


@dataclass(frozen=True)
class ExtractedField:
    """One raw value found in a document, before normalisation, and where on the page it was read
    (`boxes`, empty when the module has no geometry)."""

    value: str
    confidence: float
    module: str
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True)
class Fields(Artifact):
    """Raw field values keyed by the canonical dotted path (`totals.payable`, `seller.vat_id`).

    `line_boxes`, when given, holds one tuple of boxes per line of `lines`: where the row was read.
    """

    NAME: ClassVar[str] = "fields"
    values: dict[str, ExtractedField]
    lines: tuple[dict[str, str], ...] = ()
    line_boxes: tuple[tuple[Box, ...], ...] = ()

    def is_empty(self) -> bool:
        return not self.values

    def confidence(self) -> float | None:
        """The mean confidence of the fields found (None when none was found)."""
        if not self.values:
            return None
        return sum(f.confidence for f in self.values.values()) / len(self.values)

    def problems(self) -> list[str]:
        found: list[str] = []
        if schema.check_instance(found, "fields.values", self.values, dict, "a dict"):
            for key, item in self.values.items():
                if not isinstance(key, str):
                    schema.wrong(found, "fields.values key", "str", key)
                elif not isinstance(item, ExtractedField):
                    schema.wrong(found, f"fields.values[{key!r}]", "an ExtractedField", item)
                elif not (
                    isinstance(item.value, str)
                    and isinstance(item.module, str)
                    and schema.is_number(item.confidence)
                    and 0.0 <= item.confidence <= 1.0
                ):
                    where = f"fields.values[{key!r}]"
                    schema.check_strings(found, where, item, ("value", "module"))
                    schema.check_confidence(found, f"{where}.confidence", item.confidence)
                if isinstance(item, ExtractedField) and item.boxes:
                    box_problems(found, f"fields.values[{key!r}].boxes", item.boxes)
        if schema.check_sequence(found, "fields.lines", self.lines):
            for i, line in enumerate(self.lines):
                schema.check_str_mapping(found, f"fields.lines[{i}]", line)
        if self.line_boxes and schema.check_sequence(found, "fields.line_boxes", self.line_boxes):
            if isinstance(self.lines, tuple | list) and len(self.line_boxes) != len(self.lines):
                found.append(
                    f"fields.line_boxes: expected one per line ({len(self.lines)}), "
                    f"got {len(self.line_boxes)}"
                )
            for i, boxes in enumerate(self.line_boxes):
                box_problems(found, f"fields.line_boxes[{i}]", boxes)
        return found


@dataclass(frozen=True)
class InvoiceArtifact(Artifact):
    """The canonical, normalised invoice (see `turnout.domain.invoice`)."""

    NAME: ClassVar[str] = "invoice"
    invoice: Invoice
    # problems met while normalising (bad VAT checksum, unknown currency); validate reports them
    notes: tuple[Finding, ...] = ()

    def is_empty(self) -> bool:
        return self.invoice.invoice_number is None and self.invoice.totals.payable is None

    def confidence(self) -> float | None:
        sources = self.invoice.provenance.values()
        return min((s.confidence for s in sources), default=None)

    def problems(self) -> list[str]:
        # the canonical invoice is this artifact's content: its paths start at `invoice.`
        found = invoice_problems(self.invoice, "invoice")
        if schema.check_sequence(found, "invoice.notes", self.notes):
            for i, note in enumerate(self.notes):
                _check_finding(found, f"invoice.notes[{i}]", note)
        return found


class Severity(StrEnum):
    FATAL = "fatal"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One rule that fired: its id, how bad, what it says, and where."""

    rule: str
    severity: Severity
    message: str
    path: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "path": self.path,
        }


@dataclass(frozen=True)
class Findings(Artifact):
    NAME: ClassVar[str] = "findings"
    items: tuple[Finding, ...] = ()
    ruleset: str = ""

    @property
    def fatal(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.items if f.severity is Severity.FATAL)

    def problems(self) -> list[str]:
        found: list[str] = []
        if schema.check_sequence(found, "findings.items", self.items):
            for i, item in enumerate(self.items):
                _check_finding(found, f"findings.items[{i}]", item)
        schema.check_strings(found, "findings", self, ("ruleset",))
        return found


def _check_finding(found: list[str], path: str, item: object) -> None:
    if not isinstance(item, Finding):
        schema.wrong(found, path, "a Finding", item)
        return
    if not (
        isinstance(item.rule, str)
        and isinstance(item.message, str)
        and isinstance(item.severity, Severity)
        and (item.path is None or isinstance(item.path, str))
    ):
        schema.check_strings(found, path, item, ("rule", "message"))
        schema.check_enum(found, f"{path}.severity", item.severity, Severity)
        schema.check_optional(found, path, item, ("path",))


@dataclass(frozen=True)
class Duplicate(Artifact):
    NAME: ClassVar[str] = "duplicate"
    is_duplicate: bool
    of_run: str | None = None
    reason: str | None = None

    def problems(self) -> list[str]:
        found: list[str] = []
        schema.check_instance(found, "duplicate.is_duplicate", self.is_duplicate, bool, "bool")
        schema.check_optional(found, "duplicate", self, ("of_run", "reason"))
        return found


@dataclass(frozen=True)
class Match(Artifact):
    NAME: ClassVar[str] = "match"
    vendor_id: str | None
    vendor_name: str | None = None
    method: str | None = None  # "vat_id" | "iban" | "name" (others may add their own)
    score: float = 0.0

    def problems(self) -> list[str]:
        found: list[str] = []
        schema.check_optional(found, "match", self, ("vendor_id", "vendor_name", "method"))
        schema.check_confidence(found, "match.score", self.score)
        return found


@dataclass(frozen=True)
class Decision(Artifact):
    NAME: ClassVar[str] = "decision"
    outcome: Outcome
    reasons: tuple[str, ...] = ()
    decided_by: str | None = None  # a person's final decision (review); None: the rules decided

    def problems(self) -> list[str]:
        found: list[str] = []
        schema.check_enum(found, "decision.outcome", self.outcome, Outcome)
        schema.check_items(found, "decision.reasons", self.reasons, str, "str")
        schema.check_optional(found, "decision", self, ("decided_by",))
        return found

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"outcome": str(self.outcome), "reasons": list(self.reasons)}
        if self.decided_by is not None:
            out["decided_by"] = self.decided_by
            out["final"] = True
        return out


@dataclass(frozen=True)
class Receipt(Artifact):
    """Proof that an export happened: where it went and the idempotency key used."""

    NAME: ClassVar[str] = "receipt"
    target: str
    location: str
    key: str
    details: dict[str, str] = field(default_factory=dict)

    def problems(self) -> list[str]:
        found: list[str] = []
        schema.check_strings(found, "receipt", self, ("target", "location", "key"))
        schema.check_str_mapping(found, "receipt.details", self.details)
        return found


ARTIFACT_TYPES: dict[str, type[Artifact]] = {
    cls.NAME: cls
    for cls in (
        Source,
        Document,
        EInvoice,
        Text,
        Fields,
        InvoiceArtifact,
        Findings,
        Duplicate,
        Match,
        Decision,
        Receipt,
    )
}
