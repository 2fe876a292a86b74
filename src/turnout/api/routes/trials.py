"""/configurations/{v}/trials and /trials: try a version in shadow on recent invoices.

Starting a trial needs operator or maintainer (refusals audited as `trial`); it runs in the
background of this server (`App.trials.start`) and is polled with `GET /trials/{trial_id}`
until its status is `done` (its `report` is the `turnout config try --json` report) or
`failed`. A server runs one trial at a time and keeps a few more waiting their turn; one more is
refused with 409 (audited). Reading trials needs any role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from turnout.api.auth import CurrentUser, TurnoutApp
from turnout.api.bodies import json_request_body, read_json
from turnout.api.errors import error_body
from turnout.api.params import Version
from turnout.api.responses import WRITE_ERRORS, errors
from turnout.domain.errors import RequestError
from turnout.domain.events import EventAction
from turnout.domain.trial import TrialsBusy
from turnout.domain.users import User
from turnout.runtime.audit import run_audited
from turnout.runtime.authorization import require_trier
from turnout.runtime.ports import UnitOfWork
from turnout.runtime.trial import MAX_RUNS, trial_scope

router = APIRouter(tags=["trials"])


def trier(app: TurnoutApp, user: CurrentUser, version: Version) -> User:
    """The caller, if allowed to try configurations (operator or maintainer, as to change them); a refusal is
    audited as `trial` with the version. A dependency: the role is checked before the body."""
    run_audited(
        app.unit_of_work,
        EventAction.TRIAL,
        user.name,
        lambda uow: require_trier(uow, user.name),
        version=version,
    )
    return user


Trier = Annotated[User, Depends(trier)]


def _refused(error: RequestError) -> Callable[[UnitOfWork], None]:
    def act(uow: UnitOfWork) -> None:
        raise error

    return act


class TrialRequest(BaseModel):
    """What to try the version on: the last N recorded runs, or the runs since a time (one of
    them; neither: the last 50)."""

    model_config = ConfigDict(extra="forbid")

    last: int | None = Field(default=None, ge=1, le=MAX_RUNS, description="The last N runs.")
    since: str | None = Field(
        default=None,
        max_length=64,
        description="The runs since: `24h`, `90m`, `7d`, or an ISO time.",
    )


async def trial_request(request: Request) -> TrialRequest:
    """The body as a `TrialRequest`; an empty body asks for the defaults."""
    value = await read_json(request) if await request.body() else {}
    try:
        return TrialRequest.model_validate(value)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from exc


@router.post(
    "/configurations/{version}/trials",
    status_code=202,
    responses={202: {"description": "The trial, running"}, **errors(*WRITE_ERRORS, 404, 409)},
    openapi_extra=json_request_body(
        TrialRequest.model_json_schema(),
        '`{"last": 50}` or `{"since": "24h"}` (an empty body: the last 50 runs).',
    ),
)
def start_trial(
    app: TurnoutApp,
    user: Trier,
    version: Version,
    body: Annotated[TrialRequest, Depends(trial_request)],
) -> JSONResponse:
    """Start a trial of the version in the background: 202 with the trial (status `running`);
    poll `GET /api/v1/trials/{trial_id}`; it waits its turn behind a trial the server runs
    already. 409 when the server has as many trials waiting as it keeps. Nothing leaves a trial
    (no export is written or sent, no run is stored)."""
    try:
        scope = trial_scope(body.last, body.since)
    except RequestError as exc:  # audited with the version, as the service's own refusals
        run_audited(app.unit_of_work, EventAction.TRIAL, user.name, _refused(exc), version=version)
        raise
    try:
        trial = app.trials.start(version, scope, user.name)
    except TrialsBusy as exc:
        return JSONResponse(error_body(type(exc).__name__, str(exc)), status_code=409)
    return JSONResponse(trial.to_dict(), status_code=202)


@router.get("/trials", responses=errors(401, 403, 422))
def list_trials(
    app: TurnoutApp,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[dict[str, Any]]:
    """The newest trials first, each with its progress and (once done) its report."""
    return [t.to_dict() for t in app.trials.list(limit)]


@router.get("/trials/{trial_id}", responses=errors(401, 403, 404, 422))
def get_trial(
    app: TurnoutApp,
    user: CurrentUser,
    trial_id: Annotated[str, Path(min_length=1, max_length=36)],
) -> dict[str, Any]:
    """One trial: its status, progress (`done` of `total`) and, once done, its report."""
    return app.trials.get(trial_id).to_dict()
