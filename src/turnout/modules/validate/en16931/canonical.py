"""The canonical invoice as a rule `Node`, for invoices that have no XML (PDFs read by extraction).

The canonical model carries a subset of EN 16931: the terms below. A rule that asks for any other
term raises `Unmapped` and is skipped for such invoices, so a PDF invoice is never rejected for an
element the canonical model cannot hold. Paths are the canonical JSON paths (`totals.payable`,
`lines[2].net_amount`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from turnout.domain.invoice import Invoice, InvoiceLine, VatBreakdown
from turnout.modules.validate.en16931.view import Node, Unmapped, Value

Scalar = str | Decimal | dt.date | None


class CanonicalNode:
    """A group of the canonical invoice: named terms and named subgroups."""

    def __init__(self, path: str, terms: dict[str, Value | None], groups: dict[str, list[Node]]):
        self._path = path
        self._terms = terms
        self._groups = groups

    @property
    def path(self) -> str:
        return self._path

    def values(self, term: str) -> list[Value]:
        if term not in self._terms:
            raise Unmapped(f"canonical.{term}")
        found = self._terms[term]
        return [found] if found is not None else []

    def groups(self, group: str) -> list[Node]:
        if group not in self._groups:
            raise Unmapped(f"canonical.{group}")
        return self._groups[group]


def canonical_node(invoice: Invoice) -> Node:
    """The rule view of a canonical invoice."""
    currency = {"currencyID": invoice.currency} if invoice.currency else {}
    totals = invoice.totals
    terms = {
        "invoice_number": _value("invoice_number", invoice.invoice_number),
        "issue_date": _value("issue_date", invoice.issue_date),
        "type_code": _value("type_code", invoice.type_code),
        "currency": _value("currency", invoice.currency),
        "due_date": _value("due_date", invoice.due_date),
        "seller_name": _value("seller.name", invoice.seller.name),
        "seller_vat_id": _value("seller.vat_id", invoice.seller.vat_id),
        "seller_country": _value("seller.country", invoice.seller.country),
        "buyer_name": _value("buyer.name", invoice.buyer.name),
        "buyer_vat_id": _value("buyer.vat_id", invoice.buyer.vat_id),
        "buyer_country": _value("buyer.country", invoice.buyer.country),
        "line_net_total": _value("totals.line_net", totals.line_net, currency),
        "allowance_total": _value("totals.allowances", totals.allowances, currency),
        "charge_total": _value("totals.charges", totals.charges, currency),
        "total_without_vat": _value("totals.tax_exclusive", totals.tax_exclusive, currency),
        "vat_total": _value("totals.tax", totals.tax, currency),
        "total_with_vat": _value("totals.tax_inclusive", totals.tax_inclusive, currency),
        "paid_amount": _value("totals.prepaid", totals.prepaid, currency),
        "rounding_amount": _value("totals.rounding", totals.rounding, currency),
        "amount_due": _value("totals.payable", totals.payable, currency),
    }
    groups: dict[str, list[Node]] = {
        "lines": [_line(i, line) for i, line in enumerate(invoice.lines, start=1)],
        "vat_breakdown": [_breakdown(i, v) for i, v in enumerate(invoice.vat_breakdown, start=1)],
    }
    return CanonicalNode("invoice", terms, groups)


def _line(number: int, line: InvoiceLine) -> Node:
    at = f"lines[{number}]"
    unit = {"unitCode": line.unit} if line.unit else {}
    terms = {
        "line_id": _value(f"{at}.id", line.id),
        "item_name": _value(f"{at}.name", line.name),
        "quantity": _value(f"{at}.quantity", line.quantity, unit),
        "net_price": _value(f"{at}.net_price", line.net_price),
        "net_amount": _value(f"{at}.net_amount", line.net_amount),
        "vat_category": _value(f"{at}.vat_category", line.vat_category),
        "vat_rate": _value(f"{at}.vat_rate", line.vat_rate),
    }
    return CanonicalNode(at, terms, {})


def _breakdown(number: int, breakdown: VatBreakdown) -> Node:
    at = f"vat_breakdown[{number}]"
    terms = {
        "category": _value(f"{at}.category", breakdown.category),
        "rate": _value(f"{at}.rate", breakdown.rate),
        "taxable_amount": _value(f"{at}.taxable", breakdown.taxable),
        "tax_amount": _value(f"{at}.tax", breakdown.tax),
    }
    return CanonicalNode(at, terms, {})


def _value(path: str, scalar: Scalar, attrs: dict[str, str] | None = None) -> Value | None:
    if scalar is None or scalar == "":
        return None
    text = format(scalar, "f") if isinstance(scalar, Decimal) else str(scalar)
    return Value(text, attrs or {}, label=path)
