"""`extract.templates`: invoice2data's YAML templates over the text stage's text (the default).

The templates (invoice2data's built-in ones plus an optional folder of one's own) are compiled
once per process and folder. The template whose keywords all occur in the text reads the fields;
its names are mapped to Turnout's canonical dotted paths (see `template_fields`), and every
other field it read is kept under `extra.<name>`. Each value printed on the page carries the
boxes of the words that print it (see `locate`), when the text stage gave words. When no
template matches the module rejects the input, so that the stage's fallback (`extract.learned`
by default: the layout reader, then what reviews taught it about the issuer) can take over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from turnout.authoring import (
    EXTRACT,
    Artifact,
    Artifacts,
    InputRejected,
    ModuleSpec,
    ModuleUnavailable,
    RunContext,
    StageModule,
    Text,
    settings_with_defaults,
)
from turnout.modules.extract.invoice2data_adapter import (
    extract_with,
    find_template,
    issuer_keywords,
    load_templates,
    resolve_folder,
)
from turnout.modules.extract.locate import Locator
from turnout.modules.extract.template_fields import to_fields

MODULE_ID = "extract.templates"


class TemplateExtract(StageModule):
    """Read invoice fields with the invoice2data template whose keywords match the text."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        EXTRACT,
        module_id=MODULE_ID,
        name="invoice2data templates",
        version="1.0.0",
        description="invoice2data's YAML templates (built-in, plus a folder of your own) "
        "matched by issuer keywords; fields mapped to canonical paths, the rest kept "
        "under `extra.`. Rejects invoices no template knows, for the stage's fallback.",
        extra_guarantees={"deterministic"},
        settings_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "template_folder": {
                    "type": ["string", "null"],
                    "minLength": 1,
                    "default": None,
                    "description": "a directory of extra invoice2data templates "
                    "(.yml/.yaml/.json), used with the built-in ones; it must exist "
                    "(default: none, built-in templates only)",
                },
                "builtin_templates": {
                    "type": "boolean",
                    "default": True,
                    "description": "also use invoice2data's built-in templates (default true)",
                },
            },
        },
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.folder = resolve_folder(with_defaults["template_folder"])
        self.builtin = bool(with_defaults["builtin_templates"])

    @classmethod
    def health_check(cls) -> None:
        """Fail with `ModuleUnavailable` when invoice2data cannot be imported."""
        try:
            import invoice2data.extract.loader  # noqa: F401
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise ModuleUnavailable(
                f"invoice2data cannot be imported ({error}); "
                "install it: pip install -c constraints.txt invoice2data"
            ) from error

    def warm_up(self) -> None:
        """Compile the template set now (once per process and folder) instead of on first use."""
        load_templates(self.folder, self.builtin)

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Return the `Fields` read by the matching template; reject text no template matches."""
        text = inputs.require(Text)
        templates = load_templates(self.folder, self.builtin)
        template = find_template(templates, text.full)
        if template is None:
            keywords = ", ".join(issuer_keywords(templates))
            raise InputRejected(
                f"no invoice2data template matches this invoice (issuer keywords of "
                f"{len(templates)} templates, e.g. {keywords} ...); add a template for this "
                "issuer to `template_folder`, or let the layout reader and the issuer "
                "profiles that reviews teach take over: "
                "policy extract: {fallback: extract.learned, triggers: [error]}"
            )
        match = extract_with(template, text.full)
        return [to_fields(match, MODULE_ID, Locator.of(text))]
