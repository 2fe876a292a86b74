"""The fallback policy is typed in the domain: the file's form, the parsing and the runner's view
all come from `turnout.domain.fallback`, where each default is written once."""

from __future__ import annotations

import dataclasses

from turnout.domain.configuration import FallbackPolicy
from turnout.domain.fallback import (
    ACTIONS_SCHEMA,
    EXHAUSTED_ACTIONS,
    TRIGGERS,
    CircuitSettings,
    OnExhausted,
    PolicyActions,
    RetrySettings,
    Trigger,
)
from turnout.runtime.resilience.policy import NO_POLICY, StagePolicy, read_policy


def _policy(**actions: object) -> FallbackPolicy:
    return FallbackPolicy("p", "c", "text", "text.ocr", ("error", "timeout"), actions)


def test_the_file_form_has_one_property_per_typed_action() -> None:
    fields = [f.name for f in dataclasses.fields(PolicyActions)]
    assert list(ACTIONS_SCHEMA["properties"]) == fields
    assert list(ACTIONS_SCHEMA["properties"]["retry"]["properties"]) == [
        f.name for f in dataclasses.fields(RetrySettings)
    ]
    assert list(ACTIONS_SCHEMA["properties"]["circuit"]["properties"]) == [
        f.name for f in dataclasses.fields(CircuitSettings)
    ]
    assert ACTIONS_SCHEMA["properties"]["on_exhausted"]["enum"] == ["review", "fail", "skip"]


def test_the_names_a_document_may_use_are_the_enums_values() -> None:
    assert sorted(TRIGGERS) == [
        "circuit_open",
        "contract_violation",
        "empty_output",
        "error",
        "low_confidence",
        "timeout",
        "unavailable",
    ]
    assert sorted(EXHAUSTED_ACTIONS) == ["fail", "review", "skip"]
    assert {str(t) for t in Trigger} == TRIGGERS
    assert {str(a) for a in OnExhausted} == EXHAUSTED_ACTIONS
    assert all(type(t) is str for t in TRIGGERS | EXHAUSTED_ACTIONS)  # messages print plain names


def test_actions_left_out_take_the_typed_defaults() -> None:
    assert _policy().read_actions() == PolicyActions()
    circuit = _policy(circuit={"window": 5}).read_actions().circuit
    assert circuit == CircuitSettings(failure_rate=0.5, window=5, open_s=30.0)
    assert _policy(retry={"attempts": 2}).read_actions().retry == RetrySettings(2, 0.0)


def test_the_runners_view_is_the_typed_actions_with_triggers_and_fallback() -> None:
    policy = read_policy(_policy(timeout_s=5, on_exhausted="review", low_confidence_below=0.7))
    assert policy.actions == PolicyActions(
        timeout_s=5.0, low_confidence_below=0.7, on_exhausted=OnExhausted.REVIEW
    )
    assert policy.triggers == {Trigger.ERROR, Trigger.TIMEOUT}
    assert all(isinstance(t, Trigger) for t in policy.triggers)
    assert policy.fallback_module_id == "text.ocr"
    assert policy.fires_on(Trigger.TIMEOUT) and policy.fires_on(Trigger.CONTRACT_VIOLATION)
    assert not policy.fires_on(Trigger.EMPTY_OUTPUT)
    assert NO_POLICY.actions == PolicyActions() and NO_POLICY.triggers == frozenset()


def test_the_runners_view_carries_every_action_of_the_typed_policy() -> None:
    """Composed, not copied field by field: a new action cannot be dropped on the way."""
    fields = {f.name for f in dataclasses.fields(StagePolicy)}
    assert fields == {"actions", "triggers", "fallback_module_id"}
    assert not hasattr(StagePolicy, "read")
