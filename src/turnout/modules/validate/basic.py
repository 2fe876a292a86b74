"""`validate.basic`: required fields, arithmetic and plain consistency — the validate fallback.

The designated fallback of the `validate` stage (`runtime/defaults.py`): when `validate.en16931`
fails, this module still checks what matters most for paying an invoice. It reports findings,
never exceptions, and never raises on a partial invoice. Its findings, in this order:

1. the normalisation notes carried by the invoice artifact (bad VAT checksum, unknown currency);
2. required fields (`basic_required`): BR-02, BR-03, BR-05, BR-06, BR-15 by default;
3. arithmetic (`basic_arithmetic`): BR-CO-10, BR-CO-13, BR-CO-14, BR-CO-15, BR-CO-16 and the
   line amount check TURNOUT-LINE-NET, each only when its amounts are present;
4. consistency (`basic_consistency`): currency code format, due date not before issue date.

Settings:
- `tolerance` (decimal string, default "0.01"): the largest difference an arithmetic check accepts.
- `required_fields` (array of dotted paths, default invoice_number, issue_date, currency,
  seller.name, totals.payable): the fields that must have a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from turnout.authoring import (
    VALIDATE,
    Artifact,
    Artifacts,
    Finding,
    Findings,
    InvoiceArtifact,
    ModuleSpec,
    RunContext,
    StageModule,
    settings_with_defaults,
)
from turnout.modules.validate.basic_arithmetic import check_arithmetic
from turnout.modules.validate.basic_consistency import check_consistency
from turnout.modules.validate.basic_required import (
    DEFAULT_REQUIRED,
    REQUIRED_FIELDS,
    check_required,
    required_fields,
)

DEFAULT_TOLERANCE = "0.01"

SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "tolerance": {
            "type": "string",
            "pattern": r"^[0-9]{1,9}(\.[0-9]{1,9})?$",
            "default": DEFAULT_TOLERANCE,
            "description": "Largest difference an arithmetic rule accepts: a decimal amount "
            "such as 0.01 (digits, an optional dot and up to 9 decimals), in quotes.",
            "examples": ["0.01"],
        },
        "required_fields": {
            "type": "array",
            "items": {"enum": list(REQUIRED_FIELDS)},
            "uniqueItems": True,
            "default": list(DEFAULT_REQUIRED),
            "description": "Dotted paths of the canonical invoice that must have a value; "
            "`lines` and `vat_breakdown` require at least one entry.",
        },
    },
}


class BasicValidate(StageModule):
    """Required fields and arithmetic of the canonical invoice; the `validate` stage's fallback."""

    spec: ClassVar[ModuleSpec] = ModuleSpec.for_stage(
        VALIDATE,
        module_id="validate.basic",
        name="Basic validation",
        version="1.0.0",
        description="Required fields, totals arithmetic (BR-CO-10/13/14/15/16), line amounts, "
        "currency code format and due date; findings carry EN 16931 rule ids where they match.",
        settings_schema=SETTINGS_SCHEMA,
        is_fallback=True,
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        with_defaults = settings_with_defaults(self.spec.settings_schema, self.settings)
        self.tolerance = _tolerance(with_defaults["tolerance"])
        self.required = required_fields(with_defaults["required_fields"])

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        """Check the invoice and return one `Findings` artifact (ruleset `basic`)."""
        artifact = inputs.require(InvoiceArtifact)
        invoice = artifact.invoice
        items: list[Finding] = [
            *artifact.notes,
            *check_required(invoice, self.required),
            *check_arithmetic(invoice, self.tolerance),
            *check_consistency(invoice),
        ]
        return [Findings(items=tuple(items), ruleset="basic")]


def _tolerance(text: object) -> Decimal:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise ValueError(
            f"validate.basic: setting `tolerance` is {text!r}; write a non-negative decimal "
            f'string such as "{DEFAULT_TOLERANCE}"'
        )
    return value
