"""The page as a clerk sees it: words on lines, lines cut into phrases where a column gap falls.

Everything the layout reader does starts from a `Layout`: the words of the text stage grouped into
visual lines (top to bottom, page after page), each line cut into `Phrase`s — runs of words with
no wider gap than a few spaces between them, which is what a label, a value or a table cell is.
Text without geometry (a plain text file, a text module that gives no words) is laid out on a grid
of characters, so the reader works the same on it, with boxes that mean character cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

from turnout.authoring import Box, Text, Word, boxes_of

# a gap wider than this many times the line's height separates two phrases (columns, cells)
PHRASE_GAP = 1.5
# two words share a line when their boxes overlap vertically by this share of the smaller height
# (OCR boxes of neighbouring lines, padded, overlap by up to half of it)
_SAME_LINE = 0.6
# a label and its value in one word: "Summe:12,00", "Nr.:4711", "IBANDE02...", "BICCOBADEFFXXX"
_GLUED = re.compile(
    r"^([A-Za-zÀ-ÿ][\w.\-/]*[A-Za-zÀ-ÿ.)]:)(?=[\d€$£-]|[A-Z]{2}\d)|"
    r"^(IBAN|BIC|SWIFT)(?=[A-Z]{2}\d{2}[A-Z0-9]{8,}$|[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$)"
)
# the grid a text without geometry is laid out on: points per character and per line
_GRID_X, _GRID_Y = 6.0, 12.0


@dataclass(frozen=True)
class Found:
    """A value the reader chose, how sure it is (0..1), and the words it was read from."""

    value: str
    confidence: float
    words: tuple[Word, ...] = ()


class _Edges:
    """The edges of words set left to right: a phrase's or a line's."""

    words: tuple[Word, ...]

    @property
    def left(self) -> float:
        return self.words[0].left

    @property
    def right(self) -> float:
        return max(w.right for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


@dataclass(frozen=True)
class Phrase(_Edges):
    """Words of one line with only word gaps between them: a label, a value, a table cell."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def score(self) -> float:
        return min(w.score for w in self.words)


@dataclass(frozen=True)
class Line(_Edges):
    """The words of one visual line of a page, left to right, and its phrases."""

    page: int
    index: int  # position of the line in the document's reading order
    words: tuple[Word, ...]
    phrases: tuple[Phrase, ...]

    @property
    def text(self) -> str:
        return "   ".join(p.text for p in self.phrases)

    @property
    def height(self) -> float:
        return median(w.height for w in self.words)


