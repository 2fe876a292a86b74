"""What the party readers share: the names found so far and the blocks of each party."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from turnout.modules.extract.layout.blocks import Blocks
from turnout.modules.extract.layout.labels import BUYER
from turnout.modules.extract.layout.page import Found
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.values import Candidate

# "Globale Nummer: 4000001123452", "Name: Lieferant GmbH": a key and its value in one phrase
KEY_VALUE = re.compile(r"^([^:]{1,40}?)\s*:\s*(\S.*)$")


@dataclass
class Parties:
    """Name candidates of both parties, and the blocks that are the buyer's and the seller's."""

    candidates: list[Candidate] = field(default_factory=list)
    buyer_blocks: set[int] = field(default_factory=set)
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
    words = line.words(at, at + len(name)) if at >= 0 else line.phrase(phrase).words
    score = min((w.score for w in words), default=1.0)
    found = Found(name, round(confidence * (0.6 + 0.4 * score), 3), words)
    parties.candidates.append(Candidate(path, found, line.line.index))
    block = blocks.of((line.line.index, phrase)).number
    (parties.buyer_blocks if path == BUYER else parties.seller_blocks).add(block)
