"""Static checks of a module class: its spec against its stage, its settings schema.

Each function returns a list of problems, each saying what is wrong and how to fix it; an empty
list means the module passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema

from turnout.domain.artifacts import ArtifactRef
from turnout.domain.framework_settings import RESERVED_SETTINGS
from turnout.domain.modules import ModuleSpec, StageModule
from turnout.domain.stages import STAGES, STAGES_BY_ID
from turnout.runtime.registry import contract_problems

SUBMITTED = (ArtifactRef("source", 1),)  # what every run starts with


def spec_problems(module_class: type[StageModule]) -> list[str]:
    """How the class's `spec` fails to declare a module of its stage."""
    spec = getattr(module_class, "spec", None)
    if not isinstance(spec, ModuleSpec):
        return [
            f"`{module_class.__name__}.spec` is not a ModuleSpec; set `spec = ModuleSpec.for_stage(...)`"
        ]
    stage = STAGES_BY_ID.get(spec.stage_id)
    if stage is None:
        known = ", ".join(STAGES_BY_ID)
        return [f"stage_id `{spec.stage_id}` is not a stage; use one of {known}"]
    problems = []
    stage_of_id, _, name = spec.module_id.partition(".")
    if stage_of_id != spec.stage_id or not name:
        problems.append(
            f"module_id `{spec.module_id}` must be `{spec.stage_id}.<name>`; "
            "name the module after its stage"
        )
    problems.extend(
        f"{p}; mirror the `{stage.stage_id}` contract" for p in contract_problems(spec, stage)
    )
    produced_upstream = SUBMITTED + tuple(
        ref for s in STAGES if s.order < stage.order for ref in s.contract.outputs
    )
    for group in spec.inputs:
        if not group.satisfied_by(produced_upstream):
            problems.append(
                f"input `{group}` is produced by no stage before `{stage.stage_id}`; "
                "take only artifacts of earlier stages"
            )
    return problems


def settings_schema_problems(schema: Mapping[str, Any]) -> list[str]:
    """How a settings schema fails: invalid JSON Schema, open, bad defaults, reserved keys."""
    try:
        jsonschema.Draft202012Validator.check_schema(dict(schema))
    except jsonschema.SchemaError as exc:
        return [f"settings_schema is not a valid JSON Schema: {exc.message}"]
    problems = []
    if schema.get("type") != "object":
        problems.append('settings_schema must say `"type": "object"`')
    if schema.get("additionalProperties") is not False:
        problems.append(
            "settings_schema must set `additionalProperties: false`, so a misspelt setting "
            "is reported instead of ignored"
        )
    properties: Mapping[str, Any] = schema.get("properties", {})
    for key in sorted(set(properties) & set(RESERVED_SETTINGS)):
        problems.append(f"setting `{key}` is reserved for the framework; rename it")
    for key, sub in properties.items():
        if isinstance(sub, Mapping) and "default" in sub:
            errors = list(jsonschema.Draft202012Validator(dict(sub)).iter_errors(sub["default"]))
            problems.extend(
                f"the default of `{key}` does not fit its own schema: {e.message}" for e in errors
            )
    return problems


def settings_problems(schema: Mapping[str, Any], settings: Mapping[str, Any]) -> list[str]:
    """How `settings` fail `schema` (what the runtime would report before any run)."""
    validator = jsonschema.Draft202012Validator(dict(schema))
    return [
        f"setting `{'.'.join(str(p) for p in e.absolute_path) or 'settings'}`: {e.message}"
        for e in validator.iter_errors(dict(settings))
    ]
