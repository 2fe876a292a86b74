"""The terms an invoice prints beside its main fields, read after their labels or under them.

Payment reference, payment means text, payment terms, mandate and creditor id, phone and
e-mail, register numbers (`term_labels`) and the invoicing period: a value follows its label on
the line (after a colon when the label runs on in words: "Please use the following communication
for your payment: 2023/0017"), stands in the next column, or sits under the label in its column
band. A register number may also stand before its register ("B 421 938 861 RCS Paris"), and a
self-describing one ("HRB 12345") is its own label. A period is two dates joined by a range word
("01.03.2024 - 31.03.2024", "du 1er au 31 juillet 2015"); an unlabelled range ("from ... to
...") is the invoicing period only when the document states no other range, and with a low
confidence. Payment terms said in a phrase of their own ("Zahlbar innerhalb 30 Tagen netto",
"Net 30 days") are read whole when no label announces them.

The seller's terms (contact, registration) printed in the buyer's block are the buyer's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise

from stdnum.fr import siren, siret

from turnout.authoring import Word
from turnout.modules.extract.identifiers import find_ibans
from turnout.modules.extract.layout.identifiers import phrase_of
from turnout.modules.extract.layout.page import Found
from turnout.modules.extract.layout.spans import LineText
from turnout.modules.extract.layout.table_columns import kind_of
from turnout.modules.extract.layout.term_labels import (
    ACCOUNT,
    EMAIL,
    INCOTERM,
    LEGAL,
    MEANS_TEXT,
    PERIOD,
    PHONE,
    SEARCHED,
    TAX_REGISTRATION,
    TERMS_TEXT,
    VALUES,
    WEIGHTS,
    TermLabel,
)
from turnout.modules.extract.layout.values import Candidate
from turnout.modules.normalize.dates import find_dates

ON_LINE = 0.86
UNDER = 0.76
BEFORE = 0.8  # a register number before its register's name
UNLABELLED_RANGE = 0.45
UNLABELLED = 0.6  # payment terms said in a sentence of their own
# a phrase that states payment terms by itself, in six languages
_TERMS_SENTENCE = re.compile(
    r"(?:zahlbar\s+(?:innerhalb|sofort|ohne|rein\s+netto|netto|nach)|"
    r"(?:bei\s+)?zahlung\s+(?:innerhalb|binnen)|if\s+paid\s+within|"
    r"en\s+cas\s+de\s+paiement\s+sous|bij\s+betaling\s+binnen|"
    r"payable\s+(?:within|on\s+receipt|immediately|upon|net)|net\s+\d+\s*days|"
    r"payment\s+(?:is\s+)?due\s+(?:within|on\s+receipt|upon)|"
    r"(?:à\s+)?(?:régler|payable)\s+(?:sous|à\s+réception|comptant|à\s+\d+\s*jours)|"
    r"paiement\s+(?:à|sous)\s+\d+\s*jours|pagamento\s+(?:a\s+)?\d+\s*(?:gg|giorni)|"
    r"pago\s+a\s+\d+\s*d[íi]as|te\s+betalen\s+binnen|betaling\s+binnen)",
    re.IGNORECASE,
)
CHECKSUM_FAILED = 0.5
_WINDOW = 45  # characters after a label its value may stand in
_LEAD = re.compile(
    r"^[\s:#=|.\-\u2013]*(?:(?:n\s*[°º]|no|nr|num|number|nummer)\.?(?![A-Za-z])[\s:#.]*)?"
)
_RANGE_WORD = re.compile(
    r"^\s*(?:-|\u2013|\u2014|bis(?:\s+(?:zum|einschl\.?))?|to|till|until|through|thru|au|"
    r"jusqu['\u2019]au|al|a|hasta(?:\s+el)?|tot(?:\s+en\s+met)?|t/m|t\.m\.)\s*$",
    re.IGNORECASE,
)
_FROM_WORD = r"(?:vom|von|ab|from|du|dal|del|desde(?:\s+el)?|van)"
# "du 1er au 31 juillet 2015": the start written as a day only, its month and year the end's
_DAY_ONLY = re.compile(
    rf"(?<!\w){_FROM_WORD}\s+(\d{{1,2}})(?:er|\.|st|nd|rd|th|º|°)?\s+"
    r"(?:au|bis(?:\s+zum)?|to|till|until|al|hasta(?:\s+el)?|tot)\s+$",
    re.IGNORECASE,
)
_UNLABELLED_FROM = re.compile(rf"(?<!\w){_FROM_WORD}\s+$", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
PARTY = "party."

Owner = Callable[[int, int], str | None]  # (line, phrase) -> "seller" | "buyer" | None


def read_terms(
    texts: dict[int, LineText], labels: Sequence[TermLabel], owner: Owner
) -> list[Candidate]:
    """Every labelled term's candidates, and the invoicing period from an unlabelled range."""
    out: list[Candidate] = []
    for text in texts.values():
        for label in labels:
            for m in label.pattern.finditer(text.text):
                if label.key and not _opens_phrase(text, m.start()):
                    continue  # a key opens its phrase: "Globale Nummer" is another key
                for candidate in _read(label.path, text, m.start(), m.end(), texts):
                    owned = _owned(candidate, texts, owner)
                    if owned is not None:
                        out.append(owned)
    if not any(c.path.startswith(PERIOD) for c in out):
        out.extend(_unlabelled_range(texts))
    if not any(c.path == TERMS_TEXT for c in out):
        out.extend(_terms_sentence(texts))
    return out


