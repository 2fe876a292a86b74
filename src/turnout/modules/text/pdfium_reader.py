"""The one place that talks to pypdfium2: open a PDF and list the text runs of each page.

pypdfium2 is imported when first used, so that importing the module stays cheap and a missing
install is reported by `health_check` with a hint rather than at import time.

A text-layer PDF should cost little more than pdfium's own parsing, so a page is read in a few
calls per word rather than per character: the page text in one `FPDFText_GetText` call, then
for each word the box of its first character and the union of its boxes (`FPDFText_GetRect`,
one rectangle a text object); a word spread wider than its characters can be, or over two lines,
is read character by character so that `RunBuilder` can split it.

The words of each page come out of the same reading (`RunBuilder.words`), their boxes turned from
PDF user space (origin bottom-left, unrotated) into points from the top-left corner of the page as
it is shown: the crop box's origin is taken away and the page's `/Rotate` applied, as pdfium does
when it renders the page, so a word's box lands on the word in a rendered image.

The document is opened, read and closed under `PDFIUM_LOCK` (PDFium is not thread-safe); laying
the runs out into lines happens after, outside it.
"""

from __future__ import annotations

import ctypes
import math
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from turnout.authoring import InputRejected, ModuleUnavailable, Word
from turnout.modules.pdfium_lock import PDFIUM_LOCK
from turnout.modules.text.layout import RawWord, RunBuilder, TextRun, same_line

Box = tuple[float, float, float, float]  # left, bottom, right, top

_NO_BOX: Box = (0.0, 0.0, 0.0, 0.0)
_TOKENS = re.compile(r"\S+|\s+")
_WIDEST = 1.2  # a glyph's box is rarely wider than this many times the tallest box of its word
# pdfium's functions over plain addresses, without argument types: pypdfium2's typed prototypes
# convert every argument of every call, which costs more than pdfium's own work for a character.
# Every pointer is passed as a ready `c_void_p` and every other argument is a small Python int
# (ctypes passes it as a C int, which is what these functions take).
_INT_FUNCTION = ctypes.CFUNCTYPE(ctypes.c_int)
_FLOAT_FUNCTION = ctypes.CFUNCTYPE(ctypes.c_float)
# a glyph turned by more than this (radians) from upright or upside down is written sideways
_TURN = 0.5
_HALF_TURN = math.pi
_VALUES = struct.Struct("4d").unpack_from


def load_pdfium() -> Any:
    """Import pypdfium2, or raise `ModuleUnavailable` saying how to install it."""
    try:
        import pypdfium2
    except ImportError as exc:  # pragma: no cover - pypdfium2 is a core dependency
        raise ModuleUnavailable(
            f"pypdfium2 cannot be imported ({exc}); install it with `pip install pypdfium2`"
        ) from exc
    return pypdfium2


@dataclass(frozen=True)
class LayerPage:
    """One page as read: its text runs and words (PDF user space, as pdfium gives them) and how
    to place them on the page as shown."""

    number: int  # from 1
    runs: list[TextRun]
    words: list[RawWord]
    sideways: list[int]  # indices in `words` of the words written turned by 90 or 270 degrees
    width: float  # of the page as shown (rotation applied), in points
    height: float
    crop_left: float  # the crop box's lower-left corner in user space
    crop_bottom: float
    rotation: int  # clockwise degrees, 0, 90, 180 or 270

    def placed(self, words: list[RawWord]) -> list[Word]:
        """`words` (of this page, in user space) in points from the top-left corner of the page
        as shown."""
        page, x0, y0 = self.number, self.crop_left, self.crop_bottom
        width, height, rotation = self.width, self.height, self.rotation
        out: list[Word] = []
        append = out.append
        for text, left, bottom, right, top in words:
            # u, v: from the crop box's lower-left corner, unrotated
            u0, u1, v0, v1 = left - x0, right - x0, bottom - y0, top - y0
            if rotation == 0:
                append(Word(text, page, u0, height - v1, u1, height - v0))
            elif rotation == 90:  # shown turned clockwise: the bottom edge is now the left one
                append(Word(text, page, v0, u0, v1, u1))
            elif rotation == 180:
                append(Word(text, page, width - u1, v0, width - u0, v1))
            else:  # 270: the bottom edge is now the right one
                append(Word(text, page, width - v1, height - u1, width - v0, height - u0))
        return out


def read_pages(data: bytes, max_pages: int) -> tuple[int, list[LayerPage]]:
    """The page count, and each page's text runs (pieces of text on one line, in one column),
    words and geometry.

    The PDF is opened once; when it has more than `max_pages` pages no page is read and the
    list of pages is empty (the caller rejects such a document).
    """
    with opened_pdf(data) as pdf:
        count = len(pdf)
        if count > max_pages:
            return count, []
        pages: list[LayerPage] = []
        for index in range(count):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                reader = _PageReader(textpage)
                runs = reader.runs()
                left, bottom, right, top = page.get_cropbox()
                rotation = page.get_rotation() % 360
                width, height = abs(right - left), abs(top - bottom)
                if rotation in (90, 270):
                    width, height = height, width
                pages.append(
                    LayerPage(
                        index + 1,
                        runs,
                        reader.builder.words,
                        reader.builder.sideways,
                        width,
                        height,
                        min(left, right),
                        min(bottom, top),
                        rotation,
                    )
                )
            finally:
                textpage.close()
                page.close()
    return count, pages


