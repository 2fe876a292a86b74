"""UN/CEFACT Cross Industry Invoice (D16B) → the canonical invoice (Factur-X, ZUGFeRD 2, XRechnung).

Paths follow the EN 16931-3-3 binding; every business term of the semantic model is read where
the binding puts it (`cii_parties`, `cii_settlement`, `cii_lines`, `cii_documents`). Dates are
`udt:DateTimeString` in format 102 (YYYYMMDD). Elements the binding does not map are kept verbatim
in `invoice.extensions` (`cii_extensions`), never dropped.
"""

from __future__ import annotations

from turnout.authoring import Invoice, Note, Period
from turnout.modules.einvoice.cii_common import Dialect, allowances_and_charges, period
from turnout.modules.einvoice.cii_documents import references
from turnout.modules.einvoice.cii_extensions import outermost, unknown_elements
from turnout.modules.einvoice.cii_known import KNOWN_CII, NAMESPACES
from turnout.modules.einvoice.cii_lines import line, price_surcharges
from turnout.modules.einvoice.cii_parties import delivery, party, payee, tax_representative
from turnout.modules.einvoice.cii_settlement import (
    due_date,
    payment,
    payment_terms,
    preceding_invoices,
    tax_point,
    totals,
    vat_breakdown,
)
from turnout.modules.einvoice.reading import Element, TreeReader, text_of
from turnout.modules.einvoice.siblings import extensions_of

__all__ = ["NAMESPACES", "read_cii"]

D16B = Dialect(TreeReader(NAMESPACES))
_TRANSACTION = "rsm:SupplyChainTradeTransaction"
_CONTEXT = "rsm:ExchangedDocumentContext"


def read_cii(root: Element) -> tuple[str | None, Invoice]:
    """The profile (BT-24) and canonical invoice of a CII `CrossIndustryInvoice` root."""
    d16b = D16B.for_document()
    cii = d16b.reader
    document = cii.find(root, "rsm:ExchangedDocument")
    transaction = cii.find(root, _TRANSACTION)
    agreement = cii.find(transaction, "ram:ApplicableHeaderTradeAgreement")
    header_delivery = cii.find(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = cii.find(transaction, "ram:ApplicableHeaderTradeSettlement")
    currency = cii.text(settlement, "ram:InvoiceCurrencyCode")
    vat_currency = cii.text(settlement, "ram:TaxCurrencyCode")
    profile = cii.text(root, f"{_CONTEXT}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")
    refs = references(d16b, agreement)
    items = cii.findall(transaction, "ram:IncludedSupplyChainTradeLineItem")
    allowances, charges = allowances_and_charges(d16b, settlement, with_vat=True)
    point_date, point_code = tax_point(d16b, settlement)
    invoice = Invoice(
        invoice_number=cii.text(document, "ram:ID"),
        issue_date=cii.date_102(
            document, "ram:IssueDateTime/udt:DateTimeString", "BT-2 issue date"
        ),
        type_code=cii.text(document, "ram:TypeCode"),
        currency=currency,
        due_date=due_date(d16b, settlement),
        buyer_reference=cii.text(agreement, "ram:BuyerReference"),
        order_reference=_issuer_id(cii, agreement, "ram:BuyerOrderReferencedDocument"),
        seller=party(d16b, cii.find(agreement, "ram:SellerTradeParty")),
        buyer=party(d16b, cii.find(agreement, "ram:BuyerTradeParty")),
        payment=payment(d16b, settlement),
        totals=totals(
            d16b,
            cii.find(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation"),
            currency,
            vat_currency,
        ),
        vat_breakdown=vat_breakdown(d16b, settlement),
        lines=[line(d16b, item) for item in items],
        vat_currency=vat_currency,
        tax_point_date=point_date,
        tax_point_code=point_code,
        project_reference=cii.text(agreement, "ram:SpecifiedProcuringProject/ram:ID"),
        contract_reference=_issuer_id(cii, agreement, "ram:ContractReferencedDocument"),
        sales_order_reference=_issuer_id(cii, agreement, "ram:SellerOrderReferencedDocument"),
        receiving_advice_reference=_issuer_id(
            cii, header_delivery, "ram:ReceivingAdviceReferencedDocument"
        ),
        despatch_advice_reference=_issuer_id(
            cii, header_delivery, "ram:DespatchAdviceReferencedDocument"
        ),
        tender_reference=refs.tender,
        invoiced_object=refs.invoiced_object,
        buyer_accounting_reference=cii.text(
            settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"
        ),
        payment_terms=payment_terms(d16b, settlement),
        notes=notes(cii, document),
        business_process=cii.text(
            root, f"{_CONTEXT}/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
        ),
        specification_id=profile,
        preceding_invoices=preceding_invoices(d16b, settlement),
        payee=payee(d16b, cii.find(settlement, "ram:PayeeTradeParty")),
        tax_representative=tax_representative(
            d16b, cii.find(agreement, "ram:SellerTaxRepresentativeTradeParty")
        ),
        delivery=delivery(d16b, header_delivery),
        invoicing_period=_invoicing_period(d16b, settlement),
        allowances=allowances,
        charges=charges,
        documents=refs.documents,
        extensions=extensions_of(_unmapped(d16b, root, items, refs.unmapped)),
    )
    return profile, invoice


def _unmapped(
    d16b: Dialect, root: Element, items: list[Element], documents: list[Element]
) -> list[Element]:
    """What EN 16931 has no place for: unknown elements, referenced documents of other types,
    surcharges on a gross price. The last two are rare: only then is the list sorted out."""
    found = unknown_elements(root, KNOWN_CII)
    more = documents + price_surcharges(d16b, items)
    return outermost(found + more) if more else found


def notes(reader: TreeReader, document: Element | None) -> list[Note]:
    """BG-1, every `ram:IncludedNote`: its contents (one a line when there are several) and
    subject code."""
    found: list[Note] = []
    for note in reader.findall(document, "ram:IncludedNote"):
        text = "\n".join(filter(None, map(text_of, reader.findall(note, "ram:Content"))))
        found.append(Note(reader.text(note, "ram:SubjectCode"), text or None))
    return found


def _issuer_id(reader: TreeReader, parent: Element | None, document: str) -> str | None:
    return reader.text(parent, f"{document}/ram:IssuerAssignedID")


def _invoicing_period(d16b: Dialect, settlement: Element | None) -> Period:
    return period(
        d16b,
        d16b.reader.find(settlement, "ram:BillingSpecifiedPeriod"),
        "BT-73 invoicing period start date",
        "BT-74 invoicing period end date",
    )
