"""The header trade settlement of a CII invoice (EN 16931-3-3): payment instructions, VAT
breakdown, totals and the VAT point date, shared by CII D16B and ZUGFeRD 1.

Each `ram:SpecifiedTradeSettlementPaymentMeans` with a creditor account is a credit transfer
(BG-17): the first one's account, name and BIC are `payment.iban`, `account_name` and `bic`, the
others `payment.more_transfers` in document order. The payment means code and text (BT-81, BT-82)
are the first payment means'. A card (BG-18) is the first `ram:ApplicableTradeSettlementFinancialCard`
of any payment means; the direct debit (BG-19) gathers the mandate (BT-89, the first of any
payment terms), the creditor reference (BT-90) and the debited account (BT-91, the first of any
payment means). BT-9 is the first due date of any payment terms.

What a later payment means says beyond its account has no place in the model when it differs from
what was read: its own type code (CII-SR-467 wants one throughout), its own information (BT-82 is
the first means'), a second card or debited account; nor what later payment terms say beyond
their descriptions (a second due date or mandate). `MEANS_CHECKS` and `TERMS_CHECKS` tell
`cii_extensions` which of their children are read, so the others are kept verbatim; a later
means with the first's code and no text (as `export.cii` writes each further credit transfer)
adds nothing.

BT-8 is written in CII with UNTDID 2475 codes (5, 29, 72), in the semantic model and UBL with UNTDID
2005 codes (3, 35, 432): the canonical invoice holds the latter, so both syntaxes agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from turnout.authoring import (
    Card,
    CreditTransfer,
    DirectDebit,
    Payment,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)
from turnout.modules.einvoice.cii_checks import same_as_first_means
from turnout.modules.einvoice.cii_common import Dialect, date_time
from turnout.modules.einvoice.reading import Element, decimal_of, text_of
from turnout.modules.einvoice.siblings import first_in_any

TAX_POINT_CODES = {"5": "3", "29": "35", "72": "432"}
"""BT-8: the CII code (UNTDID 2475) → the semantic model's (UNTDID 2005)."""

_MEANS = "ram:SpecifiedTradeSettlementPaymentMeans"
_TERMS = "ram:SpecifiedTradePaymentTerms"
_INFORMATION = "ram:Information"  # BT-82, one a line when there are several


def payment(dialect: Dialect, settlement: Element | None) -> Payment:
    """BG-16, the payment instructions of the header settlement."""
    reader = dialect.reader
    all_means = reader.findall(settlement, _MEANS)
    first = all_means[0] if all_means else None
    transfers = [t for t in (_transfer(dialect, m) for m in all_means) if t is not None]
    head = transfers[0] if transfers else CreditTransfer()
    card = reader.find(settlement, f"{_MEANS}/ram:ApplicableTradeSettlementFinancialCard")
    return Payment(
        iban=head.account,
        bic=head.provider,
        account_name=head.account_name,
        means_code=reader.text(first, "ram:TypeCode"),
        means_text="\n".join(filter(None, map(text_of, reader.findall(first, _INFORMATION))))
        or None,
        remittance=reader.text(settlement, "ram:PaymentReference"),
        more_transfers=transfers[1:],
        card=None
        if card is None
        else Card(reader.text(card, "ram:ID"), reader.text(card, "ram:CardholderName")),
        direct_debit=_direct_debit(dialect, settlement),
    )


MEANS_CHECKS: dict[str, Callable[[Element], bool]] = {
    "TypeCode": same_as_first_means,
    "Information": same_as_first_means,
    "ApplicableTradeSettlementFinancialCard": first_in_any,
    "PayerPartyDebtorFinancialAccount": first_in_any,
}
"""Children (by local name) of a `ram:SpecifiedTradeSettlementPaymentMeans` that the reader reads
only when they pass the test: the others are kept as extensions."""

TERMS_CHECKS: dict[str, Callable[[Element], bool]] = {
    "DueDateDateTime": first_in_any,
    "DirectDebitMandateID": first_in_any,
}
"""Children of a `ram:SpecifiedTradePaymentTerms` read from the first terms that has one (BT-9,
BT-89); a later one is kept as an extension."""


