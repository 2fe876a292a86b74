"""The canonical invoice → a UBL 2.1 Invoice or CreditNote document (EN 16931-3-2 syntax binding).

Every business term the canonical invoice holds is written at its binding path, in the element
order of the UBL 2.1 schemas (`UBL-Invoice-2.1.xsd`, `UBL-CreditNote-2.1.xsd` and the common
aggregate components); a term the invoice does not hold is left out, never invented. Where
the UBL schema requires an element the invoice does not hold, the binding's placeholder is written,
which reads back as nothing: `NA` as the order reference beside a sales order only, `NA` as a
card's network. One placeholder does read back: a CreditNote's due date needs a payment means
code, so a credit note without payment instructions gets 1 (UNTDID 4461 "instrument not
defined"). Amounts,
rates and quantities are written exactly as their Decimals are, every amount with its currency.
The pieces: `ubl_parties` (BG-4 to BG-15), `ubl_references` (BT-11 to BT-18, BG-3, BG-24),
`ubl_payment` (BG-16 to BG-19), `ubl_amounts` (BG-20 to BG-23), `ubl_lines` (BG-25 to BG-32).

A credit-note type code (UNTDID 1001: 381 and its kin) makes a CreditNote: its lines are
`cac:CreditNoteLine` with `cbc:CreditedQuantity`, and its due date (BT-9) goes to
`cac:PaymentMeans/cbc:PaymentDueDate`, since UBL 2.1 CreditNote has no `cbc:DueDate`. A note with a
subject code (BT-21) is written `#CODE#text`, as the binding says.

What the UBL schema requires and the invoice lacks (number, issue date, currency, amount due,
at least one line with its id and net amount, a VAT amount in every VAT breakdown entry) makes
`build_ubl` raise `InputRejected` naming every gap, and so does what UBL cannot carry
(`unwritable`: a VAT point date code outside EN 16931's, VAT on a line allowance or charge).
The invoice's elements beyond EN 16931 (`invoice.extensions`) are not written: a document
claiming EN 16931 cannot carry them. The run's own explanation (source file, vendor id, decision
and reasons) may be, as a UBL extension that leaves every business term as it is
(`ubl_explanation`).
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from turnout.authoring import CREDIT_NOTE_CODES, InputRejected, Invoice, Note
from turnout.modules.export.explanation import Explanation
from turnout.modules.export.profiles import EN16931, PEPPOL_BIS_3, profile_for
from turnout.modules.export.ubl_amounts import allowances_and_charges, monetary_total, tax_totals
from turnout.modules.export.ubl_explanation import explanation_extensions
from turnout.modules.export.ubl_lines import line
from turnout.modules.export.ubl_parties import delivery, party, payee, tax_representative
from turnout.modules.export.ubl_payment import due_date, payment_means, payment_terms
from turnout.modules.export.ubl_references import document_references, order_and_billing
from turnout.modules.export.ubl_xml import CAC, CBC, Element, cac, cbc, has_any
from turnout.modules.export.unwritable import refuse_unwritable, unwritable_values

__all__ = ["EN16931", "ROOT_NS", "build_ubl", "document_type"]

ROOT_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}


def document_type(invoice: Invoice) -> str:
    """`CreditNote` for a credit-note type code, `Invoice` otherwise."""
    return "CreditNote" if invoice.type_code in CREDIT_NOTE_CODES else "Invoice"


def build_ubl(
    invoice: Invoice,
    customization_id: str = EN16931,
    attachments: Mapping[str, bytes] | None = None,
    explanation: Explanation | None = None,
) -> bytes:
    """The UBL 2.1 document of `invoice` as UTF-8 bytes with an XML declaration, claiming
    specification `customization_id` (BT-24). `attachments` maps the SHA-256 of each attached
    document (BT-125) to its bytes (see `attachments.attachment_bytes`); `explanation`, when
    given, is written as the document's UBL extension (`ubl_explanation`)."""
    _require_mandatory(invoice)
    kind = document_type(invoice)
    # the root's namespace is the default one; lxml-stubs do not know the `None` prefix
    nsmap = {None: ROOT_NS[kind], "cbc": CBC, "cac": CAC}
    root = etree.Element(f"{{{ROOT_NS[kind]}}}{kind}", nsmap=nsmap)  # type: ignore[arg-type]
    if explanation is not None:  # ext:UBLExtensions comes first in the schema's order
        root.append(explanation_extensions(explanation))
    currency = str(invoice.currency)
    profile = profile_for(customization_id)
    _header(root, invoice, kind, customization_id, profile.business_process_default)
    order_and_billing(root, invoice)
    document_references(root, invoice, kind, attachments or {})
    # Peppol BIS names the seller's non-VAT tax registration scheme TAX; EN 16931 examples FC
    tax_scheme = "TAX" if customization_id == PEPPOL_BIS_3 else "FC"
    debit = invoice.payment.direct_debit
    party(
        cac(root, "AccountingSupplierParty"),
        invoice.seller,
        tax_scheme=tax_scheme,
        creditor_id=debit.creditor_id if debit is not None else None,
    )
    party(cac(root, "AccountingCustomerParty"), invoice.buyer)
    payee(root, invoice.payee)
    tax_representative(root, invoice.tax_representative)
    delivery(root, invoice.delivery)
    payment_means(root, invoice, kind)
    payment_terms(root, invoice.payment_terms)
    allowances_and_charges(root, invoice.allowances, invoice.charges, currency, with_vat=True)
    tax_totals(root, invoice, currency)
    monetary_total(root, invoice, currency)
    for entry in invoice.lines:
        line(root, entry, kind, currency)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _header(
    root: Element, invoice: Invoice, kind: str, specification: str, business_process: str | None
) -> None:
    """From `cbc:CustomizationID` to `cac:InvoicePeriod`, in the root's schema order; the
    business process (BT-23) is the invoice's, or the profile's default."""
    cbc(root, "CustomizationID", specification)
    cbc(root, "ProfileID", invoice.business_process or business_process)
    cbc(root, "ID", invoice.invoice_number)
    cbc(root, "IssueDate", invoice.issue_date)
    due_date(root, invoice.due_date, kind)
    if kind == "CreditNote":
        cbc(root, "TaxPointDate", invoice.tax_point_date)
    cbc(root, f"{kind}TypeCode", invoice.type_code)
    for note in invoice.notes:
        cbc(root, "Note", _note_text(note))
    if kind == "Invoice":
        cbc(root, "TaxPointDate", invoice.tax_point_date)
    cbc(root, "DocumentCurrencyCode", invoice.currency)
    cbc(root, "TaxCurrencyCode", invoice.vat_currency)
    cbc(root, "AccountingCost", invoice.buyer_accounting_reference)
    cbc(root, "BuyerReference", invoice.buyer_reference)
    period = invoice.invoicing_period
    if has_any(period.start, period.end, invoice.tax_point_code):
        element = cac(root, "InvoicePeriod")
        cbc(element, "StartDate", period.start)
        cbc(element, "EndDate", period.end)
        cbc(element, "DescriptionCode", invoice.tax_point_code)


