"""GET /events: the audit trail, newest first (any role)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from turnout.api.auth import CurrentUser, TurnoutApp
from turnout.api.params import Offset, VersionFilter
from turnout.api.responses import errors
from turnout.runtime.audit import audit_trail, verify_chain
from turnout.views import event_to_dict

router = APIRouter(tags=["events"])


@router.get("/events", responses=errors(401, 403, 404, 422))
def list_events(
    app: TurnoutApp,
    user: CurrentUser,
    config_version: VersionFilter = None,
    action: Annotated[str | None, Query(description="create, activate, ...")] = None,
    actor: Annotated[str | None, Query(description="Only events by this user.")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Every action and every refusal, newest first, filtered and paged."""
    with app.unit_of_work() as uow:
        items = audit_trail(
            uow,
            version=config_version,
            action=action,
            actor=actor,
            limit=limit,
            offset=offset,
            versions_listed_by="GET /api/v1/configurations",
        )
    return [event_to_dict(e) for e in items]


@router.get("/events/verify", responses=errors(401, 403))
def verify_events(app: TurnoutApp, user: CurrentUser) -> dict[str, Any]:
    """Walk the audit trail's hash chain: `intact`, how many events were `checked`, the last
    good `head_hash`, and the first `broken` link (event_id, problem) or null."""
    with app.database.reader() as uow:
        return verify_chain(uow).to_dict()
