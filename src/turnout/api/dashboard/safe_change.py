"""The dashboard's safe-change forms: try a version on recent invoices, follow the trial, approve a
version (four eyes), delete a draft.

They call the same services as the API and the CLI (`App.trials`, `App.configurations`), with the
signed-in user as the actor: the services check the role and audit every refusal.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.responses import JSONResponse, Response

from turnout.api.auth import TurnoutApp
from turnout.api.dashboard.actions import FormUser
from turnout.api.dashboard.render import DashboardRoute, redirect
from turnout.api.dashboard.session import DashboardUser
from turnout.api.params import Version
from turnout.domain.errors import RequestError
from turnout.runtime.trial import trial_scope

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

# What the "since" choice of the trial panel offers (the CLI takes any duration or time).
SINCE_CHOICES = {"1h": "the last hour", "24h": "the last 24 hours", "7d": "the last 7 days"}
DEFAULT_LAST = 50


def _last(text: str) -> int:
    try:
        return int(text.strip() or DEFAULT_LAST)
    except ValueError:
        raise RequestError(
            f"`{text}` is not a number of runs; give a whole number like {DEFAULT_LAST}"
        ) from None


@router.post("/configurations/{version}/trials")
def start_trial(
    app: TurnoutApp,
    user: FormUser,
    version: Version,
    scope: Annotated[str, Form()] = "last",
    last: Annotated[str, Form()] = "",
    since: Annotated[str, Form()] = "24h",
) -> Response:
    """Start trying `version` on the last N recorded runs or on the runs since a time; the
    configuration page follows it and shows its report."""
    if scope == "since":
        if since not in SINCE_CHOICES:
            raise RequestError(f"since `{since}` is not offered; choose {', '.join(SINCE_CHOICES)}")
        chosen = trial_scope(since=since)
    elif scope == "last":
        chosen = trial_scope(last=_last(last))
    else:
        raise RequestError(f"scope `{scope}` is unknown; choose `last` or `since`")
    trial = app.trials.start(version, chosen, user.name)
    return redirect(
        f"/configurations/{version}?trial={trial.trial_id}#trial",
        "ok",
        f"trying version {version} on {chosen.describe()}; the report follows when it is done",
    )


@router.get("/trials/{trial_id}/progress")
def trial_progress(app: TurnoutApp, user: DashboardUser, trial_id: str) -> Response:
    """Where a trial stands, for the page that follows it: `{status, done, total, error}`."""
    trial = app.trials.get(trial_id)
    body: dict[str, Any] = {
        "trial_id": trial.trial_id,
        "version": trial.version,
        "status": str(trial.status),
        "done": trial.done,
        "total": trial.total,
        "error": trial.error,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.post("/configurations/{version}/approve")
def approve(app: TurnoutApp, user: FormUser, version: Version) -> Response:
    """Four eyes: approve a version written by someone else."""
    result = app.configurations.approve(version, user.name)
    return redirect(f"/configurations/{version}", "ok", result.message)


@router.post("/configurations/{version}/delete")
def delete(app: TurnoutApp, user: FormUser, version: Version) -> Response:
    """Delete (archive) a draft, validated or rejected version: hidden from the lists, kept in
    the audit trail."""
    app.configurations.delete(version, user.name)
    return redirect(
        "/configurations",
        "ok",
        f"version {version} deleted: hidden from the lists, kept in the audit trail",
    )
