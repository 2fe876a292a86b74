"""Decimal marks printed below their digits, put back into the amount they belong to.

Some PDF producers draw the comma of "671,15" as a glyph of its own, lower than the digits, so
the text layer gives "671", "15" and a "," that lands on a line of its own. The readers of amounts
would see two numbers. `glued` returns the layout with each such mark joined to the digits it
sits between, keeping every line's index, so that line numbers mean the same in both layouts.
"""

from __future__ import annotations

from turnout.authoring import Word
from turnout.modules.extract.layout.page import Layout, Line, phrases_of

_MARKS = frozenset({",", "."})
# how far a mark may stand from the digits on either side of it, in heights of the digits
_TOUCH = 0.45


def glued(layout: Layout) -> Layout:
    """`layout` with lone decimal marks joined to the amount they sit in (same line indexes)."""
    lines = list(layout.lines)
    changed = False
    for i, line in enumerate(lines):
        for mark in [w for w in line.words if w.text in _MARKS]:
            for j in (i, i - 1, i + 1):
                if 0 <= j < len(lines) and lines[j].page == line.page:
                    joined = _joined(lines[j], mark)
                    if joined is not None:
                        lines[j] = joined
                        changed = True
                        break
    if not changed:
        return layout
    return Layout(tuple(lines), layout.page_sizes, layout.gridded)


def _joined(line: Line, mark: Word) -> Line | None:
    """`line` with `mark` joined to the two words of digits it stands between (or put into the
    one word of digits it stands in), or None."""
    words = [w for w in line.words if w is not mark]
    for k in range(len(words) - 1):
        a, b = words[k], words[k + 1]
        if not (a.text[-1:].isdigit() and b.text[:1].isdigit()):
            continue
        reach = _TOUCH * a.height
        if abs(a.right - mark.left) > reach or abs(mark.right - b.left) > reach:
            continue
        merged = Word(
            a.text + mark.text + b.text,
            a.page,
            a.left,
            min(a.top, b.top),
            b.right,
            max(a.bottom, b.bottom),
            min(a.score, b.score, mark.score),
        )
        words[k : k + 2] = [merged]
        ordered = tuple(words)
        return Line(line.page, line.index, ordered, phrases_of(ordered))
    for k, w in enumerate(words):
        # the digits on both sides were written as one word: "-23347" over "," -> "-233,47"
        if not (w.left < mark.left and mark.right < w.right and w.text[-1:].isdigit()):
            continue
        at = round((mark.left - w.left) / max(w.width, 0.1) * len(w.text))
        if not (0 < at < len(w.text) and w.text[at - 1].isdigit() and w.text[at].isdigit()):
            continue
        text = w.text[:at] + mark.text + w.text[at:]
        words[k] = Word(text, w.page, w.left, w.top, w.right, w.bottom, min(w.score, mark.score))
        ordered = tuple(words)
        return Line(line.page, line.index, ordered, phrases_of(ordered))
    return None
