"""Lay text runs out as lines of plain text, keeping columns roughly where they are on the page.

Runs whose boxes overlap vertically sit on one line; within a line they are ordered left to right
and placed at a character column proportional to their x position (like `pdftotext -layout`), so
that a label and its value on the same baseline stay on one line and a value under a column
header stays under it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import median

_SMALL_GLYPH = 0.4  # a glyph this much smaller than its line is placed by its middle
_SAME_LINE_OVERLAP = 0.5  # share of the smaller box height two runs must overlap to share a line
# pdfium boxes are tight around the glyphs, so letter gaps can reach a quarter of the box height;
# pdfium also ends a run with a space where it saw a word break, which is the better signal
_WORD_GAP = 0.6  # gap, in box heights, that separates two words even without pdfium's space
_COLUMN_GAP = 2.0  # gap, in characters of the run before, that starts a new column
# two runs written without a space are one word only when they touch: a gap (or an overlap) of
# at most this share of their height (the tight glyph boxes of one word leave up to a quarter
# between letters; digits either side of a comma half a height and more), their bottoms (or
# tops) at most this share of their height apart
_TOUCH = 0.25
_BASELINE_SHIFT = 0.3
_SEPARATOR_REACH = 0.5  # gap, in the digits' heights, a lone comma or point may leave on a side
_SEPARATOR_DROP = 0.5  # how far (in the digits' heights) below them its top may hang
# a line's indentation counts whole characters of this share of the median width (truncated), as
# `pdftotext -layout` does: text a fraction of a character right of the margin stays at column 0
# (templates anchor lines with `^\w`) while deeper indents keep their depth (`^    \w`)
_INDENT_WIDTH = 0.85


@dataclass(frozen=True)
class TextRun:
    """A piece of text and its box in PDF units (origin bottom-left)."""

    left: float
    bottom: float
    right: float
    top: float
    text: str
    # the run's words: `RunBuilder.words[first_word:end_word]` (0, 0 when nobody kept them)
    first_word: int = 0
    end_word: int = 0

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 0.1)


def same_line(
    bottom: float, top: float, line_bottom: float, line_top: float, small_glyphs: bool = True
) -> bool:
    """Whether a box (bottom, top) sits on the line spanning (line_bottom, line_top).

    Boxes of similar height must overlap by half; a small glyph (underscore, dot, comma) belongs
    to the line when its middle lies between the line's top and a little below its baseline.
    """
    height, line_height = top - bottom, line_top - line_bottom
    if small_glyphs and height < _SMALL_GLYPH * line_height:
        middle = (bottom + top) / 2
        return line_bottom - _SMALL_GLYPH * line_height <= middle <= line_top
    overlap = min(top, line_top) - max(bottom, line_bottom)
    return overlap >= _SAME_LINE_OVERLAP * min(height, line_height)


class RunBuilder:
    """Collect characters into runs: a run ends at a line break, a jump, or a wide gap.

    It collects the words of the runs too (`words`): a word ends at a space or where its run ends
    (a line break, a jump, a gap wider than `_COLUMN_GAP` characters), so inside a run the words
    are what the laid-out text shows between spaces. Two runs `lay_out` writes side by side
    without a space are one word only when they touch on one baseline (`join_words`).

    Called once per character of every page, so the state is kept in plain attributes and
    `same_line` is inlined (the same rule, small glyphs included).
    """

    def __init__(self) -> None:
        self.runs: list[TextRun] = []
        # one (text, left, bottom, right, top) a word, in the order read: tuples, which cost a
        # fraction of a dataclass for the few hundred words of a page
        self.words: list[tuple[str, float, float, float, float]] = []
        self._word: list[str] = []  # the current word's text so far
        # indices in `words` of the words written sideways (text at 90 or 270 degrees), found
        # by asking `turned` (when given) about the first character of each word taller than
        # wide: the reader sets `index` to the index of each character (or word) it adds
        self.sideways: list[int] = []
        self.turned: Callable[[int], bool] | None = None
        self.index = 0
        self._word_index = 0
        self._word_left = self._word_bottom = self._word_right = self._word_top = 0.0
        self._first_word = 0
        self._parts: list[str] = []  # the run's text so far: characters, words, " " + either
        self._length = 0  # characters in the run so far
        self._open = False
        self._left = self._bottom = self._right = self._top = 0.0
        self._space = False

    def add(self, char: str, box: tuple[float, float, float, float]) -> None:
        """Add one character with its box (left, bottom, right, top)."""
        if char in "\r\n":
            self._close()
        elif char.isspace():
            self._space = True
        elif char.isprintable():
            self.glyph(char, *box)

    def space(self) -> None:
        """Add a space (or several) that does not break the line."""
        self._space = True

    def glyph(self, text: str, left: float, bottom: float, right: float, top: float) -> None:
        """Add a printable character (or text placed as its first character) with its box."""
        if not self._open:
            self._start(text, left, bottom, right, top)
            return
        if right <= left or top <= bottom:  # no box of its own: keep it where we are
            left, bottom, right, top = self._left, self._bottom, self._right, self._top
        # `same_line` inlined (small glyphs included), then the gap to the run so far
        run_bottom, run_top = self._bottom, self._top
        height, line_height = top - bottom, run_top - run_bottom
        if height < _SMALL_GLYPH * line_height:
            middle = (bottom + top) / 2
            joins = run_bottom - _SMALL_GLYPH * line_height <= middle <= run_top
        else:
            overlap = (top if top < run_top else run_top) - (
                bottom if bottom > run_bottom else run_bottom
            )
            joins = overlap >= _SAME_LINE_OVERLAP * (
                height if height < line_height else line_height
            )
        if joins:
            char_width = (self._right - self._left) / self._length
            joins = -char_width <= left - self._right <= _COLUMN_GAP * max(char_width, 1.0)
        if not joins:
            self._close()
            self._start(text, left, bottom, right, top)
            return
        if self._space:
            self._parts.append(" " + text)
            self._length += 1 + len(text)
            self._end_word()
            self._word = [text]
            self._word_index = self.index
            self._word_left, self._word_bottom = left, bottom
            self._word_right, self._word_top = right, top
        else:
            self._parts.append(text)
            self._length += len(text)
            self._word.append(text)
            if bottom < self._word_bottom:
                self._word_bottom = bottom
            if right > self._word_right:
                self._word_right = right
            if top > self._word_top:
                self._word_top = top
        if bottom < run_bottom:
            self._bottom = bottom
        if right > self._right:
            self._right = right
        if top > run_top:
            self._top = top
        self._space = False

    def add_word(
        self,
        word: str,
        first: tuple[float, float, float, float],
        union: tuple[float, float, float, float],
    ) -> None:
        """Add a word (printable, no space) by the box of its first character and of the word.

        The word is not split: it joins the current run (or starts one) as its first character
        would, and the run then spans the word's box. Two boxes a word instead of one a
        character are what keep a PDF's text layer cheap to read.
        """
        self.glyph(word, *first)
        left, bottom, right, top = union
        if right > left and top > bottom:
            if bottom < self._bottom:
                self._bottom = bottom
            if right > self._right:
                self._right = right
            if top > self._top:
                self._top = top
            # the word (started by its first character) spans the union too
            if left < self._word_left:
                self._word_left = left
            if bottom < self._word_bottom:
                self._word_bottom = bottom
            if right > self._word_right:
                self._word_right = right
            if top > self._word_top:
                self._word_top = top

    def finish(self) -> list[TextRun]:
        """The runs collected, once every character has been added (the words are in `words`)."""
        self._close()
        return self.runs

    def _start(self, text: str, left: float, bottom: float, right: float, top: float) -> None:
        self._parts, self._length, self._open, self._space = [text], len(text), True, False
        self._left, self._bottom, self._right, self._top = left, bottom, right, top
        self._first_word = len(self.words)
        self._word = [text]
        self._word_index = self.index
        self._word_left, self._word_bottom, self._word_right, self._word_top = (
            left,
            bottom,
            right,
            top,
        )

    def _end_word(self) -> None:
        if self._word:
            text = "".join(self._word)
            if (
                self._word_top - self._word_bottom > self._word_right - self._word_left
                and self.turned is not None
                and (len(text) > 1 or text.isalpha())  # a lone digit or colon is that tall
                and self.turned(self._word_index)
            ):
                self.sideways.append(len(self.words))
            self.words.append(
                (
                    text,
                    self._word_left,
                    self._word_bottom,
                    self._word_right,
                    self._word_top,
                )
            )
            self._word = []

    def _close(self) -> None:
        if self._open:
            self._end_word()
            text = "".join(self._parts) + (" " if self._space else "")
            self.runs.append(
                TextRun(
                    self._left,
                    self._bottom,
                    self._right,
                    self._top,
                    text,
                    self._first_word,
                    len(self.words),
                )
            )
        self._parts, self._length, self._open, self._space = [], 0, False, False


Joins = list[tuple[int, int]]
"""Pairs of word indices (last word of a run, first word of the next) written with no space
between them: one word as the page's text reads."""


