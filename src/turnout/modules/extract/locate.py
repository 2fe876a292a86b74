"""Where a value read from the text is printed: the words that print it, for a field's boxes.

Extraction that reads the plain text (invoice2data's templates, the heuristics) knows a value but
not where it stands. `Locator` finds the words of the page that print it, by kind:

- `id` (invoice numbers, VAT ids, IBANs, BICs, references): the letters and digits of the value,
  case-insensitive, in consecutive words of one line (`DE12 3456 7890` is `DE1234567890`); a
  label glued to the value (`Nr.:4711`, `n°4711`) is cut off at its colon, `#` or `°`;
- `name`: the same token match; a name may go on in the line under it, starting where it
  starts (two more lines at most);
- `text` (address lines, the city, the payment means' words): the same token match, on one line;
- `exact` (e-mail addresses, phone numbers): the token match, kept only where the words print
  the value character for character (spaces aside, a glued label and a closing `.`, `,` or `;`
  cut off), so `a.b@x.com` is not found as `ab@x.com` nor `+31 20 123` as `31 20 123`;
- `amount`: words read as an amount (either decimal separator, thousands separators, currency
  marks) equal to the value as a number; `1 234,56` written in two words counts;
- `percent`: a rate given with or without its `%`, found as the number printed apart from its
  sign (`19 %`); a `19%` written in one word is not found (it is not an amount);
- `date`: dates on the line read day-first and month-first, equal to the value as a date, so a
  date printed `14. März 2024` is found for `2024-03-14`;
- `currency`: the code, or a symbol that means it.

Only the fields that reach the canonical invoice are looked for (`kind_of` names each path's
kind): identifiers and references, the parties' names, addresses, contacts and registrations,
dates and the invoicing period, the payment means' text, totals, the currency, VAT breakdown
amounts and rates, and line items. A template's `extra.*` fields never reach the invoice or its
provenance, so they get no lookup and no boxes; nor do codes printed as words of their own or
not at all (type code, countries, the payment means code, VAT categories).

When a value is printed more than once, the caller's `near` (the page and visual line it was read
from) picks the closest; without it, `prefer="first"` takes the highest (numbers, dates, names)
and `prefer="last"` the lowest, on the last page (totals, and the currency they are in). A value
that is not printed gives no words: never a made-up box.

What it costs: words are put in lines once per document (`locate_words`); each kind's index is
built the first time a value of that kind is asked for (`locate_values`); line items reuse the
amounts' and names' answers (`locate_lines`).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from turnout.authoring import Box
from turnout.modules.extract.locate_lines import line_boxes
from turnout.modules.extract.locate_values import Kind, Locator, Prefer
from turnout.modules.extract.locate_words import Near

__all__ = [
    "Kind",
    "Locator",
    "Near",
    "Prefer",
    "TextLines",
    "field_boxes",
    "kind_of",
    "line_boxes",
    "prefer_of",
]


class TextLines:
    """Where a line of `Text.full` (numbered as `splitlines` numbers it, form feeds dropped, as
    readers of the plain text do) is: its page and its row on that page, as a `Near`."""

    def __init__(self, pages: tuple[str, ...]) -> None:
        self.starts: list[int] = []
        count = 0
        for page in pages:
            self.starts.append(count)
            count += len((page + "\n").replace("\f", "").splitlines())

    def near(self, line: int) -> Near:
        page = max(bisect_right(self.starts, line), 1)
        return Near(page, line - self.starts[page - 1])


# document-level paths, by how their values are printed
_KINDS: dict[str, Kind] = {
    "invoice_number": "id",
    "order_reference": "id",  # BT-13
    "sales_order_reference": "id",  # BT-14
    "buyer_reference": "id",  # BT-10
    "payment.iban": "id",
    "payment.bic": "id",
    "payment.remittance": "id",  # BT-83, the payment reference
    "payment.direct_debit.mandate": "id",  # BT-89
    "payment.means_text": "text",  # BT-82: `Credit Card`, `Cash at Hotel`
    "issue_date": "date",
    "due_date": "date",
    "invoicing_period.start": "date",
    "invoicing_period.end": "date",
    "currency": "currency",
}
# a party's paths (seller, buyer, payee, tax representative, delivery), after the party's name
_PARTY_KINDS: dict[str, Kind] = {
    "name": "name",
    "trading_name": "name",
    "vat_id": "id",
    "tax_registration_id": "id",  # BT-32, a GSTIN
    "legal_registration.id": "id",  # BT-30: KvK, SIREN, CIN
    "identifiers.id": "id",  # BT-29, BT-46: a party's number
    "address.line1": "text",
    "address.line2": "text",
    "address.line3": "text",
    "address.city": "text",
    "address.post_code": "id",  # `3012 CN`, `3012CN`
    "address.subdivision": "text",  # a state as addresses print it: `CA`
    "contact.name": "name",
    "contact.email": "exact",
    "contact.phone": "exact",
}
_PARTY = re.compile(r"^(?:seller|buyer|payee|tax_representative|delivery)\.(.+)$")
_INDEX = re.compile(r"\[\d+\]")
_VAT_ROW = re.compile(r"^vat_breakdown\[\d+\]\.(rate|taxable|tax)$")
_JSON = re.compile(r"^\s*[\[{]")


def kind_of(path: str, value: str) -> Kind | None:
    """How a field's value is looked for on the page, or None when it is not looked for.

    Identifiers, references and post codes are `id`s; names may go on under their first line;
    address lines, cities, subdivisions and the payment means' text are `text` on one line;
    e-mail addresses and phone numbers are `exact`; dates (the invoicing period's too) and the
    currency have their kind; `totals.*` and VAT breakdown amounts are amounts, rates are
    percentages. Not looked for: a template's `extra.*` (it never reaches the invoice), lists
    (JSON), and codes an invoice prints as words of its own or not at all: the country
    (`NL` for `Nederland`), the payment means code (UNCL 4461 `30` for a credit transfer), the
    type code, VAT categories, identifier schemes.
    """
    if _JSON.match(value):
        return None
    if path in _KINDS:
        return _KINDS[path]
    if path.startswith("totals."):
        return "amount"
    party = _PARTY.match(path)
    if party is not None:
        return _PARTY_KINDS.get(_INDEX.sub("", party.group(1)))
    row = _VAT_ROW.match(path)
    if row is None:
        return None
    return "percent" if row.group(1) == "rate" else "amount"


def prefer_of(path: str) -> Prefer:
    """Totals (and the currency they are in) stand at the end of an invoice; everything else is
    read from the first place it is printed."""
    return "last" if path.startswith(("totals.", "vat_breakdown", "currency")) else "first"


def field_boxes(
    locator: Locator, path: str, value: str, near: Near | None = None
) -> tuple[Box, ...]:
    """The boxes of a field's value on the page, or () when it is not found (or not looked for)."""
    kind = kind_of(path, value)
    if kind is None:
        return ()
    return locator.boxes(value, kind, prefer_of(path), near)
