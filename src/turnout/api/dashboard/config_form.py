"""The new-version form: per stage, in pipeline order, the installed modules with their settings
fields (from each module's settings schema) and the stage's fallback policy.

The page's script writes the form into the YAML editor; the YAML is what is submitted, so a form
field is only a way to write the document, never a second source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from turnout.bootstrap import App
from turnout.domain.configuration import ConfigStatus
from turnout.domain.fallback import OnExhausted, Trigger
from turnout.views import modules_view

# The order the trigger checkboxes are shown in: the usual ones first, any other after.
_USUAL = (
    Trigger.ERROR,
    Trigger.TIMEOUT,
    Trigger.UNAVAILABLE,
    Trigger.EMPTY_OUTPUT,
    Trigger.CONTRACT_VIOLATION,
)
TRIGGER_ORDER = tuple(t.value for t in _USUAL) + tuple(
    sorted(t.value for t in Trigger if t not in _USUAL)
)
EXHAUSTED_ORDER = tuple(a.value for a in OnExhausted)  # review, fail, skip


@dataclass(frozen=True)
class SettingField:
    """One setting of a module as a form field: `kind` is how it is typed (boolean, integer,
    number, choice, list, text) or `yaml` for a setting the form cannot show (edit the YAML)."""

    name: str
    kind: str
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    required: bool = False

    @property
    def default_text(self) -> str:
        if self.default is None:
            return ""
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        if isinstance(self.default, list):
            return ", ".join(str(v) for v in self.default)
        return str(self.default)


@dataclass(frozen=True)
class ModuleChoice:
    module_id: str
    available: bool
    reason: str | None
    description: str
    is_fallback: bool
    fields: tuple[SettingField, ...]


@dataclass(frozen=True)
class StageForm:
    stage_id: str
    name: str
    required: bool
    modules: tuple[ModuleChoice, ...]
    fallbacks: tuple[str, ...] = field(default=())  # every module of the stage


def _kind(schema: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    if "enum" in schema:
        return "choice", tuple(str(v) for v in schema["enum"])
    if "const" in schema:
        return "choice", (str(schema["const"]),)
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    kinds = [k for k in kinds if k != "null"]
    if kinds == ["boolean"]:
        return "boolean", ()
    if kinds == ["integer"]:
        return "integer", ()
    if kinds == ["number"]:
        return "number", ()
    if kinds == ["string"]:
        return "text", ()
    if kinds == ["array"]:
        items = schema.get("items") or {}
        if items.get("type") in ("string", None) or "enum" in items:
            return "list", tuple(str(v) for v in items.get("enum") or ())
    return "yaml", ()


def setting_fields(schema: dict[str, Any] | None) -> tuple[SettingField, ...]:
    """The fields of a settings schema (a JSON Schema object), in the schema's order."""
    schema = schema or {}
    required = set(schema.get("required") or ())
    out = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = prop if isinstance(prop, dict) else {}
        kind, choices = _kind(prop)
        out.append(
            SettingField(
                name,
                kind,
                prop.get("default"),
                str(prop.get("description") or ""),
                choices,
                name in required,
            )
        )
    return tuple(out)


def stage_forms(app: App) -> list[StageForm]:
    """Every stage in pipeline order with its installed modules (the catalog `turnout modules`
    shows: installed packages are registered first)."""
    records = modules_view(app.unit_of_work, app.registry)
    with app.unit_of_work() as uow:
        stages = uow.stages.stages()
    forms = []
    for stage in stages:
        mine = [r for r in records if r["stage_id"] == stage.stage_id]
        choices = tuple(
            ModuleChoice(
                r["module_id"],
                r["status"] == "available",
                r["metadata"].get("unavailable_reason"),
                str(r["metadata"].get("description") or ""),
                bool(r["is_fallback"]),
                setting_fields(r["metadata"].get("settings_schema")),
            )
            for r in mine
        )
        forms.append(
            StageForm(
                stage.stage_id,
                stage.name,
                stage.is_required,
                choices,
                tuple(c.module_id for c in choices),
            )
        )
    return forms


def starting_document(app: App) -> dict[str, Any]:
    """The document the form starts from: the active version's, without its summary."""
    with app.unit_of_work() as uow:
        active = uow.configurations.with_status(ConfigStatus.ACTIVE)
    doc: dict[str, Any] = active[0].document() if active else {"selections": {}}
    doc["summary"] = ""
    doc.setdefault("selections", {})
    doc.setdefault("policies", {})
    return doc


def new_version_context(app: App, document: str | None = None) -> dict[str, Any]:
    """What the new-version page shows: the form's stages, the document to start from, and the
    YAML (`document`, kept as typed when the page is shown again after a refusal)."""
    start = starting_document(app)
    shown = dict(start)
    if not shown["policies"]:
        del shown["policies"]
    return {
        "stages": stage_forms(app),
        "start": start,
        "triggers": TRIGGER_ORDER,
        "exhausted": EXHAUSTED_ORDER,
        "document": document if document is not None else to_yaml(shown),
        "kept": document is not None,
    }


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