def _terms_sentence(texts: dict[int, LineText]) -> Iterator[Candidate]:
    """Payment terms said without a label ("Zahlbar innerhalb 30 Tagen netto", "Net 30 days"):
    the first phrase that opens with them, whole."""
    for text in texts.values():
        for p in range(len(text.line.phrases)):
            start, end = text.phrase_span(p)
            phrase = text.text[start:end].strip().lstrip(".·•- ")
            if _TERMS_SENTENCE.match(phrase) and len(phrase) <= 160:
                words = text.words(start, end)
                yield Candidate(
                    TERMS_TEXT, _conf(Found(phrase, 1.0, words), UNLABELLED), text.line.index
                )
                return


def _opens_phrase(text: LineText, at: int) -> bool:
    """Whether nothing but spaces stands before `at` in its phrase."""
    start = text.phrase_span(text.phrase_at(at))[0]
    return not text.text[start:at].strip()


def _read(
    path: str, text: LineText, start: int, end: int, texts: dict[int, LineText]
) -> Iterator[Candidate]:
    """The value of the label at text[start:end]: on its line, else under it."""
    p = text.phrase_at(start)
    phrase_end = text.phrase_span(p)[1]
    index = text.line.index
    if path in SEARCHED:
        window_end = min(len(text.text), end + _WINDOW)
        found = list(_value(path, text, start if path == LEGAL else end, window_end))
        if not found and path == LEGAL:
            before = _scaled(list(_before(text, start)), BEFORE)
            if before:
                yield from _candidates(path, before, index)
                return
        if found:
            yield from _candidates(path, _scaled(found, ON_LINE), index)
            return
    else:
        stop = phrase_end
        rest = text.text[end:stop]
        alone = not rest.strip(" :.-#\u2013")  # the label ends its phrase
        if alone and p + 1 < len(text.line.phrases):
            gap = text.phrase(p + 1).left - text.phrase(p).right
            if gap < 16 * text.line.height:
                end, stop = text.phrase_span(p + 1)  # the value in the next column
        colon = text.text.find(":", end, min(stop, end + 50))
        if colon >= 0 and text.text[end:colon].strip():
            end = colon + 1  # "... for your payment : 2023/0017"
        found = list(_value(path, text, end, stop))
        if found:
            yield from _candidates(path, _scaled(found, ON_LINE), index)
            return
        if not alone:
            return  # something else follows the label in its phrase: a sentence, not a value
    for below in _under(text, p, texts):
        found = [
            f for q in _column(text, p, below) for f in _value(path, below, *below.phrase_span(q))
        ]
        if found:
            yield from _candidates(path, _scaled(found, UNDER), below.line.index)
            return


