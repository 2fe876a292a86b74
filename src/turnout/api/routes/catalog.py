"""GET /modules, /stages, /contracts, /policies: what the pipeline is made of (any role)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from turnout.api.auth import CurrentUser, TurnoutApp
from turnout.api.responses import errors
from turnout.domain.configuration import ConfigStatus
from turnout.domain.errors import NotFound
from turnout.views import contracts_view, modules_view, stages_view

router = APIRouter(tags=["catalog"])


@router.get("/modules", responses=errors(401, 403))
def list_modules(
    app: TurnoutApp, user: CurrentUser, stage: str | None = None
) -> list[dict[str, Any]]:
    """Registered modules with their status, contract and settings schema (of `stage`, if given).

    Packages installed since `turnout init` are registered first.
    """
    return modules_view(app.unit_of_work, app.registry, stage)


@router.get("/stages", responses=errors(401, 403))
def list_stages(app: TurnoutApp, user: CurrentUser) -> list[dict[str, Any]]:
    """The stages in order, with the module the active configuration selects and the fallback."""
    return stages_view(app.unit_of_work)


@router.get("/contracts", responses=errors(401, 403))
def list_contracts(app: TurnoutApp, user: CurrentUser) -> list[dict[str, Any]]:
    """The capability contract of every stage."""
    return contracts_view(app.unit_of_work)


@router.get("/policies", responses=errors(401, 403, 404))
def active_policies(app: TurnoutApp, user: CurrentUser) -> dict[str, Any]:
    """The fallback policies of the active configuration: `{version, policies: {stage: ...}}`."""
    with app.unit_of_work() as uow:
        active = uow.configurations.with_status(ConfigStatus.ACTIVE)
    if not active:
        raise NotFound(
            "no configuration is active; activate one with POST /configurations/{v}/activate"
        )
    return {"version": active[0].version, "policies": active[0].document().get("policies", {})}
