"""API tokens: only their hashes are stored."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any

from sqlalchemy import Connection, select, update

from turnout.persistence.tables import api_tokens
from turnout.runtime.ports import ApiToken


class SqlTokenRepository:
    """The api_tokens table (`TokenRepository` port)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, token: ApiToken, token_hash: str) -> None:
        """Insert a token row; its user must exist and the hash must be new."""
        self._conn.execute(
            api_tokens.insert().values(
                token_id=token.token_id,
                name=token.name,
                token_hash=token_hash,
                created_at=token.created_at,
                last_used_at=token.last_used_at,
                revoked_at=token.revoked_at,
            )
        )

    def get(self, token_id: str) -> ApiToken | None:
        """The token with this id, or None."""
        row = self._conn.execute(
            select(api_tokens).where(api_tokens.c.token_id == token_id)
        ).first()
        return token_of(row._mapping) if row else None

    def by_hash(self, token_hash: str) -> ApiToken | None:
        """The token whose hash this is (revoked or not), or None."""
        row = self._conn.execute(
            select(api_tokens).where(api_tokens.c.token_hash == token_hash)
        ).first()
        return token_of(row._mapping) if row else None

    def touch(self, token_id: str, when: dt.datetime) -> None:
        """Record that the token was used at `when`."""
        self._conn.execute(
            update(api_tokens).where(api_tokens.c.token_id == token_id).values(last_used_at=when)
        )

    def revoke(self, token_id: str, when: dt.datetime) -> None:
        """Mark the token revoked; a second revocation keeps the first time."""
        self._conn.execute(
            update(api_tokens)
            .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=when)
        )

    def list(self, name: str | None = None) -> builtins.list[ApiToken]:
        """Every token (of `name`, when given), oldest first."""
        query = select(api_tokens).order_by(api_tokens.c.created_at, api_tokens.c.token_id)
        if name is not None:
            query = query.where(api_tokens.c.name == name)
        return [token_of(row._mapping) for row in self._conn.execute(query)]


def token_of(row: Any) -> ApiToken:
    """The token of a row with the api_tokens columns (by their names)."""
    return ApiToken(
        token_id=row["token_id"],
        name=row["name"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
    )
