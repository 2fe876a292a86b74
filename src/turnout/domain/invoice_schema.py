"""The JSON Schema (draft 2020-12) of the canonical invoice's JSON form, `Invoice.to_dict()`.

Generated from the same dataclass shapes that render the invoice (`invoice_shape`) and the same
term metadata that places each business term (`terms`): every field has its type — decimals as
strings with a pattern, ISO dates, null where empty — and a description that starts with its
EN 16931 term or group id and name (`BT-38 Seller post code`). Groups are written inline, not as
shared definitions, because a shared group holds different terms in each place (`Address` is
BG-5 under the seller and BG-15 under the delivery). Every group is closed
(`additionalProperties: false`); no key is required, since a missing key means an empty field
(`Invoice.from_dict`).

The domain only builds the dict; validating against it is left to a JSON Schema library. The
published copy is `turnout/schemas/invoice.schema.json`; regenerate it with
`python -m turnout.domain.invoice_schema > src/turnout/schemas/invoice.schema.json`.
"""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import fields
from functools import cache
from typing import Any

from turnout.domain.invoice import Invoice
from turnout.domain.invoice_shape import shape_of
from turnout.domain.terms import EN16931_GROUPS, EN16931_TERMS, parts_under

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:turnout:schema:invoice:1"
"""The schema's `$id`; the JSON export names it next to the invoice it writes."""

DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# fields that hold no business term of their own, by canonical path ([] where a list repeats)
_UNTERMED = {
    "buyer.tax_registration_id": "The buyer's tax registration identifier other than its VAT "
    "identifier, when a source gives one; EN 16931 has a term for the seller's only (BT-32).",
    "buyer.legal_info": "The buyer's additional legal information, when a source gives it; "
    "EN 16931 has a term for the seller's only (BT-33).",
    "documents[].attachment.sha256": "SHA-256 (hex) of the attached document's bytes, which "
    "stay in the e-invoice the run read (the attachment is kept by reference).",
    "documents[].attachment.size": "Size of the attached document in bytes.",
    "extensions": "What a valid e-invoice carried that EN 16931 has no term for (a CIUS's "
    "extension), kept verbatim and reported.",
    "extensions[].path": "Where the element was in the source: an XPath with the document's "
    "prefixes.",
    "extensions[].xml": "The element as written in the source.",
}
# fields that stay empty where they are: a line's allowances and charges take the line's VAT
_ALWAYS_NULL = {
    f"lines[].{entries}[].{name}": "Always null: an invoice line's allowance or charge has no "
    "VAT category or rate of its own; the line's (BT-151, BT-152) apply."
    for entries in ("allowances", "charges")
    for name in ("vat_category", "vat_rate")
}

_NULLABLE: dict[str, dict[str, Any]] = {
    "text": {"type": ["string", "null"]},
    "decimal": {"type": ["string", "null"], "pattern": DECIMAL_PATTERN},
    "date": {"type": ["string", "null"], "format": "date", "pattern": DATE_PATTERN},
    "count": {"type": ["integer", "null"], "minimum": 0},
}

_PROVENANCE: dict[str, Any] = {
    "type": "object",
    "description": "Where each field's value came from, keyed by the field's dotted path "
    "(`totals.payable`): the module, how sure it was, and where on the page it was read.",
    "additionalProperties": {
        "type": "object",
        "additionalProperties": False,
        "required": ["module", "confidence"],
        "properties": {
            "module": {"type": "string", "description": "The module that set the value."},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "boxes": {
                "type": "array",
                "description": "Where on the page the value was read (none for an e-invoice's).",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["page", "left", "top", "right", "bottom"],
                    "properties": {
                        "page": {"type": "integer", "minimum": 1},
                        **{side: {"type": "number"} for side in ("left", "top", "right", "bottom")},
                    },
                },
            },
        },
    },
}


@cache
def _names() -> dict[str, str]:
    return {t.id: t.name for t in EN16931_TERMS + EN16931_GROUPS}


def invoice_json_schema() -> dict[str, Any]:
    """The JSON Schema of `Invoice.to_dict()` (a new dict each call)."""
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "Canonical invoice",
        "description": "An invoice in the EN 16931 semantic model, as Turnout's stages and "
        "exports hold it: every business term in a field named after it; amounts, rates and "
        "quantities as decimal strings exactly as written, dates as YYYY-MM-DD, an empty field "
        "as null and an empty list as [].",
        **_group(Invoice, "", {}),
    }
    schema["properties"]["provenance"] = copy.deepcopy(_PROVENANCE)
    return schema


def _group(kind: type, prefix: str, parts: dict[str, str]) -> dict[str, Any]:
    """The closed object schema of group `kind` at path `prefix`; `parts` names the terms its
    owner gives its fields (as `terms` reads them)."""
    shape = shape_of(kind)
    kinds = dict.fromkeys(shape.texts, "text")
    kinds.update(dict.fromkeys(shape.decimals, "decimal"))
    kinds.update(dict.fromkeys(shape.dates, "date"))
    kinds.update(dict.fromkeys(shape.counts, "count"))
    groups, optional, lists = dict(shape.groups), dict(shape.optional), dict(shape.lists)
    properties: dict[str, Any] = {}
    for f in fields(kind):
        if f.name not in shape.names:
            continue
        meta: dict[str, Any] = dict(f.metadata)
        child = parts_under(f.name, meta, parts)
        path = f"{prefix}{f.name}"
        term_id = (
            parts.get(f.name)
            or meta.get("term")
            or _id_term(f.name, child, groups, optional, lists)
        )
        if f.name in groups:
            prop = _group(groups[f.name], f"{path}.", child)
        elif f.name in optional:
            prop = {"anyOf": [_group(optional[f.name], f"{path}.", child), {"type": "null"}]}
        elif f.name in lists:
            item = lists[f.name]
            prop = {"type": "array", "items": _group(item, f"{path}[].", child)}
        elif path in _ALWAYS_NULL:
            prop = {"type": "null"}
        else:
            prop = copy.deepcopy(_NULLABLE[kinds[f.name]])
        properties[f.name] = {"description": _describe(path, term_id), **prop}
    return {"type": "object", "additionalProperties": False, "properties": properties}


def _id_term(name: str, child: dict[str, str], *by_name: dict[str, type]) -> str | None:
    """The term of a small group's `id` (an `Identifier` field names its term there)."""
    if "id" in child:
        return child["id"]
    kind = next((found[name] for found in by_name if name in found), None)
    if kind is not None:
        for f in fields(kind):
            if f.name == "id":
                term: str | None = f.metadata.get("term")
                return term
    return None


def _describe(path: str, term_id: str | None) -> str:
    if path in _ALWAYS_NULL:
        return _ALWAYS_NULL[path]
    if term_id is None:
        if path not in _UNTERMED:
            raise LookupError(
                f"invoice field `{path}` has no business term and no description; give it "
                "`term(...)` metadata or describe it in invoice_schema._UNTERMED"
            )
        return _UNTERMED[path]
    if term_id not in _names():
        raise LookupError(f"invoice field `{path}` names {term_id}, which EN 16931 does not have")
    text = f"{term_id} {_names()[term_id]}"
    return f"{text}. {_UNTERMED[path]}" if path in _UNTERMED else text


def main() -> None:
    """Print the schema as the published file holds it."""
    sys.stdout.write(render(invoice_json_schema()))


def render(schema: dict[str, Any]) -> str:
    """The published file's text: two-space indented JSON, UTF-8 as is, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    main()
