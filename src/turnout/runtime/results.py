"""What the lifecycle actions return to the CLI and API (their JSON answers, exit codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class ActivationResult:
    """`{"version", "status": "active"|"pending"|"rejected", "message"}`."""

    version: int
    status: str
    message: str
    problems: tuple[Problem, ...] = ()
    waited_s: float | None = None  # for a switch: seconds since the activation was requested

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": self.version,
            "status": self.status,
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
