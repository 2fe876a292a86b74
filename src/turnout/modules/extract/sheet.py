"""The text as a sheet of lines and cells, and the labels found on it with their value regions.

Text from the text stage keeps columns roughly in place (cells are separated by two or more
spaces), so a value is looked for after its label on the same line, then in the cell right
under the label on the next line (header rows over value rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from turnout.modules.extract.patterns import Label, longest_labels

_CELL = re.compile(r"\S+(?: \S+)*")
_COLUMN_SLACK = 3  # characters a value may stick out of its header's column


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class LabelHit:
    """A label found on line `line` at [start, end), with the text that may hold its value."""

    label: Label
    line: int
    start: int
    end: int
    after: str  # the rest of the line up to the next label
    below: tuple[str, ...]  # the cells under the label on the next non-empty line

    @property
    def path(self) -> str:
        return self.label.path


class Sheet:
    """Lines of text with their cells; pages follow each other."""

    def __init__(self, text: str) -> None:
        self.lines = [line.rstrip() for line in text.replace("\f", "").splitlines()]
        self.cells = [
            [Cell(m.start(), m.end(), m.group()) for m in _CELL.finditer(line)]
            for line in self.lines
        ]

    def find_labels(self, labels: tuple[Label, ...]) -> list[LabelHit]:
        """Every label on the sheet; where labels overlap, the longest (then heaviest) wins."""
        hits: list[LabelHit] = []
        for number, line in enumerate(self.lines):
            found = [
                (m.start(), m.end(), label)
                for label in labels
                for m in label.pattern.finditer(line)
                if m.end() > m.start()
            ]
            kept = longest_labels(found)
            for i, (start, end, label) in enumerate(kept):
                stop = kept[i + 1][0] if i + 1 < len(kept) else len(line)
                after = line[end:stop]
                hits.append(
                    LabelHit(label, number, start, end, after, self._below(number, start, end))
                )
        return hits

    def _below(self, number: int, start: int, end: int) -> tuple[str, ...]:
        """Cells under the label's cell on the next non-empty line, best aligned first."""
        cell_end = next((c.end for c in self.cells[number] if c.start <= start < c.end), end)
        for below in range(number + 1, min(number + 3, len(self.lines))):
            if self.cells[below]:
                near = [
                    c
                    for c in self.cells[below]
                    if c.start < cell_end + _COLUMN_SLACK and c.end > start - _COLUMN_SLACK
                ]
                near.sort(key=lambda c: -(min(c.end, cell_end) - max(c.start, start)))
                return tuple(c.text for c in near)
        return ()
