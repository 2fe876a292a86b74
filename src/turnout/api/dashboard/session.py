"""Signing in to the dashboard, CSRF tokens and one-shot messages.

Signing in with an API token opens a session kept on the server (`turnout.runtime.sessions`): the
cookie (HttpOnly, SameSite=Strict) holds a random session id, never the token. Every request reads
the session, its token and the user's roles again, so identity and roles come only from the
database. Forms that change something carry the session's CSRF token, stored with the session,
so any server process on the same database accepts it.
"""

from __future__ import annotations

import base64
import hmac
import json
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.responses import Response

from turnout.api.auth import audit_refusal, turnout_app
from turnout.api.errors import Unauthenticated
from turnout.domain.errors import PermissionDenied
from turnout.domain.events import EventAction
from turnout.domain.users import User
from turnout.runtime.sessions import SESSION_LIFETIME, OpenSession

SESSION_COOKIE = "turnout_session"
FLASH_COOKIE = "turnout_flash"
_RESUMED = "turnout_session"  # request.state attribute: the session, read once per request


def session_id(request: Request) -> str | None:
    """The session id of the request's cookie; None without one, or for one no session can have
    (a quoted cookie may carry a NUL, which the database cannot even look up)."""
    sid = request.cookies.get(SESSION_COOKIE) or None
    return None if sid is None or "\x00" in sid or len(sid) > 200 else sid


def current_session(request: Request) -> OpenSession | None:
    """The live session of the request's cookie (read once per request), or None."""
    if hasattr(request.state, _RESUMED):
        found: OpenSession | None = getattr(request.state, _RESUMED)
        return found
    sid = session_id(request)
    app = turnout_app(request)
    sessions = app.sessions
    found = sessions.resume(sid) if sid else None
    setattr(request.state, _RESUMED, found)
    return found


def dashboard_user(request: Request) -> User:
    """The user of the session; Unauthenticated sends the browser to the sign-in page."""
    if session_id(request) is None:
        raise Unauthenticated("sign in with an API token (`turnout tokens create NAME`)")
    session = current_session(request)
    if session is None:
        raise Unauthenticated(
            "your session has ended (signed out, expired, or its API token was revoked); "
            "sign in again with a live token"
        )
    if not session.user.roles:
        message = (
            f"user `{session.user.name}` has no role, so may not use the dashboard; an admin can "
            f"grant one: `turnout users add {session.user.name} --role viewer`"
        )
        audit_refusal(turnout_app(request), EventAction.ACCESS, session.user.name, message)
        raise PermissionDenied(message)
    return session.user


DashboardUser = Annotated[User, Depends(dashboard_user)]


def csrf_token(request: Request) -> str:
    """The CSRF token of this session ("" without one): forms send it back in `csrf`."""
    session = current_session(request)
    return session.csrf if session else ""


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing form whose CSRF token is missing or not this session's."""
    expected = csrf_token(request)
    if not submitted or not expected or not hmac.compare_digest(submitted, expected):
        message = (
            "the form's security token is missing or out of date, so nothing was changed; "
            "reload the page and submit the form again"
        )
        session = current_session(request)
        actor = session.user.name if session else f"unknown (client {client_address(request)})"
        audit_refusal(
            turnout_app(request),
            EventAction.ACCESS,
            actor,
            f"{request.method} {request.url.path}: {message}",
        )
        raise PermissionDenied(message)


def client_address(request: Request) -> str:
    """The client's address as the server sees it (a proxy's, unless it forwards the client's)."""
    return request.client.host if request.client else "unknown"


def foreign_origin(request: Request) -> str | None:
    """The other site a browser says this request comes from (Origin, else Referer), or None
    when it comes from this server's own pages or names no origin (not a browser's form).

    Same origin means the same host and port as the request's Host header; the scheme is not
    compared, since a TLS-terminating proxy talks plain HTTP to the server."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return None
    if origin == "null":  # a sandboxed frame or a file: page
        return origin
    host = request.headers.get("host", "")
    return None if urlsplit(origin).netloc.lower() == host.lower() else origin[:200]


def sign_in(request: Request, response: Response, session: OpenSession) -> None:
    assert session.session_id is not None, "only a session just opened has its id"
    response.set_cookie(
        SESSION_COOKIE,
        session.session_id,
        max_age=int(SESSION_LIFETIME.total_seconds()),
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
