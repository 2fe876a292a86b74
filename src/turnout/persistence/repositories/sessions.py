"""Dashboard sessions: only their hashes are stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from turnout.persistence.repositories.tokens import token_of
from turnout.persistence.tables import api_tokens, dashboard_sessions
from turnout.runtime.ports import ApiToken, DashboardSession

S = dashboard_sessions.c


class SqlSessionRepository:
    """The dashboard_sessions table (`SessionRepository` port)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, session: DashboardSession, session_hash: str) -> None:
        """Insert a session row; its token must exist and the hash must be new."""
        self._conn.execute(
            dashboard_sessions.insert().values(
                session_hash=session_hash,
                token_id=session.token_id,
                csrf=session.csrf,
                created_at=session.created_at,
                expires_at=session.expires_at,
                ended_at=session.ended_at,
            )
        )

    def live(self, session_hash: str, now: dt.datetime) -> tuple[DashboardSession, ApiToken] | None:
        """The session and its token, when the session has neither ended nor expired."""
        row = self._conn.execute(
            select(*_COLUMNS)
            .join(api_tokens, api_tokens.c.token_id == S.token_id)
            .where(S.session_hash == session_hash, S.ended_at.is_(None), S.expires_at > now)
        ).first()
        if row is None:
            return None
        values = row._mapping
        return _session(values), token_of(values)

    def end(self, session_hash: str, when: dt.datetime) -> None:
        """Mark the session ended; ending it again keeps the first time."""
        self._conn.execute(
            update(dashboard_sessions)
            .where(S.session_hash == session_hash, S.ended_at.is_(None))
            .values(ended_at=when)
        )

    def purge(self, before: dt.datetime) -> int:
        """Delete the sessions that expired or ended before `before`."""
        result = self._conn.execute(
            delete(dashboard_sessions).where(or_(S.expires_at < before, S.ended_at < before))
        )
        return int(result.rowcount or 0)


# the session's columns and its token's, named as in their own tables but for the session's
# `created_at`, so that `token_of` reads the token from the same row
_COLUMNS = (
    S.token_id,
    S.csrf,
    S.created_at.label("session_created_at"),
    S.expires_at,
    S.ended_at,
    api_tokens.c.name,
    api_tokens.c.created_at,
    api_tokens.c.last_used_at,
    api_tokens.c.revoked_at,
)


def _session(row: Any) -> DashboardSession:
    return DashboardSession(
        token_id=row["token_id"],
        csrf=row["csrf"],
        created_at=row["session_created_at"],
        expires_at=row["expires_at"],
        ended_at=row["ended_at"],
    )
