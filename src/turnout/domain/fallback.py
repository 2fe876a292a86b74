"""A stage's fallback policy, typed: when it acts (`Trigger`), what it does (`PolicyActions`),
and what happens when every attempt has failed (`OnExhausted`). Each default is written here once;
the configuration file's form (`ACTIONS_SCHEMA`), its parsing and validation, and the runner's
resilience envelope all derive from these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Trigger(StrEnum):
    """What makes the policy act on an attempt."""

    ERROR = "error"
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"
    CIRCUIT_OPEN = "circuit_open"
    EMPTY_OUTPUT = "empty_output"
    LOW_CONFIDENCE = "low_confidence"
    CONTRACT_VIOLATION = "contract_violation"


class OnExhausted(StrEnum):
    """What becomes of the run when the module, its retries and the fallback all failed."""

    REVIEW = "review"
    FAIL = "fail"
    SKIP = "skip"


TRIGGERS: frozenset[str] = frozenset(t.value for t in Trigger)
EXHAUSTED_ACTIONS: frozenset[str] = frozenset(a.value for a in OnExhausted)


@dataclass(frozen=True)
class RetrySettings:
    attempts: int = 0  # retries after the first attempt
    backoff_s: float = 0.0  # doubled after each retry


@dataclass(frozen=True)
class CircuitSettings:
    failure_rate: float = 0.5
    window: int = 20
    open_s: float = 30.0


@dataclass(frozen=True)
class PolicyActions:
    """A policy's `actions`, typed; every field left out of a document has its default here."""

    timeout_s: float | None = None
    retry: RetrySettings = RetrySettings()
    circuit: CircuitSettings | None = None
    low_confidence_below: float | None = None
    on_exhausted: OnExhausted = OnExhausted.FAIL
    fallback_settings: Mapping[str, Any] | None = None

    @classmethod
    def read(cls, actions: Mapping[str, Any]) -> PolicyActions:
        """The typed actions of a document already validated against `ACTIONS_SCHEMA`."""
        retry = actions.get("retry") or {}
        circuit = actions.get("circuit")
        below = actions.get("low_confidence_below")
        return cls(
            timeout_s=float(actions["timeout_s"]) if actions.get("timeout_s") else None,
            retry=RetrySettings(
                int(retry.get("attempts", _RETRY.attempts)),
                float(retry.get("backoff_s", _RETRY.backoff_s)),
            ),
            circuit=CircuitSettings(
                float(circuit.get("failure_rate", _CIRCUIT.failure_rate)),
                int(circuit.get("window", _CIRCUIT.window)),
                float(circuit.get("open_s", _CIRCUIT.open_s)),
            )
            if isinstance(circuit, Mapping)
            else None,
            low_confidence_below=float(below) if below is not None else None,
            on_exhausted=OnExhausted(actions.get("on_exhausted", _ACTIONS.on_exhausted)),
            fallback_settings=actions.get("fallback_settings"),
        )


_RETRY, _CIRCUIT, _ACTIONS = RetrySettings(), CircuitSettings(), PolicyActions()

# The form of `actions` in a configuration file: one property per field of `PolicyActions`
ACTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "timeout_s": {"type": "number", "exclusiveMinimum": 0},
        "retry": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "attempts": {"type": "integer", "minimum": 0, "maximum": 10},
                "backoff_s": {"type": "number", "minimum": 0},
            },
        },
        "circuit": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "failure_rate": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "window": {"type": "integer", "minimum": 1},
                "open_s": {"type": "number", "minimum": 0},
            },
        },
        "low_confidence_below": {"type": "number", "minimum": 0, "maximum": 1},
        "on_exhausted": {"enum": [a.value for a in OnExhausted]},
        "fallback_settings": {"type": "object"},
    },
}
