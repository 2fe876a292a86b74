"""VAT breakdown rows: a rate, a taxable base and the tax on it, printed on one line.

A row is recognised by its arithmetic, not its labels: a rate (a percentage, or a small number
under a rate column) and two amounts on the same line where base x rate ≈ tax, to the cent. That
reads "19 % auf 100,00 = 19,00", "Umsatzsteuer (S) 129,37 7 9,06" and a summary table's row alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from turnout.authoring import Word
from turnout.modules.extract.layout.amount_cells import (
    CENT,
    Cell,
    line_cells,
    percent_text,
    percents,
)
from turnout.modules.extract.layout.page import Line

_MAX_RATE = Decimal(30)


@dataclass(frozen=True)
class VatRow:
    """One VAT breakdown row: rate, taxable base and tax, with their words."""

    rate: Decimal
    rate_text: str
    rate_words: tuple[Word, ...]
    base: Cell
    tax: Cell
    marked: bool  # the rate was printed with a percent sign


def vat_rows(lines: Sequence[Line]) -> list[VatRow]:
    """The VAT breakdown rows on `lines`, one a line at most, each (rate, base, tax) once."""
    rows: list[VatRow] = []
    seen: set[tuple[Decimal, Decimal, Decimal]] = set()
    for line in lines:
        row = _row(line)
        if row is None:
            continue
        key = (row.rate, row.base.value, row.tax.value)
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


def _row(line: Line) -> VatRow | None:
    cells = line_cells(line)
    rates: list[tuple[Decimal, str, tuple[Word, ...], bool]] = [
        (value, percent_text(words), words, True) for value, words in percents(line)
    ]
    rates += [
        (c.value, c.raw, c.words, False)
        for c in cells
        if Decimal(0) < c.value <= _MAX_RATE and c.value == c.value.quantize(Decimal("0.1"))
    ]
    for rate, text, words, marked in rates:
        for base in cells:
            if base.words == words or base.value == 0:
                continue
            for tax in cells:
                if tax is base or tax.words == words or abs(tax.value) >= abs(base.value):
                    continue
                if tax.value * base.value < 0:  # a credit's base and tax share their sign
                    continue
                if rate == 0 and not marked:
                    continue
                if abs(base.value * rate / 100 - tax.value) <= CENT:
                    if rate == 0 and tax.value != 0:
                        continue
                    return VatRow(rate, text.rstrip("% ").strip(), words, base, tax, marked)
    return None
