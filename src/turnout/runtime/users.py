"""User management: only an admin grants or revokes roles, and every change or refusal is
audited. The last user who may manage users keeps that role."""

from __future__ import annotations

from collections.abc import Callable

from turnout.domain.errors import NotFound, RequestError
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

    def revoke(self, name: str, role: Role, actor: str) -> User:
        """Take `role` away from `name` (admins only); refused when `name` does not hold it, or
        when it would leave no user who may manage users."""

        def act(uow: UnitOfWork) -> User:
            require_admin(uow, actor)
            user = uow.users.get(name)
            if user is None:
                raise NotFound(
                    f"user `{name}` does not exist; `turnout users list` lists the users"
                )
            if role not in user.roles:
                held = ", ".join(sorted(user.roles)) or "no role"
                raise RequestError(
                    f"user `{name}` does not have role {role} (roles: {held}); nothing to revoke"
                )
            left = User(name, user.roles - {role})
            managers = [u for u in uow.users.list() if u.name != name and u.may_manage_users()]
            if not managers and not left.may_manage_users():
                raise RequestError(
                    f"user `{name}` is the last admin; make another user an admin first "
                    "(`turnout users add NAME --role admin`), so that someone can still manage "
                    "users"
                )
            uow.users.remove_role(name, role)
            record_event(
                uow,
                None,
                EventAction.USER_REVOKE,
                actor,
                EventResult.OK,
                f"user `{name}` no longer has role {role} "
                f"(roles: {', '.join(sorted(left.roles)) or 'none'})",
                self._now(),
            )
            return left

        return run_audited(self._uow, EventAction.USER_REVOKE, actor, act, clock=self._now)

    def list(self) -> list[User]:
        with self._uow() as uow:
            return uow.users.list()
