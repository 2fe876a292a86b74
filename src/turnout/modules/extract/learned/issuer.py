"""Who an invoice's issuer is: its keys, checked, and its page's fingerprint.

A VAT id or an IBAN names an issuer only when its checksum holds (an OCR misreading, a typo a
person made, would otherwise key a profile no real invoice finds, or worse, another issuer's);
a VAT id from outside the EU, which has no checksum we can verify, counts as written.

A page's fingerprint is the words of its first page without digits, each with its column (its
left edge in hundredths of the page's width): what an issuer prints the same on every invoice
(its letterhead, labels, terms) where it prints it. Two invoices of one issuer share most of it
whatever their values; two issuers share little, even in one language and layout. It is how a
profile found by the seller's name as the machine misread it (`read:` keys) is told from another
issuer's pages misread the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from turnout.authoring import Text
from turnout.authoring import issuer_keys as unchecked_keys
from turnout.modules.normalize.identifiers import check_iban, check_vat_id

SAME_PAGE = 0.6  # the share of fingerprint two pages of one issuer have in common, at least
COLUMNS = 100  # a word's column: its left edge in hundredths of the page's width
MAX_WORDS = 600  # of a fingerprint
_WORD = re.compile(r"[^\W\d_]{2,}")


def valid_vat_id(value: str | None) -> bool:
    """Whether `value` is a VAT id whose checksum holds (outside the EU: well formed)."""
    if not value or not value.strip():
        return False
    return check_vat_id(value, "seller.vat_id")[1] is None


def valid_iban(value: str | None) -> bool:
    """Whether `value` is an IBAN whose checksum holds."""
    if not value or not value.strip():
        return False
    return check_iban(value)[1] is None


def issuer_keys(vat_id: str | None, iban: str | None, name: str | None) -> list[str]:
    """An issuer's keys, surest first (`vat:…`, `iban:…`, `name:…`): a VAT id or IBAN whose
    checksum fails is left out."""
    return unchecked_keys(
        vat_id if valid_vat_id(vat_id) else None, iban if valid_iban(iban) else None, name
    )


def constant_checks(path: str, value: str) -> bool:
    """Whether an issuer's VAT id or IBAN (`path`) holds its checksum; other fields: True."""
    if path == "seller.vat_id":
        return valid_vat_id(value)
    if path == "payment.iban":
        return valid_iban(value)
    return True


def fingerprint(text: Text) -> list[str]:
    """The page's fingerprint (`word@column`, sorted); empty without geometry."""
    if not text.words or not text.page_sizes:
        return []
    width = text.page_sizes[0][0] or 1.0
    found: set[str] = set()
    for word in text.words:
        if word.page != 1:
            continue
        token = word.text.strip().strip(".,:;()").casefold()
        if _WORD.fullmatch(token):
            found.add(f"{token}@{round(word.left / width * COLUMNS)}")
    return sorted(found)[:MAX_WORDS]


def resemblance(known: Sequence[str], text: Text) -> float:
    """How much of the fingerprints of the page a profile was learned from (`known`) and of
    `text` the two share (0: nothing or no fingerprint, 1: the same)."""
    mine, theirs = set(known), set(fingerprint(text))
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / len(mine | theirs)
