"""The configuration `turnout init` activates on a new database: the default module of each stage."""

from __future__ import annotations

from turnout.runtime.config_document import ConfigDocument, SelectionDoc

DEFAULT_SELECTIONS: dict[str, str] = {
    "intake": "intake.standard",
    "einvoice": "einvoice.xml",
    "text": "text.pdfium",
    "extract": "extract.heuristic",
    "normalize": "normalize.standard",
    "validate": "validate.basic",
    "route": "route.rules",
    "export": "export.json",
}


def default_document() -> ConfigDocument:
    return ConfigDocument(
        summary="Default configuration created by `turnout init`",
        selections={stage: SelectionDoc(module) for stage, module in DEFAULT_SELECTIONS.items()},
    )
