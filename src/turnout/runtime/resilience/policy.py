"""A stage's fallback policy as the runner reads it: the typed actions of the domain's policy
(`turnout.domain.fallback`, where the defaults are) with the triggers and the fallback module."""

from __future__ import annotations

from dataclasses import dataclass, field

from turnout.domain.configuration import FallbackPolicy
from turnout.domain.fallback import PolicyActions, Trigger

# Failures worth trying again: the same input may succeed a moment later.
RETRYABLE = frozenset({Trigger.ERROR, Trigger.TIMEOUT})
# Acted on whether the policy lists them or not: an output that breaks its artifact's schema can
# never be passed on (the next stage would fail on it and be blamed), so the fallback takes over,
# else `on_exhausted` decides.
ALWAYS_FIRES = frozenset({Trigger.CONTRACT_VIOLATION})


@dataclass(frozen=True)
class StagePolicy:
    """What the runner does when a stage's module fails: the policy's typed `actions`, what
    makes it act (`triggers`) and the module it falls back to; NO_POLICY when the version has
    none."""

    actions: PolicyActions = field(default_factory=PolicyActions)
    triggers: frozenset[Trigger] = frozenset()
    fallback_module_id: str | None = None

    def fires_on(self, trigger: Trigger) -> bool:
        """Whether the policy acts on `trigger`: listed, or a contract violation (always)."""
        return trigger in self.triggers or trigger in ALWAYS_FIRES


NO_POLICY = StagePolicy()


def read_policy(policy: FallbackPolicy | None) -> StagePolicy:
    """Typed view of a stored policy (already validated against the actions schema)."""
    if policy is None:
        return NO_POLICY
    return StagePolicy(
        policy.read_actions(),
        frozenset(Trigger(t) for t in policy.trigger_conditions),
        policy.fallback_module_id,
    )
