"""The canonical invoice as a rule `Node`, for invoices that have no XML (PDFs read by extraction).

Every business term the rules ask for is mapped to the canonical model (the names are those of
`ubl_paths` and `cii_paths`), so an invoice read from a page is checked as its e-invoice would be.
Paths are the canonical JSON paths (`totals.payable`, `lines[2].allowances[0].amount`).

Two kinds of rule stay with the XML:
- the syntax rules of a binding (`XML_ONLY_FAMILIES`: UBL-SR cardinalities, UBL-DT, UBL-CR), which
  are about how elements are written, not about business content; `canonical_rules` leaves them
  out, and their terms (`violations:*`, `document_amounts` ...) are not mapped here;
- BR-01 on an invoice that names no specification (BT-24): a printed page claims none, so the
  rule that asks for one does not apply to it.

A group the model always holds (an address, a period) counts as present when one of its terms has
a value: an empty group and an absent one say the same thing in the model.
"""

from __future__ import annotations

from collections.abc import Iterable

from turnout.authoring import CREDIT_NOTE_CODES, Invoice
from turnout.modules.validate.en16931.canonical_groups import (
    CanonicalNode,
    Terms,
    address_node,
    breakdown_node,
    document_node,
    line_node,
    money,
    payee_node,
    payment_nodes,
    period_node,
    preceding_node,
    representative_node,
    side_node,
    values,
)
from turnout.modules.validate.en16931.registry import Rule
from turnout.modules.validate.en16931.view import Node, Value

XML_ONLY_FAMILIES = ("UBL-",)
"""Rule id prefixes of the syntax rules: they read how the XML is written and need it."""

__all__ = ["XML_ONLY_FAMILIES", "CanonicalNode", "canonical_node", "canonical_rules"]


def canonical_rules(rules: Iterable[Rule]) -> list[Rule]:
    """`rules` without the syntax rules, which only XML can answer."""
    return [r for r in rules if not r.rule_id.startswith(XML_ONLY_FAMILIES)]


