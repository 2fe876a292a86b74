"""The payment instructions of a UBL invoice (BG-16 to BG-19, BT-9 on a CreditNote, BT-20).

The first `cac:PaymentMeans` carries the means code (BT-81) with its text as the code's `name`
(BT-82), a CreditNote's due date (BT-9: UBL 2.1 CreditNote has no `cbc:DueDate`), the remittance
information (BT-83), the card (BG-18), the first credit transfer (BG-17: `payment.iban`, `bic`,
`account_name`) and the direct debit mandate (BG-19). Each further credit transfer is a
`cac:PaymentMeans` of its own with the same means code, as UBL-SR-47 requires.
"""

from __future__ import annotations

import datetime as dt

from turnout.authoring import Invoice, Payment
from turnout.modules.export.ubl_xml import Element, cac, cbc, has_any

# UNTDID 4461 "instrument not defined": UBL needs a code on the PaymentMeans that holds a
# CreditNote's due date even when the invoice has no payment instructions
NOT_DEFINED = "1"
# UBL requires a card's network; EN 16931 has no term for it
UNKNOWN_NETWORK = "NA"


def payment_means(root: Element, invoice: Invoice, kind: str) -> None:
    """The `cac:PaymentMeans` of `invoice`, none when it has no payment instructions."""
    payment = invoice.payment
    due_date = invoice.due_date if kind == "CreditNote" else None
    if not _has_instructions(payment) and due_date is None:
        return
    # instructions without their means code are left without one: BR-49 then refuses the
    # document rather than the export guessing how the invoice is paid
    code = payment.means_code if _has_instructions(payment) else NOT_DEFINED
    means = cac(root, "PaymentMeans")
    cbc(means, "PaymentMeansCode", code, name=payment.means_text)
    cbc(means, "PaymentDueDate", due_date)
    cbc(means, "PaymentID", payment.remittance)
    card = payment.card
    if card is not None:
        account = cac(means, "CardAccount")
        cbc(account, "PrimaryAccountNumberID", card.account)
        cbc(account, "NetworkID", UNKNOWN_NETWORK)
        cbc(account, "HolderName", card.holder)
    _financial_account(means, payment.iban, payment.account_name, payment.bic)
    debit = payment.direct_debit
    if debit is not None and has_any(debit.mandate, debit.debited_account):
        mandate = cac(means, "PaymentMandate")
        cbc(mandate, "ID", debit.mandate)
        if debit.debited_account is not None:
            cbc(cac(mandate, "PayerFinancialAccount"), "ID", debit.debited_account)
    for transfer in payment.more_transfers:
        more = cac(root, "PaymentMeans")
        cbc(more, "PaymentMeansCode", code)
        _financial_account(more, transfer.account, transfer.account_name, transfer.provider)


def payment_terms(root: Element, terms: str | None) -> None:
    """`cac:PaymentTerms/cbc:Note` (BT-20)."""
    if terms is not None:
        cbc(cac(root, "PaymentTerms"), "Note", terms)


def due_date(root: Element, value: dt.date | None, kind: str) -> None:
    """`cbc:DueDate` (BT-9) of an Invoice; a CreditNote's is in its payment means."""
    if kind == "Invoice":
        cbc(root, "DueDate", value)


def _has_instructions(payment: Payment) -> bool:
    return has_any(
        payment.means_code,
        payment.means_text,
        payment.remittance,
        payment.iban,
        payment.bic,
        payment.account_name,
        payment.more_transfers,
        payment.card,
        payment.direct_debit,
    )


def _financial_account(
    means: Element, account: str | None, name: str | None, provider: str | None
) -> None:
    if not has_any(account, name, provider):
        return
    element = cac(means, "PayeeFinancialAccount")
    cbc(element, "ID", account)
    cbc(element, "Name", name)
    if provider is not None:
        cbc(cac(element, "FinancialInstitutionBranch"), "ID", provider)
