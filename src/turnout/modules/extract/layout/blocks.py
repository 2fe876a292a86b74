"""Blocks: phrases that sit close above one another in one column, as an address block does.

Two phrases on neighbouring lines of a page join one block when the gap between them is no
more than about a line's height and they share a column (their extents overlap, or they start
at the same left edge). A heading and the address under it, the seller's letterhead and the
buyer's window each make one block, even when other columns run beside them on the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from turnout.modules.extract.layout.page import Layout, Phrase

PhraseId = tuple[int, int]  # (Line.index, index of the phrase in the line)

_GAP = 0.9  # at most this many line heights between a line's bottom and the next one's top
_REACH = 2  # lines below a phrase that may continue its block (a line of another column between)


@dataclass(frozen=True)
class Block:
    """Phrases of one block, top to bottom then left to right."""

    number: int
    page: int
    members: tuple[PhraseId, ...]


class Blocks:
    """The blocks of a layout, and which block each phrase belongs to."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        parent: dict[PhraseId, PhraseId] = {}

        def find(x: PhraseId) -> PhraseId:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        lines = layout.lines
        for line in lines:
            for p in range(len(line.phrases)):
                parent[(line.index, p)] = (line.index, p)
        for i, line in enumerate(lines):
            for step in range(1, _REACH + 1):
                if i + step >= len(lines) or lines[i + step].page != line.page:
                    break
                below = lines[i + step]
                height = max(line.height, below.height)
                if below.top - line.bottom > _GAP * height:
                    break
                for p, upper in enumerate(line.phrases):
                    for q, lower in enumerate(below.phrases):
                        if _same_column(upper, lower, height):
                            parent[find((below.index, q))] = find((line.index, p))
        groups: dict[PhraseId, list[PhraseId]] = {}
        for member in parent:
            groups.setdefault(find(member), []).append(member)
        self.blocks: list[Block] = []
        self._of: dict[PhraseId, int] = {}
        for root in sorted(groups):
            members = tuple(sorted(groups[root]))
            block = Block(len(self.blocks), lines[root[0]].page, members)
            self.blocks.append(block)
            for member in members:
                self._of[member] = block.number

    def of(self, phrase: PhraseId) -> Block:
        return self.blocks[self._of[phrase]]

    def phrase(self, member: PhraseId) -> Phrase:
        return self.layout.lines[member[0]].phrases[member[1]]


def _same_column(upper: Phrase, lower: Phrase, height: float) -> bool:
    overlaps = min(upper.right, lower.right) - max(upper.left, lower.left) > 0
    return overlaps or abs(upper.left - lower.left) <= 1.5 * height