def canonical_node(invoice: Invoice) -> Node:
    """The rule view of a canonical invoice."""
    currency = invoice.currency
    totals, seller, buyer = invoice.totals, invoice.seller, invoice.buyer
    representative, delivery, payment = (
        invoice.tax_representative,
        invoice.delivery,
        invoice.payment,
    )
    vat_totals = money("totals.tax", totals.tax, currency)
    if invoice.vat_currency:  # BT-111 is the VAT total in the VAT accounting currency (BT-6)
        vat_totals += money("totals.tax_accounting", totals.tax_accounting, invoice.vat_currency)
    countries = (
        values("seller.country", seller.country)
        + values("buyer.country", buyer.country)
        + values("tax_representative.country", representative.country if representative else None)
        + values("delivery.country", delivery.country if delivery else None)
    )
    origins = [
        v
        for i, line in enumerate(invoice.lines)
        for v in values(f"lines[{i}].origin_country", line.origin_country)
    ]
    terms: Terms = {
        "invoice_number": values("invoice_number", invoice.invoice_number),
        "issue_date": values("issue_date", invoice.issue_date),
        "type_code": values("type_code", invoice.type_code),
        "currency": values("currency", currency),
        "vat_currency": values("vat_currency", invoice.vat_currency),
        "tax_point_date": values("tax_point_date", invoice.tax_point_date),
        "tax_point_date_code": values("tax_point_code", invoice.tax_point_code),
        "tax_point_date_code_2005": values("tax_point_code", invoice.tax_point_code),
        "due_date": values("due_date", invoice.due_date),
        "payment_terms": values("payment_terms", invoice.payment_terms),
        "credit_note_root": values("type_code", invoice.type_code)
        if invoice.type_code in CREDIT_NOTE_CODES
        else [],
        "actual_delivery_date": values("delivery.date", delivery.date if delivery else None),
        "invoice_period_parts": values("invoicing_period.start", invoice.invoicing_period.start)
        + values("invoicing_period.end", invoice.invoicing_period.end),
        "deliver_to_country": values("delivery.country", delivery.country if delivery else None),
        "tax_representative_vat_id": values(
            "tax_representative.vat_id", representative.vat_id if representative else None
        ),
        "line_net_total": money("totals.line_net", totals.line_net, currency),
        "allowance_total": money("totals.allowances", totals.allowances, currency),
        "charge_total": money("totals.charges", totals.charges, currency),
        "total_without_vat": money("totals.tax_exclusive", totals.tax_exclusive, currency),
        "total_with_vat": money("totals.tax_inclusive", totals.tax_inclusive, currency),
        "paid_amount": money("totals.prepaid", totals.prepaid, currency),
        "rounding_amount": money("totals.rounding", totals.rounding, currency),
        "amount_due": money("totals.payable", totals.payable, currency),
        "vat_total": vat_totals,
        # the amounts that say their currency: the VAT totals (CII writes it on those only)
        "all_amounts": vat_totals,
        "all_countries": countries,
        "origin_countries": origins,
        # every country code, the items' origin included, as UBL's BR-B-01 counts them
        "every_country_code": countries + origins,
        "tax_category_codes": [
            *(
                v
                for i, row in enumerate(invoice.vat_breakdown)
                for v in values(f"vat_breakdown[{i}].category", row.category)
            ),
            *(
                v
                for kind in ("allowances", "charges")
                for i, item in enumerate(getattr(invoice, kind))
                for v in values(f"{kind}[{i}].vat_category", item.vat_category)
            ),
        ],
        "line_tax_category_codes": [
            v
            for i, line in enumerate(invoice.lines)
            for v in values(f"lines[{i}].vat_category", line.vat_category)
        ],
        "payment_means_codes": values("payment.means_code", payment.means_code),
        "card_numbers": values(
            "payment.card.account", payment.card.account if payment.card else None
        ),
        "all_binary_objects": [
            Value("", attrs, label=f"documents[{i}].attachment")
            for i, document in enumerate(invoice.documents)
            if document.attachment is not None
            for attrs in [
                _binary_attrs(document.attachment.mime_code, document.attachment.filename)
            ]
        ],
    }
    terms.update(side_node("seller", seller))
    terms.update(side_node("buyer", buyer))
    if invoice.specification_id:  # a printed page names no specification: BR-01 does not apply
        terms["specification_id"] = values("specification_id", invoice.specification_id)
    groups: dict[str, list[Node]] = {
        "lines": [line_node(i, line, currency) for i, line in enumerate(invoice.lines)],
        "vat_breakdown": [
            breakdown_node(i, row, currency) for i, row in enumerate(invoice.vat_breakdown)
        ],
        "allowances": [
            document_node(f"allowances[{i}]", item, currency)
            for i, item in enumerate(invoice.allowances)
        ],
        "charges": [
            document_node(f"charges[{i}]", item, currency) for i, item in enumerate(invoice.charges)
        ],
        "payment_means": payment_nodes(payment),
        "preceding_invoices": [
            preceding_node(i, item) for i, item in enumerate(invoice.preceding_invoices)
        ],
        "documents": [
            CanonicalNode(
                f"documents[{i}]", {"reference": values(f"documents[{i}].reference", d.reference)}
            )
            for i, d in enumerate(invoice.documents)
        ],
        "invoice_period": period_node("invoicing_period", invoice.invoicing_period),
        "seller_address": address_node("seller.address", seller.address, seller.country),
        "buyer_address": address_node("buyer.address", buyer.address, buyer.country),
        "payee": payee_node(invoice.payee),
        "tax_representative": representative_node(representative),
        "deliver_to_address": address_node("delivery.address", delivery.address, delivery.country)
        if delivery
        else [],
    }
    return CanonicalNode("invoice", terms, groups)


def _binary_attrs(mime_code: str | None, filename: str | None) -> dict[str, str]:
    attrs = {"mimeCode": mime_code, "filename": filename}
    return {name: text for name, text in attrs.items() if text}
