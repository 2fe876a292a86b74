"""Reading a whole page layout: every field's chosen value, and the invoice lines.

`read_layout` puts the parts together: labels and the values they announce (`values`), the
parties (`parties`, `addresses`), identifiers by checksum (`identifiers`), the line-item table
(`table`), the totals under it (`totals`), the document's type from its title
(`document_type`), the VAT categories the rates and the reasons for 0 % imply
(`vat_categories`), the terms labelled beside the main fields (`terms`, `term_labels`),
unlabelled e-mails, phones and the seller's website (`contacts`), the payment means a page
names without a label (`payment_means`), the means code those or an account imply
(`means_code`) and the parties' addresses under their names
(`address`, `postal`). For each field the most confident candidate wins; on a tie, the
one higher up the document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from turnout.authoring import Word
from turnout.modules.extract.amounts import find_amounts
from turnout.modules.extract.layout.address import read_address
from turnout.modules.extract.layout.blocks import Blocks
from turnout.modules.extract.layout.contacts import unlabelled_contacts
from turnout.modules.extract.layout.document_type import read_document_type
from turnout.modules.extract.layout.identifiers import by_shape, owner_of, to_owner
from turnout.modules.extract.layout.labels import find_labels
from turnout.modules.extract.layout.means_code import MEANS_CODE, read_means_code
from turnout.modules.extract.layout.page import Found, Layout
from turnout.modules.extract.layout.parties import read_parties
from turnout.modules.extract.layout.payment_means import unlabelled_means
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.table import read_line_items
from turnout.modules.extract.layout.term_labels import TermLabel
from turnout.modules.extract.layout.terms import read_terms
from turnout.modules.extract.layout.totals import read_totals
from turnout.modules.extract.layout.totals_currency import CURRENCY_SYMBOL, currency_symbol
from turnout.modules.extract.layout.values import Candidate, read_labelled
from turnout.modules.extract.layout.vat_categories import read_vat_categories
from turnout.modules.extract.patterns import Label
from turnout.modules.normalize.dates import evident_order, find_dates, is_ambiguous, parse_date
from turnout.modules.normalize.money import parse_currency

# the confidence of a date the invoice number next to it vouches for (see _beside_the_number)
_VOUCHED = 0.75

FIRST_DATE = 0.3  # the first date of page one, when no label announces the issue date
MARKED_CURRENCY = 0.7  # the currency most amounts are marked with
CODE_ONLY = 0.5  # the currency code printed most often
EURO_AREA = 0.3  # no currency printed, the seller's VAT number or IBAN from the euro area
_EURO_AREA = frozenset(
    [
        "AT",
        "BE",
        "CY",
        "DE",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PT",
        "SI",
        "SK",
    ]
)
_CODES = re.compile(
    r"(?<![A-Za-z])(EUR|USD|GBP|CHF|JPY|CNY|INR|PLN|CZK|SEK|NOK|DKK|HUF|RON|BGN|CAD|AUD|NZD|"
    r"HKD|SGD|ZAR|BRL|MXN|TRY)(?![A-Za-z])"
)
_TOTALS = ("totals.payable", "totals.tax", "totals.tax_exclusive")
_DATE_ENDS = ("date", ".start", ".end")  # issue_date, due_date, invoicing_period.start, ...


@dataclass(frozen=True)
class Reading:
    """What the reader found: a value per field path, and the invoice lines with their words."""

    values: dict[str, Found]
    lines: tuple[dict[str, Found], ...] = ()
    line_words: tuple[tuple[Word, ...], ...] = ()


def read_layout(
    layout: Layout, labels: Sequence[Label], terms: Sequence[TermLabel] = ()
) -> Reading:
    """Every field the page shows, with its confidence and words; with `terms`, the labels of
    the other terms it states (contacts, registers, period, payment reference and mandate),
    and the parties' postal addresses."""
    texts = {line.index: LineText.of(line) for line in layout.lines}
    hits = find_labels(list(texts.values()), labels)
    blocks = Blocks(layout)
    parties = read_parties(layout, texts, hits, blocks)
    found = [to_owner(c, blocks, parties) for c in read_labelled(hits, texts)]
    found += parties.candidates
    found += by_shape(texts.values(), blocks, parties)
    found += _first_date(texts)
    if terms:
        owner = owner_of(blocks, parties)
        found += read_terms(texts, terms, owner)
        found += unlabelled_contacts(texts, layout, owner)
    chosen = _best(found)
    _beside_the_number(chosen)
    seller, buyer = chosen.get("seller.vat_id"), chosen.get("buyer.vat_id")
    if seller and buyer and _compact(seller.found.value) == _compact(buyer.found.value):
        del chosen["buyer.vat_id"]
    values = {path: c.found for path, c in chosen.items()}
    for party in ("seller", "buyer"):
        country = _country(values.get(f"{party}.vat_id"))
        if country is not None:
            values[f"{party}.country"] = country
    if terms:
        labelled = {(h.line.line.index, h.phrase) for h in hits}
        for party in ("seller", "buyer"):
            for c in _address(party, chosen, found, texts, labelled):
                values.setdefault(c.path, c.found)  # a VAT number's country comes first
    lines, line_words, totals = _table_and_totals(layout)
    for path in _TOTALS:  # what total labels announce is the totals reader's to decide
        values.pop(path, None)
    values.update(totals)
    read_vat_categories(values, lines, texts.values())
    if terms and "payment.means_text" not in values:
        means = unlabelled_means(texts.values(), values.get("totals.payable"))
        if means is not None:
            values["payment.means_text"] = means
    if terms and MEANS_CODE not in values:
        code = read_means_code(values)
        if code is not None:
            values[MEANS_CODE] = code
    currency = _currency(values, texts) or _euro_by_country(values)
    if currency is not None:
        values["currency"] = currency
        symbol = currency_symbol(currency)
        if symbol is not None:
            values[CURRENCY_SYMBOL] = symbol
    _dates_in_evident_order(values, texts)
    document_type = read_document_type(layout)
    if document_type is not None:
        values["type_code"] = document_type
    return Reading(values, lines, line_words)


