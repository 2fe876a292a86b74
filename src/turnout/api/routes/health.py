"""GET /healthz, /readyz, /metrics: for probes and Prometheus (no token needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from turnout.api.auth import TurnoutApp
from turnout.api.errors import error_body
from turnout.api.responses import errors
from turnout.domain.errors import StorageError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None, responses=errors(503))
def readyz(app: TurnoutApp) -> dict[str, Any] | JSONResponse:
    """Ready when the database is reachable and migrated and modules are loaded (else 503)."""
    try:
        app.require_initialized()
    except StorageError as exc:
        return JSONResponse(error_body("NotReady", str(exc)), status_code=503)
    available = [m for m in app.registry.all() if m.available]
    if not available:
        return JSONResponse(
            error_body(
                "NotReady",
                "no pipeline module could be loaded; run `turnout modules` to see why",
            ),
            status_code=503,
        )
    return {"status": "ready", "modules_available": len(available)}


@router.get("/metrics", response_class=Response)
def metrics(app: TurnoutApp) -> Response:
    """Prometheus text exposition of Turnout's metrics."""
    return Response(app.metrics.render(), media_type=app.metrics.content_type)
