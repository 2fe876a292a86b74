"""User management: only an admin grants roles, and every grant or refusal is audited."""

from __future__ import annotations

from collections.abc import Callable

from turnout.domain.events import EventAction, EventResult
from turnout.domain.users import Role, User
from turnout.runtime.audit import Clock, record_event, run_audited, utcnow
from turnout.runtime.authorization import require_admin
from turnout.runtime.ports import UnitOfWork


class UserService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock = utcnow) -> None:
        self._uow = uow_factory
        self._now = clock

    def grant(self, name: str, role: Role, actor: str) -> User:
        """Create `name` if needed and give it `role` (admins only)."""

        def act(uow: UnitOfWork) -> User:
            require_admin(uow, actor)
            uow.users.add_role(name, role)
            record_event(
                uow,
                None,
                EventAction.USER_ADD,
                actor,
                EventResult.OK,
                f"user `{name}` has role {role}",
                self._now(),
            )
            user = uow.users.get(name)
            assert user is not None
            return user

        return run_audited(self._uow, EventAction.USER_ADD, actor, act, clock=self._now)

    def list(self) -> list[User]:
        with self._uow() as uow:
            return uow.users.list()
