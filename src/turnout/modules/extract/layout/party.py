"""What the party readers share: the names found so far and the blocks of each party."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from turnout.modules.extract.layout.blocks import Blocks, PhraseId
from turnout.modules.extract.layout.labels import BUYER
from turnout.modules.extract.layout.page import Found
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.values import Candidate

# "Globale Nummer: 4000000000017", "Name: Beispiel Handel GmbH": a key and its value in one phrase
KEY_VALUE = re.compile(r"^([^:]{1,40}?)\s*:\s*(\S.*)$")
_REGION_LINES = 8  # lines under a party's name that may still be the party's
_REGION_FROM = 0.7  # only names found by a heading or the window have lines of their own


@dataclass
class Parties:
    """Name candidates of both parties, and the blocks that are the buyer's and the seller's."""

    candidates: list[Candidate] = field(default_factory=list)
    buyer_blocks: set[int] = field(default_factory=set)
    # the lines under a party's name (down to a gap or the next heading), surer than blocks,
    # which run together where lines are set tight
    buyer_phrases: set[PhraseId] = field(default_factory=set)
    seller_phrases: set[PhraseId] = field(default_factory=set)
    seller_blocks: set[int] = field(default_factory=set)


def add_name(
    parties: Parties,
    path: str,
    name: str,
    line: LineText,
    at: int,
    confidence: float,
    blocks: Blocks,
    phrase: int,
) -> None:
    """Record `name` (found at `at` of `line`, in phrase `phrase`) as a candidate for `path`,
    and the block it heads as that party's."""
    words = line.words(at, at + len(name)) if at >= 0 else line.phrase(phrase).words
    score = min((w.score for w in words), default=1.0)
    found = Found(name, round(confidence * (0.6 + 0.4 * score), 3), words)
    parties.candidates.append(Candidate(path, found, line.line.index))
    block = blocks.of((line.line.index, phrase)).number
    (parties.buyer_blocks if path == BUYER else parties.seller_blocks).add(block)
    region = _region(blocks, line.line.index, phrase) if confidence >= _REGION_FROM else set()
    (parties.buyer_phrases if path == BUYER else parties.seller_phrases).update(region)


def _region(blocks: Blocks, index: int, phrase: int) -> set[PhraseId]:
    """The name's phrase and the lines under it in its column, down to a gap or the next heading: its
    address and identifiers even where a blank line cuts the block."""
    lines = blocks.layout.lines
    left = lines[index].phrases[phrase].left
    region: set[PhraseId] = {(index, phrase)}
    previous = lines[index]
    for below in lines[index + 1 : index + 1 + _REGION_LINES]:
        if below.page != previous.page or below.top - previous.bottom > 3 * previous.height:
            break
        column = [p for p, ph in enumerate(below.phrases) if abs(ph.left - left) < 2 * below.height]
        if not column:
            continue
        if below.text.rstrip().endswith(":"):
            break  # the next section's heading ("Verkäufer:")
        region.update((below.index, p) for p in column)
        # the value of a key in the column ("USt-IdNr.   :   DE136695976"), not a far column
        reach = below.phrases[column[-1]].right + 12 * below.height
        region.update(
            (below.index, p)
            for p in range(column[-1] + 1, len(below.phrases))
            if below.phrases[p].left < reach
        )
        previous = below
    return region
