"""The canonical invoice → a UN/CEFACT Cross Industry Invoice D16B (EN 16931-3-3 binding).

The document is the one EN 16931 and the Factur-X / ZUGFeRD EN 16931 profile use: the context
(BT-23, BT-24), the exchanged document (BT-1, BT-3, BT-2, BG-1), then the transaction with its
line items (`cii_lines`), header agreement (parties and references), header delivery and header
settlement (`cii_settlement`), each in the D16B schema's element order. An element is left out
when its value is unknown, never invented; amounts, rates and quantities are written exactly as
their Decimals are. CII has one root for invoices and credit notes: a credit note's type code
(381 ...) simply stays in `ram:TypeCode`.

Attached documents (BT-125) are kept by reference in the canonical invoice; their bytes are
given to `build_cii` by SHA-256 (see `turnout.modules.export.attachments`) and written back as
`ram:AttachmentBinaryObject`.

What CII requires and the invoice lacks (number, type code, issue date, currency, amount due, at
least one line with its id and net amount, an attachment's bytes) makes `build_cii` raise
`InputRejected` naming every gap: an invalid CII file is worse than none. So does what CII cannot
carry (`unwritable`: a VAT point date code outside EN 16931's, VAT on a line allowance or charge;
a price discount without the gross price it is written in).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from lxml import etree

from turnout.authoring import InputRejected, Invoice, SupportingDocument
from turnout.modules.export.cii_lines import INVOICED_OBJECT, line_item
from turnout.modules.export.cii_parties import ship_to_party, tax_representative_party, trade_party
from turnout.modules.export.cii_settlement import settlement
from turnout.modules.export.cii_xml import (
    NSMAP,
    RSM,
    Element,
    date_time,
    prune,
    ram,
    text,
)
from turnout.modules.export.profiles import EN16931
from turnout.modules.export.unwritable import refuse_unwritable, unwritable_values

# UNTDID 1001 document types of the header's additional documents
SUPPORTING_DOCUMENT = "916"
TENDER = "50"
# containers the D16B schema requires even when nothing goes into them
_REQUIRED = frozenset(
    {
        "ApplicableHeaderTradeAgreement",
        "ApplicableHeaderTradeDelivery",
        "ApplicableHeaderTradeSettlement",
        "SpecifiedTradeProduct",
        "SpecifiedLineTradeAgreement",
        "SpecifiedLineTradeDelivery",
        "SpecifiedLineTradeSettlement",
    }
)


def build_cii(
    invoice: Invoice,
    customization_id: str = EN16931,
    attachments: Mapping[str, bytes] | None = None,
    business_process: str | None = None,
) -> bytes:
    """The CII D16B document of `invoice` as UTF-8 bytes with an XML declaration.

    `customization_id` is written as BT-24; `business_process` is BT-23 when the invoice has
    none; `attachments` maps the SHA-256 of each attached document to its bytes."""
    attachments = attachments or {}
    _require_mandatory(invoice, attachments)
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _rsm(root, "ExchangedDocumentContext")
    process = invoice.business_process or business_process
    text(ram(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", process)
    text(ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", customization_id)
    document = _rsm(root, "ExchangedDocument")
    text(document, "ID", invoice.invoice_number)
    text(document, "TypeCode", invoice.type_code)
    date_time(document, "IssueDateTime", invoice.issue_date)
    for note in invoice.notes:
        included = ram(document, "IncludedNote")
        text(included, "Content", note.text)
        text(included, "SubjectCode", note.subject_code)
    transaction = _rsm(root, "SupplyChainTradeTransaction")
    for line in invoice.lines:
        line_item(transaction, line)
    _agreement(transaction, invoice, attachments)
    _delivery(transaction, invoice)
    settlement(transaction, invoice)
    prune(root, _REQUIRED)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _rsm(parent: Element, name: str) -> Element:
    return etree.SubElement(parent, f"{{{RSM}}}{name}")


def _require_mandatory(invoice: Invoice, attachments: Mapping[str, bytes]) -> None:
    gaps = [
        term
        for term, value in (
            ("the invoice number (BT-1)", invoice.invoice_number),
            ("the invoice type code (BT-3)", invoice.type_code),
            ("the issue date (BT-2)", invoice.issue_date),
            ("the currency (BT-5)", invoice.currency),
            ("the amount due (BT-115)", invoice.totals.payable),
        )
        if value is None
    ]
    if not invoice.lines:
        gaps.append("an invoice line (CII needs at least one)")
    for index, line in enumerate(invoice.lines, start=1):
        if line.id is None or line.net_amount is None:
            gaps.append(f"line {index}'s id (BT-126) or net amount (BT-131)")
    if invoice.totals.tax_accounting is not None and invoice.vat_currency is None:
        gaps.append("the VAT accounting currency (BT-6) its VAT total in that currency needs")
    for document in invoice.documents:
        attachment = document.attachment
        if attachment is not None and attachment.sha256 not in attachments:
            gaps.append(
                f"the bytes of the file {attachment.filename!r} attached to supporting document "
                f"{document.reference!r} (BT-125, SHA-256 {attachment.sha256}): they are not in "
                "the e-invoice the run read, so export the run that read the original e-invoice "
                "or remove the attachment in review"
            )
    if gaps:
        raise InputRejected(
            "cannot write a valid CII D16B document: the invoice lacks "
            + "; ".join(gaps)
            + ". Complete the invoice (or route it to review) before exporting it as CII, "
            "or export it with export.json"
        )
    problems = unwritable_values(invoice)
    for index, line in enumerate(invoice.lines, start=1):
        if line.price_discount is not None and line.gross_price is None:
            # the D16B schema requires ram:ChargeAmount in the gross price the discount sits in
            problems.append(
                f"line {index}'s price discount (BT-147) without its gross price (BT-148), "
                "which CII needs to write the discount: add the gross price or clear the discount"
            )
    refuse_unwritable(problems, "a valid CII D16B document", "CII")


def _agreement(transaction: Element, invoice: Invoice, attachments: Mapping[str, bytes]) -> None:
    agreement = ram(transaction, "ApplicableHeaderTradeAgreement")
    text(agreement, "BuyerReference", invoice.buyer_reference)
    trade_party(agreement, "SellerTradeParty", invoice.seller)
    trade_party(agreement, "BuyerTradeParty", invoice.buyer)
    tax_representative_party(agreement, invoice.tax_representative)
    for name, reference in (
        ("SellerOrderReferencedDocument", invoice.sales_order_reference),
        ("BuyerOrderReferencedDocument", invoice.order_reference),
        ("ContractReferencedDocument", invoice.contract_reference),
    ):
        text(ram(agreement, name), "IssuerAssignedID", reference)
    for document in invoice.documents:
        _supporting_document(agreement, document, attachments)
    if invoice.tender_reference is not None:
        tender = ram(agreement, "AdditionalReferencedDocument")
        text(tender, "IssuerAssignedID", invoice.tender_reference)
        text(tender, "TypeCode", TENDER)
    invoiced_object = invoice.invoiced_object
    if invoiced_object is not None and invoiced_object.id is not None:
        element = ram(agreement, "AdditionalReferencedDocument")
        text(element, "IssuerAssignedID", invoiced_object.id)
        text(element, "TypeCode", INVOICED_OBJECT)
        text(element, "ReferenceTypeCode", invoiced_object.scheme)
    if invoice.project_reference is not None:
        project = ram(agreement, "SpecifiedProcuringProject")
        text(project, "ID", invoice.project_reference)
        # ram:Name is mandatory in the schema and has no business term: the binding's wording
        text(project, "Name", "Project reference")


def _supporting_document(
    agreement: Element, document: SupportingDocument, attachments: Mapping[str, bytes]
) -> None:
    element = ram(agreement, "AdditionalReferencedDocument")
    text(element, "IssuerAssignedID", document.reference)
    text(element, "URIID", document.uri)
    text(element, "TypeCode", SUPPORTING_DOCUMENT)
    text(element, "Name", document.description)
    attachment = document.attachment
    if attachment is not None and attachment.sha256 is not None:
        data = base64.b64encode(attachments[attachment.sha256]).decode("ascii")
        text(
            element,
            "AttachmentBinaryObject",
            data,
            mimeCode=attachment.mime_code,
            filename=attachment.filename,
        )


def _delivery(transaction: Element, invoice: Invoice) -> None:
    delivery = ram(transaction, "ApplicableHeaderTradeDelivery")
    ship_to_party(delivery, invoice.delivery)
    event = ram(delivery, "ActualDeliverySupplyChainEvent")
    date_time(event, "OccurrenceDateTime", invoice.delivery.date if invoice.delivery else None)
    for name, reference in (
        ("DespatchAdviceReferencedDocument", invoice.despatch_advice_reference),
        ("ReceivingAdviceReferencedDocument", invoice.receiving_advice_reference),
    ):
        text(ram(delivery, name), "IssuerAssignedID", reference)
