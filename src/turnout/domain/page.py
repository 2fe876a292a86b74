"""Where things are printed on a page: the words a text module read, and the boxes fields came from.

A `Word` is what a text module saw (a text layer's word, or an OCR word with its score), in points
from the page's top-left corner, so distances mean the same on every page of every document. A
`Box` is where a field was read, as fractions of the page's width and height, so that a screen
showing the page at any size can draw it. Pages are numbered from 1 in both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from turnout.domain import schema


@dataclass(frozen=True)
class Word:
    """A word on page `page` (from 1), its edges in points from the page's top-left corner."""

    text: str
    page: int
    left: float
    top: float
    right: float
    bottom: float
    score: float = 1.0  # how sure the text module is of the word: OCR's score, 1.0 for a text layer

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)

    @property
    def width(self) -> float:
        return max(self.right - self.left, 0.0)


@dataclass(frozen=True)
class Box:
    """Where a value was read: page (from 1) and edges as fractions (0..1) of the page's size."""

    page: int
    left: float
    top: float
    right: float
    bottom: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "left": round(self.left, 4),
            "top": round(self.top, 4),
            "right": round(self.right, 4),
            "bottom": round(self.bottom, 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Box:
        return cls(
            int(data["page"]),
            float(data["left"]),
            float(data["top"]),
            float(data["right"]),
            float(data["bottom"]),
        )

    def __str__(self) -> str:
        return f"p{self.page} ({self.left:.3f},{self.top:.3f})-({self.right:.3f},{self.bottom:.3f})"


def boxes_of(words: Iterable[Word], page_sizes: tuple[tuple[float, float], ...]) -> tuple[Box, ...]:
    """One box a page around `words` (in page order), as fractions of each page's size.

    A page without a known size (`page_sizes` too short) gives no box: a box that cannot be
    placed is not a box.
    """
    edges: dict[int, list[float]] = {}
    for w in words:
        e = edges.get(w.page)
        if e is None:
            edges[w.page] = [w.left, w.top, w.right, w.bottom]
        else:
            e[0], e[1] = min(e[0], w.left), min(e[1], w.top)
            e[2], e[3] = max(e[2], w.right), max(e[3], w.bottom)
    out = []
    for page in sorted(edges):
        if not 1 <= page <= len(page_sizes):
            continue
        width, height = page_sizes[page - 1]
        if width <= 0 or height <= 0:
            continue
        left, top, right, bottom = edges[page]
        out.append(
            Box(
                page,
                _fraction(left / width),
                _fraction(top / height),
                _fraction(right / width),
                _fraction(bottom / height),
            )
        )
    return tuple(out)


def _fraction(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def word_problems(found: list[str], path: str, words: object) -> None:
    """How `words` breaks being a tuple of `Word` with pages from 1 and finite edges."""
    if not schema.check_sequence(found, path, words):
        return
    assert isinstance(words, tuple | list)
    for i, word in enumerate(words):
        if type(word) is Word and _sound_word(word):
            continue
        if not isinstance(word, Word):
            schema.wrong(found, f"{path}[{i}]", "a Word", word)
            continue
        if not isinstance(word.text, str):
            schema.wrong(found, f"{path}[{i}].text", "str", word.text)
        if not (isinstance(word.page, int) and word.page >= 1):
            schema.wrong(found, f"{path}[{i}].page", "a page number from 1", word.page)
        for name in ("left", "top", "right", "bottom"):
            value = getattr(word, name)
            if not (schema.is_number(value) and value == value):
                schema.wrong(found, f"{path}[{i}].{name}", "a number", value)
        schema.check_confidence(found, f"{path}[{i}].score", word.score)


def box_problems(found: list[str], path: str, boxes: object) -> None:
    """How `boxes` breaks being a tuple of `Box` with pages from 1 and edges in 0..1."""
    if not schema.check_sequence(found, path, boxes):
        return
    assert isinstance(boxes, tuple | list)
    for i, box in enumerate(boxes):
        if not isinstance(box, Box):
            schema.wrong(found, f"{path}[{i}]", "a Box", box)
            continue
        if not (isinstance(box.page, int) and box.page >= 1):
            schema.wrong(found, f"{path}[{i}].page", "a page number from 1", box.page)
        for name in ("left", "top", "right", "bottom"):
            value = getattr(box, name)
            if not (schema.is_number(value) and 0.0 <= value <= 1.0):
                found.append(f"{path}[{i}].{name}: expected a fraction in 0..1, got {value!r}")


def _sound_word(word: Word) -> bool:
    return (
        type(word.text) is str
        and type(word.page) is int
        and word.page >= 1
        and type(word.score) in (float, int)
        and 0.0 <= word.score <= 1.0
        and all(type(v) in (float, int) for v in (word.left, word.top, word.right, word.bottom))
    )