def lay_out(runs: list[TextRun], joins: Joins | None = None) -> str:
    """The page as text: one string line per visual line, top to bottom.

    `joins`, when given, receives the words of two runs that the text writes together.
    """
    if not runs:
        return ""
    lines = _group_lines(runs)
    char_width = _char_width(runs)
    origin = min(r.left for r in runs)
    return "\n".join(_render(line, char_width, origin, joins) for line in lines)


RawWord = tuple[str, float, float, float, float]  # text, left, bottom, right, top


def join_words(
    words: list[RawWord], joins: Joins, drop: frozenset[int] = frozenset()
) -> list[RawWord]:
    """`words` with each pair `lay_out` wrote without a space made one word (text side by side,
    the union of their boxes), and those at the indices `drop` left out."""
    if not joins and not drop:
        return words
    following = {a: b for a, b in joins if a not in drop and b not in drop}
    joined = set(following.values())
    out: list[RawWord] = []
    for index, word in enumerate(words):
        if index in joined or index in drop:
            continue
        text, left, bottom, right, top = word
        parts = [text]
        seen = {index}
        while index in following and following[index] not in seen:
            index = following[index]
            seen.add(index)
            t, l_, b, r, t_ = words[index]
            parts.append(t)
            left, bottom = min(left, l_), min(bottom, b)
            right, top = max(right, r), max(top, t_)
        out.append(("".join(parts), left, bottom, right, top))
    return out


