"""GET /guards and /guards/current: guarded activations and where they stand (any role)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from turnout.api.auth import CurrentUser, TurnoutApp
from turnout.api.responses import errors
from turnout.domain.errors import NotFound

router = APIRouter(tags=["guards"])


@router.get("/guards", responses=errors(401, 403, 422))
def list_guards(
    app: TurnoutApp, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=500)] = 20
) -> list[dict[str, Any]]:
    """Guards armed on activated versions, newest first: window, progress, figures, limits,
    baseline, decision (status, breaches, the rollback's version)."""
    return [view.to_dict() for view in app.guards.list(limit)]


@router.get("/guards/current", responses=errors(401, 403, 404))
def current_guard(app: TurnoutApp, user: CurrentUser) -> dict[str, Any]:
    """The guard watching now, else the newest one (404 when none was ever armed)."""
    view = app.guards.status()
    if view is None:
        raise NotFound(
            "no guard was ever armed; activate a version with one: "
            "POST /api/v1/configurations/{v}/activate?guard=true"
        )
    return view.to_dict()
