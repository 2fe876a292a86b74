"""UBL 2.1 Invoice and CreditNote → the canonical invoice (EN 16931 syntax binding for UBL).

Paths follow the EN 16931-3-2 binding. Where the standard allows the same term in two places
(BT-9 as `cbc:DueDate` on an Invoice or `cac:PaymentMeans/cbc:PaymentDueDate` on a CreditNote), both
are read. BT-110 is the `cac:TaxTotal/cbc:TaxAmount` in the document currency; a second TaxTotal in
the VAT accounting currency (BT-111) is not the invoice's tax total.
"""

from __future__ import annotations

from decimal import Decimal

from turnout.domain.invoice import Invoice, InvoiceLine, Party, Payment, Totals, VatBreakdown
from turnout.modules.einvoice.reading import Element, TreeReader, decimal_of

NAMESPACES = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}

_ubl = TreeReader(NAMESPACES)


def read_ubl(root: Element, document_type: str) -> tuple[str | None, Invoice]:
    """The profile (BT-24) and canonical invoice of a UBL Invoice or CreditNote root."""
    currency = _ubl.text(root, "cbc:DocumentCurrencyCode")
    tax_total = _tax_total(root, currency)
    invoice = Invoice(
        invoice_number=_ubl.text(root, "cbc:ID"),
        issue_date=_ubl.iso_date(root, "cbc:IssueDate", "BT-2 issue date"),
        type_code=_ubl.text(root, f"cbc:{document_type}TypeCode"),
        currency=currency,
        due_date=_ubl.iso_date(root, "cbc:DueDate", "BT-9 due date")
        or _ubl.iso_date(root, "cac:PaymentMeans/cbc:PaymentDueDate", "BT-9 due date"),
        buyer_reference=_ubl.text(root, "cbc:BuyerReference"),
        order_reference=_order_reference(_ubl.find(root, "cac:OrderReference")),
        seller=_party(_ubl.find(root, "cac:AccountingSupplierParty/cac:Party")),
        buyer=_party(_ubl.find(root, "cac:AccountingCustomerParty/cac:Party")),
        payment=_payment(root),
        totals=_totals(_ubl.find(root, "cac:LegalMonetaryTotal"), tax_total),
        vat_breakdown=[_vat(s) for s in _ubl.findall(tax_total, "cac:TaxSubtotal")],
        lines=[_line(line, document_type) for line in _lines(root, document_type)],
    )
    return _ubl.text(root, "cbc:CustomizationID"), invoice


# UBL makes `cac:OrderReference/cbc:ID` (BT-13) mandatory even when the invoice only refers to the
# seller's sales order (BT-14, `cbc:SalesOrderID`); the syntax binding has senders fill it with
# `NA`, and the German XRechnung test suite with `Dummywert` ("dummy value"). Beside a sales order
# reference these stand for "no purchase order", which CII writes by leaving BT-13 out.
_NO_PURCHASE_ORDER = frozenset({"NA", "Dummywert"})


def _order_reference(reference: Element | None) -> str | None:
    """BT-13, the buyer's purchase order reference, or None when the invoice has none."""
    order = _ubl.text(reference, "cbc:ID")
    if order in _NO_PURCHASE_ORDER and _ubl.text(reference, "cbc:SalesOrderID"):
        return None
    return order


def _party(party: Element | None) -> Party:
    vat_id = None
    for scheme in _ubl.findall(party, "cac:PartyTaxScheme"):
        if _ubl.text(scheme, "cac:TaxScheme/cbc:ID") == "VAT":
            vat_id = _ubl.text(scheme, "cbc:CompanyID")
            break
    return Party(
        # BT-27 is the legal registration name; the trading name stands in when it is missing.
        name=_ubl.text(party, "cac:PartyLegalEntity/cbc:RegistrationName")
        or _ubl.text(party, "cac:PartyName/cbc:Name"),
        vat_id=vat_id,
        country=_ubl.text(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
    )


def _payment(root: Element) -> Payment:
    for means in _ubl.findall(root, "cac:PaymentMeans"):
        account = _ubl.find(means, "cac:PayeeFinancialAccount")
        if account is not None:
            return Payment(
                iban=_ubl.text(account, "cbc:ID"),
                bic=_ubl.text(account, "cac:FinancialInstitutionBranch/cbc:ID"),
            )
    return Payment()


def _tax_total(root: Element, currency: str | None) -> Element | None:
    """The TaxTotal in the document currency (BT-110), not the one in the VAT currency."""
    totals = _ubl.findall(root, "cac:TaxTotal")
    for total in totals:
        amount = _ubl.find(total, "cbc:TaxAmount")
        if amount is not None and currency and amount.get("currencyID") == currency:
            return total
    with_breakdown = [t for t in totals if _ubl.find(t, "cac:TaxSubtotal") is not None]
    candidates = with_breakdown or totals
    return candidates[0] if candidates else None


def _totals(monetary: Element | None, tax_total: Element | None) -> Totals:
    def amount(name: str, term: str) -> Decimal | None:
        return _ubl.decimal(monetary, f"cbc:{name}", term)

    return Totals(
        line_net=amount("LineExtensionAmount", "BT-106 sum of line net amounts"),
        allowances=amount("AllowanceTotalAmount", "BT-107 sum of allowances"),
        charges=amount("ChargeTotalAmount", "BT-108 sum of charges"),
        tax_exclusive=amount("TaxExclusiveAmount", "BT-109 total without VAT"),
        tax=_ubl.decimal(tax_total, "cbc:TaxAmount", "BT-110 total VAT"),
        tax_inclusive=amount("TaxInclusiveAmount", "BT-112 total with VAT"),
        prepaid=amount("PrepaidAmount", "BT-113 paid amount"),
        rounding=amount("PayableRoundingAmount", "BT-114 rounding amount"),
        payable=amount("PayableAmount", "BT-115 amount due"),
    )


def _vat(subtotal: Element) -> VatBreakdown:
    return VatBreakdown(
        category=_ubl.text(subtotal, "cac:TaxCategory/cbc:ID"),
        rate=_ubl.decimal(subtotal, "cac:TaxCategory/cbc:Percent", "BT-119 VAT rate"),
        taxable=_ubl.decimal(subtotal, "cbc:TaxableAmount", "BT-116 VAT taxable amount"),
        tax=_ubl.decimal(subtotal, "cbc:TaxAmount", "BT-117 VAT amount"),
    )


def _lines(root: Element, document_type: str) -> list[Element]:
    return _ubl.findall(root, f"cac:{document_type}Line")


def _line(line: Element, document_type: str) -> InvoiceLine:
    quantity = _ubl.find(
        line, "cbc:CreditedQuantity" if document_type == "CreditNote" else "cbc:InvoicedQuantity"
    )
    unit = quantity.get("unitCode") if quantity is not None else None
    return InvoiceLine(
        id=_ubl.text(line, "cbc:ID"),
        name=_ubl.text(line, "cac:Item/cbc:Name"),
        quantity=decimal_of(quantity, "BT-129 invoiced quantity"),
        unit=(unit.strip() or None) if unit else None,
        net_price=_ubl.decimal(line, "cac:Price/cbc:PriceAmount", "BT-146 item net price"),
        net_amount=_ubl.decimal(line, "cbc:LineExtensionAmount", "BT-131 line net amount"),
        vat_category=_ubl.text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=_ubl.decimal(
            line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "BT-152 VAT rate"
        ),
    )
