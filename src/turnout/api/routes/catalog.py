"""GET /modules, /stages, /contracts, /policies: what the pipeline is made of (any role)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from turnout.api.auth import CurrentUser, TurnoutApp
from turnout.api.responses import errors
from turnout.domain.configuration import ConfigStatus
from turnout.domain.errors import NotFound
from turnout.runtime.initialization import refresh_catalog
from turnout.runtime.serialize import module_to_dict, stage_to_dict

router = APIRouter(tags=["catalog"])


@router.get("/modules", responses=errors(401, 403))
def list_modules(
    app: TurnoutApp, user: CurrentUser, stage: str | None = None
) -> list[dict[str, Any]]:
    """Registered modules with their status, contract and settings schema (of `stage`, if given).

    Packages installed since `turnout init` are registered first.
    """
    refresh_catalog(app.unit_of_work, app.registry)
    with app.unit_of_work() as uow:
        return [module_to_dict(m) for m in uow.modules.list(stage)]


@router.get("/stages", responses=errors(401, 403))
def list_stages(app: TurnoutApp, user: CurrentUser) -> list[dict[str, Any]]:
    """The stages in order, with the module the active configuration selects and the fallback."""
    with app.unit_of_work() as uow:
        stages = uow.stages.stages()
        active = uow.configurations.with_status(ConfigStatus.ACTIVE)
        fallbacks = {m.stage_id: m.module_id for m in uow.modules.list() if m.is_fallback}
    selections = active[0].selections if active else {}
    return [
        stage_to_dict(
            s,
            selections[s.stage_id].module_id if s.stage_id in selections else None,
            fallbacks.get(s.stage_id),
        )
        for s in stages
    ]


@router.get("/contracts", responses=errors(401, 403))
def list_contracts(app: TurnoutApp, user: CurrentUser) -> list[dict[str, Any]]:
    """The capability contract of every stage."""
    with app.unit_of_work() as uow:
        return [c.to_dict() for c in uow.stages.contracts()]


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
