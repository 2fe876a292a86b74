"""Template-free field finding: labels, the values next to them, and identifiers by shape.

`find_fields` turns the text of an invoice into the chosen candidate of each canonical path.
"""

from __future__ import annotations

import re
from collections import Counter

from turnout.modules.extract import candidates as conf
from turnout.modules.extract.amounts import find_amounts
from turnout.modules.extract.candidates import Candidate, best, checked
from turnout.modules.extract.identifiers import find_ibans, find_vat_ids
from turnout.modules.extract.parties import buyer_block, in_block, seller_names
from turnout.modules.extract.patterns import OTHER, Label
from turnout.modules.extract.readers import BELOW, SAME_LINE, Reading
from turnout.modules.extract.sheet import LabelHit, Sheet
from turnout.modules.extract.totals import choose_totals
from turnout.modules.normalize.dates import find_dates
from turnout.modules.normalize.money import parse_currency

_TOTALS = ("totals.payable", "totals.tax", "totals.tax_exclusive")
_DOLLARS = ("CAD", "AUD", "NZD", "HKD", "SGD", "MXN")
_COMMON_CODES = re.compile(
    r"(?<![A-Za-z])(EUR|USD|GBP|CHF|JPY|CNY|INR|PLN|CZK|SEK|NOK|DKK|HUF|RON|BGN|CAD|AUD|NZD|"
    r"HKD|SGD|ZAR|BRL|MXN|TRY)(?![A-Za-z])"
)


def find_fields(text: str, labels: tuple[Label, ...]) -> dict[str, Candidate]:
    """The best candidate of every field found in `text`, keyed by canonical dotted path."""
    sheet = Sheet(text)
    hits = [h for h in sheet.find_labels(labels) if h.path != OTHER]
    block = buyer_block(hits)
    found = [c for h in hits if (c := _labelled(h, block)) is not None]
    found += _by_shape(sheet, block)
    found += seller_names(sheet, block)
    found += _first_date(sheet)
    chosen = {path: c for path in _paths(found) if (c := best(x for x in found if x.path == path))}
    for path in _TOTALS:
        chosen.pop(path, None)
    chosen.update(choose_totals([c for c in found if c.path in _TOTALS]))
    currency = _currency(sheet, found, chosen)
    if currency is not None:
        chosen["currency"] = currency
    if all(path.endswith(".name") for path in chosen):
        return {}  # a name alone (the first line of any text) does not make an invoice
    buyer_vat = chosen.get("buyer.vat_id")
    seller_vat = chosen.get("seller.vat_id")
    if buyer_vat and seller_vat and _compact(buyer_vat.value) == _compact(seller_vat.value):
        del chosen["buyer.vat_id"]
    return chosen


def _labelled(hit: LabelHit, block: set[tuple[int, int]]) -> Candidate | None:
    path = hit.path
    reading: Reading | None = SAME_LINE[path](hit.after)
    confidence = conf.SAME_LINE
    if reading is None:
        cells = hit.below[:1] if path.endswith(".name") else hit.below
        for cell in cells:
            reading = BELOW[path](cell)
            if reading is not None:
                confidence = conf.BELOW_LABEL
                break
    if reading is None:
        return None
    if path in ("seller.vat_id", "payment.iban") and in_block(block, hit.line, hit.start):
        path = "buyer.vat_id" if path == "seller.vat_id" else path
    confidence = checked(confidence * hit.label.weight, reading.valid)
    return Candidate(path, reading.value, confidence, hit.line, reading.amount, reading.currency)


def _by_shape(sheet: Sheet, block: set[tuple[int, int]]) -> list[Candidate]:
    """VAT numbers and IBANs whose checksum holds, wherever they are."""
    out: list[Candidate] = []
    for number, line in enumerate(sheet.lines):
        for vat in find_vat_ids(line):
            if vat.valid:
                path = "buyer.vat_id" if in_block(block, number, vat.start) else "seller.vat_id"
                out.append(Candidate(path, vat.raw, conf.PATTERN_ONLY, number))
        for iban in find_ibans(line):
            if iban.valid:
                out.append(Candidate("payment.iban", iban.raw, conf.PATTERN_ONLY + 0.1, number))
    return out


def _first_date(sheet: Sheet) -> list[Candidate]:
    for number, line in enumerate(sheet.lines):
        for start, end, _ in find_dates(line):
            return [Candidate("issue_date", line[start:end], conf.GUESS, number)]
    return []


def _currency(
    sheet: Sheet, found: list[Candidate], chosen: dict[str, Candidate]
) -> Candidate | None:
    """A labelled currency; else the payable's; else the most frequent marker or code."""
    labelled = chosen.get("currency")
    if labelled is not None:
        code = parse_currency(labelled.value)
        return Candidate("currency", code, labelled.confidence, labelled.line) if code else None
    text = "\n".join(sheet.lines)
    codes = Counter(m.group() for m in _COMMON_CODES.finditer(text))
    payable = chosen.get("totals.payable")
    if payable is not None and payable.currency:
        return Candidate("currency", _dollar(payable.currency, codes), 0.85, payable.line)
    markers = Counter(
        a.currency for line in sheet.lines for a in find_amounts(line) if a.currency is not None
    )
    if markers:
        code = markers.most_common(1)[0][0]
        return Candidate("currency", _dollar(code, codes), 0.7, 0)
    if codes:
        return Candidate("currency", codes.most_common(1)[0][0], conf.PATTERN_ONLY, 0)
    return None


def _dollar(code: str, codes: Counter[str]) -> str:
    """`$` reads as USD unless the text names another dollar."""
    if code == "USD" and not codes.get("USD"):
        others = [c for c in _DOLLARS if codes.get(c)]
        if others:
            return others[0]
    return code


def _paths(found: list[Candidate]) -> list[str]:
    return sorted({c.path for c in found})


def _compact(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())
