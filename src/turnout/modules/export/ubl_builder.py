"""The canonical invoice → a UBL 2.1 Invoice or CreditNote document (EN 16931 binding for UBL).

Elements are written in the order of the UBL 2.1 schemas (`UBL-Invoice-2.1.xsd`,
`UBL-CreditNote-2.1.xsd` and the common aggregate components); an element is left out when its
value is unknown, never invented. The paths are the ones `turnout.modules.einvoice.ubl` reads, so
parsing the output with `einvoice.xml` gives the same canonical invoice back. Amounts, rates and
quantities are written exactly as their Decimals are (`format(d, "f")`: no exponent, no rounding).

A credit-note type code (UNTDID 1001: 381 and its kin) makes a CreditNote: its lines are
`cac:CreditNoteLine` with `cbc:CreditedQuantity`, and its due date (BT-9) goes to
`cac:PaymentMeans/cbc:PaymentDueDate`, since UBL 2.1 CreditNote has no `cbc:DueDate`.

What the UBL schema requires and the invoice lacks (number, issue date, currency, amount due,
at least one line with its id and net amount, the tax total when a VAT breakdown is given) makes
`build_ubl` raise `InputRejected` naming every gap: an invalid UBL file is worse than none.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice, InvoiceLine, Party, VatBreakdown

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
ROOT_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
EN16931 = "urn:cen.eu:en16931:2017"
# UNTDID 1001 codes of credit notes (EN 16931 code list for BT-3)
CREDIT_NOTE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)
# UNTDID 4461: 30 credit transfer, 1 instrument not defined
_CREDIT_TRANSFER = "30"
_NOT_DEFINED = "1"

Element = etree._Element


def document_type(invoice: Invoice) -> str:
    """`CreditNote` for a credit-note type code, `Invoice` otherwise."""
    return "CreditNote" if invoice.type_code in CREDIT_NOTE_CODES else "Invoice"


def build_ubl(invoice: Invoice, customization_id: str = EN16931) -> bytes:
    """The UBL 2.1 document of `invoice` as UTF-8 bytes with an XML declaration."""
    _require_mandatory(invoice)
    kind = document_type(invoice)
    # the root's namespace is the default one; lxml-stubs do not know the `None` prefix
    nsmap = {None: ROOT_NS[kind], "cbc": CBC, "cac": CAC}
    root = etree.Element(f"{{{ROOT_NS[kind]}}}{kind}", nsmap=nsmap)  # type: ignore[arg-type]
    currency = str(invoice.currency)
    _cbc(root, "CustomizationID", customization_id)
    _cbc(root, "ID", invoice.invoice_number)
    _cbc(root, "IssueDate", invoice.issue_date)
    if kind == "Invoice":
        _cbc(root, "DueDate", invoice.due_date)
    _cbc(root, f"{kind}TypeCode", invoice.type_code)
    _cbc(root, "DocumentCurrencyCode", currency)
    _cbc(root, "BuyerReference", invoice.buyer_reference)
    if invoice.order_reference is not None:
        _cbc(_cac(root, "OrderReference"), "ID", invoice.order_reference)
    _party(_cac(root, "AccountingSupplierParty"), invoice.seller)
    _party(_cac(root, "AccountingCustomerParty"), invoice.buyer)
    _payment_means(root, invoice, kind)
    _tax_total(root, invoice, currency)
    _monetary_total(root, invoice, currency)
    for line in invoice.lines:
        _line(root, line, kind, currency)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


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
    for index, line in enumerate(invoice.lines, start=1):
        if line.id is None or line.net_amount is None:
            gaps.append(f"line {index}'s id (BT-126) or net amount (BT-131)")
    if invoice.vat_breakdown and invoice.totals.tax is None:
        gaps.append("the VAT total (BT-110) that its VAT breakdown needs")
    if any(v.tax is None for v in invoice.vat_breakdown):
        gaps.append("a VAT amount (BT-117) in every VAT breakdown entry")
    if gaps:
        raise InputRejected(
            "cannot write a valid UBL 2.1 document: the invoice lacks "
            + "; ".join(gaps)
            + ". Complete the invoice (or route it to review) before exporting it as UBL, "
            "or export it with export.json"
        )


def _party(holder: Element, party: Party) -> None:
    element = _cac(holder, "Party")
    if party.country is not None:
        address = _cac(element, "PostalAddress")
        _cbc(_cac(address, "Country"), "IdentificationCode", party.country)
    if party.vat_id is not None:
        scheme = _cac(element, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.vat_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    if party.name is not None:
        _cbc(_cac(element, "PartyLegalEntity"), "RegistrationName", party.name)


def _payment_means(root: Element, invoice: Invoice, kind: str) -> None:
    payment = invoice.payment
    due_date = invoice.due_date if kind == "CreditNote" else None
    has_account = payment.iban is not None or payment.bic is not None
    if not has_account and due_date is None:
        return
    means = _cac(root, "PaymentMeans")
    _cbc(means, "PaymentMeansCode", _CREDIT_TRANSFER if has_account else _NOT_DEFINED)
    _cbc(means, "PaymentDueDate", due_date)
    if has_account:
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", payment.iban)
        if payment.bic is not None:
            _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", payment.bic)


def _tax_total(root: Element, invoice: Invoice, currency: str) -> None:
    if invoice.totals.tax is None:
        return
    total = _cac(root, "TaxTotal")
    _amount(total, "TaxAmount", invoice.totals.tax, currency)
    for entry in invoice.vat_breakdown:
        _tax_subtotal(total, entry, currency)


def _tax_subtotal(total: Element, entry: VatBreakdown, currency: str) -> None:
    subtotal = _cac(total, "TaxSubtotal")
    _amount(subtotal, "TaxableAmount", entry.taxable, currency)
    _amount(subtotal, "TaxAmount", entry.tax, currency)
    _tax_category(subtotal, "TaxCategory", entry.category, entry.rate)


def _tax_category(parent: Element, name: str, category: str | None, rate: Decimal | None) -> None:
    element = _cac(parent, name)
    _cbc(element, "ID", category)
    _cbc(element, "Percent", rate)
    _cbc(_cac(element, "TaxScheme"), "ID", "VAT")


def _monetary_total(root: Element, invoice: Invoice, currency: str) -> None:
    totals = invoice.totals
    monetary = _cac(root, "LegalMonetaryTotal")
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
        _amount(monetary, name, value, currency)


def _line(root: Element, line: InvoiceLine, kind: str, currency: str) -> None:
    element = _cac(root, f"{kind}Line")
    _cbc(element, "ID", line.id)
    quantity_name = "CreditedQuantity" if kind == "CreditNote" else "InvoicedQuantity"
    quantity = _cbc(element, quantity_name, line.quantity)
    if quantity is not None and line.unit is not None:
        quantity.set("unitCode", line.unit)
    _amount(element, "LineExtensionAmount", line.net_amount, currency)
    item = _cac(element, "Item")
    _cbc(item, "Name", line.name)
    if line.vat_category is not None or line.vat_rate is not None:
        _tax_category(item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate)
    if line.net_price is not None:
        _amount(_cac(element, "Price"), "PriceAmount", line.net_price, currency)


def _cac(parent: Element, name: str) -> Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _cbc(parent: Element, name: str, value: str | Decimal | dt.date | None) -> Element | None:
    """A `cbc:` child holding `value`, or nothing when the value is unknown."""
    if value is None:
        return None
    element = etree.SubElement(parent, f"{{{CBC}}}{name}")
    element.text = _text(name, value)
    return element


def _amount(parent: Element, name: str, value: Decimal | None, currency: str) -> None:
    element = _cbc(parent, name, value)
    if element is not None:
        element.set("currencyID", currency)


def _text(name: str, value: str | Decimal | dt.date) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputRejected(
                f"cbc:{name} would be {value}, which is not an amount; correct the invoice's value"
            )
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if any(ord(c) < 0x20 and c not in "\t\n\r" for c in value):
        raise InputRejected(
            f"cbc:{name} would be {value[:60]!r}, which holds control characters XML cannot carry; "
            "fix the invoice's value"
        )
    return value
