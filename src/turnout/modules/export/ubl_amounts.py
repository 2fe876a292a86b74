"""The money of a UBL invoice: allowances and charges, VAT totals and the document totals.

Document-level allowances and charges (BG-20, BG-21) carry their VAT category and rate; a line's
(BG-27, BG-28) do not. Amounts, bases and percentages are written exactly as the invoice holds
them, every amount with its `currencyID`. The VAT total in the accounting currency (BT-111) is a
second `cac:TaxTotal` in that currency (BT-6), without a breakdown.
"""

from __future__ import annotations

from decimal import Decimal

from turnout.authoring import AllowanceCharge, Invoice, VatBreakdown
from turnout.modules.export.ubl_parties import VAT
from turnout.modules.export.ubl_xml import Element, amount, cac, cbc


def allowance_charge(
    parent: Element, entry: AllowanceCharge, *, charge: bool, currency: str, with_vat: bool
) -> None:
    """One `cac:AllowanceCharge`; `with_vat` writes its VAT category (document level only)."""
    element = cac(parent, "AllowanceCharge")
    cbc(element, "ChargeIndicator", "true" if charge else "false")
    cbc(element, "AllowanceChargeReasonCode", entry.reason_code)
    cbc(element, "AllowanceChargeReason", entry.reason)
    cbc(element, "MultiplierFactorNumeric", entry.percent)
    amount(element, "Amount", entry.amount, currency)
    amount(element, "BaseAmount", entry.base, currency)
    if with_vat and (entry.vat_category is not None or entry.vat_rate is not None):
        tax_category(element, "TaxCategory", entry.vat_category, entry.vat_rate)


def allowances_and_charges(
    parent: Element,
    allowances: list[AllowanceCharge],
    charges: list[AllowanceCharge],
    currency: str,
    *,
    with_vat: bool,
) -> None:
    """Every allowance, then every charge, of a document or a line."""
    for entry in allowances:
        allowance_charge(parent, entry, charge=False, currency=currency, with_vat=with_vat)
    for entry in charges:
        allowance_charge(parent, entry, charge=True, currency=currency, with_vat=with_vat)


def tax_category(
    parent: Element,
    name: str,
    category: str | None,
    rate: Decimal | None,
    exemption_code: str | None = None,
    exemption_reason: str | None = None,
) -> None:
    """A `cac:TaxCategory` or `cac:ClassifiedTaxCategory` in the VAT scheme."""
    element = cac(parent, name)
    cbc(element, "ID", category)
    cbc(element, "Percent", rate)
    cbc(element, "TaxExemptionReasonCode", exemption_code)
    cbc(element, "TaxExemptionReason", exemption_reason)
    cbc(cac(element, "TaxScheme"), "ID", VAT)


def tax_totals(root: Element, invoice: Invoice, currency: str) -> None:
    """BT-110 with the VAT breakdown (BG-23), then BT-111 in the VAT accounting currency."""
    tax = vat_total(invoice)
    if tax is not None:
        total = cac(root, "TaxTotal")
        amount(total, "TaxAmount", tax, currency)
        for entry in invoice.vat_breakdown:
            _tax_subtotal(total, entry, currency)
    if invoice.totals.tax_accounting is not None and invoice.vat_currency is not None:
        accounting = cac(root, "TaxTotal")
        amount(accounting, "TaxAmount", invoice.totals.tax_accounting, invoice.vat_currency)


def vat_total(invoice: Invoice) -> Decimal | None:
    """BT-110, or, for an invoice that has a VAT breakdown but no VAT total (CII may leave it
    out), the sum of the breakdown's VAT amounts, which BR-CO-14 makes it equal to: UBL holds
    the breakdown inside a `cac:TaxTotal`, whose `cbc:TaxAmount` the schema requires."""
    if invoice.totals.tax is not None or not invoice.vat_breakdown:
        return invoice.totals.tax
    return sum((entry.tax or Decimal(0) for entry in invoice.vat_breakdown), Decimal(0))


def _tax_subtotal(total: Element, entry: VatBreakdown, currency: str) -> None:
    subtotal = cac(total, "TaxSubtotal")
    amount(subtotal, "TaxableAmount", entry.taxable, currency)
    amount(subtotal, "TaxAmount", entry.tax, currency)
    tax_category(
        subtotal,
        "TaxCategory",
        entry.category,
        entry.rate,
        entry.exemption_code,
        entry.exemption_reason,
    )


def monetary_total(root: Element, invoice: Invoice, currency: str) -> None:
    """`cac:LegalMonetaryTotal` (BG-22 without the VAT totals)."""
    totals = invoice.totals
    monetary = cac(root, "LegalMonetaryTotal")
    for name, value in (
        ("LineExtensionAmount", totals.line_net),
        ("TaxExclusiveAmount", totals.tax_exclusive),
        ("TaxInclusiveAmount", totals.tax_inclusive),
        ("AllowanceTotalAmount", totals.allowances),
        ("ChargeTotalAmount", totals.charges),
        ("PrepaidAmount", totals.prepaid),
        ("PayableRoundingAmount", totals.rounding),
        ("PayableAmount", totals.payable),
    ):
        amount(monetary, name, value, currency)
