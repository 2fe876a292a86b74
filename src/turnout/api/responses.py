"""The error statuses each route declares in the OpenAPI document, all in the one error shape.

`errors(401, 403, 404)` is what a route passes as `responses=`; `declare_common_errors(api)` adds
to every operation the refusals any request can meet before routing (`RequestGuard`): 400 for a
NUL in the URL and 413 for a body over the limit.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "The kind of error, e.g. `NotFound`."},
        "detail": {"type": "string", "description": "What went wrong and how to fix it."},
    },
    "additionalProperties": True,
}
DESCRIPTIONS = {
    400: "A bad request: a NUL character, an impossible change, a malformed upload",
    401: "No bearer token, or an unknown or revoked one",
    403: "The token's user lacks the role this needs (or has no role)",
    404: "No such resource",
    409: "A conflict: an activation is already pending, or the run was reviewed by someone else, "
    "already has a person's final decision, or is not waiting for a person",
    413: "The request body is larger than the server accepts",
    422: "The request does not match its schema (see this document), or a value in it cannot be "
    "read (a review's correction of an unknown field, or one its field cannot hold)",
    503: "The database is unreachable or not initialised",
}
WRITE_ERRORS = (400, 401, 403, 422)
"""What a route with a JSON body that changes something may answer, besides its successes."""


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route answering these error statuses, in the error shape."""
    return {
        status: {
            "description": DESCRIPTIONS[status],
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
        for status in statuses
    }


def declare_common_errors(api: FastAPI) -> None:
    """Add the 400 (NUL in the URL) and 413 (body too large) of `RequestGuard` to every
    operation of `api`'s OpenAPI document, and give 422s the error shape they really have."""
    build = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        schema = build()
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, response in errors(400, 413).items():
                    responses.setdefault(str(status), response)
                if "422" in responses:  # FastAPI's default names a shape the API never sends
                    responses["422"] = errors(422)[422]
        # FastAPI's validation-error shapes are no longer referenced: the API never sends them.
        if "HTTPValidationError" not in json.dumps(schema.get("paths", {})):
            for unused in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(unused, None)
        api.openapi_schema = schema
        return schema

    api.openapi = openapi  # type: ignore[method-assign]
