"""The references of a UBL invoice (BT-11 to BT-18, BG-3, BG-24) in UBL 2.1 schema order.

An Invoice writes the project reference (BT-11) as `cac:ProjectReference`; UBL 2.1 CreditNote has
none, so there it is an additional document reference with type code 50, as the syntax binding
says. The invoiced object (BT-18) is an additional document reference with type code 130. The
supporting documents (BG-24) are additional document references without a type code; an attached
document (BT-125) is embedded again from its bytes, found by SHA-256 in the run's document.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from turnout.authoring import InputRejected, Invoice, SupportingDocument
from turnout.modules.export.ubl_xml import Element, cac, cbc, identifier

OBJECT_TYPE = "130"  # UNTDID 1001 invoicing data sheet: an invoiced object (BT-18, BT-128)
PROJECT_TYPE = "50"  # UNTDID 1001 price/sales catalogue response: a CreditNote's project (BT-11)
# UBL makes the order reference's ID mandatory; the binding has senders write NA when the invoice
# refers only to the seller's sales order (BT-14)
NO_PURCHASE_ORDER = "NA"


def order_and_billing(root: Element, invoice: Invoice) -> None:
    """`cac:OrderReference` (BT-13, BT-14) and `cac:BillingReference` (BG-3) of `invoice`."""
    if invoice.order_reference is not None or invoice.sales_order_reference is not None:
        order = cac(root, "OrderReference")
        cbc(order, "ID", invoice.order_reference or NO_PURCHASE_ORDER)
        cbc(order, "SalesOrderID", invoice.sales_order_reference)
    for preceding in invoice.preceding_invoices:
        reference = cac(cac(root, "BillingReference"), "InvoiceDocumentReference")
        cbc(reference, "ID", preceding.number)
        cbc(reference, "IssueDate", preceding.issue_date)


def document_references(
    root: Element, invoice: Invoice, kind: str, attachments: Mapping[str, bytes]
) -> None:
    """Despatch and receiving advice, tender, contract, additional documents and project."""
    _reference(root, "DespatchDocumentReference", invoice.despatch_advice_reference)
    _reference(root, "ReceiptDocumentReference", invoice.receiving_advice_reference)
    if kind == "Invoice":
        _reference(root, "OriginatorDocumentReference", invoice.tender_reference)
    _reference(root, "ContractDocumentReference", invoice.contract_reference)
    if invoice.invoiced_object is not None:
        element = cac(root, "AdditionalDocumentReference")
        identifier(element, "ID", invoice.invoiced_object)
        cbc(element, "DocumentTypeCode", OBJECT_TYPE)
    if kind == "CreditNote" and invoice.project_reference is not None:
        element = cac(root, "AdditionalDocumentReference")
        cbc(element, "ID", invoice.project_reference)
        cbc(element, "DocumentTypeCode", PROJECT_TYPE)
    for document in invoice.documents:
        _supporting_document(root, document, attachments)
    if kind == "CreditNote":
        _reference(root, "OriginatorDocumentReference", invoice.tender_reference)
    else:
        _reference(root, "ProjectReference", invoice.project_reference)


def _reference(root: Element, name: str, value: str | None) -> None:
    if value is not None:
        cbc(cac(root, name), "ID", value)


def _supporting_document(
    root: Element, document: SupportingDocument, attachments: Mapping[str, bytes]
) -> None:
    element = cac(root, "AdditionalDocumentReference")
    cbc(element, "ID", document.reference)
    cbc(element, "DocumentDescription", document.description)
    if document.attachment is None and document.uri is None:
        return
    attachment = cac(element, "Attachment")
    if document.attachment is not None:
        found = document.attachment
        data = attachments.get(found.sha256 or "")
        if data is None:
            raise InputRejected(
                f"the supporting document {document.reference!r} has an attached file "
                f"{found.filename!r} (SHA-256 {found.sha256}) whose bytes are not in the e-invoice "
                "the run read, so the UBL file cannot carry it; export the run that read the "
                "original e-invoice, or remove the attachment from the invoice in review"
            )
        cbc(
            attachment,
            "EmbeddedDocumentBinaryObject",
            base64.b64encode(data).decode("ascii"),
            mimeCode=found.mime_code,
            filename=found.filename,
        )
    if document.uri is not None:
        cbc(cac(attachment, "ExternalReference"), "URI", document.uri)
