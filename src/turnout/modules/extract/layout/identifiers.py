"""VAT numbers and IBANs found by their shape and checksum, given to the party whose block holds them.

A VAT number in the buyer's block is the buyer's; anywhere else (letterhead, footer, the
seller's block, a line of its own) it is the seller's. A labelled value that fails its checksum
was already read with a low confidence by its label; unlabelled, only valid numbers count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from turnout.authoring import Word
from turnout.modules.extract.identifiers import find_ibans, find_vat_ids
from turnout.modules.extract.layout.blocks import Blocks
from turnout.modules.extract.layout.page import Found, Line
from turnout.modules.extract.layout.party import Parties
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.values import Candidate

BY_SHAPE_VAT = 0.62
BY_SHAPE_IBAN = 0.66
BUYER_IBAN = 0.25  # an IBAN in the buyer's block is the account a direct debit is drawn on


def by_shape(texts: Iterable[LineText], blocks: Blocks, parties: Parties) -> list[Candidate]:
    """Valid VAT numbers and IBANs wherever they are printed."""
    out: list[Candidate] = []
    for text in texts:
        index = text.line.index
        for vat in find_vat_ids(text.text):
            if not vat.valid:
                continue
            p = text.phrase_at(vat.start)
            buyer = _buyers(blocks, parties, index, p)
            words = text.locate(vat.raw, vat.start, vat.start + len(vat.raw) + 2)
            path = "buyer.vat_id" if buyer else "seller.vat_id"
            out.append(Candidate(path, Found(vat.raw, BY_SHAPE_VAT, words), index))
        for iban in find_ibans(text.text):
            if not iban.valid:
                continue
            p = text.phrase_at(iban.start)
            buyer = _buyers(blocks, parties, index, p)
            words = text.locate(iban.raw, iban.start, iban.start + len(iban.raw) + 2)
            confidence = BUYER_IBAN if buyer else BY_SHAPE_IBAN
            out.append(Candidate("payment.iban", Found(iban.raw, confidence, words), index))
    return out


def to_owner(candidate: Candidate, blocks: Blocks, parties: Parties) -> Candidate:
    """A labelled seller VAT number printed in the buyer's block is the buyer's."""
    if candidate.path != "seller.vat_id" or not candidate.found.words:
        return candidate
    p = phrase_of(blocks.layout.lines[candidate.line], candidate.found.words[0])
    if _buyers(blocks, parties, candidate.line, p):
        return Candidate("buyer.vat_id", candidate.found, candidate.line)
    return candidate


def phrase_of(line: Line, word: Word) -> int:
    """The number of the phrase of `line` that holds `word` (0 when none does)."""
    return next((i for i, ph in enumerate(line.phrases) if word in ph.words), 0)


def owner_of(blocks: Blocks, parties: Parties) -> Callable[[int, int], str | None]:
    """Whose a phrase (line, phrase) is: "buyer" or "seller" when it is under that party's name
    or in a block that is that party's alone, else None."""

    def owner(line: int, phrase: int) -> str | None:
        if _buyers(blocks, parties, line, phrase):
            return "buyer"
        member = (line, phrase)
        if member in parties.seller_phrases:
            return "seller"
        block = blocks.of(member).number
        if block in parties.seller_blocks and block not in parties.buyer_blocks:
            return "seller"
        return None

    return owner


def _buyers(blocks: Blocks, parties: Parties, line: int, phrase: int) -> bool:
    """Whether the phrase is in the lines under the buyer's name, or else in a block that is
    the buyer's alone."""
    member = (line, phrase)
    if member in parties.buyer_phrases:
        return True
    if member in parties.seller_phrases:
        return False
    block = blocks.of(member).number
    return block in parties.buyer_blocks and block not in parties.seller_blocks
