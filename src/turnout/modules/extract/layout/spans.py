"""A line's text with the word behind every character, so a value read from text keeps its words.

Readers work on strings (labels are regular expressions, amounts and dates are found in text);
`LineText` writes a line as its phrases joined by three spaces (two spaces or more separate
columns, as the label patterns expect) and remembers which word each character came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from turnout.authoring import Word
from turnout.modules.extract.layout.page import Line, Phrase

PHRASE_SEPARATOR = "   "
# full-width punctuation and letters (OCR reads a full-width colon after "Nummer") as their ASCII selves, one
# character for one, so that offsets stay
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# words closer than this share of their height are one word: a text layer's space is 0.3-0.5 of
# the height on the corpora's PDFs, a word cut where its glyphs are kerned 0.1-0.2
_JOIN = 0.2


@dataclass(frozen=True)
class LineText:
    """The text of `line`, where each phrase starts in it, and the word of each character."""

    line: Line
    text: str
    spans: tuple[tuple[int, int], ...]  # where each phrase of line.phrases is in `text`
    owners: tuple[int, ...]  # index in line.words of each character's word, -1 for a space

    @classmethod
    def of(cls, line: Line) -> LineText:
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        owners: list[int] = []
        index = {id(w): i for i, w in enumerate(line.words)}
        size = 0
        for p, phrase in enumerate(line.phrases):
            if p:
                parts.append(PHRASE_SEPARATOR)
                owners.extend([-1] * len(PHRASE_SEPARATOR))
                size += len(PHRASE_SEPARATOR)
            start = size
            previous: Word | None = None
            for word in phrase.words:
                if previous is not None and not _split(previous, word):
                    pass  # one word cut in two by the text layer ("Ver käufer"): joined again
                elif previous is not None:
                    parts.append(" ")
                    owners.append(-1)
                    size += 1
                text = word.text.translate(_HALF_WIDTH)
                parts.append(text)
                owners.extend([index[id(word)]] * len(text))
                size += len(text)
                previous = word
            spans.append((start, size))
        return cls(line, "".join(parts), tuple(spans), tuple(owners))

    def phrase_span(self, p: int) -> tuple[int, int]:
        """Where phrase `p` starts and ends in the text."""
        return self.spans[p]

    def phrase_at(self, offset: int) -> int:
        """The index of the phrase holding the character at `offset` (the last one before it)."""
        found = 0
        for p, (start, _) in enumerate(self.spans):
            if start <= offset:
                found = p
        return found

    def words(self, start: int, end: int) -> tuple[Word, ...]:
        """The words under the characters [start, end), in order."""
        seen: list[int] = []
        for owner in self.owners[max(start, 0) : max(end, 0)]:
            if owner >= 0 and (not seen or seen[-1] != owner):
                seen.append(owner)
        return tuple(self.line.words[i] for i in seen)

    def locate(self, value: str, start: int, end: int) -> tuple[Word, ...]:
        """The words of `value` read from the text [start, end) (all of it when not found)."""
        at = self.text.find(value, start, end) if value else -1
        if at < 0:
            return self.words(start, end)
        return self.words(at, at + len(value))

    def phrase(self, p: int) -> Phrase:
        return self.line.phrases[p]


def _split(left: Word, right: Word) -> bool:
    """Whether a space separates two neighbouring words of a phrase (a text layer may cut a
    word where its glyphs are kerned; OCR words are kept apart as read)."""
    if left.score < 1.0 or right.score < 1.0:
        return True
    gap = (right.left - left.right) / min(left.height, right.height)
    if gap >= 0 and _word_starts(left.text, right.text):
        return True  # "of" + "Rs", tightly set: a capital after a small letter starts a word
    return not -0.3 < gap < _JOIN


def _word_starts(left: str, right: str) -> bool:
    """Whether `right` starts a new word after `left`: a capital after a small letter."""
    return bool(left) and bool(right) and left[-1].islower() and right[0].isupper()
