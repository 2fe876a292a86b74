"""Required-field rules of `validate.basic`: a field named in `required_fields` must have a value.

A field is named by its dotted JSON path in the canonical invoice (`seller.name`,
`totals.payable`); `lines` and `vat_breakdown` name the lists, which must not be empty. Where
EN 16931 has the same rule, the finding carries its official id (`BR-02` for the invoice number);
any other required path reports `TURNOUT-REQUIRED`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from turnout.authoring import Finding, Invoice, Severity, is_blank, value_at


@dataclass(frozen=True)
class RequiredField:
    """A field the rule can require: its path, its EN 16931 term and the rule id it reports."""

    path: str
    term: str
    label: str
    rule: str = "TURNOUT-REQUIRED"


REQUIRED_FIELDS: dict[str, RequiredField] = {
    f.path: f
    for f in (
        RequiredField("invoice_number", "BT-1", "invoice number", "BR-02"),
        RequiredField("issue_date", "BT-2", "issue date", "BR-03"),
        RequiredField("type_code", "BT-3", "invoice type code", "BR-04"),
        RequiredField("currency", "BT-5", "invoice currency code", "BR-05"),
        RequiredField("due_date", "BT-9", "payment due date"),
        RequiredField("buyer_reference", "BT-10", "buyer reference"),
        RequiredField("order_reference", "BT-13", "purchase order reference"),
        RequiredField("seller.name", "BT-27", "seller name", "BR-06"),
        RequiredField("seller.vat_id", "BT-31", "seller VAT identifier"),
        RequiredField("seller.country", "BT-40", "seller country code", "BR-09"),
        RequiredField("buyer.name", "BT-44", "buyer name", "BR-07"),
        RequiredField("buyer.vat_id", "BT-48", "buyer VAT identifier"),
        RequiredField("buyer.country", "BT-55", "buyer country code", "BR-11"),
        RequiredField("payment.iban", "BT-84", "payment account IBAN"),
        RequiredField("payment.bic", "BT-86", "payment service provider BIC"),
        RequiredField("totals.line_net", "BT-106", "sum of invoice line net amounts", "BR-12"),
        RequiredField("totals.allowances", "BT-107", "sum of allowances on document level"),
        RequiredField("totals.charges", "BT-108", "sum of charges on document level"),
        RequiredField("totals.tax_exclusive", "BT-109", "total amount without VAT", "BR-13"),
        RequiredField("totals.tax", "BT-110", "total VAT amount"),
        RequiredField("totals.tax_inclusive", "BT-112", "total amount with VAT", "BR-14"),
        RequiredField("totals.prepaid", "BT-113", "paid amount"),
        RequiredField("totals.rounding", "BT-114", "rounding amount"),
        RequiredField("totals.payable", "BT-115", "amount due for payment", "BR-15"),
        RequiredField("lines", "BG-25", "at least one invoice line", "BR-16"),
        RequiredField("vat_breakdown", "BG-23", "at least one VAT breakdown", "BR-CO-18"),
    )
}
"""Every path `required_fields` may name, in the order of the canonical invoice."""

DEFAULT_REQUIRED: tuple[str, ...] = (
    "invoice_number",
    "issue_date",
    "currency",
    "seller.name",
    "totals.payable",
)


def required_fields(paths: Iterable[str]) -> tuple[RequiredField, ...]:
    """Look up the paths of the `required_fields` setting; unknown paths are a settings error."""
    chosen: list[RequiredField] = []
    for path in paths:
        known = REQUIRED_FIELDS.get(path)
        if known is None:
            raise ValueError(
                f"validate.basic: `{path}` in setting `required_fields` is not a field of the "
                f"canonical invoice; use one of: {', '.join(REQUIRED_FIELDS)}"
            )
        if known not in chosen:
            chosen.append(known)
    return tuple(chosen)


def check_required(invoice: Invoice, fields: Iterable[RequiredField]) -> Iterator[Finding]:
    """One fatal finding per required field that has no value (None, blank text, empty list)."""
    for req in fields:
        if is_blank(value_at(invoice, req.path)):
            yield Finding(
                req.rule,
                Severity.FATAL,
                f"the {req.label} ({req.term}) is missing; the invoice must state it",
                req.path,
            )
