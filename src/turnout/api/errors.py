"""One JSON shape for every error: `{"error": <kind>, "detail": <what went wrong and the fix>}`.

The domain error tree maps onto HTTP statuses here, so routes just let domain errors propagate.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from turnout.api.guards import SECURITY_HEADERS
from turnout.domain.errors import (
    ActivationPending,
    InvalidConfiguration,
    NotFound,
    PermissionDenied,
    RequestError,
    StorageError,
    TurnoutError,
)
from turnout.domain.review import InvalidCorrection, NotReviewable, ReviewConflict


class Unauthenticated(TurnoutError):
    """The request carries no bearer token, or one that is unknown or revoked (HTTP 401)."""


class PayloadTooLarge(RequestError):
    """An uploaded file is larger than the server accepts (HTTP 413)."""


# Most specific first: the first class an error is an instance of decides the status.
STATUSES: tuple[tuple[type[TurnoutError], int], ...] = (
    (Unauthenticated, 401),
    (NotFound, 404),
    (PermissionDenied, 403),
    (ActivationPending, 409),
    (ReviewConflict, 409),  # another reviewer won, or the run already has a final decision
    (NotReviewable, 409),  # the run is not waiting for a person
    (InvalidCorrection, 422),  # a correction names an unknown field or an unparsable value
    (PayloadTooLarge, 413),
    (RequestError, 400),  # InvalidConfiguration, InvalidTransition and every other bad request
    (StorageError, 503),
    (TurnoutError, 500),
)


def error_body(error: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The error shape every response of the API uses."""
    return {"error": error, "detail": detail, **extra}


def status_of(exc: TurnoutError) -> int:
    return next(status for kind, status in STATUSES if isinstance(exc, kind))


def _turnout_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TurnoutError)
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidConfiguration):
        extra["problems"] = [p.to_dict() for p in exc.problems]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    return JSONResponse(
        error_body(type(exc).__name__, str(exc), **extra),
        status_code=status_of(exc),
        headers=headers,
    )


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse(
        error_body("HTTPError", str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    reasons = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()
    )
    return JSONResponse(
        error_body("RequestValidationError", f"{reasons}; see /openapi.json for the request shape"),
        status_code=422,
    )


def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Still logged by the server (Starlette re-raises after answering); the client gets JSON.
    return JSONResponse(
        error_body(
            "InternalError",
            "the server failed on this request; it is logged on the server, tell its operator",
        ),
        status_code=500,
        # Answered outside RequestGuard (by the outermost middleware), so it adds them itself.
        headers={name.decode(): value.decode() for name, value in SECURITY_HEADERS},
    )


def install_error_handlers(api: FastAPI) -> None:
    """Map every error the API can raise onto the one JSON shape (a 500 too)."""
    api.add_exception_handler(Exception, _unexpected_error)
    api.add_exception_handler(TurnoutError, _turnout_error)
    api.add_exception_handler(HTTPException, _http_error)
    api.add_exception_handler(RequestValidationError, _validation_error)