def _candidates(path: str, found: list[Found], line: int) -> Iterator[Candidate]:
    """The values found as candidates (weighed by their term): a period's two as its start and
    its end."""
    weight = WEIGHTS.get(path, 1.0)
    found = [
        Found(_registration(path, f.value), round(f.confidence * weight, 3), f.words) for f in found
    ]
    if path == PERIOD:
        paths: Sequence[str] = (f"{PERIOD}.start", f"{PERIOD}.end")
    else:
        paths = (path,) * len(found)
    for target, value in zip(paths, found, strict=True):
        yield Candidate(target, value, line)


def _registration(path: str, value: str) -> str:
    """A French SIRET (an establishment's number) as the legal registration (BT-30) is given:
    its first nine digits, the company's SIREN, written as printed ("530 848 134 00017" gives
    "530 848 134"). Other numbers stay as printed."""
    if path != LEGAL or not siret.is_valid(re.sub(r"\s", "", value)):
        return value
    nine = re.match(r"(?:\s*\d){9}", value)
    return nine.group().strip() if nine else value


def _column(text: LineText, p: int, below: LineText) -> list[int]:
    """The phrases of the line `below` in the column band of the label's phrase `p`."""
    label, height = text.phrase(p), text.line.height
    return [
        q
        for q, cell in enumerate(below.line.phrases)
        if cell.left < label.right + height and cell.right > label.left - height
    ]


def _under(text: LineText, p: int, texts: dict[int, LineText]) -> Iterator[LineText]:
    """The next two lines of the page, close under the label."""
    bottom = text.line.bottom
    for step in (1, 2):
        below = texts.get(text.line.index + step)
        if below is None or below.line.page != text.line.page:
            return
        if below.line.top - bottom > 3 * text.line.height:
            return
        yield below
        bottom = below.line.bottom


def _value(path: str, text: LineText, start: int, end: int) -> Iterator[Found]:
    """The value of `path` in text[start:end] (two, the start and end, for a period)."""
    if path == PERIOD:
        yield from _range(text, start, end)
        return
    raw = text.text[start:end]
    pattern = VALUES.get(path)
    if pattern is None:
        return
    if path in SEARCHED:
        m = pattern.search(text.text, start, end)
    else:
        lead = _LEAD.match(raw)
        m = pattern.match(text.text, start + (lead.end() if lead else 0), end)
    if m is None:
        return
    # a text's closing full stop is its own; a number's is the sentence's
    value = m.group().strip(" ,;" if path in (MEANS_TEXT, TERMS_TEXT) else " .,;")
    if path == EMAIL:
        value = value.replace(" ", "")
    plausible = _plausible(path, value)
    if plausible:
        yield Found(value, plausible, text.locate(value, m.start(), m.end()))


def _plausible(path: str, value: str) -> float:
    """How far `value` can be `path`'s: 1.0, 0 when it cannot, CHECKSUM_FAILED for a SIREN or
    SIRET under its label whose check digit fails (kept, unsure: a misprint or a sample)."""
    digits = len(_DIGITS.findall(value))
    if path == PHONE:
        return float(6 <= digits <= 15 and not any(True for _ in find_dates(value)))
    if path == MEANS_TEXT:
        return float(len(value) <= 40)
    if path == TERMS_TEXT:  # a table's column header under the heading is none
        return float(any(ch.isalnum() for ch in value) and kind_of(value) is None)
    if path == LEGAL:
        compact = re.sub(r"\s", "", value)
        if compact.isdigit() and len(compact) in (9, 14):
            valid = siren.is_valid(compact) if len(compact) == 9 else siret.is_valid(compact)
            return 1.0 if valid else CHECKSUM_FAILED
        return float(digits >= 4)
    if path in (EMAIL, TAX_REGISTRATION, INCOTERM):
        return 1.0
    if path == ACCOUNT:  # an IBAN whose checksum fails is misread, not another kind of account
        return float(digits >= 6 and not find_ibans(value))
    return float(digits >= 1 and len(value) <= 40)


def _before(text: LineText, start: int) -> Iterator[Found]:
    """A register number written before its register: "B 421 938 861 RCS Paris"."""
    head = text.text[max(0, start - 25) : start]
    m = re.search(r"(?:\b[AB]\s)?(\d{3}\s?\d{3}\s?\d{3})\s*$", head)
    if m is None:
        return
    value = m.group(1)
    if siren.is_valid(re.sub(r"\s", "", value)):
        at = start - len(head) + m.start(1)
        yield Found(value, 1.0, text.words(at, at + len(value)))