def _note_text(note: Note) -> str | None:
    if note.subject_code is None:
        return note.text
    return f"#{note.subject_code}#{note.text or ''}"


def _require_mandatory(invoice: Invoice) -> None:
    gaps = [
        term
        for term, value in (
            ("the invoice number (BT-1)", invoice.invoice_number),
            ("the issue date (BT-2)", invoice.issue_date),
            ("the currency (BT-5)", invoice.currency),
            ("the amount due (BT-115)", invoice.totals.payable),
        )
        if value is None
    ]
    if not invoice.lines:
        gaps.append("an invoice line (UBL needs at least one)")
    for index, entry in enumerate(invoice.lines, start=1):
        if entry.id is None or entry.net_amount is None:
            gaps.append(f"line {index}'s id (BT-126) or net amount (BT-131)")
    if any(v.tax is None for v in invoice.vat_breakdown):
        gaps.append("a VAT amount (BT-117) in every VAT breakdown entry")
    if invoice.totals.tax_accounting is not None and invoice.vat_currency is None:
        gaps.append(
            "the VAT accounting currency (BT-6) its VAT total in that currency (BT-111) needs"
        )
    if gaps:
        raise InputRejected(
            "cannot write a valid UBL 2.1 document: the invoice lacks "
            + "; ".join(gaps)
            + ". Complete the invoice (or route it to review) before exporting it as UBL, "
            "or export it with export.json"
        )
    refuse_unwritable(unwritable_values(invoice), "a valid UBL 2.1 document", "UBL")
