"""Artifacts to JSON and back, for the stage results distributed workers store (one per run and
stage) so that a run resumed on another worker starts from its last completed stage.

Bytes are base64; a document's bytes (or its e-invoice XML) equal to the source's are stored as a
reference to it (the source is kept once, content-addressed). A text's words are compact lists
`[text, page, left, top, right, bottom, score]` rounded to 2 decimals (a hundredth of a point);
boxes are `Box.to_dict`. Keys added since the first stored form (`words`, `page_sizes`, `boxes`,
`line_boxes`) are left out when empty and read as empty when absent, so older stored results
still decode. An artifact of a type this module
does not know cannot be stored: the stage then has no stored result and runs again on resume.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

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
from turnout.domain.invoice import Invoice
from turnout.domain.page import Box, Word


class NotStorable(ValueError):
    """The artifact's type has no JSON form here."""


def encode(artifact: Artifact, source: Source) -> dict[str, Any]:
    """The artifact as a JSON object tagged with its type name."""
    encoder = _ENCODERS.get(type(artifact))
    if encoder is None:
        raise NotStorable(f"artifact type {type(artifact).__name__} has no stored form")
    return {"type": artifact.NAME, **encoder(artifact, source)}


def decode(data: dict[str, Any], source: Source) -> Artifact:
    """The artifact `encode` stored."""
    decoder = _DECODERS.get(str(data.get("type")))
    if decoder is None:
        raise NotStorable(f"stored artifact of unknown type `{data.get('type')}`")
    return decoder(data, source)


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def _bytes(text: str | None) -> bytes | None:
    return base64.b64decode(text) if text is not None else None


def _finding(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "severity": f.severity.value, "message": f.message, "path": f.path}


def _finding_of(d: dict[str, Any]) -> Finding:
    return Finding(d["rule"], Severity(d["severity"]), d["message"], d.get("path"))


def _enc_document(a: Artifact, source: Source) -> dict[str, Any]:
    assert isinstance(a, Document)
    same = a.data == source.data
    return {
        "filename": a.filename,
        "kind": a.kind.value,
        "media_type": a.media_type,
        "sha256": a.sha256,
        "size": a.size,
        "data": None if same else _b64(a.data),
        "pages": a.pages,
        # an XML file is its own e-invoice XML: kept once, as the source
        "xml": "=source" if a.xml is not None and a.xml == source.data else _b64(a.xml),
        "xml_name": a.xml_name,
        "text_layer": a.text_layer,
    }


def _dec_document(d: dict[str, Any], source: Source) -> Artifact:
    return Document(
        filename=d["filename"],
        kind=DocumentKind(d["kind"]),
        media_type=d["media_type"],
        sha256=d["sha256"],
        size=d["size"],
        data=source.data if d["data"] is None else (_bytes(d["data"]) or b""),
        pages=d["pages"],
        xml=source.data if d["xml"] == "=source" else _bytes(d["xml"]),
        xml_name=d["xml_name"],
        text_layer=d["text_layer"],
    )


def _enc_einvoice(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, EInvoice)
    return {
        "syntax": a.syntax,
        "document_type": a.document_type,
        "profile": a.profile,
        "invoice": a.invoice.to_dict(),
    }


def _dec_einvoice(d: dict[str, Any], _s: Source) -> Artifact:
    return EInvoice(d["syntax"], d["document_type"], d["profile"], Invoice.from_dict(d["invoice"]))


def _enc_text(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, Text)
    out: dict[str, Any] = {
        "pages": list(a.pages),
        "method": a.method,
        "confidence": list(a.page_confidence),
    }
    if a.words:
        out["words"] = [
            [
                w.text,
                w.page,
                round(w.left, 2),
                round(w.top, 2),
                round(w.right, 2),
                round(w.bottom, 2),
                round(w.score, 2),
            ]
            for w in a.words
        ]
    if a.page_sizes:
        out["page_sizes"] = [[round(w, 2), round(h, 2)] for w, h in a.page_sizes]
    return out


def _dec_text(d: dict[str, Any], _s: Source) -> Artifact:
    return Text(
        tuple(d["pages"]),
        d["method"],
        tuple(float(c) for c in d["confidence"]),
        tuple(
            Word(str(t), int(p), float(le), float(to), float(r), float(b), float(s))
            for t, p, le, to, r, b, s in d.get("words") or ()
        ),
        tuple((float(w), float(h)) for w, h in d.get("page_sizes") or ()),
    )


