"""The value a label announces, read by geometry: after it on its line, else under it.

A clerk reads "Rechnungsnummer: 4711" and "Invoice No.   INV-17" along the line, and a header
row ("Invoice date" over "2024-01-05") down its column. The value after a label runs to the
next label on the line; the value under a label is the phrase of the next lines that shares the
label's column band. Each reading keeps the words it came from and a confidence for where it
was found, weighed by the label's strength.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from turnout.authoring import Word
from turnout.modules.extract.layout.labels import BUYER, SELLER, LabelHit
from turnout.modules.extract.layout.page import Found, Phrase
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.readers import BELOW, SAME_LINE, Reading
from turnout.modules.normalize.dates import find_dates

# confidence of a value by where it sits relative to its label
IN_PHRASE = 0.92  # "Invoice number: 17", one phrase
ON_LINE = 0.86  # the next column of the label's line
UNDER = 0.78  # under the label, in its column band
TITLE_DATE = 0.7  # "Rechnung Nr. 17 vom 05.03.2018": the date of the title line
CHECKSUM_BONUS, CHECKSUM_PENALTY = 0.06, 0.5
# an invoice number label weaker than this is the document's word alone ("Factuur", "Invoice"):
# read after it on its line, and under it only where it heads a column
WEAK_NUMBER = 0.7
_BELOW_LINES = 3  # how many lines under a label its value may sit
_BELOW_HEIGHTS = 4.0  # ...and within this many line heights of it

# values that are never an invoice number, whatever label precedes them
_TYPE_CODES = frozenset({"380", "381", "383", "384", "386", "389", "326", "751", "875", "877"})
_PAGE = re.compile(r"^\d{1,3}\s*(?:/|von|of|de|di|van)\s*\d{1,3}$", re.IGNORECASE)
_POSTCODE_CITY = re.compile(r"^\s*(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-ZÄÖÜ][a-zäöüß]")
_GLUED_WORD = re.compile(r"^(.*\d)([a-zäöüéèà]{2,})$")
# the words between an invoice number and its date in a title line, in six languages
_DATE_WORDS = ("vom", "von", "du", "of", "dated", "del", "van", "de", "dd.", "dd")
_DATE_HEAD = re.compile(rf"^\s*(?:(?:{'|'.join(map(re.escape, _DATE_WORDS))})\s+)?", re.IGNORECASE)
_COMMA_AFTER_DIGIT = re.compile(r"(?<=\d),(?=\s|$)")
_PAGE_WORDS = re.compile(r"(?:page|seite|pagina|página|blad|pag\.?|p\.)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A possible value of field `path`, read on line `line` (Line.index)."""

    path: str
    found: Found
    line: int
    amount: Decimal | None = None
    currency: str | None = None


def read_labelled(hits: Sequence[LabelHit], texts: dict[int, LineText]) -> list[Candidate]:
    """The candidates every label gives, party headings and unextracted labels aside."""
    out: list[Candidate] = []
    by_line: dict[int, list[LabelHit]] = {}
    for hit in hits:
        by_line.setdefault(hit.line.line.index, []).append(hit)
    for hit in hits:
        if hit.path in (SELLER, BUYER) or hit.path not in SAME_LINE:
            continue
        same = by_line[hit.line.line.index]
        following = [h.start for h in same if h.start >= hit.end]
        stop = min(following) if following else len(hit.line.text)
        candidate = _after(hit, stop)
        weak_number = hit.label.weight < WEAK_NUMBER and hit.path == "invoice_number"
        if candidate is None and (not weak_number or _heads_a_column(hit, same)):
            candidate = _under(hit, texts, by_line)
        if candidate is None or not _plausible(candidate, hit):
            continue
        candidate = _unglued(candidate)
        out.append(candidate)
        if candidate.path == "invoice_number":
            out.extend(_title_date(hit, candidate, stop, texts))
    return out


def _heads_a_column(hit: LabelHit, same: Sequence[LabelHit]) -> bool:
    """Whether the label is a column header: alone in its phrase, in a row beside other field
    labels ("Klant   Factuur datum   Factuur   Vervaldatum"). The bare word "Invoice" is read
    down its column there, never under a title line."""
    start, end = hit.line.phrase_span(hit.phrase)
    text = hit.line.text
    if (text[start : hit.start] + text[hit.end : end]).strip(" :.#"):
        return False
    return any(h.phrase != hit.phrase and h.path in SAME_LINE for h in same)


def _after(hit: LabelHit, stop: int) -> Candidate | None:
    line = hit.line
    rest = line.text[hit.end : stop]
    if hit.path in ("issue_date", "due_date"):
        # a date followed by a comma ("bis 04.04.2013, 3% Skonto") is not found by the date
        # finder; the comma goes, the offsets stay
        rest = _COMMA_AFTER_DIGIT.sub(" ", rest)
    reading = SAME_LINE[hit.path](rest)
    if reading is None:
        return None
    words = line.locate(reading.value, hit.end, stop)
    if not words:
        return None
    phrase_end = line.phrase_span(hit.phrase)[1]
    where = IN_PHRASE if line.text.find(reading.value, hit.end, stop) < phrase_end else ON_LINE
    return _candidate(hit, reading, where, words, line.line.index)


