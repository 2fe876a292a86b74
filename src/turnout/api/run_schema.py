"""The shape of a run in the OpenAPI document, with the canonical invoice's full JSON Schema.

The run routes return plain dicts (`run_to_dict`), so FastAPI cannot see what they hold. `RUN`
and `RUNS` are the `responses=` entries those routes declare, referring to the `Run` component;
`declare_run_schemas(api)` adds `Run` and `Invoice` to the document's components. `Invoice` is
`turnout.domain.invoice_schema.invoice_json_schema()`, the schema published in the package, so the
API and the JSON export describe the same invoice.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from turnout.domain.artifacts import Outcome, Severity
from turnout.domain.invoice_schema import invoice_json_schema
from turnout.domain.runs import AttemptOutcome, RunStatus

_RUN_REF = {"$ref": "#/components/schemas/Run"}
RUN: dict[int | str, dict[str, Any]] = {
    200: {"description": "The run", "content": {"application/json": {"schema": _RUN_REF}}}
}
"""`responses=` of a route answering one run."""


def runs(status: int, description: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a route answering a list of runs with `status`."""
    schema = {"type": "array", "items": _RUN_REF}
    return {
        status: {"description": description, "content": {"application/json": {"schema": schema}}}
    }


def _nullable(kind: str, description: str, **more: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], "description": description, **more}


RUN_SCHEMA: dict[str, Any] = {
    "title": "Run",
    "type": "object",
    "description": "One file through the pipeline (the `process --json` shape).",
    "required": ["run_id", "file", "status", "created_at", "stages", "invoice"],
    "properties": {
        "run_id": {"type": "string"},
        "file": {"type": "string", "description": "The uploaded file's name (metadata only)."},
        "status": {"type": "string", "enum": [str(s) for s in RunStatus]},
        "reason": _nullable("string", "Why the run failed or needs review."),
        "config_version": _nullable("integer", "The configuration version it ran under."),
        "created_at": {"type": "string", "format": "date-time"},
        "finished_at": _nullable("string", "When it finished.", format="date-time"),
        "worker": _nullable("string", "The process that ran it."),
        "stages": {
            "type": "array",
            "description": "Every stage attempt, in order.",
            "items": {
                "type": "object",
                "properties": {
                    "stage": {"type": "string"},
                    "module": _nullable("string", "The module, unless the stage was skipped."),
                    "outcome": {"type": "string", "enum": [str(o) for o in AttemptOutcome]},
                    "attempts": {"type": "integer", "minimum": 0},
                    "duration_ms": {"type": "number", "minimum": 0},
                    "error": _nullable("string", "Why the attempt failed or was skipped."),
                },
            },
        },
        "invoice": {
            "description": "The canonical invoice (EN 16931), once a stage has made one.",
            "anyOf": [{"$ref": "#/components/schemas/Invoice"}, {"type": "null"}],
        },
        "findings": {
            "description": "The validation findings, when validation ran.",
            "anyOf": [
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["rule", "severity", "message"],
                        "properties": {
                            "rule": {"type": "string"},
                            "severity": {"type": "string", "enum": [str(s) for s in Severity]},
                            "message": {"type": "string"},
                            "path": _nullable("string", "The invoice field it is about."),
                        },
                    },
                },
                {"type": "null"},
            ],
        },
        "decision": {
            "description": "The routing decision, when routing ran; a person's approve or "
            "reject replaces it (then `decided_by` names the person and `final` is true).",
            "anyOf": [
                {
                    "type": "object",
                    "required": ["outcome", "reasons"],
                    "properties": {
                        "outcome": {"type": "string", "enum": [str(o) for o in Outcome]},
                        "reasons": {"type": "array", "items": {"type": "string"}},
                        "decided_by": _nullable("string", "The person who decided."),
                        "final": {"type": "boolean", "description": "A person's decision."},
                    },
                },
                {"type": "null"},
            ],
        },
        "review_revision": {
            "type": "integer",
            "minimum": 0,
            "description": "How many reviews changed the run (0: as the machine read it); send "
            "it as `expected_revision` when reviewing.",
        },
        "final_decision": {
            "description": "A person's approve or reject, once given: the run's final decision.",
            "anyOf": [
                {
                    "type": "object",
                    "required": ["outcome"],
                    "properties": {
                        "outcome": {"type": "string", "enum": ["approve", "reject"]},
                        "by": {"type": "string"},
                        "comment": {"type": ["string", "null"]},
                        "at": {"type": "string", "format": "date-time"},
                    },
                },
                {"type": "null"},
            ],
        },
    },
}


def invoice_component() -> dict[str, Any]:
    """The invoice's JSON Schema as an OpenAPI 3.1 component (without `$schema` and `$id`: the
    document's dialect applies, and references stay relative to the document)."""
    schema = invoice_json_schema()
    del schema["$schema"], schema["$id"]
    return schema


def declare_run_schemas(api: FastAPI) -> None:
    """Add the `Run` and `Invoice` components to `api`'s OpenAPI document."""
    build = api.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "Invoice" not in components:
            components["Run"] = RUN_SCHEMA
            components["Invoice"] = invoice_component()
        return schema

    api.openapi = openapi  # type: ignore[method-assign]
