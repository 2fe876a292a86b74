"""Who sells and who buys: party names, and which VAT numbers belong to the buyer.

The buyer is announced ("Bill to", "Rechnungsempfänger", "Client"); the lines under that label,
in its column, are the buyer's block. The seller is whoever is named with a legal form (GmbH,
Ltd, SARL, B.V. ...) outside that block, and otherwise the first line of the document.
"""

from __future__ import annotations

import re

from turnout.modules.extract.candidates import GUESS, PATTERN_ONLY, Candidate
from turnout.modules.extract.sheet import LabelHit, Sheet

_BLOCK_LINES = 7  # lines under a buyer label that belong to the buyer's address block
_BLOCK_COLUMNS = 20  # how far left or right of the label the block may start

_LEGAL_FORM = re.compile(
    r"(?<![A-Za-z])(?:GmbH(?: & Co\.? KG)?|AG|KG|OHG|e\.K\.|UG|Ltd\.?|Limited|LLC|LLP|PLC|Inc\.?|"
    r"Corp\.?|Corporation|Co\.|B\.V\.|BV|N\.V\.|NV|S\.A\.S?\.?|SAS|SARL|S\.à r\.l\.|EURL|SA|"
    r"S\.r\.l\.|Srl|S\.p\.A\.|SpA|S\.L\.|SL|S\.A\.U\.|Pvt\.? Ltd\.?|Oy|AB|A/S|ApS|sp\. z o\.o\.)"
    r"(?![A-Za-z])"
)
_TITLE = re.compile(
    r"^(?:invoice|tax invoice|rechnung|facture|factuur|factura|fattura|receipt|payment receipt|"
    r"kopie factuur|copy)\b",
    re.IGNORECASE,
)


def buyer_block(hits: list[LabelHit]) -> set[tuple[int, int]]:
    """(line, column) anchors of the buyer's block: a position is in it if near one of them."""
    return {(h.line, h.start) for h in hits if h.path == "buyer.name"}


def in_block(block: set[tuple[int, int]], line: int, column: int) -> bool:
    """Whether text at (line, column) sits under a buyer label, in its column."""
    return any(
        0 <= line - top <= _BLOCK_LINES and abs(column - left) <= _BLOCK_COLUMNS
        for top, left in block
    )


def seller_names(sheet: Sheet, block: set[tuple[int, int]]) -> list[Candidate]:
    """Seller name guesses: names with a legal form outside the buyer block, then line one."""
    out: list[Candidate] = []
    for number, cells in enumerate(sheet.cells):
        for cell in cells:
            if in_block(block, number, cell.start):
                continue
            m = _LEGAL_FORM.search(cell.text)
            if m:
                name = _company(cell.text, m.end())
                if name:
                    confidence = PATTERN_ONLY + 0.1 if number < 15 else PATTERN_ONLY
                    out.append(Candidate("seller.name", name, confidence, number))
    for number, cells in enumerate(sheet.cells):
        for cell in cells:
            if not _TITLE.match(cell.text) and sum(ch.isalpha() for ch in cell.text) >= 3:
                if not in_block(block, number, cell.start):
                    out.append(Candidate("seller.name", cell.text.strip(), GUESS, number))
                return out
    return out


def _company(text: str, form_end: int) -> str | None:
    """The company name ending with the legal form at `form_end`, cut from address parts."""
    head = text[:form_end]
    for separator in (" - ", " \u2013 ", " | ", ": "):
        head = head.rsplit(separator, 1)[-1]
    name = head.strip(" ,;")
    return name if sum(ch.isalpha() for ch in name) >= 3 else None