@dataclass(frozen=True)
class Layout:
    """A document's lines in reading order, with each page's size in points."""

    lines: tuple[Line, ...]
    page_sizes: tuple[tuple[float, float], ...]
    gridded: bool = False  # laid out from plain text on a character grid (no real geometry)
    by_page: dict[int, tuple[Line, ...]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        pages: dict[int, list[Line]] = {}
        for line in self.lines:
            pages.setdefault(line.page, []).append(line)
        self.by_page.update({page: tuple(lines) for page, lines in pages.items()})

    def boxes(self, words: Iterable[Word]) -> tuple[Box, ...]:
        """Where `words` are, one box a page, as fractions of the page: a field's provenance."""
        return boxes_of(words, self.page_sizes)

    def page_height(self, page: int) -> float:
        return self.page_sizes[page - 1][1] if 1 <= page <= len(self.page_sizes) else 842.0

    def page_width(self, page: int) -> float:
        return self.page_sizes[page - 1][0] if 1 <= page <= len(self.page_sizes) else 595.0


def layout_of(text: Text) -> Layout:
    """The layout of the text stage's output: from its words, or on a grid from its pages."""
    if text.words:
        return Layout(lines_of(unglued(text.words)), tuple(text.page_sizes))
    words, sizes = grid_words(text.pages)
    return Layout(lines_of(words), sizes, gridded=True)


def unglued(words: Sequence[Word]) -> list[Word]:
    """Words with a label glued to their value ("Gesamtbetrag:571,04", "IBANDE88...", as OCR and
    some text layers give them) cut in two, each part with its share of the box."""
    out: list[Word] = []
    for w in words:
        m = _GLUED.match(w.text)
        if m is None:
            out.append(w)
            continue
        cut = m.end(1) if m.group(1) else m.end(2)
        share = w.width / max(len(w.text), 1)
        middle = w.left + share * cut
        out.append(Word(w.text[:cut], w.page, w.left, w.top, middle, w.bottom, w.score))
        out.append(Word(w.text[cut:], w.page, middle, w.top, w.right, w.bottom, w.score))
    return out


def lines_of(words: Sequence[Word]) -> tuple[Line, ...]:
    """Group words into visual lines, top to bottom, page by page, and cut each into phrases."""
    lines: list[Line] = []
    pages: dict[int, list[Word]] = {}
    for w in words:
        if w.text.strip():
            pages.setdefault(w.page, []).append(w)
    for page in sorted(pages):
        for group in _group(pages[page]):
            ordered = tuple(sorted(group, key=lambda w: w.left))
            lines.append(Line(page, len(lines), ordered, phrases_of(ordered)))
    return tuple(lines)


def phrases_of(words: Sequence[Word]) -> tuple[Phrase, ...]:
    """Cut a line's words (left to right) where the gap is wider than a few spaces."""
    if not words:
        return ()
    height = median(w.height for w in words)
    phrases: list[Phrase] = []
    current = [words[0]]
    for w in words[1:]:
        if w.left - current[-1].right >= PHRASE_GAP * height:
            phrases.append(Phrase(tuple(current)))
            current = [w]
        else:
            current.append(w)
    phrases.append(Phrase(tuple(current)))
    return tuple(phrases)


def _group(words: list[Word]) -> list[list[Word]]:
    """Words of one page into lines: a word joins the line its box overlaps most, by half."""
    groups: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        best, best_overlap = -1, 0.0
        # only the last few lines can still be reached by a word this low
        for i in range(len(groups) - 1, max(len(groups) - 4, -1), -1):
            top, bottom = bands[i]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            need = _SAME_LINE * min(bottom - top, w.height)
            if overlap >= need and overlap > best_overlap and not _collides(groups[i], w):
                best, best_overlap = i, overlap
        if best < 0:
            groups.append([w])
            bands.append((w.top, w.bottom))
        else:
            groups[best].append(w)
            top, bottom = bands[best]
            # the band follows the line's median box, so one tall word does not swallow the next
            tops = sorted(x.top for x in groups[best])
            bottoms = sorted(x.bottom for x in groups[best])
            bands[best] = (tops[len(tops) // 2], bottoms[len(bottoms) // 2])
    return groups


def _collides(line: list[Word], w: Word) -> bool:
    """Whether `w` would sit on top of a word of the line: two words of one line never share
    their horizontal extent (OCR boxes of two neighbouring lines overlap vertically)."""
    return any(
        min(x.right, w.right) - max(x.left, w.left) > 0.3 * min(x.width, w.width) for x in line
    )


def grid_words(pages: Sequence[str]) -> tuple[list[Word], tuple[tuple[float, float], ...]]:
    """Words of plain-text pages placed on a character grid (a column of spaces keeps its gap)."""
    words: list[Word] = []
    sizes: list[tuple[float, float]] = []
    for number, page in enumerate(pages, start=1):
        rows = page.replace("\f", "").splitlines()
        width = max((len(r) for r in rows), default=1)
        sizes.append((max(width, 1) * _GRID_X, max(len(rows), 1) * _GRID_Y))
        for row, line in enumerate(rows):
            column = 0
            for token in line.split(" "):
                if token:
                    words.append(
                        Word(
                            token,
                            number,
                            column * _GRID_X,
                            row * _GRID_Y + 1.0,
                            (column + len(token)) * _GRID_X,
                            row * _GRID_Y + _GRID_Y - 1.0,
                        )
                    )
                column += len(token) + 1
    return words, tuple(sizes)