def _dates_in_evident_order(values: dict[str, Found], texts: dict[int, LineText]) -> None:
    """Dates that read two ways ("11/03/2017") given as ISO dates in the order the page shows
    elsewhere ("11/17/2017" can only be November 17th), as a clerk reads them; the order an
    operator configures (`normalize.standard`'s `date_order`) is left for pages that show none."""
    ambiguous = [p for p, f in values.items() if p.endswith(_DATE_ENDS) and is_ambiguous(f.value)]
    order = evident_order(text.text for text in texts.values()) if ambiguous else None
    if order is None:
        return
    for path in ambiguous:
        day = parse_date(values[path].value, order)
        if day is not None:
            values[path] = replace(values[path], value=day.isoformat())


def _best(found: list[Candidate]) -> dict[str, Candidate]:
    chosen: dict[str, Candidate] = {}
    for c in sorted(found, key=lambda c: (-c.found.confidence, c.line)):
        chosen.setdefault(c.path, c)
    return chosen


def _address(
    party: str,
    chosen: dict[str, Candidate],
    found: list[Candidate],
    texts: dict[int, LineText],
    labelled: set[tuple[int, int]],
) -> list[Candidate]:
    """The party's address under the chosen name, else under the same name printed elsewhere
    (the letterhead when the name was chosen from a sender line), surest first."""
    name = chosen.get(f"{party}.name")
    if name is None:
        return []
    same = [
        c
        for c in sorted(found, key=lambda c: -c.found.confidence)
        if c.path == name.path
        and c is not name
        and _compact(c.found.value) == _compact(name.found.value)
    ]
    for candidate in (name, *same):
        address = read_address(party, candidate, texts, labelled)
        if address:  # as sure as the print it stands under, never surer than the chosen name
            return address
    return []


