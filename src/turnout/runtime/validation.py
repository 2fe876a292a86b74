"""Validation of a configuration against the installed modules and the stage contracts.

Checks, in this order, and reports every problem found (never only the first):
1. every stage named exists, and every required stage has a selection;
2. every selected (and fallback) module is installed, declares the stage's contract, provides the
   contract's guarantees, and is available;
3. every module's settings validate against the module's own settings schema;
4. the data flow is complete: every required input of every selected module, and of every fallback,
   is produced upstream in a compatible major version;
5. fallback policies are well formed (actions schema).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from turnout.domain.artifacts import ArtifactRef, Source
from turnout.domain.configuration import ModuleConfiguration
from turnout.domain.errors import Problem
from turnout.domain.fallback import ACTIONS_SCHEMA, OnExhausted
from turnout.domain.framework_settings import with_framework_settings
from turnout.domain.guard import GuardSpec
from turnout.domain.stages import STAGES, ProcessingStage
from turnout.runtime.config_document import Checks, ConfigDocument, PolicyDoc, SelectionDoc
from turnout.runtime.registry import ModuleRegistry, contract_problems
from turnout.runtime.schema_words import did_you_mean, problem_words


def document_of(config: ModuleConfiguration) -> ConfigDocument:
    """The document a stored version was made from (for re-validation and copying)."""
    guard = GuardSpec.parse(dict(config.guard))[0] if config.guard else None
    return ConfigDocument(
        guard=guard,
        summary=config.summary,
        selections={
            s: SelectionDoc(sel.module_id, dict(sel.settings))
            for s, sel in config.selections.items()
        },
        policies={
            s: PolicyDoc(p.fallback_module_id, tuple(p.trigger_conditions), dict(p.actions))
            for s, p in config.policies.items()
        },
    )


def reference_problems(doc: ConfigDocument, registry: ModuleRegistry) -> list[Problem]:
    """What makes a document impossible to store: unknown stages and modules."""
    problems: list[Problem] = []
    known = {s.stage_id for s in STAGES}
    for section, entries in (("selections", doc.selections), ("policies", doc.policies)):
        for stage_id in entries:
            if stage_id not in known:
                problems.append(
                    Problem(
                        stage_id,
                        None,
                        f"unknown stage in `{section}`{did_you_mean(stage_id, known)}",
                        f"use one of {', '.join(s.stage_id for s in STAGES)}",
                    )
                )
    installed = registry.module_ids()  # names only: checking a document imports no module
    for stage_id, sel in doc.selections.items():
        if registry.get(sel.module) is None:
            problems.append(
                Problem(
                    stage_id,
                    sel.module,
                    "module is not installed" + did_you_mean(sel.module, installed),
                    _choices(registry, stage_id),
                )
            )
    for stage_id, pol in doc.policies.items():
        if pol.fallback and registry.get(pol.fallback) is None:
            problems.append(
                Problem(
                    stage_id,
                    pol.fallback,
                    "fallback module is not installed" + did_you_mean(pol.fallback, installed),
                    _choices(registry, stage_id),
                )
            )
    return problems


def checks_for(registry: ModuleRegistry) -> Checks:
    """What else to report of a document whose shape is wrong (`load_document(checks=...)`), so
    that one answer lists every problem: every validation problem of the part that could be
    read; when a selection could not be read, only the unknown stages and modules (the stage
    would be reported as having no selection, and the data flow after it as broken)."""

    def check(doc: ConfigDocument, unreadable: frozenset[str]) -> list[Problem]:
        if unreadable:
            return reference_problems(doc, registry)
        return validate_document(doc, registry)

    return check


def validate_document(doc: ConfigDocument, registry: ModuleRegistry) -> list[Problem]:
    """Every reason `doc` cannot be activated with the modules installed now (empty when valid)."""
    problems = reference_problems(doc, registry)
    produced: list[ArtifactRef] = [Source.ref()]
    # a module that is not installed produces nothing we know of: the data-flow gaps after it
    # would only repeat that problem, so the flow is checked only up to the first such module
    flow_known = True
    for stage in STAGES:
        sel = doc.selections.get(stage.stage_id)
        policy = doc.policies.get(stage.stage_id)
        if sel is None:
            if stage.is_required:
                problems.append(
                    Problem(
                        stage.stage_id,
                        None,
                        "required stage has no selection",
                        f"add `selections.{stage.stage_id}: {{module: ...}}`; "
                        + _choices(registry, stage.stage_id),
                    )
                )
            if policy is not None:
                problems.append(
                    Problem(
                        stage.stage_id,
                        None,
                        "policy for a stage with no selection",
                        f"select a module for `{stage.stage_id}` or remove the policy",
                    )
                )
            continue
        outputs = _check_module(
            stage,
            sel.module,
            sel.settings,
            produced if flow_known else None,
            registry,
            problems,
            role="selected",
        )
        if policy is not None:
            problems.extend(
                _check_policy(stage, policy, produced if flow_known else None, registry)
            )
        flow_known = flow_known and registry.get(sel.module) is not None
        produced.extend(outputs)
    return problems


def _check_module(
    stage: ProcessingStage,
    module_id: str,
    settings: Mapping[str, Any],
    produced: Sequence[ArtifactRef] | None,
    registry: ModuleRegistry,
    problems: list[Problem],
    role: str,
) -> tuple[ArtifactRef, ...]:
    module = registry.get(module_id)
    if module is None:
        return ()  # already reported by reference_problems
    spec = module.spec
    if spec is None:
        problems.append(
            Problem(
                stage.stage_id,
                module_id,
                f"{role} module is unavailable: {module.reason}",
                "reinstall the package that provides it, or " + _choices(registry, stage.stage_id),
            )
        )
        return ()
    if spec.stage_id != stage.stage_id:
        problems.append(
            Problem(
                stage.stage_id,
                module_id,
                f"{role} module serves stage `{spec.stage_id}` (contract `{spec.contract_id}`), "
                f"not `{stage.stage_id}` (contract `{stage.capability_contract_id}`)",
                _choices(registry, stage.stage_id),
            )
        )
        return ()
    for text in contract_problems(spec, stage):
        problems.append(
            Problem(
                stage.stage_id,
                module_id,
                f"{role} module {text}",
                _choices(registry, stage.stage_id),
            )
        )
    if not module.available:
        problems.append(
            Problem(
                stage.stage_id,
                module_id,
                f"{role} module is unavailable: {module.reason}",
                "fix the module's installation, or " + _choices(registry, stage.stage_id),
            )
        )
    try:  # a module's own schema, plus the framework's reserved keys (isolation, memory_limit_mb)
        schema = with_framework_settings(spec.settings_schema)
    except ValueError as exc:
        problems.append(
            Problem(stage.stage_id, module_id, str(exc), "ask the module's author to rename it")
        )
        return spec.outputs
    import jsonschema  # here: a command that validates nothing does not pay its import

    validator = jsonschema.Draft202012Validator(schema)
    for err in sorted(
        validator.iter_errors(dict(settings)), key=lambda e: [str(p) for p in e.absolute_path]
    ):
        message, fix = problem_words(err, "setting")
        problems.append(
            Problem(
                stage.stage_id,
                module_id,
                message,
                f"{fix} (`turnout modules --stage {stage.stage_id}` lists `{module_id}`'s "
                "settings)",
            )
        )
    for group in spec.inputs:
        if produced is not None and group.required and not group.satisfied_by(produced):
            problems.append(
                Problem(
                    stage.stage_id,
                    module_id,
                    f"data-flow gap: {role} module needs `{group}`, which no earlier selected stage produces",
                    "select a module upstream that produces it (`turnout contracts` shows who produces what)",
                )
            )
    return spec.outputs


def _check_policy(
    stage: ProcessingStage,
    policy: PolicyDoc,
    produced: Sequence[ArtifactRef] | None,
    registry: ModuleRegistry,
) -> list[Problem]:
    problems: list[Problem] = []
    import jsonschema

    validator = jsonschema.Draft202012Validator(ACTIONS_SCHEMA)
    for err in validator.iter_errors(dict(policy.actions)):
        message, fix = problem_words(err, "policy action")
        # the policy's own problem: labelled with its stage only (the fallback is not to blame)
        problems.append(Problem(stage.stage_id, None, message, fix))
    if policy.actions.get("on_exhausted") == OnExhausted.SKIP and stage.is_required:
        problems.append(
            Problem(
                stage.stage_id,
                None,
                "policy `on_exhausted: skip`: a required stage cannot be skipped",
                "use `on_exhausted: review` or `fail`",
            )
        )
    if policy.fallback:
        settings = policy.actions.get("fallback_settings") or {}
        _check_module(
            stage,
            policy.fallback,
            settings if isinstance(settings, Mapping) else {},
            produced,
            registry,
            problems,
            role="fallback",
        )
    return problems


def _choices(registry: ModuleRegistry, stage_id: str) -> str:
    ids = [m.module_id for m in registry.for_stage(stage_id) if m.available]
    if not ids:
        return f"no module for stage `{stage_id}` is installed"
    return f"pick a module of stage `{stage_id}`: {', '.join(ids)}"
