"""UBL 2.1 Invoice and CreditNote → the canonical invoice (EN 16931 syntax binding for UBL).

Paths follow the EN 16931-3-2 binding, every business term of the semantic model included: the
header and its references here, the parties in `ubl_parties`, payment, totals and VAT breakdown in
`ubl_payment`, references and supporting documents in `ubl_documents`, lines in `ubl_lines`.
Where the standard allows the same term in two places (BT-9 as `cbc:DueDate` on an Invoice or
`cac:PaymentMeans/cbc:PaymentDueDate` on a CreditNote), both are read. Whatever the binding does
not map is kept verbatim in `invoice.extensions` (`ubl_extensions`). A term absent from the
document stays empty: nothing is guessed.
"""

from __future__ import annotations

from turnout.authoring import Invoice
from turnout.modules.einvoice.reading import Element
from turnout.modules.einvoice.ubl_documents import DocumentReferences, notes, preceding_invoices
from turnout.modules.einvoice.ubl_extensions import extensions
from turnout.modules.einvoice.ubl_lines import lines, period
from turnout.modules.einvoice.ubl_parties import delivery, party, payee, tax_representative
from turnout.modules.einvoice.ubl_payment import payment, tax_totals, totals, vat_breakdown
from turnout.modules.einvoice.ubl_tree import (
    DOCUMENT_ALLOWANCE,
    DOCUMENT_CHARGE,
    NAMESPACES,
    UBL,
    Children,
    allowances_and_charges,
)

__all__ = ["NAMESPACES", "read_ubl"]


def read_ubl(root: Element, document_type: str) -> tuple[str | None, Invoice]:
    """The profile (BT-24) and canonical invoice of a UBL Invoice or CreditNote root."""
    head = Children(root)
    currency = head.text("cbc:DocumentCurrencyCode")
    vat_currency = head.text("cbc:TaxCurrencyCode")
    tax_total, tax_accounting = tax_totals(root, currency, vat_currency)
    references = DocumentReferences(root, document_type)
    unmapped = references.unmapped  # the parties and lines add theirs
    order = head.find("cac:OrderReference")
    specification = head.text("cbc:CustomizationID")
    invoice_period = head.find("cac:InvoicePeriod")
    invoice = Invoice(
        invoice_number=head.text("cbc:ID"),
        issue_date=head.iso_date("cbc:IssueDate", "BT-2 issue date"),
        type_code=head.text(f"cbc:{document_type}TypeCode"),
        currency=currency,
        due_date=head.iso_date("cbc:DueDate", "BT-9 due date")
        or head.iso_date("cac:PaymentMeans/cbc:PaymentDueDate", "BT-9 due date"),
        buyer_reference=head.text("cbc:BuyerReference"),
        order_reference=_order_reference(order),
        seller=party(head.find("cac:AccountingSupplierParty/cac:Party"), unmapped),
        buyer=party(head.find("cac:AccountingCustomerParty/cac:Party"), unmapped),
        payment=payment(root),
        totals=totals(head.find("cac:LegalMonetaryTotal"), tax_total, tax_accounting),
        vat_breakdown=vat_breakdown(tax_total),
        lines=lines(root, document_type, unmapped),
        vat_currency=vat_currency,
        tax_point_date=head.iso_date("cbc:TaxPointDate", "BT-7 VAT point date"),
        tax_point_code=UBL.text(invoice_period, "cbc:DescriptionCode"),
        project_reference=head.text("cac:ProjectReference/cbc:ID") or references.project,
        contract_reference=head.text("cac:ContractDocumentReference/cbc:ID"),
        sales_order_reference=UBL.text(order, "cbc:SalesOrderID"),
        receiving_advice_reference=head.text("cac:ReceiptDocumentReference/cbc:ID"),
        despatch_advice_reference=head.text("cac:DespatchDocumentReference/cbc:ID"),
        tender_reference=head.text("cac:OriginatorDocumentReference/cbc:ID"),
        invoiced_object=references.invoiced_object,
        buyer_accounting_reference=head.text("cbc:AccountingCost"),
        payment_terms=head.text("cac:PaymentTerms/cbc:Note"),
        notes=notes(root),
        business_process=head.text("cbc:ProfileID"),
        specification_id=specification,
        preceding_invoices=preceding_invoices(root),
        payee=payee(head.find("cac:PayeeParty")),
        tax_representative=tax_representative(head.find("cac:TaxRepresentativeParty")),
        delivery=delivery(head.find("cac:Delivery")),
        invoicing_period=period(invoice_period, "BT-73", "BT-74", "invoicing"),
        documents=references.documents,
        extensions=extensions(root, unmapped),
    )
    invoice.allowances, invoice.charges = allowances_and_charges(
        root, "document", DOCUMENT_ALLOWANCE, DOCUMENT_CHARGE
    )
    return specification, invoice


# UBL makes `cac:OrderReference/cbc:ID` (BT-13) mandatory even when the invoice only refers to the
# seller's sales order (BT-14, `cbc:SalesOrderID`); the syntax binding has senders fill it with
# `NA`, and the German XRechnung test suite with `Dummywert` ("dummy value"). Beside a sales order
# reference these stand for "no purchase order", which CII writes by leaving BT-13 out.
_NO_PURCHASE_ORDER = frozenset({"NA", "Dummywert"})


def _order_reference(reference: Element | None) -> str | None:
    """BT-13, the buyer's purchase order reference, or None when the invoice has none."""
    order = UBL.text(reference, "cbc:ID")
    if order in _NO_PURCHASE_ORDER and UBL.text(reference, "cbc:SalesOrderID"):
        return None
    return order
