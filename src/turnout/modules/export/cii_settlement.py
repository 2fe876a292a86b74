"""`ram:ApplicableHeaderTradeSettlement`: payment, VAT breakdown, allowances, charges, totals.

In the D16B schema's order: the creditor id (BT-90), remittance (BT-83), VAT accounting currency
(BT-6), invoice currency (BT-5), payee (BG-10), the payment means (BG-16), the VAT breakdown
(BG-23, with BT-7 / BT-8 on its first entry: CII-SR-461 allows one tax point date), the invoicing
period (BG-14), the document allowances and charges (BG-20, BG-21), the payment terms (BT-20,
BT-9, BT-89), the totals (BG-22, BT-111 as a second `ram:TaxTotalAmount` in BT-6), the preceding
invoices (BG-3) and the buyer's accounting reference (BT-19).

The canonical payment has one means code and text (BT-81, BT-82), the first credit transfer
(BT-84..86), a card (BG-18) and a direct debit (BG-19): they make the first
`ram:SpecifiedTradeSettlementPaymentMeans`; each further credit transfer makes one more with the
same code (CII-SR-467 wants one code throughout, CII-SR-468 one text).
"""

from __future__ import annotations

import re

from turnout.authoring import Invoice, Payment, VatBreakdown
from turnout.modules.export.cii_lines import allowance_charge
from turnout.modules.export.cii_parties import payee_party
from turnout.modules.export.cii_xml import QDT, Element, date_string, date_time, ram, text
from turnout.modules.export.cii_xml import vat_scheme as vat_type

# EN 16931 BT-8 uses UNTDID 2005 (3 invoice date, 35 delivery date, 432 paid to date); the CII
# binding writes the same meaning with UNTDID 2475 (5, 29, 72). `build_cii` refuses any other
# code (`unwritable.TAX_POINT_CODES`) before anything is written
TAX_POINT_CODES = {"3": "5", "35": "29", "432": "72"}
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}")


def settlement(parent: Element, invoice: Invoice) -> None:
    """The header trade settlement of `invoice`."""
    element = ram(parent, "ApplicableHeaderTradeSettlement")
    direct_debit = invoice.payment.direct_debit
    text(element, "CreditorReferenceID", direct_debit.creditor_id if direct_debit else None)
    text(element, "PaymentReference", invoice.payment.remittance)
    text(element, "TaxCurrencyCode", invoice.vat_currency)
    text(element, "InvoiceCurrencyCode", invoice.currency)
    payee_party(element, invoice.payee)
    _payment_means(element, invoice.payment)
    for index, entry in enumerate(invoice.vat_breakdown):
        _vat(element, entry, invoice if index == 0 else None)
    period = ram(element, "BillingSpecifiedPeriod")
    date_time(period, "StartDateTime", invoice.invoicing_period.start)
    date_time(period, "EndDateTime", invoice.invoicing_period.end)
    for allowance in invoice.allowances:
        allowance_charge(element, allowance, charge=False)
    for charge in invoice.charges:
        allowance_charge(element, charge, charge=True)
    terms = ram(element, "SpecifiedTradePaymentTerms")
    text(terms, "Description", invoice.payment_terms)
    date_time(terms, "DueDateDateTime", invoice.due_date)
    text(terms, "DirectDebitMandateID", direct_debit.mandate if direct_debit else None)
    _totals(element, invoice)
    for preceding in invoice.preceding_invoices:
        document = ram(element, "InvoiceReferencedDocument")
        text(document, "IssuerAssignedID", preceding.number)
        date_time(document, "FormattedIssueDateTime", preceding.issue_date, QDT)
    account = ram(element, "ReceivableSpecifiedTradeAccountingAccount")
    text(account, "ID", invoice.buyer_accounting_reference)


def _payment_means(parent: Element, payment: Payment) -> None:
    means = ram(parent, "SpecifiedTradeSettlementPaymentMeans")
    text(means, "TypeCode", payment.means_code)
    text(means, "Information", payment.means_text)
    if payment.card is not None:
        card = ram(means, "ApplicableTradeSettlementFinancialCard")
        text(card, "ID", payment.card.account)
        text(card, "CardholderName", payment.card.holder)
    if payment.direct_debit is not None:
        debtor = ram(means, "PayerPartyDebtorFinancialAccount")
        text(debtor, "IBANID", payment.direct_debit.debited_account)
    _credit_transfer(means, payment.iban, payment.account_name, payment.bic)
    for transfer in payment.more_transfers:
        more = ram(parent, "SpecifiedTradeSettlementPaymentMeans")
        text(more, "TypeCode", payment.means_code)
        _credit_transfer(more, transfer.account, transfer.account_name, transfer.provider)


def _credit_transfer(
    means: Element, account: str | None, account_name: str | None, provider: str | None
) -> None:
    """BG-17: the account as `ram:IBANID` when it is an IBAN, `ram:ProprietaryID` otherwise."""
    creditor = ram(means, "PayeePartyCreditorFinancialAccount")
    is_iban = account is not None and _IBAN.fullmatch("".join(account.split())) is not None
    text(creditor, "IBANID", account if is_iban else None)
    text(creditor, "AccountName", account_name)
    text(creditor, "ProprietaryID", None if is_iban else account)
    text(ram(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", provider)


def _vat(parent: Element, entry: VatBreakdown, invoice: Invoice | None) -> None:
    """One BG-23 entry; `invoice` given for the first, which carries BT-7 and BT-8."""
    tax = ram(parent, "ApplicableTradeTax")
    text(tax, "CalculatedAmount", entry.tax)
    vat_type(tax)
    text(tax, "ExemptionReason", entry.exemption_reason)
    text(tax, "BasisAmount", entry.taxable)
    text(tax, "CategoryCode", entry.category)
    text(tax, "ExemptionReasonCode", entry.exemption_code)
    if invoice is not None:
        date_string(ram(tax, "TaxPointDate"), "DateString", invoice.tax_point_date)
        code = invoice.tax_point_code
        text(tax, "DueDateTypeCode", TAX_POINT_CODES[code] if code else None)
    text(tax, "RateApplicablePercent", entry.rate)


def _totals(parent: Element, invoice: Invoice) -> None:
    totals = invoice.totals
    summation = ram(parent, "SpecifiedTradeSettlementHeaderMonetarySummation")
    text(summation, "LineTotalAmount", totals.line_net)
    text(summation, "ChargeTotalAmount", totals.charges)
    text(summation, "AllowanceTotalAmount", totals.allowances)
    text(summation, "TaxBasisTotalAmount", totals.tax_exclusive)
    text(summation, "TaxTotalAmount", totals.tax, currencyID=invoice.currency)
    text(summation, "TaxTotalAmount", totals.tax_accounting, currencyID=invoice.vat_currency)
    text(summation, "RoundingAmount", totals.rounding)
    text(summation, "GrandTotalAmount", totals.tax_inclusive)
    text(summation, "TotalPrepaidAmount", totals.prepaid)
    text(summation, "DuePayableAmount", totals.payable)
