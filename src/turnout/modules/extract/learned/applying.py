"""Reading a page with an issuer's rules.

Each rule finds its label (its own page first), then the value where it learned it: after the
label on its line (`right`), on a line under it at the same offset (`below`), at its place on
the page (`none`), or by its imported regular expression over the text (`regex`). The value must
have the field's kind (a date, an amount) and one of its learned shapes (identifiers); a rule
that finds no such value reads nothing, and the layout reader's value stands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import cast

import regex

from turnout.authoring import Text, Word
from turnout.modules.extract.layout.page import Layout, Line
from turnout.modules.extract.learned.issuer import constant_checks
from turnout.modules.extract.learned.places import cut, find_label, phrase_from
from turnout.modules.extract.learned.rules import ProfileData, Rule
from turnout.modules.extract.locate import Kind, Locator

ALIGN = 25.0  # points a value's left edge may stand from where it stood under its label
REGEX_TIMEOUT_CHARS = 200_000  # an imported expression reads at most this much text
REGEX_SECONDS = 0.2  # an imported expression's search gets this long; then the rule is skipped

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Read:
    """A value a rule read, with the words it was read from (none for a plain text)."""

    value: str
    words: tuple[Word, ...]
    rule: Rule | None = None


def read_fields(
    profile: ProfileData,
    layout: Layout,
    text: Text,
    min_confirmations: int = 1,
) -> dict[str, Read]:
    """Every field the profile's rules find on the page."""
    found: dict[str, Read] = {}
    locator: Locator | None = None
    for path, rule in sorted(profile.fields.items()):
        if rule.count < min_confirmations:
            continue
        if rule.where == "regex":
            if locator is None:
                locator = Locator.of(text)
            read = _by_regex(path, rule, text, locator)
        elif rule.where == "right" and rule.label:
            read = _right(rule, layout)
        elif rule.where == "below" and rule.label:
            read = _below(rule, layout)
        elif rule.where == "value":
            read = None
        else:
            read = _at_place(rule, layout)
        if rule.value is not None:
            if not constant_checks(path, rule.value):
                continue  # a VAT id or IBAN failing its checksum (an older profile's) is none
            if locator is None:
                locator = Locator.of(text)
            read = _constant(rule, read, locator)
        if read is not None and read.value:
            found[path] = Read(read.value, read.words, rule)
    return found


def _labels(rule: Rule, layout: Layout) -> list[tuple[Line, int, int]]:
    """Where the rule's label is printed, the place it was learned at first (its page, then
    the nearest to where the label stood: the value's box less the offset)."""
    found = find_label(layout, rule.label or "", rule.page)
    if rule.box is None:
        return found
    x = rule.box[0] * layout.page_width(rule.page) - rule.dx
    y = rule.box[1] * layout.page_height(rule.page) - rule.dy

    def distance(hit: tuple[Line, int, int]) -> tuple[bool, float]:
        word = hit[0].words[hit[1]]
        return word.page != rule.page, abs(word.left - x) + abs(word.top - y)

    return sorted(found, key=distance)


def _constant(rule: Rule, read: Read | None, locator: Locator | None) -> Read | None:
    """An issuer's constant: what the rule read when it is the value confirmed before, else that
    value where the page prints it, else nothing (another layout: the reader's value stands)."""
    value = rule.value or ""
    if read is not None and _plain(read.value) == _plain(value):
        return read
    words = locator.locate(value, cast(Kind, rule.kind)) if locator is not None else ()
    if words or rule.where == "value":
        return Read(value, tuple(words))
    return None


def _plain(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def _right(rule: Rule, layout: Layout) -> Read | None:
    for line, _, end in _labels(rule, layout):
        value, words = cut(rule.kind, rule.shapes, line.words[end:])
        if value:
            return Read(value, words)
    return None


def _below(rule: Rule, layout: Layout) -> Read | None:
    for line, start, _ in _labels(rule, layout):
        anchor = line.words[start]
        x, y = anchor.left + rule.dx, anchor.top + rule.dy
        for other in layout.by_page.get(line.page, ()):
            if other.index <= line.index or abs(other.top - y) > 1.5 * other.height:
                continue
            read = _from_column(rule, other, x)
            if read is not None:
                return read
    return None


def _from_column(rule: Rule, line: Line, x: float) -> Read | None:
    starts = [w for w in line.words if abs(w.left - x) <= ALIGN]
    for word in sorted(starts, key=lambda w: abs(w.left - x)):
        value, words = cut(rule.kind, rule.shapes, phrase_from(line, word))
        if value:
            return Read(value, words)
    return None


def _at_place(rule: Rule, layout: Layout) -> Read | None:
    if rule.box is None:
        return None
    width, height = layout.page_width(rule.page), layout.page_height(rule.page)
    left, top, _, bottom = rule.box
    x, y0, y1 = left * width, top * height, bottom * height
    for line in layout.by_page.get(rule.page, ()):
        middle = (line.top + line.bottom) / 2
        if not y0 - line.height <= middle <= y1 + line.height:
            continue
        read = _from_column(rule, line, x)
        if read is not None:
            return read
    return None


def _by_regex(path: str, rule: Rule, text: Text, locator: Locator | None) -> Read | None:
    """The value an imported invoice2data expression reads, with the `regex` package and a
    time budget: an expression that backtracks for ever (`(a+)+$`) ends its own rule, skipped
    with a note in the log, never the stage."""
    try:
        pattern = regex.compile(rule.regex or "", regex.MULTILINE)
    except (regex.error, ValueError):
        return None
    try:
        m = pattern.search(text.full[:REGEX_TIMEOUT_CHARS], timeout=REGEX_SECONDS)
    except TimeoutError:
        log.warning(
            "issuer profile rule for %s skipped: its regular expression %r took more than "
            "%.1f s on this page; fix it in the template and import it again, or reset the "
            "profile",
            path,
            rule.regex,
            REGEX_SECONDS,
        )
        return None
    if m is None:
        return None
    value = (m.group(1) if pattern.groups else m.group(0)).strip()
    if not value:
        return None
    words = locator.locate(value, cast(Kind, rule.kind)) if locator is not None else ()
    return Read(value, tuple(words))
