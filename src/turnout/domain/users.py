"""Users and roles. Roles come from the users table, never from what a caller claims."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    MAINTAINER = "maintainer"
    ADMIN = "admin"
    REVIEWER = "reviewer"  # looks at runs waiting for a person, corrects, approves or rejects


CONFIG_CHANGERS = frozenset({Role.OPERATOR, Role.MAINTAINER})
USER_ADMINS = frozenset({Role.ADMIN})
VENDOR_MAINTAINERS = frozenset({Role.MAINTAINER, Role.ADMIN})
REVIEWERS = frozenset({Role.REVIEWER, Role.OPERATOR})


@dataclass(frozen=True)
class User:
    name: str
    roles: frozenset[Role]

    def may_change_configurations(self) -> bool:
        return bool(self.roles & CONFIG_CHANGERS)

    def may_manage_users(self) -> bool:
        return bool(self.roles & USER_ADMINS)

    def may_maintain_vendors(self) -> bool:
        return bool(self.roles & VENDOR_MAINTAINERS)

    def may_review(self) -> bool:
        """Correct, approve or reject runs waiting for a person (the reviewer role may do this and
        nothing else that changes state; operators may review too)."""
        return bool(self.roles & REVIEWERS)