def _transfer(dialect: Dialect, means: Element) -> CreditTransfer | None:
    reader = dialect.reader
    account = reader.find(means, "ram:PayeePartyCreditorFinancialAccount")
    if account is None:
        return None
    return CreditTransfer(
        account=reader.text(account, "ram:IBANID") or reader.text(account, "ram:ProprietaryID"),
        account_name=reader.text(account, "ram:AccountName"),
        provider=reader.text(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
    )


def _direct_debit(dialect: Dialect, settlement: Element | None) -> DirectDebit | None:
    reader = dialect.reader
    debit = DirectDebit(
        mandate=reader.text(settlement, f"{_TERMS}/ram:DirectDebitMandateID"),
        creditor_id=reader.text(settlement, "ram:CreditorReferenceID"),
        debited_account=reader.text(
            reader.find(settlement, f"{_MEANS}/ram:PayerPartyDebtorFinancialAccount"), "ram:IBANID"
        ),
    )
    if debit.mandate is None and debit.creditor_id is None and debit.debited_account is None:
        return None
    return debit


def _terms(dialect: Dialect, settlement: Element | None) -> list[Element]:
    return dialect.reader.findall(settlement, _TERMS)


def due_date(dialect: Dialect, settlement: Element | None) -> dt.date | None:
    """BT-9: the first due date of any payment terms."""
    return date_time(dialect, settlement, f"{_TERMS}/ram:DueDateDateTime", "BT-9 due date")


def payment_terms(dialect: Dialect, settlement: Element | None) -> str | None:
    """BT-20: the payment terms' descriptions, one a line when there are several."""
    reader = dialect.reader
    texts = [
        text
        for terms in _terms(dialect, settlement)
        for text in map(text_of, reader.findall(terms, "ram:Description"))
        if text is not None
    ]
    return "\n".join(texts) or None


def vat_breakdown(dialect: Dialect, settlement: Element | None) -> list[VatBreakdown]:
    """BG-23, one entry a header `ram:ApplicableTradeTax`."""
    reader = dialect.reader
    return [
        VatBreakdown(
            category=reader.text(tax, "ram:CategoryCode"),
            rate=reader.decimal(tax, dialect.rate, "BT-119 VAT rate"),
            taxable=reader.decimal(tax, "ram:BasisAmount", "BT-116 VAT taxable amount"),
            tax=reader.decimal(tax, "ram:CalculatedAmount", "BT-117 VAT amount"),
            exemption_reason=reader.text(tax, "ram:ExemptionReason"),
            exemption_code=reader.text(tax, "ram:ExemptionReasonCode"),
        )
        for tax in reader.findall(settlement, "ram:ApplicableTradeTax")
    ]


def tax_point(dialect: Dialect, settlement: Element | None) -> tuple[dt.date | None, str | None]:
    """BT-7 and BT-8, written on the VAT breakdown entries: the first one given of each."""
    reader = dialect.reader
    date: dt.date | None = None
    code: str | None = None
    for tax in reader.findall(settlement, "ram:ApplicableTradeTax"):
        if date is None:
            date = reader.date_102(tax, "ram:TaxPointDate/udt:DateString", "BT-7 VAT point date")
        if code is None:
            written = reader.text(tax, "ram:DueDateTypeCode")
            code = TAX_POINT_CODES.get(written, written) if written is not None else None
    return date, code


def totals(
    dialect: Dialect, summation: Element | None, currency: str | None, vat_currency: str | None
) -> Totals:
    """BG-22; BT-110 is the `ram:TaxTotalAmount` in the invoice currency, BT-111 the one in the
    VAT accounting currency (BT-6)."""
    reader = dialect.reader

    def amount(name: str, term: str) -> Decimal | None:
        return reader.decimal(summation, f"ram:{name}", term)

    tax_amounts = reader.findall(summation, "ram:TaxTotalAmount")
    in_vat_currency = [a for a in tax_amounts if a.get("currencyID") == vat_currency]
    # the same currency twice (BT-6 = BT-5): the second amount is the accounting one
    accounting_index = 1 if vat_currency == currency else 0
    accounting = None
    if vat_currency is not None and len(in_vat_currency) > accounting_index:
        accounting = in_vat_currency[accounting_index]
    return Totals(
        line_net=amount("LineTotalAmount", "BT-106 sum of line net amounts"),
        allowances=amount("AllowanceTotalAmount", "BT-107 sum of allowances"),
        charges=amount("ChargeTotalAmount", "BT-108 sum of charges"),
        tax_exclusive=amount("TaxBasisTotalAmount", "BT-109 total without VAT"),
        tax=decimal_of(tax_total(tax_amounts, currency), "BT-110 total VAT"),
        tax_inclusive=amount("GrandTotalAmount", "BT-112 total with VAT"),
        prepaid=amount("TotalPrepaidAmount", "BT-113 paid amount"),
        rounding=amount("RoundingAmount", "BT-114 rounding amount"),
        payable=amount("DuePayableAmount", "BT-115 amount due"),
        tax_accounting=decimal_of(accounting, "BT-111 total VAT in accounting currency"),
    )


def tax_total(amounts: list[Element], currency: str | None) -> Element | None:
    """The TaxTotalAmount in the invoice currency; the only one when none names a currency."""
    for amount in amounts:
        if currency and amount.get("currencyID") == currency:
            return amount
    unlabelled = [a for a in amounts if a.get("currencyID") is None]
    return unlabelled[0] if unlabelled else None


def preceding_invoices(dialect: Dialect, settlement: Element | None) -> list[PrecedingInvoice]:
    """BG-3, every `ram:InvoiceReferencedDocument` (its date a `qdt:DateTimeString`)."""
    reader = dialect.reader
    return [
        PrecedingInvoice(
            number=reader.text(document, "ram:IssuerAssignedID"),
            issue_date=reader.date_102(
                document,
                "ram:FormattedIssueDateTime/qdt:DateTimeString",
                "BT-26 preceding invoice issue date",
            ),
        )
        for document in reader.findall(settlement, "ram:InvoiceReferencedDocument")
    ]
