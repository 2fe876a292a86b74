"""Configuration validation: each kind of invalid configuration is refused with a message naming
stage, module and fix."""

from __future__ import annotations

import pytest

from support.fakes import fake_module
from turnout.domain.artifacts import ArtifactRef
from turnout.domain.contracts import needs
from turnout.domain.errors import InvalidConfiguration
from turnout.domain.stages import STAGES
from turnout.runtime.config_document import ConfigDocument, PolicyDoc, SelectionDoc, load_document
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.validation import validate_document

REQUIRED = [s.stage_id for s in STAGES if s.is_required]


def registry(*extra: type) -> ModuleRegistry:
    base = [fake_module(s) for s in REQUIRED]
    return ModuleRegistry.from_classes([*base, *extra])


def doc(**overrides: SelectionDoc | None) -> ConfigDocument:
    selections = {s: SelectionDoc(f"{s}.fake") for s in REQUIRED}
    for stage, sel in overrides.items():
        if sel is None:
            selections.pop(stage)
        else:
            selections[stage] = sel
    return ConfigDocument("test", selections)


def test_complete_configuration_is_valid() -> None:
    assert validate_document(doc(), registry()) == []


def test_missing_required_stage_names_stage_and_fix() -> None:
    problems = validate_document(doc(text=None), registry())
    [problem] = [p for p in problems if p.stage == "text"]
    # without a text stage, extract's input is missing too: both are reported, not only the first
    assert any(p.stage == "extract" and "text/v1" in p.message for p in problems)
    assert "required stage has no selection" in problem.message
    assert "selections.text" in problem.fix


def test_module_of_another_stage_contract_is_refused() -> None:
    problems = validate_document(doc(extract=SelectionDoc("text.fake")), registry())
    [problem] = [p for p in problems if p.stage == "extract"]
    assert problem.module == "text.fake"
    assert "serves stage `text`" in problem.message
    assert "extract.fake" in problem.fix


def test_data_flow_gap_is_refused() -> None:
    needy = fake_module("route", "needy", inputs=(needs("invoice/v1"), needs("match/v1")))
    problems = validate_document(doc(route=SelectionDoc("route.needy")), registry(needy))
    [problem] = problems
    assert (problem.stage, problem.module) == ("route", "route.needy")
    assert "data-flow gap" in problem.message and "match/v1" in problem.message


def test_incompatible_major_version_is_a_data_flow_gap() -> None:
    text_v2 = fake_module("text", "v2", outputs=(ArtifactRef("text", 2),))
    problems = validate_document(doc(text=SelectionDoc("text.v2")), registry(text_v2))
    assert any(p.stage == "text" and "does not produce `text/v1`" in p.message for p in problems)
    assert any(p.stage == "extract" and "data-flow gap" in p.message for p in problems)


def test_bad_settings_are_refused_with_the_setting_named() -> None:
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"review_above": {"type": "string", "pattern": r"^\d+(\.\d+)?$"}},
    }
    strict = fake_module("route", "strict", settings_schema=schema)
    problems = validate_document(
        doc(route=SelectionDoc("route.strict", {"review_above": "lots", "colour": "red"})),
        registry(strict),
    )
    messages = " | ".join(p.message for p in problems)
    assert "review_above" in messages and "colour" in messages
    assert all(p.stage == "route" and p.module == "route.strict" for p in problems)


def test_unknown_module_is_refused() -> None:
    [problem] = validate_document(doc(export=SelectionDoc("export.nowhere")), registry())
    assert (problem.stage, problem.module) == ("export", "export.nowhere")
    assert "not installed" in problem.message
    assert "export.fake" in problem.fix


def test_unavailable_module_is_refused_with_its_reason() -> None:
    broken = fake_module("export", "broken", healthy=False)
    [problem] = validate_document(doc(export=SelectionDoc("export.broken")), registry(broken))
    assert "unavailable" in problem.message and "fake dependency missing" in problem.message


def test_fallback_must_meet_the_stage_contract() -> None:
    d = ConfigDocument("t", doc().selections, {"text": PolicyDoc("extract.fake", ("error",), {})})
    problems = validate_document(d, registry())
    assert any(
        p.stage == "text" and p.module == "extract.fake" and "fallback" in p.message
        for p in problems
    )


def test_policy_actions_are_checked() -> None:
    d = ConfigDocument(
        "t",
        doc().selections,
        {"text": PolicyDoc(None, ("error",), {"retry": {"attempts": "many"}})},
    )
    [problem] = validate_document(d, registry())
    assert "retry.attempts" in problem.message


def test_unknown_stage_and_trigger_are_reported_together() -> None:
    with pytest.raises(InvalidConfiguration) as info:
        load_document("selections: {intake: {}}\npolicies: {text: {triggers: [sunspots]}}")
    text = str(info.value)
    assert "selection has no `module`" in text and "sunspots" in text


def test_unknown_stage_is_a_problem() -> None:
    d = doc()
    d = ConfigDocument("t", {**d.selections, "telepathy": SelectionDoc("text.fake")})
    assert any(
        p.stage == "telepathy" and "unknown stage" in p.message
        for p in validate_document(d, registry())
    )