def _beside_the_number(chosen: dict[str, Candidate]) -> None:
    """A date under a generic label ("Date") printed beside or right under the invoice number is
    the invoice's date: the number vouches for it (a clerk reads "Invoice # / Date" as a pair)."""
    date, number = chosen.get("issue_date"), chosen.get("invoice_number")
    if date is None or number is None or date.found.confidence >= _VOUCHED:
        return
    if abs(date.line - number.line) <= 1 and number.found.confidence >= _VOUCHED:
        found = replace(date.found, confidence=_VOUCHED)
        chosen["issue_date"] = replace(date, found=found)


def _first_date(texts: dict[int, LineText]) -> list[Candidate]:
    for text in texts.values():
        if text.line.page != 1:
            break
        for start, end, _ in find_dates(text.text):
            value = text.text[start:end]
            return [Candidate("issue_date", Found(value, FIRST_DATE, text.words(start, end)), 0)]
    return []


def _table_and_totals(
    layout: Layout,
) -> tuple[tuple[dict[str, Found], ...], tuple[tuple[Word, ...], ...], dict[str, Found]]:
    """Line items (the table reader) and the totals under them (the totals reader)."""
    lines: tuple[dict[str, Found], ...] = ()
    line_words: tuple[tuple[Word, ...], ...] = ()
    below: int | None = None
    nets: list[Decimal] = []
    table = read_line_items(layout)
    if table is not None:
        lines = tuple(dict(item.values) for item in table.items)
        line_words = tuple(tuple(item.words) for item in table.items)
        below = table.last_line
        for item in table.items:
            net = item.values.get("net_amount")
            amounts = find_amounts(net.value) if net is not None else []
            if amounts:
                nets.append(amounts[-1].value)
    return lines, line_words, dict(read_totals(layout, nets, below))


def _currency(values: dict[str, Found], texts: dict[int, LineText]) -> Found | None:
    """A labelled currency; else the one most amounts are marked with; else the commonest code."""
    labelled = values.get("currency")
    if labelled is not None:
        code = parse_currency(labelled.value)
        return Found(code, labelled.confidence, labelled.words) if code else None
    marked: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    where: dict[str, tuple[Word, ...]] = {}
    for text in texts.values():
        for amount in find_amounts(text.text):
            if amount.currency:
                marked[amount.currency] += 1
                where.setdefault(amount.currency, text.words(amount.start, amount.end))
        for m in _CODES.finditer(text.text):
            codes[m.group()] += 1
            where.setdefault(m.group(), text.words(m.start(), m.end()))
    if marked:
        code = marked.most_common(1)[0][0]
        return Found(code, MARKED_CURRENCY, where.get(code, ()))
    if codes:
        code = codes.most_common(1)[0][0]
        return Found(code, CODE_ONLY, where.get(code, ()))
    return None


def _country(vat_id: Found | None) -> Found | None:
    """The country a VAT number was issued in (its prefix; Greece writes EL)."""
    if vat_id is None:
        return None
    prefix = _compact(vat_id.value)[:2]
    if not prefix.isalpha() or prefix == "XI":
        return None
    code = "GR" if prefix == "EL" else prefix
    return Found(code, round(vat_id.confidence * 0.9, 3), vat_id.words)


def _euro_by_country(values: dict[str, Found]) -> Found | None:
    """No currency printed (or none OCR could read): a seller in the euro area, by its VAT
    number or its IBAN, invoices in euros, as a clerk would assume; with a low confidence."""
    for path in ("seller.vat_id", "payment.iban"):
        found = values.get(path)
        if found is not None and _compact(found.value)[:2] in _EURO_AREA:
            return Found("EUR", EURO_AREA, found.words)
    return None


def _compact(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())
