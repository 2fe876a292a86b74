"""UBL payment instructions (BG-16..19), totals (BG-22) and VAT breakdown (BG-23), per the
EN 16931-3-2 binding.

An invoice may carry several `cac:PaymentMeans`. The means code and text (BT-81, BT-82) and the
remittance information (BT-83) come from the first; the first account to pay into is `iban`,
`bic`, `account_name` (BT-84, BT-86, BT-85), any further ones are `more_transfers` in document
order; the first card (BG-18) and the first mandate (BG-19) are the invoice's.

BT-110 is the `cac:TaxTotal/cbc:TaxAmount` in the document currency; a TaxTotal in the VAT
accounting currency (BT-6) is BT-111.
"""

from __future__ import annotations

from decimal import Decimal

from turnout.domain.invoice import Card, CreditTransfer, DirectDebit, Payment, Totals, VatBreakdown
from turnout.modules.einvoice.reading import Element, text_of
from turnout.modules.einvoice.ubl_parties import SEPA
from turnout.modules.einvoice.ubl_tree import UBL, attribute


def payment(root: Element) -> Payment:
    """BG-16 with its credit transfers, card and direct debit, from every `cac:PaymentMeans`."""
    all_means = UBL.findall(root, "cac:PaymentMeans")
    found = Payment()
    if all_means:
        first = all_means[0]
        code = UBL.find(first, "cbc:PaymentMeansCode")
        found.means_code = UBL.text(first, "cbc:PaymentMeansCode")
        found.means_text = attribute(code, "name")
        found.remittance = UBL.text(first, "cbc:PaymentID")
    transfers = [
        CreditTransfer(
            account=UBL.text(account, "cbc:ID"),
            account_name=UBL.text(account, "cbc:Name"),
            provider=UBL.text(account, "cac:FinancialInstitutionBranch/cbc:ID"),
        )
        for means in all_means
        for account in UBL.findall(means, "cac:PayeeFinancialAccount")
    ]
    if transfers:
        first_transfer = transfers.pop(0)
        found.iban = first_transfer.account
        found.bic = first_transfer.provider
        found.account_name = first_transfer.account_name
        found.more_transfers = transfers
    found.card = _card(all_means)
    found.direct_debit = _direct_debit(root, all_means)
    return found


def _card(all_means: list[Element]) -> Card | None:
    for means in all_means:
        card = UBL.find(means, "cac:CardAccount")
        if card is not None:
            return Card(
                account=UBL.text(card, "cbc:PrimaryAccountNumberID"),
                holder=UBL.text(card, "cbc:HolderName"),
            )
    return None


def _direct_debit(root: Element, all_means: list[Element]) -> DirectDebit | None:
    mandate = next(
        (m for means in all_means if (m := UBL.find(means, "cac:PaymentMandate")) is not None),
        None,
    )
    found = DirectDebit(
        mandate=UBL.text(mandate, "cbc:ID"),
        creditor_id=_creditor_id(root),
        debited_account=UBL.text(mandate, "cac:PayerFinancialAccount/cbc:ID"),
    )
    return None if found == DirectDebit() else found


def _creditor_id(root: Element) -> str | None:
    """BT-90: the payee's identifier with scheme `SEPA`, else the seller's."""
    for path in (
        "cac:PayeeParty/cac:PartyIdentification/cbc:ID",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    ):
        for element in UBL.findall(root, path):
            if attribute(element, "schemeID") == SEPA:
                return text_of(element)
    return None


def tax_totals(
    root: Element, currency: str | None, vat_currency: str | None
) -> tuple[Element | None, Element | None]:
    """The TaxTotal in the document currency (BT-110, with the breakdown) and the one in the VAT
    accounting currency (BT-111), each None when absent."""
    totals = UBL.findall(root, "cac:TaxTotal")
    main = None
    for total in totals:
        if currency and _currency(total) == currency:
            main = total
            break
    else:
        with_breakdown = [t for t in totals if UBL.find(t, "cac:TaxSubtotal") is not None]
        candidates = with_breakdown or totals
        main = candidates[0] if candidates else None
    accounting = None
    if vat_currency:
        accounting = next(
            (t for t in totals if t is not main and _currency(t) == vat_currency), None
        )
    return main, accounting


def _currency(total: Element) -> str | None:
    return attribute(UBL.find(total, "cbc:TaxAmount"), "currencyID")


def totals(
    monetary: Element | None, tax_total: Element | None, accounting: Element | None
) -> Totals:
    """BG-22 from `cac:LegalMonetaryTotal` and the two tax totals."""

    def amount(name: str, term: str) -> Decimal | None:
        return UBL.decimal(monetary, f"cbc:{name}", term)

    return Totals(
        line_net=amount("LineExtensionAmount", "BT-106 sum of line net amounts"),
        allowances=amount("AllowanceTotalAmount", "BT-107 sum of allowances"),
        charges=amount("ChargeTotalAmount", "BT-108 sum of charges"),
        tax_exclusive=amount("TaxExclusiveAmount", "BT-109 total without VAT"),
        tax=UBL.decimal(tax_total, "cbc:TaxAmount", "BT-110 total VAT"),
        tax_inclusive=amount("TaxInclusiveAmount", "BT-112 total with VAT"),
        prepaid=amount("PrepaidAmount", "BT-113 paid amount"),
        rounding=amount("PayableRoundingAmount", "BT-114 rounding amount"),
        payable=amount("PayableAmount", "BT-115 amount due"),
        tax_accounting=UBL.decimal(
            accounting, "cbc:TaxAmount", "BT-111 total VAT in accounting currency"
        ),
    )


def vat_breakdown(tax_total: Element | None) -> list[VatBreakdown]:
    """BG-23, one entry per `cac:TaxSubtotal` of the document-currency TaxTotal."""
    return [
        VatBreakdown(
            category=UBL.text(subtotal, "cac:TaxCategory/cbc:ID"),
            rate=UBL.decimal(subtotal, "cac:TaxCategory/cbc:Percent", "BT-119 VAT rate"),
            taxable=UBL.decimal(subtotal, "cbc:TaxableAmount", "BT-116 VAT taxable amount"),
            tax=UBL.decimal(subtotal, "cbc:TaxAmount", "BT-117 VAT amount"),
            exemption_reason=UBL.text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReason"),
            exemption_code=UBL.text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
        )
        for subtotal in UBL.findall(tax_total, "cac:TaxSubtotal")
    ]
