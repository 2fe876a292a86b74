"""Dashboard sessions: opened with an API token, kept on the server, ended by signing out.

The browser's cookie holds a random session id (256 bits); the database stores its SHA-256, the
token the session was opened with and the CSRF token of its forms. Every request reads the session
and its token again, so signing out, revoking the token or removing the user's roles takes effect
at the next click, on every server process sharing the database.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from turnout.domain.users import User
from turnout.runtime.audit import Clock, utcnow
from turnout.runtime.ports import DashboardSession, UnitOfWork
from turnout.runtime.tokens import hash_token, live_token

SESSION_LIFETIME = dt.timedelta(hours=12)


@dataclass(frozen=True)
class OpenSession:
    """A live session: the user it acts as (roles as the users table has them now) and the CSRF
    token its forms carry. `session_id` is set only when the session was just opened."""

    user: User
    csrf: str
    session_id: str | None = None


class SessionService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock = utcnow,
        reader_factory: Callable[[], UnitOfWork] | None = None,
    ) -> None:
        self._uow = uow_factory
        self._now = clock
        # every dashboard request resumes its session: a read that needs no write lock
        self._reader = reader_factory or uow_factory

    def open(self, token: str) -> OpenSession | None:
        """A new session for a live token's user; None for an unknown, revoked or user-less token.

        Sessions that ended or expired a lifetime ago are deleted on the way."""
        now = self._now()
        with self._uow() as uow:
            found = live_token(uow, token)
            if found is None:
                return None
            record, user = found
            session_id = secrets.token_urlsafe(32)
            csrf = secrets.token_hex(32)
            session = DashboardSession(record.token_id, csrf, now, now + SESSION_LIFETIME)
            uow.sessions.add(session, hash_token(session_id))
            uow.tokens.touch(record.token_id, now)
            uow.sessions.purge(now - SESSION_LIFETIME)
            uow.commit()
            return OpenSession(user, csrf, session_id)

    def resume(self, session_id: str) -> OpenSession | None:
        """The live session with this id; None when it is unknown, ended or expired, or its token
        was revoked or its user removed."""
        with self._reader() as uow:
            found = uow.sessions.live(hash_token(session_id), self._now())
            if found is None:
                return None
            session, token = found
            if token.revoked_at is not None:
                return None
            user = uow.users.get(token.name)
            if user is None:
                return None
            return OpenSession(user, session.csrf)

    def close(self, session_id: str) -> None:
        """End the session (signing out); an unknown or ended one stays as it is."""
        with self._uow() as uow:
            uow.sessions.end(hash_token(session_id), self._now())
            uow.commit()
