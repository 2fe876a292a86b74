"""UBL payment instructions (BG-16..19), totals (BG-22) and VAT breakdown (BG-23), per the
EN 16931-3-2 binding.

An invoice may carry several `cac:PaymentMeans`. The means code and text (BT-81, BT-82) and the
remittance information (BT-83) come from the first; the first account to pay into is `iban`,
`bic`, `account_name` (BT-84, BT-86, BT-85), any further ones are `more_transfers` in document
order; the first card (BG-18) and the first mandate (BG-19) are the invoice's.

What a later `cac:PaymentMeans` says beyond its account has no place in the model when it differs
from what was read: its own means code or text, a payment id other than BT-83, a second card or
mandate, a due date other than BT-9. `MEANS_CHECKS` tells `ubl_extensions` which children of a
payment means are read, so the others are kept verbatim as extensions. A later means that repeats
the first's code (as `export.ubl` writes each further credit transfer) adds nothing.

BT-110 is the `cac:TaxTotal/cbc:TaxAmount` in the document currency; a TaxTotal in the VAT
accounting currency (BT-6) is BT-111.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from turnout.authoring import Card, CreditTransfer, DirectDebit, Payment, Totals, VatBreakdown
from turnout.modules.einvoice.reading import Element, attribute_of, text_of
from turnout.modules.einvoice.siblings import first_in_any, once
from turnout.modules.einvoice.ubl_parties import SEPA
from turnout.modules.einvoice.ubl_tree import UBL


def payment(root: Element) -> Payment:
    """BG-16 with its credit transfers, card and direct debit, from every `cac:PaymentMeans`."""
    all_means = UBL.findall(root, "cac:PaymentMeans")
    found = Payment()
    if all_means:
        first = all_means[0]
        code = UBL.find(first, "cbc:PaymentMeansCode")
        found.means_code = UBL.text(first, "cbc:PaymentMeansCode")
        found.means_text = attribute_of(code, "name")
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


def _first_means(child: Element) -> Element | None:
    """The document's first `cac:PaymentMeans`, from a child of any of them: found once per
    document, so checking every child of thousands of means stays linear."""
    means = child.getparent()
    root = None if means is None else means.getparent()
    if means is None or root is None:
        return None
    return once(root, "first means", lambda: next(root.iterchildren(means.tag), None))


def _is_first_means(child: Element) -> bool:
    return child.getparent() is _first_means(child)


def _means_code_read(code: Element) -> bool:
    """BT-81 and BT-82 are the first means': a later code is read when it says the same (a
    later one may leave the text out)."""
    if _is_first_means(code):
        return True
    first = UBL.find(_first_means(code), "cbc:PaymentMeansCode")
    name = attribute_of(code, "name")
    return text_of(code) == text_of(first) and name in (None, attribute_of(first, "name"))


def _payment_id_read(payment_id: Element) -> bool:
    """BT-83 is the first means' first `cbc:PaymentID`: another is read when it is the same."""
    return text_of(payment_id) == UBL.text(_first_means(payment_id), "cbc:PaymentID")


def _due_date_read(due: Element) -> bool:
    """BT-9 is `cbc:DueDate`, else the first `cbc:PaymentDueDate`: another is read when it
    gives the same date."""
    means = due.getparent()
    root = None if means is None else means.getparent()
    if means is None or root is None:
        return True

    def read() -> Element | None:
        found = UBL.find(root, "cbc:DueDate")
        if found is None:
            found = next(
                (d for m in root.iterchildren(means.tag) for d in m.iterchildren(due.tag)), None
            )
        return found

    found = once(root, "due date", read)
    return found is due or text_of(found) == text_of(due)


MEANS_CHECKS: dict[str, Callable[[Element], bool]] = {
    "cbc:PaymentMeansCode": _means_code_read,
    "cbc:PaymentID": _payment_id_read,
    "cbc:PaymentDueDate": _due_date_read,
    "cac:CardAccount": first_in_any,  # the card and the mandate are the first of any means
    "cac:PaymentMandate": first_in_any,
}
"""Children of a `cac:PaymentMeans` that the reader reads only when they pass the test: the
others are kept as extensions."""


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
            if attribute_of(element, "schemeID") == SEPA:
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
    return attribute_of(UBL.find(total, "cbc:TaxAmount"), "currencyID")


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
