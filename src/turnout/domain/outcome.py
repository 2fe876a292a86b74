"""A routing decision's outcome, in a module of its own so that the command line can offer it as a
choice without loading the artifact types."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    APPROVE = "approve"
    REVIEW = "review"
    REJECT = "reject"
