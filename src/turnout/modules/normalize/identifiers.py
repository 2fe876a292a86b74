"""VAT numbers, IBANs, BICs, currencies and countries, checked and written canonically.

Each function returns the canonical value and, when something is wrong, a `Finding` for the
invoice's notes. A value that fails its check is kept as written: marking a valid number
invalid is much worse than the reverse, and `validate` decides what a note means.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.exceptions import InvalidChecksum, ValidationError

from turnout.authoring import Finding, Severity

Checked = tuple[str | None, Finding | None]

# VAT prefixes that are not the ISO 3166 code of their country
_VAT_COUNTRY = {"EL": "GR", "XI": "GB", "CHE": "CH"}


@cache
def _en16931_countries() -> frozenset[str]:
    """The codes EN 16931 allows for a country (BR-CL-14): ISO 3166-1 alpha-2, Kosovo's 1A and
    Northern Ireland's XI; read on first use, not when the module is imported."""
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"1A", "XI"}


def _note(rule: str, message: str, path: str) -> Finding:
    return Finding(rule=rule, severity=Severity.WARNING, message=message, path=path)


def check_vat_id(value: str, path: str) -> Checked:
    """An EU VAT number compacted (`DE136695976`); unchecked countries are only compacted."""
    compact = re.sub(r"[^A-Z0-9]", "", value.upper())
    if compact[:2].lower() not in vat.MEMBER_STATES and compact[:2] != "EL":
        if re.match(r"^[A-Z]{2}", compact):
            return compact, None  # outside the EU: no checksum we can verify
        return value.strip(), _note(
            "TURNOUT-VAT-FORMAT",
            f"VAT number `{value}` has no country prefix; kept as written — check it against "
            "the supplier's documents",
            path,
        )
    try:
        return vat.validate(compact), None
    except InvalidChecksum:
        return value.strip(), _note(
            "TURNOUT-VAT-CHECKSUM",
            f"VAT number `{value}` fails its check digit; kept as written — check it for a typo "
            "or ask the supplier for the correct number",
            path,
        )
    except ValidationError as exc:
        return value.strip(), _note(
            "TURNOUT-VAT-FORMAT",
            f"VAT number `{value}` is not well formed ({exc}); kept as written — check it",
            path,
        )


def vat_country(vat_id: str) -> str | None:
    """The ISO 3166 alpha-2 country of a VAT number's prefix (`EL` is Greece), or None."""
    prefix = re.sub(r"[^A-Z]", "", vat_id.upper()[:3])
    for candidate in (prefix[:3], prefix[:2]):
        if candidate in _VAT_COUNTRY:
            return _VAT_COUNTRY[candidate]
    code = prefix[:2]
    return code if len(code) == 2 and pycountry.countries.get(alpha_2=code) else None


def check_iban(value: str, path: str = "payment.iban") -> Checked:
    """An IBAN without spaces (`DE89370400440532013000`), or as written with a note."""
    try:
        return IBAN(value).compact, None
    except (SchwiftyException, ValueError) as exc:
        return value.strip(), _note(
            "TURNOUT-IBAN-INVALID",
            f"IBAN `{value}` is not valid ({exc}); kept as written — do not pay to it before "
            "checking it with the supplier",
            path,
        )


def check_bic(value: str, path: str = "payment.bic") -> Checked:
    """A BIC in upper case without spaces, or as written with a note."""
    try:
        return str(BIC(re.sub(r"\s", "", value))), None
    except (SchwiftyException, ValueError) as exc:
        return value.strip(), _note(
            "TURNOUT-BIC-INVALID",
            f"BIC `{value}` is not valid ({exc}); kept as written — check it with the supplier",
            path,
        )


def check_currency(value: str, path: str = "currency") -> Checked:
    """An ISO 4217 code in upper case, or None with a note when there is no such currency."""
    code = value.strip().upper()
    if re.fullmatch(r"[A-Z]{3}", code) and pycountry.currencies.get(alpha_3=code) is not None:
        return code, None
    return None, _note(
        "TURNOUT-CURRENCY-UNKNOWN",
        f"`{value}` is not an ISO 4217 currency code; the currency was left empty — "
        "set it by hand or use normalize's `default_currency`",
        path,
    )


def check_country(value: str, path: str) -> Checked:
    """An ISO 3166 alpha-2 code from a code (`de`, `DEU`) or a name, or None with a note; a code
    EN 16931 allows is only put in upper case."""
    text = value.strip()
    if text.upper() in _en16931_countries():  # already a code EN 16931 knows: kept (`XI` stays)
        return text.upper(), None
    if text.upper() in _VAT_COUNTRY:
        return _VAT_COUNTRY[text.upper()], None
    try:
        return str(pycountry.countries.lookup(text).alpha_2), None
    except LookupError:
        return None, _note(
            "TURNOUT-COUNTRY-UNKNOWN",
            f"`{value}` is not an ISO 3166 country; the country was left empty — set it by hand",
            path,
        )
