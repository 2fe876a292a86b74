"""Who is calling: the user a bearer token acts as, with roles from the users table.

Nothing else in a request names the actor: headers, query parameters or body fields claiming a
user or a role are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from turnout.api.errors import Unauthenticated
from turnout.bootstrap import App
from turnout.domain.errors import PermissionDenied
from turnout.domain.events import EventAction, EventResult
from turnout.domain.users import CONFIG_CHANGERS, REVIEWERS, Role, User
from turnout.runtime.audit import record_event, run_audited, utcnow
from turnout.runtime.authorization import require_config_changer

_bearer = HTTPBearer(auto_error=False, description="A token from `turnout tokens create NAME`.")

UPLOADERS = CONFIG_CHANGERS | {Role.ADMIN}
PROFILE_KEEPERS = frozenset({Role.OPERATOR, Role.MAINTAINER})
"""Who may import or reset an issuer profile (people's reviews teach profiles by themselves)."""


class NoRole(PermissionDenied):
    """The token is live but its user has no role (HTTP 403); `user_name` says whose it is."""

    def __init__(self, message: str, user_name: str) -> None:
        super().__init__(message)
        self.user_name = user_name


def turnout_app(request: Request) -> App:
    """The bootstrap App this API was built on."""
    app: App = request.app.state.turnout
    return app


TurnoutApp = Annotated[App, Depends(turnout_app)]


def authenticate(app: App, token: str) -> User:
    """The user a token acts as: 401 for an unknown or revoked token, 403 for a user without a
    role. Bearer tokens (the API) and the dashboard's session cookie both come through here."""
    user = app.tokens.authenticate(token)
    if user is None:
        raise Unauthenticated(
            "the token is unknown or revoked; ask an admin for a new one "
            "(`turnout tokens create NAME`)"
        )
    if not user.roles:
        message = (
            f"user `{user.name}` has no role, so may not use Turnout; an admin can grant one: "
            f"`turnout users add {user.name} --role viewer`"
        )
        audit_refusal(app, EventAction.ACCESS, user.name, message)
        raise NoRole(message, user.name)
    return user


def audit_refusal(app: App, action: EventAction, actor: str, message: str) -> None:
    """Record a refusal that no service saw (no role, a stale form, a failed sign-in)."""
    with app.unit_of_work() as uow:
        record_event(uow, None, action, actor[:200], EventResult.REFUSED, message, utcnow())
        uow.commit()


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""The request's `Authorization` header, if any (the scheme is checked by `current_user`)."""


def current_user(app: TurnoutApp, credentials: BearerCredentials) -> User:
    """The user of the bearer token; 401 without a live token, 403 for a user without a role."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(
            "no bearer token; send `Authorization: Bearer <token>` with a token from "
            "`turnout tokens create NAME` (run by an admin)"
        )
    return authenticate(app, credentials.credentials)


CurrentUser = Annotated[User, Depends(current_user)]


def require_uploader(app: App, user: User) -> User:
    """`user`, if allowed to upload invoices (operator, maintainer or admin); a refusal is
    audited, then raised as PermissionDenied."""
    if user.roles & UPLOADERS:
        return user
    message = (
        f"user `{user.name}` ({', '.join(sorted(user.roles))}) may not upload invoices; it needs "
        f"the operator, maintainer or admin role: `turnout users add {user.name} --role operator`"
    )
    audit_refusal(app, EventAction.RUN_UPLOAD, user.name, message)
    raise PermissionDenied(message)


def uploader(app: TurnoutApp, user: CurrentUser) -> User:
    """The caller, if allowed to upload invoices; refusals are audited."""
    return require_uploader(app, user)


Uploader = Annotated[User, Depends(uploader)]


def config_changer(action: EventAction) -> Callable[..., User]:
    """A dependency: the caller, if allowed to change configurations (refusals audited as
    `action`). Dependencies run before the body is read, so a viewer's change is a 403 whatever
    its body says."""

    def dependency(app: TurnoutApp, user: CurrentUser) -> User:
        run_audited(
            app.unit_of_work, action, user.name, lambda uow: require_config_changer(uow, user.name)
        )
        return user

    return dependency


def require_role(
    app: App, user: User, allowed: frozenset[Role], action: EventAction, doing: str, role: Role
) -> User:
    """`user`, if it holds one of `allowed`; otherwise the refusal is audited as `action` and
    raised as PermissionDenied naming what it may not do (`doing`) and the role to grant."""
    if user.roles & allowed:
        return user
    needed = " or ".join(sorted(allowed))
    message = (
        f"user `{user.name}` ({', '.join(sorted(user.roles))}) may not {doing}; it needs the "
        f"{needed} role: `turnout users add {user.name} --role {role}` (by an admin)"
    )
    audit_refusal(app, action, user.name, message)
    raise PermissionDenied(message)


def reviewer(app: TurnoutApp, user: CurrentUser, request: Request) -> User:
    """The caller, if allowed to review runs (reviewer or operator); refusals are audited as
    `review`. A dependency, so the role is checked before the body is read."""
    doing = f"review runs ({request.method} {request.url.path})"
    return require_role(app, user, REVIEWERS, EventAction.REVIEW, doing, Role.REVIEWER)


Reviewer = Annotated[User, Depends(reviewer)]


def profile_keeper(app: TurnoutApp, user: CurrentUser, request: Request) -> User:
    """The caller, if allowed to import or reset issuer profiles (operator or maintainer);
    refusals are audited as `profile`."""
    doing = f"import or reset issuer profiles ({request.method} {request.url.path})"
    return require_role(app, user, PROFILE_KEEPERS, EventAction.PROFILE, doing, Role.OPERATOR)


ProfileKeeper = Annotated[User, Depends(profile_keeper)]
