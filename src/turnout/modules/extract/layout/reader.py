"""Reading a whole page layout: every field's chosen value, and the invoice lines.

`read_layout` puts the parts together: labels and the values they announce (`values`), the
parties (`parties`), identifiers by checksum (`identifiers`), the line-item table (`table`) and
the totals under it (`totals`). For each field the most confident candidate wins; on a tie, the
one higher up the document.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from turnout.domain.page import Word
from turnout.modules.extract.amounts import find_amounts
from turnout.modules.extract.candidates import Candidate as TotalCandidate
from turnout.modules.extract.layout.blocks import Blocks
from turnout.modules.extract.layout.identifiers import by_shape, to_owner
from turnout.modules.extract.layout.labels import find_labels
from turnout.modules.extract.layout.page import Found, Layout
from turnout.modules.extract.layout.parties import read_parties
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.values import Candidate, read_labelled
from turnout.modules.extract.patterns import Label
from turnout.modules.extract.totals import choose_totals
from turnout.modules.normalize.dates import find_dates
from turnout.modules.normalize.money import parse_currency

FIRST_DATE = 0.3  # the first date of page one, when no label announces the issue date
MARKED_CURRENCY = 0.7  # the currency most amounts are marked with
_CODES = re.compile(
    r"(?<![A-Za-z])(EUR|USD|GBP|CHF|JPY|CNY|INR|PLN|CZK|SEK|NOK|DKK|HUF|RON|BGN|CAD|AUD|NZD|"
    r"HKD|SGD|ZAR|BRL|MXN|TRY)(?![A-Za-z])"
)
_TOTALS = ("totals.payable", "totals.tax", "totals.tax_exclusive")


@dataclass(frozen=True)
class Reading:
    """What the reader found: a value per field path, and the invoice lines with their words."""

    values: dict[str, Found]
    lines: tuple[dict[str, Found], ...] = ()
    line_words: tuple[tuple[Word, ...], ...] = ()


def read_layout(layout: Layout, labels: Sequence[Label]) -> Reading:
    """Every field the page shows, with its confidence and words."""
    texts = {line.index: LineText.of(line) for line in layout.lines}
    hits = find_labels(list(texts.values()), labels)
    blocks = Blocks(layout)
    parties = read_parties(layout, texts, hits, blocks)
    found = [to_owner(c, blocks, parties) for c in read_labelled(hits, texts)]
    found += parties.candidates
    found += by_shape(texts.values(), blocks, parties)
    found += _first_date(texts)
    chosen = _best(found)
    seller, buyer = chosen.get("seller.vat_id"), chosen.get("buyer.vat_id")
    if seller and buyer and _compact(seller.found.value) == _compact(buyer.found.value):
        del chosen["buyer.vat_id"]
    values = {path: c.found for path, c in chosen.items()}
    lines, line_words, totals = _table_and_totals(layout)
    if totals is None:
        for path in _TOTALS:
            values.pop(path, None)
        values.update(_chosen_totals([c for c in found if c.path in _TOTALS]))
    else:
        values.update(totals)
    currency = _currency(values, texts)
    if currency is not None:
        values["currency"] = currency
    return Reading(values, lines, line_words)


def _best(found: list[Candidate]) -> dict[str, Candidate]:
    chosen: dict[str, Candidate] = {}
    for c in sorted(found, key=lambda c: (-c.found.confidence, c.line)):
        chosen.setdefault(c.path, c)
    return chosen


def _first_date(texts: dict[int, LineText]) -> list[Candidate]:
    for text in texts.values():
        if text.line.page != 1:
            break
        for start, end, _ in find_dates(text.text):
            value = text.text[start:end]
            return [Candidate("issue_date", Found(value, FIRST_DATE, text.words(start, end)), 0)]
    return []


def _chosen_totals(candidates: list[Candidate]) -> dict[str, Found]:
    """The totals announced by total labels, the ones that add up preferred."""
    words = {id(c.found): c.found.words for c in candidates}
    wrapped = [
        TotalCandidate(c.path, c.found.value, c.found.confidence, c.line, c.amount, c.currency)
        for c in candidates
    ]
    by_key = {(c.path, c.line, c.found.value): c for c in candidates}
    out: dict[str, Found] = {}
    for path, t in choose_totals(wrapped).items():
        source = by_key.get((t.path, t.line, t.value))
        kept = words[id(source.found)] if source is not None else ()
        out[path] = Found(t.value, round(t.confidence, 3), kept)
    return out


def _table_and_totals(
    layout: Layout,
) -> tuple[tuple[dict[str, Found], ...], tuple[tuple[Word, ...], ...], dict[str, Found] | None]:
    """Line items and totals through the table and totals readers, when they are installed."""
    table_module = _optional("turnout.modules.extract.layout.table")
    totals_module = _optional("turnout.modules.extract.layout.totals")
    lines: tuple[dict[str, Found], ...] = ()
    line_words: tuple[tuple[Word, ...], ...] = ()
    below: int | None = None
    nets: list[Decimal] = []
    if table_module is not None:
        table = table_module.read_line_items(layout)
        if table is not None:
            lines = tuple(dict(item.values) for item in table.items)
            line_words = tuple(tuple(item.words) for item in table.items)
            below = table.last_line
            for item in table.items:
                net = item.values.get("net_amount")
                amounts = find_amounts(net.value) if net is not None else []
                if amounts:
                    nets.append(amounts[-1].value)
    totals = None
    if totals_module is not None:
        totals = dict(totals_module.read_totals(layout, nets, below))
    return lines, line_words, totals


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _currency(values: dict[str, Found], texts: dict[int, LineText]) -> Found | None:
    """A labelled currency; else the one most amounts are marked with; else the commonest code."""
    labelled = values.get("currency")
    if labelled is not None:
        code = parse_currency(labelled.value)
        return Found(code, labelled.confidence, labelled.words) if code else None
    marked: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for text in texts.values():
        for amount in find_amounts(text.text):
            if amount.currency:
                marked[amount.currency] += 1
        for m in _CODES.finditer(text.text):
            codes[m.group()] += 1
    if marked:
        return Found(marked.most_common(1)[0][0], MARKED_CURRENCY)
    if codes:
        return Found(codes.most_common(1)[0][0], 0.5)
    return None


def _compact(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())
