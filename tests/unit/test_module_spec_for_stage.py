"""A module's spec takes its stage's contract from the stage; the module adds only its own."""

from __future__ import annotations

import pytest

from turnout.authoring import (
    ArtifactRef,
    ModuleSpec,
    needs,
    settings_with_defaults,
)
from turnout.domain.stages import EXPORT, TEXT


def test_a_spec_for_a_stage_carries_the_stages_contract() -> None:
    spec = ModuleSpec.for_stage(
        TEXT, module_id="text.mine", name="Mine", version="1.0.0", description="mine"
    )
    assert spec.stage_id == "text"
    assert spec.contract_id == "text-v1"
    assert spec.inputs == TEXT.contract.inputs
    assert spec.outputs == (ArtifactRef("text", 1),)
    assert spec.guarantees == frozenset({"offline"})
    assert spec.settings_schema == {
        "type": "object",
        "additionalProperties": False,
        "properties": {},
    }


def test_a_module_adds_the_inputs_it_also_reads_and_the_promises_beyond_its_stage() -> None:
    spec = ModuleSpec.for_stage(
        EXPORT,
        module_id="export.mine",
        name="Mine",
        version="1.0.0",
        description="mine",
        extra_inputs=(needs("match/v1", required=False),),
        extra_guarantees={"offline"},
    )
    assert [str(g) for g in spec.inputs] == ["invoice/v1", "decision/v1", "match/v1 (optional)"]
    assert spec.guarantees == frozenset({"idempotent", "offline"})


def test_a_module_id_that_does_not_name_its_stage_is_refused() -> None:
    with pytest.raises(ValueError, match=r"write it `export.<name>`"):
        ModuleSpec.for_stage(
            EXPORT, module_id="text.mine", name="Mine", version="1", description="mine"
        )


@pytest.mark.parametrize("module_id", ["export.", "export"])
def test_a_module_id_without_a_name_is_refused(module_id: str) -> None:
    with pytest.raises(ValueError, match=r"write it `export.<name>`"):
        ModuleSpec.for_stage(
            EXPORT, module_id=module_id, name="Mine", version="1", description="mine"
        )


def test_a_single_extra_guarantee_given_as_a_string_is_refused() -> None:
    """A str is an iterable of letters: it would promise `o`, `f`, `l`, ..."""
    with pytest.raises(TypeError, match=r"extra_guarantees of `export.mine` is the string"):
        ModuleSpec.for_stage(
            EXPORT,
            module_id="export.mine",
            name="Mine",
            version="1",
            description="mine",
            extra_guarantees="offline",
        )


def test_a_stage_may_be_named_by_its_id() -> None:
    by_id = ModuleSpec.for_stage(
        "export", module_id="export.x", name="X", version="1", description=""
    )
    assert by_id == ModuleSpec.for_stage(
        EXPORT, module_id="export.x", name="X", version="1", description=""
    )
    with pytest.raises(ValueError, match=r"unknown stage `exports`; the stages are intake, "):
        ModuleSpec.for_stage(
            "exports", module_id="exports.x", name="X", version="1", description=""
        )


def test_settings_defaults_come_from_the_schema_and_what_is_given_wins() -> None:
    schema = {
        "type": "object",
        "properties": {
            "dpi": {"type": "integer", "default": 200},
            "languages": {"type": "array", "default": ["en"]},
            "url": {"type": "string"},
        },
    }
    assert settings_with_defaults(schema, None) == {"dpi": 200, "languages": ["en"]}
    assert settings_with_defaults(schema, {"dpi": 300, "url": "x"}) == {
        "dpi": 300,
        "languages": ["en"],
        "url": "x",
    }
    settings_with_defaults(schema, {})["languages"].append("de")
    assert schema["properties"]["languages"]["default"] == ["en"]  # type: ignore[index]
