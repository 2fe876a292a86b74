"""Decimal arithmetic the way the official EN 16931 schematron computes it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal

from turnout.modules.validate.en16931.view import Node, amount

_HUNDRED = Decimal(100)
_HALF = Decimal("0.5")


def round2(number: Decimal) -> Decimal:
    """XPath `round(x * 100) div 100`: two decimals, halves rounded towards positive infinity."""
    return (number * _HUNDRED + _HALF).to_integral_value(ROUND_FLOOR) / _HUNDRED


def total(nodes: Iterable[Node], term: str) -> Decimal:
    """Σ of `term` over `nodes`; absent or non-numeric values count as zero, as `sum()` does."""
    return sum((amount(node, term) or Decimal(0) for node in nodes), Decimal(0))


def decimals(number_text: str) -> int:
    """How many fraction digits a decimal literal carries (`"1.250"` -> 3)."""
    text = number_text.strip()
    if "." not in text:
        return 0
    return len(text.split(".", 1)[1])


def same_rate(left: Decimal | None, right: Decimal | None) -> bool:
    """Rates compare as numbers (`25` = `25.00`); two absent rates are the same."""
    if left is None or right is None:
        return left is None and right is None
    return left == right
