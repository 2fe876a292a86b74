"""A stage's fallback policy as the runner reads it: the typed actions of the domain's policy
(`turnout.domain.fallback`, where the defaults are) with the triggers and the fallback module."""

from __future__ import annotations

from dataclasses import dataclass

from turnout.domain.configuration import FallbackPolicy
from turnout.domain.fallback import CircuitSettings, PolicyActions, RetrySettings, Trigger

__all__ = [
    "ALWAYS_FIRES",
    "NO_POLICY",
    "RETRYABLE",
    "CircuitSettings",
    "RetrySettings",
    "StagePolicy",
    "read_policy",
]

# Failures worth trying again: the same input may succeed a moment later.
RETRYABLE = frozenset({Trigger.ERROR.value, Trigger.TIMEOUT.value})
# Acted on whether the policy lists them or not: an output that breaks its artifact's schema can
# never be passed on (the next stage would fail on it and be blamed), so the fallback takes over,
# else `on_exhausted` decides.
ALWAYS_FIRES = frozenset({Trigger.CONTRACT_VIOLATION.value})


@dataclass(frozen=True)
class StagePolicy(PolicyActions):
    """What the runner does when a stage's module fails; NO_POLICY when the version has none."""

    triggers: frozenset[str] = frozenset()
    fallback_module_id: str | None = None

    def fires_on(self, trigger: str) -> bool:
        """Whether the policy acts on `trigger`: listed, or a contract violation (always)."""
        return trigger in self.triggers or trigger in ALWAYS_FIRES


NO_POLICY = StagePolicy()


def read_policy(policy: FallbackPolicy | None) -> StagePolicy:
    """Typed view of a stored policy (already validated against the actions schema)."""
    if policy is None:
        return NO_POLICY
    actions = policy.read_actions()
    return StagePolicy(
        timeout_s=actions.timeout_s,
        retry=actions.retry,
        circuit=actions.circuit,
        low_confidence_below=actions.low_confidence_below,
        on_exhausted=actions.on_exhausted,
        fallback_settings=actions.fallback_settings,
        triggers=frozenset(policy.trigger_conditions),
        fallback_module_id=policy.fallback_module_id,
    )
