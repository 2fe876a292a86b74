"""Rendering pages, and turning every error of a dashboard route into a page with a message."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from turnout.api.auth import UPLOADERS, turnout_app
from turnout.api.dashboard.session import (
    FLASH_COOKIE,
    csrf_token,
    session_id,
    set_flash,
    sign_out,
    take_flash,
)
from turnout.api.errors import Unauthenticated, status_of
from turnout.domain.errors import TurnoutError
from turnout.domain.users import User

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def _when(value: dt.datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


# Pages show who is signed in and what they may do: never cached. The security headers (frames,
# CSP, referrer) come with every response, from `turnout.api.guards.RequestGuard`.
PAGE_HEADERS = {"Cache-Control": "no-store"}

templates.env.filters["when"] = _when
templates.env.filters["minute"] = lambda v: _when(v)[:16]  # without the seconds, for lists
templates.env.filters["pretty"] = _pretty
templates.env.filters["label"] = lambda v: str(v).replace("_", " ")


def render(
    request: Request,
    name: str,
    user: User | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render template `name` with the signed-in user's permissions, CSRF token and message."""
    flash = take_flash(request)
    waiting = turnout_app(request).reviews.count() if user is not None else None
    response = templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "roles": ", ".join(sorted(user.roles)) if user else "",
            "can_change": bool(user and user.may_change_configurations()),
            "can_upload": bool(user and user.roles & UPLOADERS),
            "can_review": bool(user and user.may_review()),
            "waiting": waiting,
            "csrf": csrf_token(request) if session_id(request) else "",
            "flash": flash,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    response.headers.update(PAGE_HEADERS)
    return response


def redirect(url: str, kind: str | None = None, text: str | None = None) -> Response:
    """See other page (303), with a one-shot message when given."""
    response = RedirectResponse(url, status_code=303)
    if kind is not None and text is not None:
        set_flash(response, kind, text)
    return response


def error_page(request: Request, status_code: int, message: str) -> Response:
    return render(request, "error.html", None, status_code, status=status_code, message=message)


class DashboardRoute(APIRoute):
    """Errors become pages: an unknown or missing session goes to the sign-in page, every other
    error is shown as its message with the HTTP status, never as a traceback."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Unauthenticated as exc:
                response = redirect("/signin")
                if session_id(request):
                    sign_out(response)
                    set_flash(response, "error", str(exc))
                return response
            except TurnoutError as exc:
                return error_page(request, status_of(exc), str(exc))
            except RequestValidationError as exc:
                reasons = "; ".join(
                    f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
                    for e in exc.errors()
                )
                return error_page(request, 400, f"the request is not valid: {reasons}")
            except HTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))

        return handle
