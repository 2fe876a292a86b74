"""Candidate values for a field, and how the best one is chosen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# confidence of a value by where it was found; a checksum that holds adds to it
SAME_LINE = 0.9
BELOW_LABEL = 0.75
PATTERN_ONLY = 0.5
GUESS = 0.3
CHECKSUM_BONUS = 0.08
CHECKSUM_PENALTY = 0.6


@dataclass(frozen=True)
class Candidate:
    """One possible value of a field: as written, how sure we are, and on which line."""

    path: str
    value: str
    confidence: float
    line: int
    amount: Decimal | None = None
    currency: str | None = None

    def with_confidence(self, confidence: float) -> Candidate:
        return Candidate(
            self.path, self.value, min(confidence, 0.99), self.line, self.amount, self.currency
        )


def checked(confidence: float, valid: bool | None) -> float:
    """Raise the confidence of a value whose checksum holds, lower it when it fails."""
    if valid is None:
        return confidence
    return min(confidence + CHECKSUM_BONUS, 0.99) if valid else confidence * CHECKSUM_PENALTY


def best(candidates: Iterable[Candidate]) -> Candidate | None:
    """The most confident candidate; on a tie, the one higher up the page."""
    ranked = sorted(candidates, key=lambda c: (-c.confidence, c.line))
    return ranked[0] if ranked else None