def _under(
    hit: LabelHit, texts: dict[int, LineText], by_line: dict[int, list[LabelHit]]
) -> Candidate | None:
    """The value in the label's column band on one of the next lines of its page."""
    label_words = hit.line.words(hit.start, hit.end)
    if not label_words:
        return None
    phrase = hit.line.phrase(hit.phrase)
    height = hit.line.line.height
    left, right = phrase.left - height, phrase.right + height
    bottom = hit.line.line.bottom
    index = hit.line.line.index
    for step in range(1, _BELOW_LINES + 1):
        below = texts.get(index + step)
        if below is None or below.line.page != hit.line.line.page:
            return None
        if below.line.top - bottom > _BELOW_HEIGHTS * height:
            return None
        near = [p for p, ph in enumerate(below.line.phrases) if ph.left < right and ph.right > left]
        if not near:
            continue
        near.sort(key=lambda p: -_overlap(below.phrase(p), left, right))
        for p in near:
            start, end = _slash_part(hit, phrase, below, p)
            reading = BELOW[hit.path](below.text[start:end])
            if reading is not None:
                words = below.locate(reading.value, start, end)
                if words:
                    return _candidate(hit, reading, UNDER, words, below.line.index)
        labelled = {below.phrase_at(h.start) for h in by_line.get(below.line.index, ())}
        if not all(p in labelled for p in near):
            return None  # the column holds something else under the label: not its value
    return None


def _slash_part(hit: LabelHit, phrase: Phrase, below: LineText, p: int) -> tuple[int, int]:
    """ "Invoice No. / Date" over "123 / 2024-01-05": the part under this label's part."""
    start, end = below.phrase_span(p)
    head = phrase.text
    if "/" not in head or "/" not in below.text[start:end]:
        return start, end
    phrase_start = hit.line.phrase_span(hit.phrase)[0]
    k = hit.line.text[phrase_start : hit.start].count("/")
    parts = below.text[start:end].split("/")
    if len(parts) != head.count("/") + 1 or k >= len(parts):
        return start, end
    offset = start + sum(len(x) + 1 for x in parts[:k])
    return offset, offset + len(parts[k])


def _overlap(phrase: Phrase, left: float, right: float) -> float:
    return min(phrase.right, right) - max(phrase.left, left)


def _candidate(
    hit: LabelHit, reading: Reading, where: float, words: tuple[Word, ...], line: int
) -> Candidate:
    confidence = where * hit.label.weight
    if reading.valid is not None:
        confidence = confidence + CHECKSUM_BONUS if reading.valid else confidence * CHECKSUM_PENALTY
    score = min(w.score for w in words)
    confidence *= 0.6 + 0.4 * score  # an unsure OCR word makes an unsure value
    found = Found(reading.value, round(min(confidence, 0.99), 3), words)
    return Candidate(hit.path, found, line, reading.amount, reading.currency)


def _plausible(candidate: Candidate, hit: LabelHit) -> bool:
    """Type codes, page numbers and postcodes are never invoice or order numbers."""
    if candidate.path not in ("invoice_number", "order_reference"):
        return True
    value = candidate.found.value
    line = hit.line.text
    at = line.find(value, hit.end)
    before = line[max(at - 12, 0) : at] if at >= 0 else ""
    after = line[at : at + len(value) + 30] if at >= 0 else ""
    if value in _TYPE_CODES or _PAGE.match(value) or _PAGE.match(after.strip()):
        return False
    if _PAGE_WORDS.search(before):
        return False
    return not _POSTCODE_CITY.match(after)


def _unglued(candidate: Candidate) -> Candidate:
    """A number with the next word glued on by OCR ("471102vom") without that word."""
    if candidate.path not in ("invoice_number", "order_reference"):
        return candidate
    m = _GLUED_WORD.match(candidate.found.value)
    if m is None:
        return candidate
    found = candidate.found
    return Candidate(
        candidate.path, Found(m.group(1), found.confidence * 0.9, found.words), candidate.line
    )


def _title_date(
    hit: LabelHit, number: Candidate, stop: int, texts: dict[int, LineText]
) -> list[Candidate]:
    """The date printed after the invoice number on its line ("... vom 05.03.2018"), or at the
    start of the next line when the title wraps ("... Nr. 471102" / "vom 05.03.2018")."""
    line = hit.line
    at = line.text.find(number.found.value, hit.end, stop)
    if at < 0:
        return []
    start = at + len(number.found.value)
    confidence = round(TITLE_DATE * hit.label.weight, 3)
    for begin, end, _ in find_dates(line.text[start:stop]):
        words = line.words(start + begin, start + end)
        value = line.text[start + begin : start + end]
        return [Candidate("issue_date", Found(value, confidence, words), line.line.index)]
    if line.text[start:stop].strip(" ,") not in ("", *_DATE_WORDS):
        return []
    below = texts.get(line.line.index + 1)
    if below is None or below.line.page != line.line.page:
        return []
    if below.line.top - line.line.bottom > 2 * line.line.height:
        return []
    head = _DATE_HEAD.match(below.text)
    if head is None:
        return []
    for begin, end, _ in find_dates(below.text):
        if begin == head.end():
            words = below.words(begin, end)
            value = below.text[begin:end]
            found = Found(value, round(confidence * 0.95, 3), words)
            return [Candidate("issue_date", found, below.line.index)]
    return []
