"""A stage's fallback policy, read once from the configuration into typed values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from turnout.domain.configuration import FallbackPolicy

# Failures worth trying again: the same input may succeed a moment later.
RETRYABLE = frozenset({"error", "timeout"})
# Acted on whether the policy lists them or not: an output that breaks its artifact's schema can
# never be passed on (the next stage would fail on it and be blamed), so the fallback takes over,
# else `on_exhausted` decides.
ALWAYS_FIRES = frozenset({"contract_violation"})


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
class StagePolicy:
    """What the runner does when a stage's module fails; NO_POLICY when the version has none."""

    triggers: frozenset[str] = frozenset()
    fallback_module_id: str | None = None
    timeout_s: float | None = None
    retry: RetrySettings = RetrySettings()
    circuit: CircuitSettings | None = None
    low_confidence_below: float | None = None
    on_exhausted: str = "fail"  # review | fail | skip
    fallback_settings: Mapping[str, Any] | None = None

    def fires_on(self, trigger: str) -> bool:
        """Whether the policy acts on `trigger`: listed, or a contract violation (always)."""
        return trigger in self.triggers or trigger in ALWAYS_FIRES


NO_POLICY = StagePolicy()


def read_policy(policy: FallbackPolicy | None) -> StagePolicy:
    """Typed view of a stored policy (already validated against the actions schema)."""
    if policy is None:
        return NO_POLICY
    actions = policy.actions
    retry = actions.get("retry") or {}
    circuit = actions.get("circuit")
    return StagePolicy(
        triggers=frozenset(policy.trigger_conditions),
        fallback_module_id=policy.fallback_module_id,
        timeout_s=float(actions["timeout_s"]) if actions.get("timeout_s") else None,
        retry=RetrySettings(int(retry.get("attempts", 0)), float(retry.get("backoff_s", 0.0))),
        circuit=CircuitSettings(
            float(circuit.get("failure_rate", 0.5)),
            int(circuit.get("window", 20)),
            float(circuit.get("open_s", 30)),
        )
        if isinstance(circuit, Mapping)
        else None,
        low_confidence_below=float(actions["low_confidence_below"])
        if actions.get("low_confidence_below") is not None
        else None,
        on_exhausted=str(actions.get("on_exhausted", "fail")),
        fallback_settings=actions.get("fallback_settings"),
    )
