"""The configuration `turnout init` activates on a new database: the default module of each stage
(PRODUCT.md section 3) and the fallback policies that keep invoices moving when one fails."""

from __future__ import annotations

from turnout.runtime.config_document import ConfigDocument, PolicyDoc, SelectionDoc

DEFAULT_SELECTIONS: dict[str, str] = {
    "intake": "intake.standard",
    "einvoice": "einvoice.xml",
    "text": "text.pdfium",
    "extract": "extract.templates",
    "normalize": "normalize.standard",
    "validate": "validate.en16931",
    "dedupe": "dedupe.fingerprint",
    "route": "route.rules",
    "export": "export.json",
}

# Module failures to act on; a rejected input (`error` raised as InputRejected) is never retried.
DEFAULT_POLICIES: dict[str, PolicyDoc] = {
    # scans and images have no text layer: OCR reads them
    "text": PolicyDoc(
        "text.ocr", ("error", "timeout", "unavailable", "empty_output"), {"on_exhausted": "review"}
    ),
    # invoice2data's templates know a few hundred issuers; for the others, template-free extraction
    "extract": PolicyDoc(
        "extract.heuristic", ("error", "timeout", "empty_output"), {"on_exhausted": "review"}
    ),
    # no time limit: the rules run in bounded time on size-bounded XML, and a limit would move
    # every call to a helper thread (a handoff that costs more than many a stage); `timeout`
    # stays a trigger, so a `timeout_s` an operator adds falls back at once
    "validate": PolicyDoc(
        "validate.basic",
        ("error", "timeout", "unavailable", "contract_violation"),
        {"on_exhausted": "review"},
    ),
}


def default_document() -> ConfigDocument:
    return ConfigDocument(
        summary="Default configuration created by `turnout init`",
        selections={stage: SelectionDoc(module) for stage, module in DEFAULT_SELECTIONS.items()},
        policies=dict(DEFAULT_POLICIES),
    )
