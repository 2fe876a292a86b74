"""Put an invoice's identifiers in canonical form, the same way whatever produced it.

Currencies (ISO 4217), VAT numbers (python-stdnum), IBAN and BIC (schwifty) of every credit
transfer, countries (ISO 3166, pycountry) of every party, address and item that has one; the
seller's country is inferred from its VAT number when absent. Elements an e-invoice carried beyond
EN 16931 (`invoice.extensions`) are reported, so a run shows what the model could not hold.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from turnout.authoring import FieldSource, Finding, Invoice, Party, Severity
from turnout.modules.normalize.identifiers import (
    Checked,
    check_bic,
    check_country,
    check_currency,
    check_iban,
    check_vat_id,
    vat_country,
)

MODULE_ID = "normalize.standard"
EXTENSION_RULE = "TURNOUT-EXTENSION"


def canonicalise(invoice: Invoice) -> list[Finding]:
    """Rewrite `invoice`'s identifiers in place; return notes on the values that fail and on the
    extensions the invoice carries."""
    notes: list[Finding] = []

    def apply(value: str | None, check: Callable[[str], Checked]) -> str | None:
        if value is None or not value.strip():
            return value
        canonical, note = check(value)
        if note is not None:
            notes.append(note)
        return canonical

    def country(value: str | None, path: str) -> str | None:
        return apply(value, partial(check_country, path=path))

    invoice.currency = apply(invoice.currency, check_currency)
    invoice.vat_currency = apply(invoice.vat_currency, partial(check_currency, path="vat_currency"))
    for role, party in (("seller", invoice.seller), ("buyer", invoice.buyer)):
        party.vat_id = apply(party.vat_id, partial(check_vat_id, path=f"{role}.vat_id"))
        party.country = country(party.country, f"{role}.country")
        _infer_country(invoice, role, party)
        _identifiers_in_order(invoice, role, party)
    if (representative := invoice.tax_representative) is not None:
        representative.vat_id = apply(
            representative.vat_id, partial(check_vat_id, path="tax_representative.vat_id")
        )
        representative.country = country(representative.country, "tax_representative.country")
    if (delivery := invoice.delivery) is not None:
        delivery.country = country(delivery.country, "delivery.country")
    for i, line in enumerate(invoice.lines):
        line.origin_country = country(line.origin_country, f"lines[{i}].origin_country")
    payment = invoice.payment
    payment.iban = apply(payment.iban, check_iban)
    payment.bic = apply(payment.bic, check_bic)
    for i, transfer in enumerate(payment.more_transfers):
        at = f"payment.more_transfers[{i}]"
        transfer.account = apply(transfer.account, partial(check_iban, path=f"{at}.account"))
        transfer.provider = apply(transfer.provider, partial(check_bic, path=f"{at}.provider"))
    notes += extension_notes(invoice)
    return notes


def extension_notes(invoice: Invoice) -> list[Finding]:
    """One warning per element the invoice carries beyond EN 16931, naming where it was."""
    return [
        Finding(
            rule=EXTENSION_RULE,
            severity=Severity.WARNING,
            message=f"kept verbatim, not part of EN 16931: {extension.path}",
            path=f"extensions[{i}]",
        )
        for i, extension in enumerate(invoice.extensions)
    ]


def _identifiers_in_order(invoice: Invoice, role: str, party: Party) -> None:
    """A party's identifiers (BT-29, BT-46) without a scheme first, each kind in written order.

    The standard gives their order no meaning, and CII's schema writes every `ram:ID` (no scheme)
    before every `ram:GlobalID`: one order for both syntaxes makes the same invoice read the same
    from UBL and CII. Their provenance moves with them."""
    order = sorted(
        range(len(party.identifiers)), key=lambda i: party.identifiers[i].scheme is not None
    )
    if order == sorted(order):
        return
    party.identifiers = [party.identifiers[i] for i in order]
    prefix = f"{role}.identifiers["
    moved = {path: src for path, src in invoice.provenance.items() if path.startswith(prefix)}
    for path in moved:
        del invoice.provenance[path]
    for new, old in enumerate(order):
        before = f"{prefix}{old}]"
        for path, src in moved.items():
            if path == before or path.startswith(f"{before}."):
                invoice.provenance[f"{prefix}{new}]{path[len(before) :]}"] = src


def _infer_country(invoice: Invoice, role: str, party: Party) -> None:
    """A seller without a country gets the one its VAT number's prefix names."""
    if role != "seller" or party.country or not party.vat_id:
        return
    country = vat_country(party.vat_id)
    if country is None:
        return
    party.country = country
    source = invoice.provenance.get("seller.vat_id")
    invoice.provenance["seller.country"] = FieldSource(
        MODULE_ID, source.confidence if source else 1.0
    )
