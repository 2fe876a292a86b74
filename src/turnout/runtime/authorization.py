"""Who may do what. The role comes from the users table, never from what the caller claims."""

from __future__ import annotations

from collections.abc import Callable

from turnout.domain.errors import PermissionDenied
from turnout.domain.users import Role, User
from turnout.runtime.ports import UnitOfWork


def require_config_changer(uow: UnitOfWork, actor: str) -> User:
    """The acting user, if an operator or maintainer; otherwise PermissionDenied with the fix."""
    return _require(
        uow,
        actor,
        User.may_change_configurations,
        "change configurations",
        "the operator or maintainer",
        "operator",
    )


def require_approver(uow: UnitOfWork, actor: str) -> User:
    """The acting user, if a maintainer (four eyes: only a maintainer approves a version for
    activation); otherwise PermissionDenied with the fix."""
    return _require(
        uow, actor, may_approve, "approve configurations", "the maintainer", "maintainer"
    )


def may_approve(user: User | None) -> bool:
    """Whether `user` may approve a version for activation (four eyes): a maintainer."""
    return user is not None and Role.MAINTAINER in user.roles


def counted_approvers(uow: UnitOfWork, author: str, approvers: list[str]) -> list[str]:
    """The approvers whose approval counts at activation now: not the author, and a maintainer
    still (an approval by a user who has since lost the role no longer counts)."""
    return [by for by in approvers if by != author and may_approve(uow.users.get(by))]


def require_trier(uow: UnitOfWork, actor: str) -> User:
    """The acting user, if an operator or maintainer (who may try configurations in shadow);
    otherwise PermissionDenied with the fix."""
    return _require(
        uow,
        actor,
        User.may_change_configurations,
        "try configurations",
        "the operator or maintainer",
        "operator",
    )


def _require(
    uow: UnitOfWork, actor: str, may: Callable[[User], bool], what: str, needs: str, role: str
) -> User:
    """The acting user if `may` says so; otherwise PermissionDenied naming the role it needs and
    the command an admin runs to grant it."""
    user = uow.users.get(actor)
    if user is None:
        raise PermissionDenied(
            f"user `{actor}` is not registered, so may not {what}; "
            f"an admin can allow it: `turnout users add {actor} --role {role}`"
        )
    if not may(user):
        roles = ", ".join(sorted(user.roles)) or "no role"
        raise PermissionDenied(
            f"user `{actor}` ({roles}) may not {what}; it needs {needs} "
            f"role: `turnout users add {actor} --role {role}` (by an admin)"
        )
    return user


def require_admin(uow: UnitOfWork, actor: str) -> User:
    user = uow.users.get(actor)
    if user is None or not user.may_manage_users():
        raise PermissionDenied(
            f"user `{actor}` may not manage users; only an admin may (`turnout init` makes the user who "
            "ran it an admin)"
        )
    return user


def require_settings_admin(uow: UnitOfWork, actor: str) -> User:
    """The acting user, if an admin (installation settings); otherwise PermissionDenied."""
    return _require(
        uow,
        actor,
        User.may_manage_users,
        "change installation settings",
        "the admin",
        "admin",
    )


def require_vendor_maintainer(uow: UnitOfWork, actor: str) -> User:
    """The acting user, if a maintainer or admin; otherwise PermissionDenied with the fix."""
    user = uow.users.get(actor)
    if user is None or not user.may_maintain_vendors():
        roles = ", ".join(sorted(user.roles)) if user and user.roles else "no role"
        raise PermissionDenied(
            f"user `{actor}` ({roles}) may not change the vendor master; it needs the maintainer "
            f"or admin role: `turnout users add {actor} --role maintainer` (by an admin)"
        )
    return user


def require_reviewer(uow: UnitOfWork, actor: str) -> User:
    """The acting user, if a reviewer or operator; otherwise PermissionDenied with the fix."""
    return _require(
        uow, actor, User.may_review, "review runs", "the reviewer or operator", "reviewer"
    )
