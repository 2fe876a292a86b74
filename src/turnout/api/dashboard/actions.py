"""The dashboard's forms (POST): sign in and out, configuration changes, invoice upload.

Every change goes through the same services as the API, with the signed-in token's user as the
actor, so role checks and the audit trail (refusals included) are the API's own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from turnout.api.auth import NoRole, TurnoutApp, audit_refusal, authenticate, require_uploader
from turnout.api.dashboard.config_form import new_version_context
from turnout.api.dashboard.render import DashboardRoute, redirect, render
from turnout.api.dashboard.session import (
    DashboardUser,
    check_csrf,
    client_address,
    current_session,
    foreign_origin,
    session_id,
    sign_in,
    sign_out,
)
from turnout.api.dashboard.throttle import SignInThrottle
from turnout.api.errors import Unauthenticated, status_of
from turnout.api.params import Version, refuse_nul
from turnout.api.uploads import read_upload
from turnout.domain.errors import InvalidConfiguration, PermissionDenied, RequestError
from turnout.domain.events import EventAction
from turnout.domain.users import User
from turnout.runtime.config_document import load_document
from turnout.runtime.guard import requested_spec
from turnout.runtime.results import ActivationResult
from turnout.runtime.validation import checks_for

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

Csrf = Annotated[str, Form()]


def form_user(request: Request, user: DashboardUser, csrf: Csrf = "") -> User:
    """The signed-in user of a form that changes something, once its CSRF token is checked."""
    check_csrf(request, csrf)
    return user


FormUser = Annotated[User, Depends(form_user)]
FLASH_KIND = {"done": "ok", "waiting": "warn", "refused": "error"}  # by ActivationStatus.outcome
MAX_GUARD_RUNS = 100_000


@router.post("/signin")
def signin(request: Request, app: TurnoutApp, token: Annotated[str, Form()] = "") -> Response:
    """Open a session for an API token: same-origin only, throttled after repeated failures
    (per client address and per user), every failure audited."""
    client = client_address(request)
    foreign = foreign_origin(request)
    if foreign is not None:
        message = (
            f"sign-in from another site ({foreign}) refused: sign in on this server's own page"
        )
        audit_refusal(app, EventAction.SIGN_IN, f"unknown (client {client})", message)
        return render(request, "signin.html", None, 403, error=message)
    throttle: SignInThrottle = request.app.state.signin_throttle
    address_key = f"addr:{client}"
    wait = throttle.wait_s(address_key)
    if wait:
        return _throttled(request, wait)
    token = token.strip()
    if not token:
        return render(request, "signin.html", None, 400, error="paste your API token first")
    try:
        user = authenticate(app, token)  # the API's own check: 401 unknown/revoked, 403 no role
        if throttle.wait_s(f"user:{user.name}"):
            return _throttled(request, throttle.wait_s(f"user:{user.name}"))
        session = app.sessions.open(token)
        if session is None:  # revoked between the two reads
            raise Unauthenticated("the token is unknown or revoked; ask an admin for a new one")
    except (Unauthenticated, PermissionDenied) as exc:
        # A user without a role is audited by authenticate() and counted against the user too.
        named = exc.user_name if isinstance(exc, NoRole) else None
        keys = (address_key, f"user:{named}") if named else (address_key,)
        if named and throttle.wait_s(f"user:{named}"):
            return _throttled(request, throttle.wait_s(f"user:{named}"))
        wait = throttle.failed(*keys)
        if isinstance(exc, Unauthenticated):
            audit_refusal(
                app,
                EventAction.SIGN_IN,
                f"unknown (client {client})",
                "sign-in with an unknown or revoked token"
                + (f"; this client now waits {wait} s before trying again" if wait else ""),
            )
        return render(request, "signin.html", None, status_of(exc), error=str(exc))
    throttle.succeeded(address_key, f"user:{user.name}")
    previous = session_id(request)
    if previous is not None:  # signing in again (as someone else, say) ends the old session
        app.sessions.close(previous)
    response = redirect("/", "ok", f"signed in as {user.name} ({', '.join(sorted(user.roles))})")
    sign_in(request, response, session)
    return response


@router.post("/signout")
def signout(request: Request, app: TurnoutApp, csrf: Csrf = "") -> Response:
    sid = session_id(request)
    if sid is not None and current_session(request) is not None:
        check_csrf(request, csrf)  # a live session is only ended by its own pages
        app.sessions.close(sid)
    response = redirect("/signin", "ok", "signed out")
    sign_out(response)
    return response


@router.post("/configurations/new")
def create_configuration(
    request: Request,
    app: TurnoutApp,
    user: FormUser,
    document: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
) -> Response:
    try:
        doc = load_document(
            document,
            summary=summary.strip() or None,
            source="the document",
            checks=checks_for(app.registry),
        )
        refuse_nul(doc, "the document")
        created = app.configurations.create(doc, user.name)
    except InvalidConfiguration as exc:
        return render(
            request,
            "new_configuration.html",
            user,
            400,
            summary=summary,
            problems=exc.problems,
            headline=str(exc).split("\n", 1)[0],
            **new_version_context(app, document),
        )
    version = created.config.version
    if not created.valid:
        return redirect(
            f"/configurations/{version}",
            "error",
            f"version {version} was stored as a draft with {len(created.problems)} problem(s) "
            "to fix; they are listed below",
        )
    return redirect(
        f"/configurations/{version}",
        "ok",
        f"version {version} created and validated — try it on recent invoices or activate it",
    )


@router.post("/configurations/cancel-pending")
def cancel_pending(app: TurnoutApp, user: FormUser) -> Response:
    return _after(app.configurations.cancel(user.name))


@router.post("/configurations/{version}/validate")
def validate(app: TurnoutApp, user: FormUser, version: Version) -> Response:
    report = app.configurations.validate(version, user.name)
    if report.valid:
        return redirect(
            f"/configurations/{version}", "ok", f"version {version} is valid; it can be activated"
        )
    problems = "\n".join(f"- {p}" for p in report.problems)
    return redirect(
        f"/configurations/{version}",
        "error",
        f"version {version} is not valid and stays a draft:\n{problems}",
    )


@router.post("/configurations/{version}/activate")
def activate(
    app: TurnoutApp,
    user: FormUser,
    version: Version,
    guard: Annotated[str, Form()] = "",
    guard_runs: Annotated[str, Form()] = "",
) -> Response:
    """Activate; with `guard` ticked, a guard watches the first `guard_runs` runs (the version's
    own `guard:` block gives the limits, else the defaults)."""
    spec = None
    if guard:
        runs = _guard_runs(guard_runs)
        spec = requested_spec(app.configurations.get(version), runs)
    return _after(app.configurations.activate(version, user.name, guard=spec))


def _guard_runs(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        runs = int(text)
    except ValueError:
        runs = 0
    if not 1 <= runs <= MAX_GUARD_RUNS:
        raise RequestError(
            f"guard the first `{text}` runs: give a whole number of runs from 1 to "
            f"{MAX_GUARD_RUNS:,}, like 50"
        )
    return runs


@router.post("/configurations/{version}/rollback")
def rollback(app: TurnoutApp, user: FormUser, version: Version) -> Response:
    return _after(app.configurations.rollback(version, user.name))


def _throttled(request: Request, wait: int) -> Response:
    response = render(
        request,
        "signin.html",
        None,
        429,
        error=f"too many failed sign-ins; wait {wait} s, then sign in with a live API token",
    )
    response.headers["Retry-After"] = str(wait)
    return response


def _after(result: ActivationResult) -> Response:
    return redirect(
        f"/configurations/{result.version}",
        FLASH_KIND[result.status.outcome],
        result.message,
    )


@router.post("/runs")
async def upload(request: Request, app: TurnoutApp, user: DashboardUser) -> Response:
    """Run the uploaded invoices; one file goes to its run, several to the runs list."""
    await run_in_threadpool(require_uploader, app, user)
    try:
        form = await read_upload(request, request.app.state.max_upload_bytes)
    except RequestValidationError as exc:
        raise RequestError("choose one or more invoice files to upload first") from exc
    check_csrf(request, form.fields.get("csrf"))
    runs = await run_in_threadpool(app.runner.run_many, form.files, app.settings.workers)
    if len(runs) == 1:
        run = runs[0]
        return redirect(f"/runs/{run.run_id}", "ok", f"{run.file_name}: {run.status}")
    done = ", ".join(f"{r.file_name}: {r.status}" for r in runs)
    return redirect("/runs", "ok", f"{len(runs)} runs — {done}")