def sideways_dropped(words: list[RawWord], sideways: list[int]) -> frozenset[int]:
    """Which of `sideways` (indices in `words`) to leave out of the words: all of them, unless
    they are most of the page's words.

    Text turned by 90 degrees on an upright page is margin print (a copyright line, a print
    shop's mark, a form number): its words are tall boxes that would bind the lines they pass
    into one for a reader that reads lines across the page. They stay in the page's text. A
    page whose words are mostly sideways is a page drawn turned: its words are all kept.
    """
    if 2 * len(sideways) >= len(words):
        return frozenset()
    return frozenset(sideways)


def mend_numbers(words: list[RawWord]) -> list[RawWord]:
    """`words` with each separator (`,` `.` `'`) standing alone between two digit words it
    touches made one word with them ("671" "," "15" -> "671,15", the union of their boxes).

    Some producers draw a decimal comma with a rise of its own, lower than its digits: it
    becomes a run (and a word) apart, and the digits either side are too far apart to touch.
    """
    while True:
        lone = [i for i, w in enumerate(words) if w[0] in _SEPARATORS]
        mended = _mend_one(words, lone) if lone else None
        if mended is None:
            return words
        words = mended


_SEPARATORS = frozenset(",.'\u2019")


def _mend_one(words: list[RawWord], lone: list[int]) -> list[RawWord] | None:
    """`words` with the first of the `lone` separators that splits a number made one word with
    its digits, or None when none does."""
    for index in lone:
        word = words[index]
        left = _digit_neighbour(words, word, index, before=True)
        if left is None:
            continue
        right = _digit_neighbour(words, word, index, before=False)
        if right is None or not _one_line(words[left], words[right]):
            continue
        return _merged(words, (left, index, right))
    return None


def _merged(words: list[RawWord], parts: tuple[int, ...]) -> list[RawWord]:
    """`words` with the words at `parts` (in reading order) one word, where the first was."""
    chosen = [words[i] for i in parts]
    word = (
        "".join(w[0] for w in chosen),
        min(w[1] for w in chosen),
        min(w[2] for w in chosen),
        max(w[3] for w in chosen),
        max(w[4] for w in chosen),
    )
    rest = set(parts[1:])
    return [word if i == parts[0] else w for i, w in enumerate(words) if i not in rest]


def _one_line(first: RawWord, last: RawWord) -> bool:
    """Whether two words sit on one baseline (bottoms, or tops, a fraction of a line apart)."""
    shift = _BASELINE_SHIFT * min(first[4] - first[2], last[4] - last[2])
    return abs(first[2] - last[2]) <= shift or abs(first[4] - last[4]) <= shift


