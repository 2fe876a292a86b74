"""API tokens: issued and revoked by admins (audited), checked on every API request.

A token is `secrets.token_urlsafe(32)`: 256 random bits, so a plain SHA-256 of it is a safe thing to
store and look up (no salt or slow hash is needed for a secret nobody can guess). The token itself
is shown once, when it is created, and never stored.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from turnout.domain.errors import NotFound
from turnout.domain.events import EventAction, EventResult
from turnout.domain.users import User
from turnout.runtime.audit import Clock, record_event, run_audited, utcnow
from turnout.runtime.authorization import require_admin
from turnout.runtime.ports import ApiToken, UnitOfWork


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token: what the database stores and looks tokens up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `token` is the secret, shown to the admin once and stored nowhere."""

    record: ApiToken
    token: str


class TokenService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock = utcnow) -> None:
        self._uow = uow_factory
        self._now = clock

    def create(self, name: str, actor: str) -> IssuedToken:
        """Issue a token acting as user `name` (admins only; the user must exist)."""

        def act(uow: UnitOfWork) -> IssuedToken:
            require_admin(uow, actor)
            if uow.users.get(name) is None:
                raise NotFound(
                    f"user `{name}` does not exist; an admin creates it first: "
                    f"`turnout users add {name} --role viewer`"
                )
            token = secrets.token_urlsafe(32)
            record = ApiToken(token_id=str(uuid.uuid4()), name=name, created_at=self._now())
            uow.tokens.add(record, hash_token(token))
            record_event(
                uow,
                None,
                EventAction.TOKEN_CREATE,
                actor,
                EventResult.OK,
                f"token {record.token_id} issued for user `{name}`",
                self._now(),
            )
            return IssuedToken(record, token)

        return run_audited(self._uow, EventAction.TOKEN_CREATE, actor, act, clock=self._now)

    def revoke(self, token_id: str, actor: str) -> ApiToken:
        """Revoke a token (admins only); requests with it are refused from then on."""

        def act(uow: UnitOfWork) -> ApiToken:
            require_admin(uow, actor)
            if uow.tokens.get(token_id) is None:
                raise NotFound(
                    f"token {token_id} does not exist; `turnout tokens list` shows the token ids"
                )
            uow.tokens.revoke(token_id, self._now())
            record_event(
                uow,
                None,
                EventAction.TOKEN_REVOKE,
                actor,
                EventResult.OK,
                f"token {token_id} revoked",
                self._now(),
            )
            revoked = uow.tokens.get(token_id)
            assert revoked is not None
            return revoked

        return run_audited(self._uow, EventAction.TOKEN_REVOKE, actor, act, clock=self._now)

    def list(self) -> list[ApiToken]:
        """Every token, oldest first (ids and users only; the tokens themselves are not stored)."""
        with self._uow() as uow:
            return uow.tokens.list()

    def authenticate(self, token: str) -> User | None:
        """The user a live token acts as, with the roles the users table gives it; else None.

        Records the time of use. Unknown, revoked and user-less tokens all give None.
        """
        with self._uow() as uow:
            found = live_token(uow, token)
            if found is None:
                return None
            record, user = found
            uow.tokens.touch(record.token_id, self._now())
            uow.commit()
            return user


def live_token(uow: UnitOfWork, token: str) -> tuple[ApiToken, User] | None:
    """The token's record and its user, when the token is known, not revoked and its user
    exists; else None."""
    found = uow.tokens.by_hash(hash_token(token))
    if found is None or found.revoked_at is not None:
        return None
    user = uow.users.get(found.name)
    return None if user is None else (found, user)
