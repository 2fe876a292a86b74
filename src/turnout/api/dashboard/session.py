"""Signing in to the dashboard, CSRF tokens and one-shot messages.

The session cookie holds the API token itself (HttpOnly, SameSite=Strict), and every request
checks it exactly as the API checks a bearer token (`turnout.api.auth.authenticate`): identity and
roles come only from the token's user. Forms that change something carry a CSRF token, an HMAC of
the session cookie under a secret of this server process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from turnout.api.auth import TurnoutApp, authenticate
from turnout.api.errors import Unauthenticated
from turnout.domain.errors import PermissionDenied
from turnout.domain.users import User

SESSION_COOKIE = "turnout_session"
FLASH_COOKIE = "turnout_flash"
SESSION_MAX_AGE_S = 12 * 3600


def new_secret() -> bytes:
    """The per-process key CSRF tokens are signed with."""
    return secrets.token_bytes(32)


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def dashboard_user(request: Request, app: TurnoutApp) -> User:
    """The user of the session cookie; Unauthenticated sends the browser to the sign-in page."""
    token = session_token(request)
    if token is None:
        raise Unauthenticated("sign in with an API token (`turnout tokens create NAME`)")
    return authenticate(app, token)


DashboardUser = Annotated[User, Depends(dashboard_user)]


def csrf_token(request: Request) -> str:
    """The CSRF token of this session: forms send it back in the `csrf` field."""
    token = session_token(request) or ""
    secret: bytes = request.app.state.dashboard_secret
    return hmac.new(secret, token.encode("utf-8"), hashlib.sha256).hexdigest()


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing form whose CSRF token is missing or not this session's."""
    if not submitted or not hmac.compare_digest(submitted, csrf_token(request)):
        raise PermissionDenied(
            "the form's security token is missing or out of date, so nothing was changed; "
            "reload the page and submit the form again"
        )


def sign_in(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def sign_out(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def set_flash(response: Response, kind: str, text: str) -> None:
    """A message shown once, on the next page (after a redirect)."""
    payload = json.dumps({"kind": kind, "text": text[:1500]}).encode("utf-8")
    response.set_cookie(
        FLASH_COOKIE,
        base64.urlsafe_b64encode(payload).decode("ascii"),
        max_age=60,
        httponly=True,
        samesite="strict",
        path="/",
    )


def take_flash(request: Request) -> dict[str, str] | None:
    """The pending one-shot message, if any (the caller deletes the cookie)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {"kind": str(data.get("kind", "info")), "text": str(data.get("text", ""))}