class _PageReader:
    """The runs of one pdfium text page, read word by word where the words allow it."""

    def __init__(self, textpage: Any) -> None:
        raw = load_pdfium().raw
        self._raw, self._handle = raw, textpage.raw
        self._page = ctypes.c_void_p(_address(textpage.raw))
        self._get_box = _INT_FUNCTION(_address(raw.FPDFText_GetCharBox))
        self._count_rects = _INT_FUNCTION(_address(raw.FPDFText_CountRects))
        self._get_rect = _INT_FUNCTION(_address(raw.FPDFText_GetRect))
        self._get_angle = _FLOAT_FUNCTION(_address(raw.FPDFText_GetCharAngle))
        self._buffer = (ctypes.c_double * 4)()  # pdfium writes four doubles here
        size = ctypes.sizeof(ctypes.c_double)
        base = ctypes.addressof(self._buffer)
        self._slots = tuple(ctypes.c_void_p(base + i * size) for i in range(4))
        self.builder = RunBuilder()
        self.builder.turned = self._sideways

    def runs(self) -> list[TextRun]:
        """Group the page's characters (in pdfium's order) into runs of one line and one column."""
        chars = _chars(self._raw, self._handle, self._raw.FPDFText_CountChars(self._handle))
        if isinstance(chars, str):
            self._add_tokens(chars)
        else:
            for index, char in enumerate(chars):
                if char is not None:  # None: a lone surrogate, pdfium could not map the glyph
                    self._add_char(char, index)
        return self.builder.finish()

    def _add_tokens(self, text: str) -> None:
        """The page's words and spaces; the loop every word of every page goes through, so
        the first rectangle of a word and `_compact` are inlined."""
        builder, add_char = self.builder, self._add_char
        page, buffer, slots = self._page, self._buffer, self._slots
        get_box, count_rects, get_rect = self._get_box, self._count_rects, self._get_rect
        for match in _TOKENS.finditer(text):
            token = match.group()
            if token.isspace():  # line breaks and spaces need no box
                if "\r" in token or "\n" in token:
                    for char in token:
                        builder.add(char, _NO_BOX)
                else:
                    builder.space()  # one space or several: a space all the same
                continue
            start, length = match.start(), len(token)
            if length > 1 and token.isprintable():
                get_box(page, start, *slots)  # the first character: left, right, bottom, top
                left, right, bottom, top = _VALUES(buffer)
                rects = count_rects(page, start, length)
                if rects > 0:
                    get_rect(page, 0, *slots)  # left, top, right, bottom
                    word_left, word_top, word_right, word_bottom = _VALUES(buffer)
                    if rects > 1:
                        word_left, word_bottom, word_right, word_top = self._union(
                            rects, word_left, word_bottom, word_right, word_top
                        )
                    height = word_top - word_bottom
                    if 0 < word_right - word_left <= length * _WIDEST * height and same_line(
                        bottom, top, word_bottom, word_top
                    ):
                        builder.index = start
                        builder.add_word(
                            token,
                            (left, bottom, right, top),
                            (word_left, word_bottom, word_right, word_top),
                        )
                        continue
            for index, char in enumerate(token, start):
                add_char(char, index)

    def _add_char(self, char: str, index: int) -> None:
        if char.isspace() or not char.isprintable():
            self.builder.add(char, _NO_BOX)  # line breaks and spaces need no box
        else:
            self.builder.index = index
            self.builder.add(char, self._char_box(index))

    def _sideways(self, index: int) -> bool:
        """Whether the character at `index` is drawn turned by about 90 or 270 degrees."""
        angle = float(self._get_angle(self._page, index))  # radians from 0 to 2 pi
        if angle < 0:  # -1: pdfium could not say
            return False
        return _TURN < angle % _HALF_TURN < _HALF_TURN - _TURN

    def _char_box(self, index: int) -> Box:
        self._get_box(self._page, index, *self._slots)  # left, right, bottom, top
        left, right, bottom, top = _VALUES(self._buffer)
        return left, bottom, right, top

    def _union(self, rects: int, left: float, bottom: float, right: float, top: float) -> Box:
        """The box (left, bottom, right, top) of pdfium's first rectangle of the last counted
        range joined with its other `rects - 1` rectangles (one a text object)."""
        page, slots, buffer, get_rect = self._page, self._slots, self._buffer, self._get_rect
        for index in range(1, rects):
            get_rect(page, index, *slots)  # left, top, right, bottom
            rect_left, rect_top, rect_right, rect_bottom = _VALUES(buffer)
            left, bottom = min(left, rect_left), min(bottom, rect_bottom)
            right, top = max(right, rect_right), max(top, rect_top)
        return left, bottom, right, top


def _chars(raw: Any, handle: Any, count: int) -> str | list[str | None]:
    """Each character of the page: the whole page text in one call, when it maps 1:1.

    pdfium's page text can differ from its character list (characters outside the BMP take two
    UTF-16 units, an unmapped glyph is a lone surrogate); the characters are then read one by
    one, `None` standing for an unmapped one.
    """
    if count <= 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(handle, 0, count, buffer)
    try:
        text = ctypes.string_at(buffer, 2 * max(written - 1, 0)).decode("utf-16-le")
    except UnicodeDecodeError:
        text = ""
    if len(text) == count and ord(text[-1]) == raw.FPDFText_GetUnicode(handle, count - 1):
        return text
    codes = (raw.FPDFText_GetUnicode(handle, index) for index in range(count))
    return [None if 0xD800 <= code <= 0xDFFF else chr(code) for code in codes]


def _address(pointer: Any) -> int:
    return int(ctypes.cast(pointer, ctypes.c_void_p).value or 0)


@contextmanager
def opened_pdf(data: bytes) -> Iterator[Any]:
    """The open document, `PDFIUM_LOCK` held until it is closed (with its pages and text pages)."""
    pdfium = load_pdfium()
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise InputRejected(
                f"pdfium cannot open this PDF ({exc}); it may be damaged or password-protected:"
                " send an unprotected, complete copy"
            ) from exc
        try:
            yield pdf
        finally:
            pdf.close()