def _boxes(boxes: tuple[Box, ...]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in boxes]


def _boxes_of(data: Any) -> tuple[Box, ...]:
    return tuple(Box.from_dict(b) for b in data or ())


def _enc_field(f: ExtractedField) -> dict[str, Any]:
    out: dict[str, Any] = {"value": f.value, "confidence": f.confidence, "module": f.module}
    if f.boxes:
        out["boxes"] = _boxes(f.boxes)
    return out


def _enc_fields(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, Fields)
    out: dict[str, Any] = {
        "values": {k: _enc_field(f) for k, f in a.values.items()},
        "lines": [dict(line) for line in a.lines],
    }
    if a.line_boxes:
        out["line_boxes"] = [_boxes(boxes) for boxes in a.line_boxes]
    return out


def _dec_fields(d: dict[str, Any], _s: Source) -> Artifact:
    return Fields(
        {
            k: ExtractedField(
                v["value"], float(v["confidence"]), v["module"], _boxes_of(v.get("boxes"))
            )
            for k, v in d["values"].items()
        },
        tuple(dict(line) for line in d["lines"]),
        tuple(_boxes_of(boxes) for boxes in d.get("line_boxes") or ()),
    )


def _enc_invoice(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, InvoiceArtifact)
    return {"invoice": a.invoice.to_dict(), "notes": [_finding(f) for f in a.notes]}


def _dec_invoice(d: dict[str, Any], _s: Source) -> Artifact:
    return InvoiceArtifact(
        Invoice.from_dict(d["invoice"]), tuple(_finding_of(f) for f in d["notes"])
    )


def _enc_findings(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, Findings)
    return {"items": [_finding(f) for f in a.items], "ruleset": a.ruleset}


def _dec_findings(d: dict[str, Any], _s: Source) -> Artifact:
    return Findings(tuple(_finding_of(f) for f in d["items"]), d["ruleset"])


def _enc_duplicate(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, Duplicate)
    return {"is_duplicate": a.is_duplicate, "of_run": a.of_run, "reason": a.reason}


def _dec_duplicate(d: dict[str, Any], _s: Source) -> Artifact:
    return Duplicate(bool(d["is_duplicate"]), d["of_run"], d["reason"])


def _enc_match(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, Match)
    return {
        "vendor_id": a.vendor_id,
        "vendor_name": a.vendor_name,
        "method": a.method,
        "score": a.score,
    }


def _dec_match(d: dict[str, Any], _s: Source) -> Artifact:
    return Match(d["vendor_id"], d["vendor_name"], d["method"], float(d["score"]))


def _enc_decision(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, Decision)
    out: dict[str, Any] = {"outcome": a.outcome.value, "reasons": list(a.reasons)}
    if a.decided_by is not None:  # a person's decision (review)
        out["decided_by"] = a.decided_by
    return out


def _dec_decision(d: dict[str, Any], _s: Source) -> Artifact:
    return Decision(Outcome(d["outcome"]), tuple(d["reasons"]), d.get("decided_by"))


def _enc_receipt(a: Artifact, _s: Source) -> dict[str, Any]:
    assert isinstance(a, Receipt)
    return {"target": a.target, "location": a.location, "key": a.key, "details": dict(a.details)}


def _dec_receipt(d: dict[str, Any], _s: Source) -> Artifact:
    return Receipt(d["target"], d["location"], d["key"], dict(d["details"]))


_Encoder = Callable[[Artifact, Source], dict[str, Any]]
_Decoder = Callable[[dict[str, Any], Source], Artifact]

_ENCODERS: dict[type[Artifact], _Encoder] = {
    Document: _enc_document,
    EInvoice: _enc_einvoice,
    Text: _enc_text,
    Fields: _enc_fields,
    InvoiceArtifact: _enc_invoice,
    Findings: _enc_findings,
    Duplicate: _enc_duplicate,
    Match: _enc_match,
    Decision: _enc_decision,
    Receipt: _enc_receipt,
}
_DECODERS: dict[str, _Decoder] = {
    Document.NAME: _dec_document,
    EInvoice.NAME: _dec_einvoice,
    Text.NAME: _dec_text,
    Fields.NAME: _dec_fields,
    InvoiceArtifact.NAME: _dec_invoice,
    Findings.NAME: _dec_findings,
    Duplicate.NAME: _dec_duplicate,
    Match.NAME: _dec_match,
    Decision.NAME: _dec_decision,
    Receipt.NAME: _dec_receipt,
}
