"""Users and their roles."""

from __future__ import annotations

import builtins
import datetime as dt
from collections import defaultdict

from sqlalchemy import Connection, delete, select

from turnout.domain.users import Role, User
from turnout.persistence.repositories.upsert import upsert
from turnout.persistence.tables import user_roles, users


class SqlUserRepository:
    """The users and user_roles tables (`UserRepository` port)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, name: str) -> User | None:
        """The user with every role granted, or None when unknown."""
        found = self._load(name)
        return found[0] if found else None

    def add_role(self, name: str, role: Role) -> None:
        """Create the user if needed and grant the role (idempotent)."""
        now = dt.datetime.now(dt.UTC)
        upsert(self._conn, users, {"name": name, "created_at": now}, ["name"], update=False)
        upsert(
            self._conn,
            user_roles,
            {"name": name, "role": role.value},
            ["name", "role"],
            update=False,
        )

    def remove_role(self, name: str, role: Role) -> None:
        """Take the role away from the user (nothing when the user does not hold it)."""
        held = (user_roles.c.name == name) & (user_roles.c.role == role.value)
        self._conn.execute(delete(user_roles).where(held))

    def list(self) -> builtins.list[User]:
        """Every user, by name."""
        return self._load(None)

    def _load(self, name: str | None) -> builtins.list[User]:
        query = (
            select(users.c.name, user_roles.c.role)
            .outerjoin(user_roles, user_roles.c.name == users.c.name)
            .order_by(users.c.name)
        )
        if name is not None:
            query = query.where(users.c.name == name)
        roles: dict[str, set[Role]] = defaultdict(set)
        for user_name, role in self._conn.execute(query):
            held = roles[user_name]  # a user without roles is still listed
            if role is not None:
                held.add(Role(role))
        return [User(n, frozenset(r)) for n, r in roles.items()]
