"""Learning an issuer's rules from an invoice a person confirmed.

For each field of `LEARNED` the confirmed invoice holds, the value's words are found on the page:
where the machine read it (its provenance boxes) when the person left it as read, else every
place it is printed in its printed forms (dates and amounts as the page writes them, found by
the `Locator`); among several, one announced by a label wins, the first (the last for totals).
A value the page does not print teaches nothing. The rule keeps the label near the value (words
left of it on its line, else the phrase over it), the value's offset from that label, its place
on the page and its shape. A rule agreeing with the one the profile has counts one more
confirmation; a different one replaces it when the person corrected the field (the old rule read
it wrong), and otherwise wears the old one down until it gives way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from turnout.authoring import Box, Text, Word, boxes_of
from turnout.modules.extract.layout.page import Layout, layout_of
from turnout.modules.extract.learned.issuer import constant_checks
from turnout.modules.extract.learned.places import (
    Place,
    date_format,
    decimal_separator,
    find_label,
    line_of,
    place_of,
)
from turnout.modules.extract.learned.rules import (
    CONSTANT,
    CORRECTION,
    LEARNED,
    MAX_SHAPES,
    ProfileData,
    Rule,
    label_of,
    shape_of,
)
from turnout.modules.extract.locate import Locator, kind_of, prefer_of
from turnout.modules.extract.locate_words import Hit
from turnout.modules.normalize.dates import parse_date


def learn_rules(
    previous: ProfileData,
    text: Text,
    invoice: Mapping[str, Any],
    corrected: Collection[str],
) -> ProfileData:
    """`previous` updated with what the confirmed `invoice` (canonical dict, with provenance)
    teaches about the page `text`."""
    locator = Locator.of(text)
    if locator is None:  # no geometry: nothing to learn a place from
        return previous
    layout = layout_of(text)
    provenance = invoice.get("provenance") or {}
    fields = dict(previous.fields)
    options = dict(previous.options)
    for path in LEARNED:
        value = value_at(invoice, path)
        was_corrected = path in corrected
        if value is None:
            if was_corrected:
                fields.pop(path, None)  # the person cleared it: the rule read something wrong
            continue
        if not constant_checks(path, str(value)):
            continue  # an identifier failing its checksum is no issuer's constant
        rule = rule_for(path, str(value), layout, locator, provenance.get(path), was_corrected)
        if rule is None and path in CONSTANT and was_corrected:
            # typed by a person, not printed as read (an OCR misreading): the value itself
            rule = Rule(kind=kind_of(path, str(value)) or "text", where="value")
        old = fields.get(path)
        if rule is None:
            if was_corrected and old is not None and old.where != "regex":
                del fields[path]
            continue
        if was_corrected:
            rule.taught = CORRECTION
        if path in CONSTANT:
            rule.value = " ".join(str(value).split())
        fields[path] = _merged(old, rule, was_corrected)
        _note_options(options, rule, invoice, path)
    currency = invoice.get("currency")
    if isinstance(currency, str) and currency:
        options["currency"] = currency
    return ProfileData(fields, options)


def rule_for(
    path: str,
    value: str,
    layout: Layout,
    locator: Locator,
    source: Mapping[str, Any] | None,
    corrected: bool,
) -> Rule | None:
    """The rule finding `value` of `path` on this page, or None when it is not printed."""
    kind = kind_of(path, value)
    if kind is None or kind == "currency":
        return None
    places = [p for p in (_placed(layout, hit) for hit in locator.hits(value, kind)) if p]
    if not places:
        return None
    chosen = None
    if not corrected and source and source.get("boxes"):
        boxes = [Box.from_dict(b) for b in source["boxes"]]
        chosen = next((p for p in places if _overlaps(p.words, boxes, layout)), None)
    if chosen is None:
        labelled = [p for p in places if p.where != "none"] or places
        chosen = labelled[-1] if prefer_of(path) == "last" else labelled[0]
    return _rule(kind, chosen, layout, value)


def _placed(layout: Layout, hit: Hit) -> Place | None:
    found = line_of(layout, hit.words)
    if found is None:
        return None
    line, words = found
    return place_of(layout, line, words)


def _overlaps(words: tuple[Word, ...], boxes: list[Box], layout: Layout) -> bool:
    for mine in boxes_of(words, layout.page_sizes):
        for box in boxes:
            if (
                box.page == mine.page
                and min(box.right, mine.right) > max(box.left, mine.left)
                and min(box.bottom, mine.bottom) > max(box.top, mine.top)
            ):
                return True
    return False


def _rule(kind: str, place: Place, layout: Layout, value: str) -> Rule:
    words = place.words
    printed = " ".join(w.text for w in words).rstrip(".,;:")
    first = words[0]
    box = boxes_of(words, layout.page_sizes)
    rule = Rule(
        kind=kind,
        where=place.where,
        page=first.page,
        box=(box[0].left, box[0].top, box[0].right, box[0].bottom) if box else None,
        shapes=[shape_of(printed)] if kind in ("id", "exact", "date") else [],
        inline=place.inline,
    )
    if place.label:
        rule.label = label_of(place.label)
        rule.dx = first.left - place.label[0].left
        rule.dy = first.top - place.label[0].top
        printings = find_label(layout, rule.label, 0)
        first_label = place.label[0]
        rule.nth = next(
            (i for i, (line, start, _) in enumerate(printings) if line.words[start] == first_label),
            0,
        )
    if kind == "date":
        date = parse_date(value)
        rule.format = date_format(printed, date) if date else None
    elif kind == "amount":
        rule.format = decimal_separator(printed)
    return rule


def _merged(old: Rule | None, new: Rule, corrected: bool) -> Rule:
    if old is None:
        return new
    if old.same_place(new):
        shapes = list(old.shapes)
        for shape in new.shapes:
            if shape not in shapes:
                shapes = [*shapes, shape][-MAX_SHAPES:]
        new.shapes = shapes
        new.count = old.count + 1
        new.format = new.format or old.format
        if old.taught == CORRECTION:
            new.taught = CORRECTION
        return new
    if corrected or old.count <= 1:
        return new  # the old rule read it wrong, or is worn down: the new one takes its place
    old.count -= 1
    return old


def _note_options(
    options: dict[str, Any], rule: Rule, invoice: Mapping[str, Any], path: str
) -> None:
    if rule.kind == "date" and rule.format:
        forms = list(options.get("date_formats") or [])
        if rule.format not in forms:
            options["date_formats"] = [*forms, rule.format]
    elif rule.kind == "amount" and rule.format:
        options["decimal_separator"] = rule.format
    if path == "seller.name":
        options["issuer"] = value_at(invoice, path)


def value_at(invoice: Mapping[str, Any], path: str) -> Any:
    value: Any = invoice
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
