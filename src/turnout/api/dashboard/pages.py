"""The dashboard's pages (GET): overview, configurations, diff, audit trail, runs."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from turnout.api.auth import TurnoutApp
from turnout.api.dashboard.change_views import (
    changed_runs,
    draft_problems,
    guard_panel,
    guard_status,
    in_pipeline_order_changes,
    recent_rollback,
    report_stages,
    trial_of,
)
from turnout.api.dashboard.chart import rate_chart
from turnout.api.dashboard.config_form import new_version_context
from turnout.api.dashboard.render import DashboardRoute, error_page, redirect, render
from turnout.api.dashboard.safe_change import DEFAULT_LAST, SINCE_CHOICES
from turnout.api.dashboard.session import DashboardUser
from turnout.api.dashboard.views import (
    may_wait_for_review,
    overview,
    rate_buckets,
    run_line,
    side_by_side,
)
from turnout.api.params import MAX_SQL_INT, Version, stored_version
from turnout.domain.configuration import ConfigStatus
from turnout.domain.errors import NotFound, RequestError
from turnout.domain.events import EventAction
from turnout.domain.runs import RunStatus
from turnout.runtime.audit import audit_trail
from turnout.runtime.authorization import counted_approvers, may_approve
from turnout.runtime.diff import diff_configurations
from turnout.views import run_to_dict

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

PAGE_SIZE = 25
Page = Annotated[int, Query(ge=1, le=MAX_SQL_INT // PAGE_SIZE)]
WINDOWS = {6: "6 hours", 24: "24 hours", 72: "3 days", 168: "7 days"}


def _optional_int(value: str, what: str) -> int | None:
    if not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_SQL_INT:
        raise RequestError(f"{what} `{value}` is not a version number; use a whole number like 3")
    return stored_version(number)


def _yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@router.get("/signin")
def signin_page(request: Request) -> Response:
    return render(request, "signin.html", None)


@router.get("/")
def overview_page(
    request: Request, app: TurnoutApp, user: DashboardUser, hours: int = 24
) -> Response:
    if hours not in WINDOWS:
        hours = 24
    buckets = rate_buckets(app, hours)
    with app.unit_of_work() as uow:
        recent = uow.runs.list(limit=8)
    return render(
        request,
        "overview.html",
        user,
        ov=overview(app),
        guard=guard_panel(guard_status(app)),
        rollback=guard_panel(recent_rollback(app)),
        chart=rate_chart(buckets),
        hours=hours,
        windows=WINDOWS,
        attempts=sum(b.ran for b in buckets),
        fallbacks=sum(b.fallback for b in buckets),
        failures=sum(b.failed for b in buckets),
        recent=[run_line(r) for r in recent],
    )


@router.get("/configurations")
def configurations_page(request: Request, app: TurnoutApp, user: DashboardUser) -> Response:
    history = app.configurations.history()
    pending = next((c for c in history if c.status is ConfigStatus.PENDING), None)
    return render(request, "configurations.html", user, history=history, pending=pending)


@router.get("/configurations/new")
def new_configuration_page(request: Request, app: TurnoutApp, user: DashboardUser) -> Response:
    return render(
        request,
        "new_configuration.html",
        user,
        summary="",
        problems=None,
        **new_version_context(app),
    )


@router.get("/configurations/diff")
def diff_page(
    request: Request, app: TurnoutApp, user: DashboardUser, a: str = "", b: str = ""
) -> Response:
    left_version = _optional_int(a, "version")
    right_version = _optional_int(b, "version")
    if left_version is None or right_version is None:
        raise RequestError("choose two versions to compare")
    left = app.configurations.get(left_version)
    right = app.configurations.get(right_version)
    changes = in_pipeline_order_changes(diff_configurations(left, right))
    history = app.configurations.history()
    lines = side_by_side(_yaml(left.document()), _yaml(right.document()))
    return render(
        request,
        "diff.html",
        user,
        left=left,
        right=right,
        changes=changes,
        history=history,
        lines=lines,
    )


@router.get("/configurations/{version}")
def configuration_page(
    request: Request, app: TurnoutApp, user: DashboardUser, version: Version, trial: str = ""
) -> Response:
    config = app.configurations.get(version)
    pending = app.configurations.pending()
    approvals = app.configurations.approvals(version)
    with app.unit_of_work() as uow:
        events = uow.events.list(config_id=config.config_id, limit=20)
        stages = uow.stages.stages()
        counted = counted_approvers(uow, config.created_by, [by for by, _ in approvals])
    tried = trial_of(app, version, trial.strip() or None)
    guard = guard_status(app)
    return render(
        request,
        "configuration.html",
        user,
        config=config,
        pending=pending,
        events=events,
        document=_yaml(config.document()),
        order=[s.stage_id for s in stages],
        problems=draft_problems(app, config),
        trial=tried,
        report=tried.report if tried else None,
        report_stages=report_stages(tried.report if tried else None),
        changed=changed_runs(tried.report if tried else None),
        since_choices=SINCE_CHOICES,
        default_last=DEFAULT_LAST,
        four_eyes=app.configurations.installation().four_eyes,
        approvals=approvals,
        approved_by_other=bool(counted),
        counted_approvers=counted,
        can_approve=may_approve(user),
        guard=guard_panel(guard if guard is not None and guard.guard.version == version else None),
    )


@router.get("/events")
def events_page(
    request: Request,
    app: TurnoutApp,
    user: DashboardUser,
    action: str = "",
    actor: str = "",
    version: str = "",
    page: Page = 1,
) -> Response:
    config_version = _optional_int(version, "version")
    with app.unit_of_work() as uow:
        items = audit_trail(
            uow,
            version=config_version,
            action=action or None,
            actor=actor.strip() or None,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
            versions_listed_by="the Configurations page",
        )
    return render(
        request,
        "events.html",
        user,
        events=items[:PAGE_SIZE],
        more=len(items) > PAGE_SIZE,
        page=page,
        actions=[str(a) for a in EventAction],
        filters={"action": action, "actor": actor, "version": version},
        params={
            k: v for k, v in {"action": action, "actor": actor, "version": version}.items() if v
        },
    )


@router.get("/runs")
def runs_page(
    request: Request, app: TurnoutApp, user: DashboardUser, status: str = "", page: Page = 1
) -> Response:
    try:
        wanted = RunStatus(status) if status else None
    except ValueError as exc:
        raise RequestError(
            f"run status `{status}` is unknown; choose one of {', '.join(RunStatus)}"
        ) from exc
    with app.unit_of_work() as uow:
        found = uow.runs.list(status=wanted, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        "runs.html",
        user,
        runs=[run_line(r) for r in found[:PAGE_SIZE]],
        more=len(found) > PAGE_SIZE,
        page=page,
        status=status,
        params={"status": status} if status else {},
        statuses=[str(s) for s in RunStatus],
    )


@router.get("/runs/{run_id}")
def run_page(request: Request, app: TurnoutApp, user: DashboardUser, run_id: str) -> Response:
    with app.unit_of_work() as uow:
        run = uow.runs.get(run_id)
    if run is None:
        raise NotFound(f"run {run_id} does not exist; the Runs page lists them")
    return render(
        request,
        "run.html",
        user,
        run=run,
        line=run_line(run),
        shape=run_to_dict(run),
        waits=may_wait_for_review(run),
    )


# Any other address under the dashboard's sections is a page that does not exist: answered with
# the dashboard's error page (HTML, with its navigation), not the API's JSON. Included after every
# other dashboard route, so it only answers what none of them does.
missing = APIRouter(route_class=DashboardRoute, include_in_schema=False)
SECTIONS = ("/review", "/runs", "/configurations", "/events")


def no_such_page(request: Request) -> Response:
    path = request.url.path
    section = next((s for s in SECTIONS if path.startswith(s + "/")), "/")
    if path == section + "/":
        return redirect(section)  # /review/ is /review
    shown = path if len(path) <= 200 else path[:200] + "…"
    return error_page(
        request,
        404,
        f"there is no page at {shown}; open {section} and follow its links, "
        "or start from the overview",
    )


for _section in SECTIONS:
    missing.add_api_route(f"{_section}/{{rest:path}}", no_such_page, methods=["GET"])
