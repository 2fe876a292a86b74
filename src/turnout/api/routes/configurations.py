"""/configurations: versions, their lifecycle (validate, activate, rollback, cancel, delete) and
diffs.

Reading needs any role; changes need operator or maintainer, checked and audited by the
configuration service with the token's user as the actor.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field, RootModel

from turnout.api.auth import CurrentUser, TurnoutApp, config_changer
from turnout.api.bodies import json_body, json_request_body
from turnout.api.params import MAX_SQL_INT, Version, stored_version
from turnout.api.responses import WRITE_ERRORS, errors
from turnout.domain.events import EventAction
from turnout.domain.users import User
from turnout.runtime.config_document import parse_document
from turnout.runtime.diff import diff_configurations
from turnout.runtime.guard import requested_spec
from turnout.runtime.results import ActivationResult
from turnout.runtime.validation import checks_for
from turnout.views import config_detail, config_summary, create_to_dict

router = APIRouter(prefix="/configurations", tags=["configurations"])

# an activation's outcome (`ActivationStatus.outcome`) as an HTTP status
ACTIVATION_HTTP = {"done": 200, "waiting": 202, "refused": 400}


class ValidateRequest(BaseModel):
    version: Annotated[
        int,
        Field(ge=1, le=MAX_SQL_INT, description="The draft version to validate."),
        AfterValidator(stored_version),
    ]


class Document(RootModel[dict[str, Any]]):
    """The configuration document, as in the YAML file (summary, selections, policies)."""


Creator = Annotated[User, Depends(config_changer(EventAction.CREATE))]
Validator = Annotated[User, Depends(config_changer(EventAction.VALIDATE))]
Activator = Annotated[User, Depends(config_changer(EventAction.ACTIVATE))]
RollbackUser = Annotated[User, Depends(config_changer(EventAction.ROLLBACK))]
Canceller = Annotated[User, Depends(config_changer(EventAction.CANCEL))]
Deleter = Annotated[User, Depends(config_changer(EventAction.DELETE))]


def _activation_response(result: ActivationResult) -> JSONResponse:
    body = result.to_dict()
    if result.rejected:
        body = {"error": "Rejected", "detail": result.message, **body}
    return JSONResponse(body, status_code=ACTIVATION_HTTP[result.status.outcome])


@router.get("", responses=errors(401, 403, 422))
def list_configurations(
    app: TurnoutApp,
    user: CurrentUser,
    archived: Annotated[
        bool, Query(description="Also list deleted (archived) versions (`config history --all`).")
    ] = False,
) -> list[dict[str, Any]]:
    """Every version, newest first (`config history --json`); deleted ones only when asked."""
    return [config_summary(c) for c in app.configurations.history(archived=archived)]


@router.post(
    "",
    status_code=201,
    responses=errors(*WRITE_ERRORS),
    openapi_extra=json_request_body(
        {"type": "object", "additionalProperties": True},
        "The configuration document, as in the YAML file (summary, selections, policies).",
    ),
)
def create_configuration(
    app: TurnoutApp,
    user: Creator,
    document: Annotated[Document, Depends(json_body(Document))],
) -> dict[str, Any]:
    """Store a document as a new version, validated at once: `status` validated and `valid`
    true, or a draft with every problem in `problems`. Unknown stages or modules: 400, nothing
    stored."""
    doc = parse_document(document.root, source="the request body", checks=checks_for(app.registry))
    created = app.configurations.create(doc, user.name)
    return {**config_detail(created.config), **create_to_dict(created)}


@router.get("/active", responses=errors(401, 403, 404))
def active_configuration(app: TurnoutApp, user: CurrentUser) -> dict[str, Any]:
    """The active version with its selections, settings, policies, guard and approvals."""
    config = app.configurations.get(None)
    return config_detail(config, app.configurations.approvals(config.version))


@router.post(
    "/validate",
    responses=errors(*WRITE_ERRORS, 404),
    openapi_extra=json_request_body(
        ValidateRequest.model_json_schema(), "The draft version to validate."
    ),
)
def validate_configuration(
    app: TurnoutApp,
    user: Validator,
    request: Annotated[ValidateRequest, Depends(json_body(ValidateRequest))],
) -> dict[str, Any]:
    """Check a draft against the contracts and installed modules (`valid` and `problems`)."""
    return app.configurations.validate(request.version, user.name).to_dict()


@router.post("/cancel-pending", responses=errors(401, 403, 400))
def cancel_pending(app: TurnoutApp, user: Canceller) -> JSONResponse:
    """Cancel the pending activation."""
    return _activation_response(app.configurations.cancel(user.name))


@router.get("/{version}", responses=errors(401, 403, 404, 422))
def get_configuration(app: TurnoutApp, user: CurrentUser, version: Version) -> dict[str, Any]:
    """One version (a deleted one too) with its selections, settings, policies, guard and
    approvals."""
    return config_detail(app.configurations.get(version), app.configurations.approvals(version))


@router.delete("/{version}", responses=errors(401, 403, 404, 400, 422))
def delete_configuration(app: TurnoutApp, user: Deleter, version: Version) -> dict[str, Any]:
    """Delete (archive) a draft, validated or rejected version: hidden from the list unless
    `archived=true`, still readable by its number, kept in the audit trail."""
    return config_summary(app.configurations.delete(version, user.name))


@router.post(
    "/{version}/activate",
    responses={
        202: {"description": "Pending: runs are in flight"},
        **errors(401, 403, 404, 400, 409, 422),
    },
)
def activate_configuration(
    app: TurnoutApp,
    user: Activator,
    version: Version,
    force: bool = False,
    guard: Annotated[
        bool, Query(description="Arm a guard (the version's `guard:` block, else the defaults).")
    ] = False,
    guard_runs: Annotated[int | None, Query(ge=1, le=MAX_SQL_INT)] = None,
    guard_minutes: Annotated[float | None, Query(ge=0.1, le=100_000)] = None,
) -> JSONResponse:
    """Activate a validated version: 200 active, 202 pending (or awaiting another maintainer's
    approval, with four eyes on), 400 rejected, 409 one pending. With `guard`, the first runs
    on it are watched and a limit that trips rolls back by itself."""
    spec = None
    if guard or guard_runs is not None or guard_minutes is not None:
        spec = requested_spec(app.configurations.get(version), guard_runs, guard_minutes)
    return _activation_response(
        app.configurations.activate(version, user.name, force=force, guard=spec)
    )


@router.post(
    "/{version}/rollback",
    responses={202: {"description": "Pending"}, **errors(401, 403, 404, 400, 409, 422)},
)
def rollback_configuration(app: TurnoutApp, user: RollbackUser, version: Version) -> JSONResponse:
    """Make a new version copying `version` and activate it."""
    return _activation_response(app.configurations.rollback(version, user.name))


@router.get("/{a}/diff/{b}", responses=errors(401, 403, 404, 422))
def diff(app: TurnoutApp, user: CurrentUser, a: Version, b: Version) -> dict[str, Any]:
    """What changes from version `a` to version `b` (`config diff --json`)."""
    left, right = app.configurations.get(a), app.configurations.get(b)
    changes = diff_configurations(left, right)
    return {"from": a, "to": b, "changes": [c.to_dict() for c in changes]}
