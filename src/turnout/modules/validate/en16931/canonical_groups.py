"""The groups of the canonical invoice as rule `Node`s: parties, lines, allowances, payment ...

Each function gives the terms (named as in `ubl_paths` / `cii_paths`) of one group kind, or the
nodes of the groups present. `canonical.canonical_node` puts them together.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from turnout.authoring import (
    Address,
    AllowanceCharge,
    Identifier,
    InvoiceLine,
    Party,
    Payee,
    Payment,
    Period,
    PrecedingInvoice,
    TaxRepresentative,
    VatBreakdown,
)
from turnout.modules.validate.en16931.view import Node, Unmapped, Value

Scalar = str | Decimal | dt.date | None
Terms = dict[str, list[Value]]


class CanonicalNode:
    """A group of the canonical invoice: named terms and named subgroups; any other name is a
    term the model does not answer (`Unmapped`), and the rule asking for it is skipped."""

    __slots__ = ("_groups", "_path", "_terms")

    def __init__(self, path: str, terms: Terms, groups: dict[str, list[Node]] | None = None):
        self._path = path
        self._terms = terms
        self._groups = groups or {}

    @property
    def path(self) -> str:
        return self._path

    def values(self, term: str) -> list[Value]:
        found = self._terms.get(term)
        if found is None:
            raise Unmapped(f"canonical.{term}")
        return found

    def groups(self, group: str) -> list[Node]:
        found = self._groups.get(group)
        if found is None:
            raise Unmapped(f"canonical.{group}")
        return found


def values(path: str, scalar: Scalar, attrs: dict[str, str] | None = None) -> list[Value]:
    """The value of one field as a list of none or one `Value` labelled with its path."""
    if scalar is None or scalar == "":
        return []
    text = format(scalar, "f") if isinstance(scalar, Decimal) else str(scalar)
    return [Value(text, attrs or {}, label=path)]


def money(path: str, amount: Decimal | None, currency: str | None) -> list[Value]:
    """An amount with the currency it is in (`currencyID`, as both syntaxes write it)."""
    return values(path, amount, {"currencyID": currency} if currency else None)


def identifier(path: str, found: Identifier | None, attribute: str = "schemeID") -> list[Value]:
    """An identifier with its scheme in the attribute the XML carries it in."""
    if found is None:
        return []
    return values(path, found.id, {attribute: found.scheme} if found.scheme else None)


def side_node(role: str, party: Party) -> Terms:
    """The invoice-level terms of the seller or the buyer (`seller_vat_id`, `buyer_endpoint` ...)."""
    terms: Terms = {
        f"{role}_name": values(f"{role}.name", party.name),
        f"{role}_vat_id": values(f"{role}.vat_id", party.vat_id),
        f"{role}_country": values(f"{role}.country", party.country),
        f"{role}_legal_id": identifier(f"{role}.legal_registration.id", party.legal_registration),
        f"{role}_endpoint": identifier(f"{role}.electronic_address.id", party.electronic_address),
    }
    if role == "seller":  # the buyer has no identifiers the rules ask for, nor a tax registration
        terms["seller_id"] = [
            v
            for i, found in enumerate(party.identifiers)
            for v in identifier(f"seller.identifiers[{i}].id", found)
        ]
        terms["seller_tax_registration"] = values(
            "seller.tax_registration_id", party.tax_registration_id
        )
    return terms


def address_node(path: str, address: Address, country: str | None) -> list[Node]:
    """A postal address, present when any of its terms (or the owner's country) has a value."""
    parts = (
        address.line1,
        address.line2,
        address.line3,
        address.city,
        address.post_code,
        address.subdivision,
        country,
    )
    if not any(parts):
        return []
    owner = path.rpartition(".")[0]
    return [CanonicalNode(path, {"country": values(f"{owner}.country", country)})]


def period_node(path: str, period: Period) -> list[Node]:
    """A period, present when it has a start or an end."""
    if period.start is None and period.end is None:
        return []
    terms = {
        "start": values(f"{path}.start", period.start),
        "end": values(f"{path}.end", period.end),
        "code": [],  # BT-8 is the invoice's tax_point_code, not the period's
    }
    return [CanonicalNode(path, terms)]


def payee_node(payee: Payee | None) -> list[Node]:
    if payee is None:
        return []
    return [CanonicalNode("payee", {"name": values("payee.name", payee.name)})]


def representative_node(party: TaxRepresentative | None) -> list[Node]:
    if party is None:
        return []
    terms = {
        "name": values("tax_representative.name", party.name),
        "vat_id": values("tax_representative.vat_id", party.vat_id),
        "country": values("tax_representative.country", party.country),
    }
    address = address_node("tax_representative.address", party.address, party.country)
    return [CanonicalNode("tax_representative", terms, {"address": address})]


def allowance_terms(path: str, item: AllowanceCharge, currency: str | None) -> Terms:
    return {
        "amount": money(f"{path}.amount", item.amount, currency),
        "base_amount": money(f"{path}.base", item.base, currency),
        "reason": values(f"{path}.reason", item.reason),
        "reason_code": values(f"{path}.reason_code", item.reason_code),
        "vat_category": values(f"{path}.vat_category", item.vat_category),
        "vat_rate": values(f"{path}.vat_rate", item.vat_rate),
    }


def document_node(path: str, item: AllowanceCharge, currency: str | None) -> Node:
    """A document-level allowance or charge (BG-20, BG-21)."""
    return CanonicalNode(path, allowance_terms(path, item, currency))


def line_node(index: int, line: InvoiceLine, currency: str | None) -> Node:
    """An invoice line (BG-25) with its period, allowances, charges and item attributes."""
    at = f"lines[{index}]"
    terms = {
        "line_id": values(f"{at}.id", line.id),
        "item_name": values(f"{at}.name", line.name),
        "quantity": values(
            f"{at}.quantity", line.quantity, {"unitCode": line.unit} if line.unit else None
        ),
        "net_price": money(f"{at}.net_price", line.net_price, currency),
        "gross_price": money(f"{at}.gross_price", line.gross_price, currency),
        "net_amount": money(f"{at}.net_amount", line.net_amount, currency),
        "vat_category": values(f"{at}.vat_category", line.vat_category),
        "vat_rate": values(f"{at}.vat_rate", line.vat_rate),
        "standard_id": identifier(f"{at}.standard_id.id", line.standard_id),
        "classification_id": [
            v
            for i, found in enumerate(line.classifications)
            for v in values(
                f"{at}.classifications[{i}].id",
                found.id,
                {"listID": found.scheme} if found.scheme else None,
            )
        ],
    }
    groups: dict[str, list[Node]] = {
        "line_period": period_node(f"{at}.period", line.period),
        "line_allowances": [
            CanonicalNode(
                f"{at}.allowances[{i}]", allowance_terms(f"{at}.allowances[{i}]", a, currency)
            )
            for i, a in enumerate(line.allowances)
        ],
        "line_charges": [
            CanonicalNode(f"{at}.charges[{i}]", allowance_terms(f"{at}.charges[{i}]", c, currency))
            for i, c in enumerate(line.charges)
        ],
        "item_attributes": [
            CanonicalNode(
                f"{at}.attributes[{i}]",
                {
                    "name": values(f"{at}.attributes[{i}].name", a.name),
                    "value": values(f"{at}.attributes[{i}].value", a.value),
                },
            )
            for i, a in enumerate(line.attributes)
        ],
    }
    return CanonicalNode(at, terms, groups)


def breakdown_node(index: int, row: VatBreakdown, currency: str | None) -> Node:
    """A VAT breakdown row (BG-23) with its exemption reason."""
    at = f"vat_breakdown[{index}]"
    terms = {
        "category": values(f"{at}.category", row.category),
        "rate": values(f"{at}.rate", row.rate),
        "taxable_amount": money(f"{at}.taxable", row.taxable, currency),
        "tax_amount": money(f"{at}.tax", row.tax, currency),
        "exemption_reason": values(f"{at}.exemption_reason", row.exemption_reason),
        "exemption_code": values(f"{at}.exemption_code", row.exemption_code),
    }
    return CanonicalNode(at, terms)


def preceding_node(index: int, item: PrecedingInvoice) -> Node:
    at = f"preceding_invoices[{index}]"
    return CanonicalNode(at, {"reference": values(f"{at}.number", item.number)})


def payment_nodes(payment: Payment) -> list[Node]:
    """The payment instructions (BG-16) as the exports write them: a first payment means with the
    model's means code and the first credit transfer (`iban`), then one means of the same code per
    further transfer (`more_transfers`). Present on the condition the exports write a payment
    means on: a means code or text, a remittance, a credit transfer, a card or a direct debit."""
    code = values("payment.means_code", payment.means_code)
    transfers: list[Node] = []
    if any((payment.iban, payment.account_name, payment.bic)):
        transfers.append(
            CanonicalNode("payment", {"account_id": values("payment.iban", payment.iban)})
        )
    instructions = (
        payment.means_code,
        payment.means_text,
        payment.remittance,
        payment.card,
        payment.direct_debit,
    )
    if not (transfers or payment.more_transfers or any(i not in (None, "") for i in instructions)):
        return []
    first_account = values("payment.iban", payment.iban)
    means: list[Node] = [
        CanonicalNode(
            "payment", {"code": code, "account_id": first_account}, {"credit_transfer": transfers}
        )
    ]
    for i, transfer in enumerate(payment.more_transfers):
        at = f"payment.more_transfers[{i}]"
        account = values(f"{at}.account", transfer.account)
        node = CanonicalNode(at, {"account_id": account})
        means.append(
            CanonicalNode(at, {"code": code, "account_id": account}, {"credit_transfer": [node]})
        )
    return means
