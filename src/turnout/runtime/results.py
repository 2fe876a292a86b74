"""What the lifecycle actions return to the CLI and API (their JSON answers, exit codes)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from turnout.domain.configuration import ConfigStatus, ModuleConfiguration
from turnout.domain.errors import Problem


@dataclass(frozen=True)
class ValidationReport:
    version: int
    status: ConfigStatus
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "status": str(self.status),
            "valid": self.valid,
            "problems": [p.to_dict() for p in self.problems],
        }


class ActivationStatus(StrEnum):
    """What an activation request did. The value is the word every answer shows (the CLI, the
    JSON, the API, the dashboard); `outcome` is how each of them marks it (a colour, an HTTP
    status, a flash message's kind)."""

    ACTIVE = "active"  # switched now
    PENDING = "pending"  # queued behind the runs in flight; new runs wait
    AWAITING_APPROVAL = "awaiting_approval"  # four eyes: a second person must approve it
    VALIDATED = "validated"  # a pending activation cancelled: the version is validated again
    REJECTED = "rejected"  # it failed re-validation; the active version is unchanged

    @property
    def outcome(self) -> Literal["done", "waiting", "refused"]:
        if self in (ActivationStatus.PENDING, ActivationStatus.AWAITING_APPROVAL):
            return "waiting"
        return "refused" if self is ActivationStatus.REJECTED else "done"


@dataclass(frozen=True)
class ActivationResult:
    """`{"version", "status": ActivationStatus, "message"}`."""

    version: int
    status: ActivationStatus
    message: str
    problems: tuple[Problem, ...] = ()
    waited_s: float | None = None  # for a switch: seconds since the activation was requested

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", ActivationStatus(self.status))  # a word read back

    @property
    def rejected(self) -> bool:
        return self.status is ActivationStatus.REJECTED

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": self.version,
            "status": self.status.value,
            "message": self.message,
        }
        if self.problems:
            out["problems"] = [p.to_dict() for p in self.problems]
        return out


@dataclass(frozen=True)
class CreateResult:
    """A created version and the problems found when it was validated at once (none: it is
    validated)."""

    config: ModuleConfiguration
    problems: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.config.version,
            "status": str(self.config.status),
            "valid": self.valid,
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class ApprovalResult:
    """`{"version", "approved_by": [...], "message"}` (four eyes)."""

    version: int
    approved_by: tuple[str, ...]
    message: str
    again: bool = False  # the approver had approved it before (recorded once; said in `message`)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "approved_by": list(self.approved_by),
            "message": self.message,
        }
