"""Ten no-op pipeline modules, one per stage of `turnout.domain.stages.STAGES`, for benchmarks.

Each module meets its stage's contract (inputs, outputs and guarantees copied from the contract)
and does as little as a module can: `process()` returns a list built once, at import, holding
its contract's output artifacts. What a benchmark then measures is the framework around the
modules, not the modules.

The input is treated as a PDF: intake yields a PDF `Document`, so `einvoice.noop` raises
`NotApplicable` the way the real e-invoice parser does on a PDF, and the text and extract stages
run. Every one of the ten modules is called on every run, and the run ends `completed`.

bench/ is not a package: a benchmark puts its own folder on `sys.path` and imports
`noop_modules`; `NOOP_MODULES` lists the classes in stage order, `NOOP_SELECTIONS` maps each
stage to its module id (for a configuration document).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from turnout.domain.artifacts import (
    Artifact,
    Decision,
    Document,
    DocumentKind,
    Duplicate,
    EInvoice,
    ExtractedField,
    Fields,
    Findings,
    InvoiceArtifact,
    Match,
    Outcome,
    Receipt,
    Text,
)
from turnout.domain.errors import NotApplicable
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.domain.stages import STAGES, STAGES_BY_ID

_INVOICE = Invoice(invoice_number="NOOP-1", issue_date=dt.date(2024, 1, 31), currency="EUR")
PDF_BYTES = b"%PDF-1.7\n% a no-op benchmark does not read this\n%%EOF\n"

# One prebuilt output list per stage: what each no-op module returns on every call.
PREBUILT: dict[str, list[Artifact]] = {
    "intake": [
        Document(
            "noop.pdf",
            DocumentKind.PDF,
            "application/pdf",
            "0" * 64,
            len(PDF_BYTES),
            PDF_BYTES,
            pages=1,
            text_layer=True,
        )
    ],
    "einvoice": [EInvoice("ubl", "Invoice", None, _INVOICE)],
    "text": [Text(("INVOICE NOOP-1",), "noop", (1.0,))],
    "extract": [Fields({"invoice_number": ExtractedField("NOOP-1", 1.0, "extract.noop")})],
    "normalize": [InvoiceArtifact(_INVOICE)],
    "validate": [Findings((), "noop")],
    "dedupe": [Duplicate(False)],
    "match": [Match(None)],
    "route": [Decision(Outcome.APPROVE, ("noop",))],
    "export": [Receipt("noop", "-", "noop")],
}


def _spec(stage_id: str) -> ModuleSpec:
    return ModuleSpec.for_stage(
        STAGES_BY_ID[stage_id],
        module_id=f"{stage_id}.noop",
        name=f"No-op {stage_id}",
        version="1",
        description=f"Returns a prebuilt `{stage_id}` output; for benchmarks of the framework",
    )


class _Noop(StageModule):
    """Returns its stage's prebuilt outputs; subclasses only name the stage."""

    stage_id: str

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        return PREBUILT[self.stage_id]


class NoopIntake(_Noop):
    stage_id = "intake"
    spec = _spec("intake")


class NoopEInvoice(_Noop):
    """Not applicable to the PDF that `NoopIntake` reports, like the real parser on a PDF."""

    stage_id = "einvoice"
    spec = _spec("einvoice")

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        document = inputs.get(Document)
        if document is None or document.kind is DocumentKind.PDF:
            raise NotApplicable("not an e-invoice")
        return PREBUILT["einvoice"]


class NoopText(_Noop):
    stage_id = "text"
    spec = _spec("text")


class NoopExtract(_Noop):
    stage_id = "extract"
    spec = _spec("extract")


class NoopNormalize(_Noop):
    stage_id = "normalize"
    spec = _spec("normalize")


class NoopValidate(_Noop):
    stage_id = "validate"
    spec = _spec("validate")


class NoopDedupe(_Noop):
    stage_id = "dedupe"
    spec = _spec("dedupe")


class NoopMatch(_Noop):
    stage_id = "match"
    spec = _spec("match")


class NoopRoute(_Noop):
    stage_id = "route"
    spec = _spec("route")


class NoopExport(_Noop):
    stage_id = "export"
    spec = _spec("export")


NOOP_MODULES: tuple[type[StageModule], ...] = (
    NoopIntake,
    NoopEInvoice,
    NoopText,
    NoopExtract,
    NoopNormalize,
    NoopValidate,
    NoopDedupe,
    NoopMatch,
    NoopRoute,
    NoopExport,
)
NOOP_SELECTIONS: dict[str, str] = {cls.spec.stage_id: cls.spec.module_id for cls in NOOP_MODULES}

if [cls.spec.stage_id for cls in NOOP_MODULES] != [s.stage_id for s in STAGES]:
    raise RuntimeError(
        "bench/noop_modules.py must list one module per stage, in stage order; "
        "add or reorder its classes to match turnout.domain.stages.STAGES"
    )
