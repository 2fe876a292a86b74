"""`export.json`: one JSON file per invoice, written atomically and idempotently.

The default module of the `export` stage. For a run it writes `<directory>/<run_id>.json` with
the run id, the configuration version, the idempotency key, the canonical invoice (the whole
EN 16931 model, `Invoice.to_dict()`), the `$id` of the JSON Schema that invoice follows
(`invoice_schema`; the schema is published in the package as
`turnout/schemas/invoice.schema.json`), the findings (when validation ran), the decision (its
`outcome` and `reasons`; a person's decision after a review adds `decided_by` and `final: true`),
the source file's name as received (`source_file`) and the matched vendor (`vendor_id`, null
when the `match` stage did not run or found none; see `turnout.modules.export.explanation`).
Re-running the same run writes the same bytes to the same file, so a redelivered job never
produces a second export; there is no timestamp in the file for that reason (the run record has
them). In a trial run (`RunContext.trial`) the file is rendered and not written.

Where the file may go (see `turnout.modules.export.files`): a relative `directory` resolves
against the workspace ($TURNOUT_HOME) and is refused when it would lead outside it (a `..`
segment, or a symlink pointing elsewhere); an absolute `directory` is the operator's explicit
choice and is used as given. Either way the file name comes from the run id alone and is always a
direct child of the directory.

Settings:
- `directory` (string, default "exports"): where the files go.
- `indent` (integer 0-8, default 2): JSON indentation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from json.encoder import encode_basestring
from typing import Any, ClassVar

from turnout.authoring import (
    EXPORT,
    SCHEMA_ID,
    Artifact,
    Artifacts,
    Findings,
    InvoiceArtifact,
    ModuleSpec,
    RunContext,
    StageModule,
    needs,
    settings_with_defaults,
)
from turnout.modules.export.explanation import MATCH_INPUT, Explanation
from turnout.modules.export.files import check_directory_setting, directory_setting, export_file

DEFAULT_DIRECTORY = "exports"
DEFAULT_INDENT = 2

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "directory": directory_setting(DEFAULT_DIRECTORY),
        "indent": {
            "type": "integer",
            "minimum": 0,
            "maximum": 8,
            "default": DEFAULT_INDENT,
            "description": "JSON indentation in spaces.",
        },
    },
}


class JsonExport(StageModule):
    """Write the invoice, its findings and the decision to `<directory>/<run_id>.json`."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        EXPORT,
        module_id="export.json",
        name="JSON files",
        version="1.1.0",
        description="One JSON file per invoice named after the run id, written atomically; "
        "re-running a run overwrites the same file with the same content.",
        extra_inputs=(needs("findings/v1", required=False), MATCH_INPUT),
        extra_guarantees={"deterministic", "offline"},
        settings_schema=SETTINGS_SCHEMA,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.directory = str(with_defaults["directory"])
        self.indent = int(with_defaults["indent"])
        check_directory_setting(self.spec.module_id, self.directory)

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Write the file and return a `Receipt` with its absolute path and the idempotency key."""
        data = self.render(inputs, context)
        return [export_file(self.spec.module_id, self.directory, context, ".json", data)]

    def render(self, inputs: Artifacts, context: RunContext) -> bytes:
        """The file's bytes: UTF-8 JSON with a trailing newline, the same for the same run."""
        explanation = Explanation.of(inputs, context)
        document: dict[str, Any] = {
            "run_id": context.run_id,
            "config_version": context.config_version,
            "idempotency_key": context.idempotency_key,
            "source_file": explanation.source_file,
            "vendor_id": explanation.vendor_id,
            "invoice": inputs.require(InvoiceArtifact).invoice.to_dict(),
            "invoice_schema": SCHEMA_ID,
        }
        findings = inputs.get(Findings)
        if findings is not None:
            document["findings"] = [f.to_dict() for f in findings.items]
            document["ruleset"] = findings.ruleset
        document["decision"] = explanation.decision.to_dict()
        return (dumps_indented(document, self.indent) + "\n").encode("utf-8")


def dumps_indented(document: Any, indent: int) -> str:
    """`json.dumps(document, indent=indent, ensure_ascii=False)`, the same text, faster.

    With an indent the standard library encodes in pure Python, one generator a container,
    which costs more than the rest of rendering an invoice. This writes the same text for the
    JSON types the documents hold (dicts with string keys, lists, strings, numbers, booleans
    and null) and leaves anything else (tuples, subclasses, other keys) to `json.dumps`.
    """
    parts: list[str] = []
    try:
        _encode(document, "", " " * indent, parts.append)
    except _NotPlain:
        return json.dumps(document, indent=indent, ensure_ascii=False)
    return "".join(parts)


class _NotPlain(Exception):
    """A value of a type `_encode` leaves to `json.dumps`."""


def _encode(value: Any, pad: str, unit: str, add: Callable[[str], None]) -> None:
    kind = type(value)
    if kind is str:
        add(encode_basestring(value))
    elif kind is dict:
        if not value:
            add("{}")
            return
        inner = pad + unit
        add("{\n" + inner)
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            if not first:
                add(",\n" + inner)
            first = False
            # most values of an invoice are short texts or empty: written here, not recursed into
            if item is None:
                add(encode_basestring(key) + ": null")
            elif type(item) is str:
                add(encode_basestring(key) + ": " + encode_basestring(item))
            else:
                add(encode_basestring(key) + ": ")
                _encode(item, inner, unit, add)
        add("\n" + pad + "}")
    elif kind is list:
        if not value:
            add("[]")
            return
        inner = pad + unit
        add("[\n" + inner)
        first = True
        for item in value:
            if not first:
                add(",\n" + inner)
            first = False
            _encode(item, inner, unit, add)
        add("\n" + pad + "]")
    elif value is None:
        add("null")
    elif value is True:
        add("true")
    elif value is False:
        add("false")
    elif kind is int:
        add(int.__repr__(value))
    elif kind is float:
        # NaN and the infinities as json.dumps writes them
        add(float.__repr__(value) if math.isfinite(value) else json.dumps(value))
    else:
        raise _NotPlain
