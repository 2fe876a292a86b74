"""Pages of words built by hand: text placed at points, as a text layer gives it."""

from __future__ import annotations

from pathlib import Path

from turnout.domain.artifacts import Fields, Text
from turnout.domain.modules import Artifacts, RunContext
from turnout.domain.page import Word
from turnout.modules.extract.layout.module import LayoutExtract

A4 = (595.0, 842.0)


def put(x: float, y: float, text: str, size: float = 10.0, page: int = 1) -> list[Word]:
    """The words of `text` written from (x, y) (top-left, points) in a font of `size` points:
    each character half the size wide, one character's width between words."""
    words: list[Word] = []
    for token in text.split(" "):
        if token:
            right = x + 0.5 * size * len(token)
            words.append(Word(token, page, x, y, right, y + size))
        x += 0.5 * size * (len(token) + 1)
    return words


def text_of(*groups: list[Word], pages: int = 1) -> Text:
    words = tuple(w for group in groups for w in group)
    return Text(pages=("",) * pages, method="test", words=words, page_sizes=(A4,) * pages)


def read(text: Text, **settings: object) -> Fields:
    module = LayoutExtract(settings)
    context = RunContext("run-1", 1, "extract", "extract.layout", Path())
    (fields,) = module.process(Artifacts([text]), context)
    assert isinstance(fields, Fields)
    return fields


def value(fields: Fields, path: str) -> str | None:
    field = fields.values.get(path)
    return field.value if field is not None else None
