"""Put an invoice's identifiers in canonical form, the same way whatever produced it.

Currency (ISO 4217), VAT numbers (python-stdnum), IBAN and BIC (schwifty), countries
(ISO 3166, pycountry); the seller's country is inferred from its VAT number when absent.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from turnout.domain.artifacts import Finding
from turnout.domain.invoice import FieldSource, Invoice, Party
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


def canonicalise(invoice: Invoice) -> list[Finding]:
    """Rewrite `invoice`'s identifiers in place; return notes on the values that fail."""
    notes: list[Finding] = []

    def apply(value: str | None, check: Callable[[str], Checked]) -> str | None:
        if value is None or not value.strip():
            return value
        canonical, note = check(value)
        if note is not None:
            notes.append(note)
        return canonical

    invoice.currency = apply(invoice.currency, check_currency)
    for role, party in (("seller", invoice.seller), ("buyer", invoice.buyer)):
        party.vat_id = apply(party.vat_id, partial(check_vat_id, path=f"{role}.vat_id"))
        party.country = apply(party.country, partial(check_country, path=f"{role}.country"))
        _infer_country(invoice, role, party)
    invoice.payment.iban = apply(invoice.payment.iban, check_iban)
    invoice.payment.bic = apply(invoice.payment.bic, check_bic)
    return notes


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
