"""The named, versioned artifacts that flow through a run (PRODUCT.md section 3).

A contract speaks of artifacts by `ArtifactRef` (name and major version). At run time each artifact
is one of the dataclasses below; `NAME` and `MAJOR` tie the class to its reference. Artifacts are
immutable once produced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from turnout.domain.invoice import Invoice

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
        """Ways this instance breaks its artifact's schema (the `contract_violation` trigger)."""
        return []


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


@dataclass(frozen=True)
class EInvoice(Artifact):
    """A structured e-invoice parsed from UBL or CII into the canonical invoice."""

    NAME: ClassVar[str] = "einvoice"
    syntax: str  # "ubl" | "cii"
    document_type: str  # "Invoice" | "CreditNote" | "CrossIndustryInvoice"
    profile: str | None  # BT-24 specification identifier, when given
    invoice: Invoice


@dataclass(frozen=True)
class Text(Artifact):
    """Text of a document, one string per page, with the method and a confidence per page."""

    NAME: ClassVar[str] = "text"
    pages: tuple[str, ...]
    method: str
    page_confidence: tuple[float, ...] = ()

    @property
    def full(self) -> str:
        return "\n\f".join(self.pages)

    def is_empty(self) -> bool:
        return not any(page.strip() for page in self.pages)

    def confidence(self) -> float | None:
        return min(self.page_confidence) if self.page_confidence else None

    def problems(self) -> list[str]:
        found = []
        if not all(isinstance(page, str) for page in self.pages):
            found.append("text pages must be strings")
        if self.page_confidence and len(self.page_confidence) != len(self.pages):
            found.append("one page_confidence per page is required")
        if any(not 0.0 <= c <= 1.0 for c in self.page_confidence):
            found.append("page confidence must lie in 0..1")
        return found


@dataclass(frozen=True)
class ExtractedField:
    """One raw value found in a document, before normalisation."""

    value: str
    confidence: float
    module: str


@dataclass(frozen=True)
class Fields(Artifact):
    """Raw field values keyed by the canonical dotted path (`totals.payable`, `seller.vat_id`)."""

    NAME: ClassVar[str] = "fields"
    values: dict[str, ExtractedField]
    lines: tuple[dict[str, str], ...] = ()

    def is_empty(self) -> bool:
        return not self.values

    def confidence(self) -> float | None:
        """The mean confidence of the fields found (None when none was found)."""
        if not self.values:
            return None
        return sum(f.confidence for f in self.values.values()) / len(self.values)

    def problems(self) -> list[str]:
        found = []
        for path, item in self.values.items():
            if not isinstance(item, ExtractedField) or not isinstance(item.value, str):
                found.append(f"field `{path}` must be an ExtractedField with a string value")
            elif not 0.0 <= item.confidence <= 1.0:
                found.append(f"field `{path}` has confidence {item.confidence} outside 0..1")
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
        totals = vars(self.invoice.totals)
        return [
            f"totals.{k} must be a Decimal"
            for k, v in totals.items()
            if v is not None and not isinstance(v, Decimal)
        ]


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


@dataclass(frozen=True)
class Duplicate(Artifact):
    NAME: ClassVar[str] = "duplicate"
    is_duplicate: bool
    of_run: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Match(Artifact):
    NAME: ClassVar[str] = "match"
    vendor_id: str | None
    vendor_name: str | None = None
    method: str | None = None  # "vat_id" | "iban" | "name"
    score: float = 0.0


class Outcome(StrEnum):
    APPROVE = "approve"
    REVIEW = "review"
    REJECT = "reject"


@dataclass(frozen=True)
class Decision(Artifact):
    NAME: ClassVar[str] = "decision"
    outcome: Outcome
    reasons: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        return (
            []
            if isinstance(self.outcome, Outcome)
            else [f"outcome `{self.outcome}` is not approve/review/reject"]
        )

    def to_dict(self) -> dict[str, object]:
        return {"outcome": str(self.outcome), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Receipt(Artifact):
    """Proof that an export happened: where it went and the idempotency key used."""

    NAME: ClassVar[str] = "receipt"
    target: str
    location: str
    key: str
    details: dict[str, str] = field(default_factory=dict)


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