def _digit_neighbour(words: list[RawWord], glyph: RawWord, own: int, before: bool) -> int | None:
    """The word ending (`before`) or starting with a digit that `glyph` touches on that side,
    on the line the glyph hangs from (its middle below the word's top, its top no lower than
    half the word's height under its bottom), or None."""
    _, g_left, g_bottom, g_right, g_top = glyph
    middle = (g_bottom + g_top) / 2
    for index, (text, left, bottom, right, top) in enumerate(words):
        if index == own or not text:
            continue
        if not (text[-1] if before else text[0]).isdigit():
            continue
        height = top - bottom
        # hanging from the digits' line: not above its top, not wholly below its baseline
        if height <= 0 or middle > top or g_top < bottom - _SEPARATOR_DROP * height:
            continue
        if g_top - g_bottom > height:  # a separator is smaller than its digits
            continue
        reach = _SEPARATOR_REACH * height
        gap = g_left - right if before else left - g_right
        if -reach / 2 <= gap <= reach:
            return index
    return None


def _group_lines(runs: list[TextRun]) -> list[list[TextRun]]:
    lines: list[list[TextRun]] = []
    boxes: list[tuple[float, float]] = []  # (bottom, top) of each line so far
    # The runs come top first, so a line found far above one run is far above every later one,
    # and no run can join it (and move it) again: only the lines still in reach are scanned,
    # in the order they were made.
    reach: list[int] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        # only a glyph or two (an underscore, a stray dot) may join a line by its middle
        tiny = len(run.text.strip()) <= 2
        passed = False
        for i in reach:
            bottom, top = boxes[i]
            if bottom - _SMALL_GLYPH * (top - bottom) > run.top:
                passed = True  # far above: `same_line` would say no, now and for later runs
                continue
            if top < run.bottom:
                continue  # below this run: `same_line` would say no (a cheap test first)
            if same_line(run.bottom, run.top, bottom, top, small_glyphs=tiny):
                lines[i].append(run)
                boxes[i] = (min(bottom, run.bottom), max(top, run.top))
                break
        else:
            reach.append(len(lines))
            lines.append([run])
            boxes.append((run.bottom, run.top))
        if passed:
            reach = [
                i
                for i in reach
                if boxes[i][0] - _SMALL_GLYPH * (boxes[i][1] - boxes[i][0]) <= run.top
            ]
    order = sorted(range(len(lines)), key=lambda i: -(boxes[i][0] + boxes[i][1]))
    return [sorted(lines[i], key=lambda r: r.left) for i in order]


def _char_width(runs: list[TextRun]) -> float:
    widths = [(r.right - r.left) / len(r.text.strip()) for r in runs if r.text.strip()]
    return max(median(widths), 1.0) if widths else 5.0


def _render(line: list[TextRun], char_width: float, origin: float, joins: Joins | None) -> str:
    out = ""
    previous: TextRun | None = None
    for run in line:
        text = " ".join(run.text.split())
        if previous is None:
            # like pdftotext -layout: whole columns of a slightly narrower character, truncated
            out = " " * int((run.left - origin) / (char_width * _INDENT_WIDTH))
        else:
            gap = run.left - previous.right
            spaced = previous.text[-1:].isspace() or run.text[:1].isspace()
            if gap > _COLUMN_GAP * _run_char_width(previous):
                # a separate column: put it where it sits on the page
                out += " " * max(round((run.left - origin) / char_width) - len(out), 2)
            elif spaced or gap > _WORD_GAP * min(run.height, previous.height):
                out += " "
            elif (
                joins is not None
                and previous.end_word > previous.first_word
                and run.end_word > run.first_word
                and _touch(previous, run, gap)
            ):
                joins.append((previous.end_word - 1, run.first_word))
        out += text
        previous = run
    return out.rstrip()


def _touch(previous: TextRun, run: TextRun, gap: float) -> bool:
    """Whether two runs written side by side without a space are one word: they touch (a gap
    or an overlap no wider than the gaps between letters of a word, or than a separator leaves
    when a number is split after it) and sit on one baseline
    (bottoms, or tops when a descender or a comma lowers one bottom, a fraction of a line
    apart). Runs of two lines the layout put on one (a column's amounts a few points apart)
    or of two columns overlapping do not."""
    height = min(run.height, previous.height)
    before, after = previous.text.rstrip()[-2:], run.text.lstrip()[:1]
    split_number = before[-1:] in _SEPARATORS and before[:1].isdigit() and after.isdigit()
    # a number split after its separator ("671," "15"): as far apart as a lone separator may be
    reach = (_SEPARATOR_REACH if split_number else _TOUCH) * height
    if not -reach <= gap <= reach:
        return False
    shift = _BASELINE_SHIFT * height
    return abs(run.bottom - previous.bottom) <= shift or abs(run.top - previous.top) <= shift


def _run_char_width(run: TextRun) -> float:
    return (run.right - run.left) / max(len(run.text.strip()), 1)
