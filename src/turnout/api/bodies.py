"""JSON request bodies read after authentication and authorisation, not before.

FastAPI parses a declared body before any dependency runs, so a viewer sending a malformed body
would be told how to fix a request it may not make. Routes that change something take their body
through `json_body(Model)` instead, declared after the role check: the checks run in order.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from turnout.api.params import refuse_nul

M = TypeVar("M", bound=BaseModel)


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A dependency: the request's JSON body as `model` (422 if malformed, 400 with a NUL)."""

    async def dependency(request: Request) -> M:
        value = await read_json(request)
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
            ) from exc

    return dependency


async def read_json(request: Request) -> Any:
    """The JSON value of the body: 422 if it is not JSON, 400 if a string in it holds a NUL."""
    raw = await request.body()
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": f"the body is not JSON ({exc})", "type": "json_invalid"}]
        ) from exc
    try:
        refuse_nul(value, "the request body")
    except RecursionError as exc:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "the JSON is nested too deeply", "type": "json_invalid"}]
        ) from exc
    return value


def json_request_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """The OpenAPI `requestBody` of a route reading its body with `json_body`."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }
