"""The amounts of the totals area, each with the label a clerk would read for it.

A label is the text printed to the amount's left on its line (the nearest text cell, or the words
before the amount in its own cell); an amount alone on its line takes the column header above it,
the way a summary table ("Nettobetrag | MwSt | Endbetrag" over a row of amounts) is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from turnout.modules.extract.layout.amount_cells import Cell, phrase_cells
from turnout.modules.extract.layout.page import Layout, Line, Phrase
from turnout.modules.extract.layout.totals_labels import SUBTOTAL_WORDS, classify
from turnout.modules.normalize.money import parse_currency

# how many lines above an unlabelled amount its column header may be
_HEADER_REACH = 6


@dataclass(frozen=True)
class Candidate:
    """An amount of the totals area, its label and the roles the label names."""

    cell: Cell
    label: str
    roles: tuple[str, ...]
    from_header: bool = False

    @property
    def line(self) -> int:
        return self.cell.line.index

    def fits(self, role: str) -> float:
        """How well the label announces `role`: 1 named first, less when only also named or
        when the label is generic or missing, 0 when it names something else."""
        if not self.roles:
            return 0.35
        if self.roles[0] == role:
            return 0.9 if self.from_header else 1.0
        if role in self.roles:
            return 0.6
        if self.roles[0] == SUBTOTAL_WORDS:
            return 0.5
        return 0.0


def candidates(layout: Layout, lines: Sequence[Line]) -> list[Candidate]:
    """Every amount on `lines` with its label, top to bottom, left to right."""
    found: list[Candidate] = []
    for line in lines:
        for i, phrase in enumerate(line.phrases):
            for cell in phrase_cells(phrase, line):
                label = _left_label(line.phrases[:i], cell.before)
                from_header = False
                if not label:
                    label = _header_label(layout, line, cell)
                    from_header = bool(label)
                found.append(Candidate(cell, label, classify(label), from_header))
    return found


def _left_label(left: Sequence[Phrase], before: str) -> str:
    """The words before the amount in its cell, else the nearest text cell to its left, else
    (when that one names no total, "von" in "Nachlass 10% von 147,30") all text to its left."""
    if _has_letters(before):
        return before
    texts = [p.text for p in left if _has_letters(p.text)]
    if not texts:
        return ""
    if classify(texts[-1]) or len(texts) == 1:
        return texts[-1]
    whole = " ".join(texts)
    return whole if classify(whole) else texts[-1]


def _header_label(layout: Layout, line: Line, cell: Cell) -> str:
    """The text of the nearest line above whose cell stands over the amount, if any."""
    above = [x for x in layout.by_page.get(line.page, ()) if x.index < line.index]
    for upper in reversed(above[-_HEADER_REACH:]):
        for phrase in upper.phrases:
            overlaps = phrase.left <= cell.right + 2 and phrase.right >= cell.left - 2
            if overlaps and _has_letters(phrase.text) and not phrase_cells(phrase, _NO_LINE):
                return phrase.text
    return ""


def _has_letters(text: str) -> bool:
    """Whether `text` has words in it; a currency alone (`EUR`, `€`) is no label."""
    if sum(ch.isalpha() for ch in text) < 2:
        return False
    bare = re.sub(r"\W", "", text)
    return parse_currency(bare) is None


_NO_LINE = Line(0, -1, (), ())