def _range(text: LineText, start: int, end: int) -> Iterator[Found]:
    """The start and end of a period written in text[start:end]."""
    spans = _range_spans(text.text[start:end])
    if spans is not None:
        for s, e, value in spans:
            yield Found(value, 1.0, text.words(start + s, start + e))


Span = tuple[int, int, str]  # where a date is written, and its value


def _range_spans(raw: str) -> tuple[Span, Span] | None:
    """The first date range written in `raw`: where its start and end are, and their values (a
    start written as a day only given as an ISO date, with the end's month and year)."""
    dates = list(find_dates(raw))
    for (s0, e0, first), (s1, e1, last) in pairwise(dates):
        if _RANGE_WORD.match(raw[e0:s1]) and first <= last:
            return (s0, e0, raw[s0:e0]), (s1, e1, raw[s1:e1])
    for s1, e1, last in dates:
        day = _DAY_ONLY.search(raw[:s1])
        if day is None or not any(ch.isalpha() for ch in raw[s1:e1]):
            continue  # a day alone is read only against an end whose month is written out
        try:
            first = last.replace(day=int(day.group(1)))
        except ValueError:
            continue
        if first <= last:
            return (day.start(1), day.end(1), first.isoformat()), (s1, e1, raw[s1:e1])
    return None


def _unlabelled_range(texts: dict[int, LineText]) -> list[Candidate]:
    """ "from 01.03.2024 to 31.03.2024" anywhere: the invoicing period when it is the only range
    the document states."""
    ranges: dict[tuple[str, str], list[Candidate]] = {}
    for text in texts.values():
        spans = _range_spans(text.text)
        if spans is None:
            continue
        (s0, e0, first), (s1, e1, last) = spans
        head = text.text[:s0]
        if not (_UNLABELLED_FROM.search(head) or _DAY_ONLY.search(text.text[:s1])):
            continue
        index = text.line.index
        found = (Found(first, 1.0, text.words(s0, e0)), Found(last, 1.0, text.words(s1, e1)))
        key = (_iso(first), _iso(last))
        ranges.setdefault(
            key,
            [
                Candidate(f"{PERIOD}.start", _conf(found[0], UNLABELLED_RANGE), index),
                Candidate(f"{PERIOD}.end", _conf(found[1], UNLABELLED_RANGE), index),
            ],
        )
    return next(iter(ranges.values())) if len(ranges) == 1 else []


def _iso(value: str) -> str:
    for _, _, day in find_dates(value):
        return day.isoformat()
    return value


def _conf(found: Found, confidence: float) -> Found:
    return Found(found.value, ocr_weighed(confidence, found.words), found.words)


def ocr_weighed(confidence: float, words: Sequence[Word]) -> float:
    """`confidence` lowered by the least sure OCR word the value was read from."""
    score = min((w.score for w in words), default=1.0)
    return round(confidence * (0.6 + 0.4 * score), 3)


def _scaled(found: list[Found], where: float) -> list[Found]:
    """The values with the confidence of where they were found (times their own)."""
    return [_conf(f, where * f.confidence) for f in found]


def _owned(candidate: Candidate, texts: dict[int, LineText], owner: Owner) -> Candidate | None:
    """The candidate under its owner's path: a seller's term in the buyer's block is the
    buyer's (the buyer has no tax registration of its own: none); a party's number is the
    party's whose block holds it (none outside the parties' blocks)."""
    party = candidate.path.startswith(PARTY)
    if not (party or candidate.path.startswith("seller.")) or not candidate.found.words:
        return candidate
    who = owner(candidate.line, phrase_of(texts[candidate.line].line, candidate.found.words[0]))
    if party:
        if who is None:
            return None
        return Candidate(
            f"{who}.{candidate.path.removeprefix(PARTY)}", candidate.found, candidate.line
        )
    if who != "buyer":
        return candidate
    if candidate.path == TAX_REGISTRATION:
        return None
    path = "buyer." + candidate.path.removeprefix("seller.")
    return Candidate(path, candidate.found, candidate.line)
