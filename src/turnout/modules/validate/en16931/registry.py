"""The rule registry: one `@rule` per EN 16931 business rule, each with its official id and flag.

A rule is a function over the invoice `Node` that yields the path of every place it fires (an
empty yield means the rule holds). The decorator records it under its id with the standard's
severity and message; the engine turns each yielded path into a `Finding`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from turnout.authoring import Severity
from turnout.modules.validate.en16931.view import Node

FATAL = Severity.FATAL
WARNING = Severity.WARNING

Check = Callable[[Node], Iterable[str]]


@dataclass(frozen=True)
class Rule:
    """One business rule: id (`BR-CO-10`), flag, message, and the check that finds violations."""

    rule_id: str
    severity: Severity
    message: str
    check: Check

    @property
    def family(self) -> str:
        """`BR-CO-10` -> `BR-CO`, `BR-12` -> `BR`, `UBL-SR-42` -> `UBL-SR`."""
        head, _, tail = self.rule_id.rpartition("-")
        return head if tail.isdigit() else self.rule_id


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, message: str) -> Callable[[Check], Check]:
    """Register `check` as business rule `rule_id`; ids are unique."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is defined twice; keep one definition per rule")
        RULES[rule_id] = Rule(rule_id, severity, message, check)
        return check

    return register
