"""Taking a role away (`UserService.revoke`), on SQLite and PostgreSQL: admins only, the role
held, never the last admin's admin role; every revocation and refusal in the audit trail."""

from __future__ import annotations

import pytest

from turnout.domain.errors import NotFound, PermissionDenied, RequestError
from turnout.domain.users import Role
from turnout.persistence import Database
from turnout.runtime.users import UserService


@pytest.fixture
def users(db: Database) -> UserService:
    with db.unit_of_work() as uow:
        uow.users.add_role("ada", Role.ADMIN)
        uow.users.add_role("ola", Role.OPERATOR)
        uow.users.add_role("ola", Role.REVIEWER)
        uow.commit()
    return UserService(db.unit_of_work)


def revoke_events(db: Database) -> list[tuple[str, str, str]]:
    """(result, actor, message) of the `user_revoke` events, oldest first."""
    with db.unit_of_work() as uow:
        found = uow.events.list(action="user_revoke", limit=100)
    return [(str(e.result), e.actor, e.message) for e in reversed(found)]


def roles_of(users: UserService, name: str) -> set[str]:
    return next(set(u.roles) for u in users.list() if u.name == name)


def test_an_admin_takes_a_role_away_and_the_other_roles_stay(
    users: UserService, db: Database
) -> None:
    left = users.revoke("ola", Role.OPERATOR, "ada")
    assert left.roles == {Role.REVIEWER}
    assert roles_of(users, "ola") == {Role.REVIEWER}
    users.revoke("ola", Role.REVIEWER, "ada")
    assert roles_of(users, "ola") == set()  # still a user, with no role
    assert revoke_events(db) == [
        ("ok", "ada", "user `ola` no longer has role operator (roles: reviewer)"),
        ("ok", "ada", "user `ola` no longer has role reviewer (roles: none)"),
    ]


def test_only_an_admin_may_revoke_and_a_refusal_is_audited(
    users: UserService, db: Database
) -> None:
    with pytest.raises(PermissionDenied, match="may not manage users"):
        users.revoke("ada", Role.ADMIN, "ola")
    assert roles_of(users, "ada") == {Role.ADMIN}
    assert revoke_events(db)[-1][:2] == ("refused", "ola")


def test_a_role_not_held_or_an_unknown_user_is_refused(users: UserService, db: Database) -> None:
    with pytest.raises(RequestError, match=r"does not have role maintainer \(roles: operator, rev"):
        users.revoke("ola", Role.MAINTAINER, "ada")
    with pytest.raises(NotFound, match="user `nobody` does not exist"):
        users.revoke("nobody", Role.VIEWER, "ada")
    assert [r for r, _, _ in revoke_events(db)] == ["refused", "refused"]


def test_the_last_admin_keeps_the_admin_role(users: UserService, db: Database) -> None:
    with pytest.raises(RequestError, match="user `ada` is the last admin; make another user"):
        users.revoke("ada", Role.ADMIN, "ada")
    assert roles_of(users, "ada") == {Role.ADMIN}
    users.grant("ola", Role.ADMIN, "ada")
    users.revoke("ada", Role.ADMIN, "ada")  # another admin is left: allowed
    assert roles_of(users, "ada") == set()
    with pytest.raises(RequestError, match="user `ola` is the last admin"):
        users.revoke("ola", Role.ADMIN, "ola")
