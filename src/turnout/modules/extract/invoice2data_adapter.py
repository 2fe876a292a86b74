"""A small, typed adapter over the invoice2data library: load templates once, match, extract.

invoice2data's own `extract_data` reads a file with an input module of its own; Turnout already
has the text (from its text stage), so this adapter only uses the template part of the library:
`read_templates` to compile the templates (once per process and folder: edits to a template
folder are seen after a restart), the first template by priority whose keywords occur (see
`matches`) and `InvoiceTemplate.prepare_input` / `extract` to read the fields.

Matching runs for every invoice over every template (a few hundred), so each template's keywords
are sorted once, when the set is loaded, into plain words (a substring test) and keywords that
may also be regular expressions (compiled then); the plain words are tested first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from invoice2data.extract.invoice_template import InvoiceTemplate
from invoice2data.extract.loader import read_templates

from turnout.authoring import InputRejected, InvalidConfiguration, ModuleUnavailable, Problem

DEFAULT_PRIORITY = 5
TEMPLATE_SUFFIXES = (".yml", ".yaml", ".json")
_REGEX_CHARS = frozenset("\\[](){}.*+?^$|")
_SPACES = re.compile(" +")


@dataclass(frozen=True)
class TemplateMatch:
    """The template that matched a text and the fields it extracted (invoice2data's names)."""

    template_name: str
    issuer: str
    values: dict[str, Any]
    # names whose value the template states rather than reads from the page (static fields,
    # its own name and description): never looked for on the page
    unprinted: frozenset[str] = frozenset()


Keyword = tuple[str, re.Pattern[str] | None]  # as written, and compiled when it may be a regex


@dataclass(frozen=True, slots=True)
class _Keywords:
    """One template's keywords, prepared for `matches`."""

    plain: tuple[str, ...]  # no regex character: the substring test is the whole test
    patterns: tuple[Keyword, ...]  # may be regular expressions
    excluded: tuple[Keyword, ...]

    @classmethod
    def of(cls, template: InvoiceTemplate) -> _Keywords:
        keywords = [_keyword(k) for k in template["keywords"]]
        return cls(
            plain=tuple(k for k, _ in keywords if not _is_regex(k)),
            patterns=tuple((k, p) for k, p in keywords if _is_regex(k)),
            excluded=tuple(_keyword(k) for k in template.get("exclude_keywords") or []),
        )

    def matches(self, text: str, plain_text: str | None = None) -> bool:
        """Whether the keywords occur in `text` (the plain ones may be looked up in
        `plain_text`, the same text with long runs of spaces shortened; see `TemplateSet`)."""
        haystack = text if plain_text is None else plain_text
        for keyword in self.plain:
            if keyword not in haystack:
                return False
        for keyword, pattern in self.patterns:
            if keyword not in text and (pattern is None or pattern.search(text) is None):
                return False
        for keyword, pattern in self.excluded:
            if keyword in text or (pattern is not None and pattern.search(text) is not None):
                return False
        return True


class TemplateSet(tuple[InvoiceTemplate, ...]):
    """Templates, highest priority first, with their keywords prepared for matching.

    A laid-out text is mostly runs of spaces, and a substring test reads all of it for each
    of a few hundred keywords. A plain keyword occurs in the text exactly when it occurs in the
    text with every run of spaces longer than the longest run in any plain keyword (`spaces`)
    cut to one space more than that: a keyword's inner runs meet runs of their own length, and
    a run at its start or end fits in the shortened run. So the plain keywords are looked up in
    that shorter text (made once a text); regular expressions always see the text as it is.
    """

    keywords: tuple[_Keywords, ...]
    spaces: int
    _long_runs: re.Pattern[str]

    def __new__(cls, templates: Iterable[InvoiceTemplate]) -> TemplateSet:
        self = super().__new__(cls, templates)
        self.keywords = tuple(_Keywords.of(template) for template in self)
        plain = [k for keywords in self.keywords for k in keywords.plain]
        self.spaces = max((len(run) for k in plain for run in _SPACES.findall(k)), default=0)
        self._long_runs = re.compile(f" {{{self.spaces + 2},}}")
        return self

    def plain_text(self, text: str) -> str:
        """`text` with its long runs of spaces shortened, for the plain keywords."""
        return self._long_runs.sub(" " * (self.spaces + 1), text)


@lru_cache(maxsize=16)
def load_templates(folder: str | None = None, builtin: bool = True) -> TemplateSet:
    """invoice2data's built-in templates (unless `builtin` is false) plus those in `folder`.

    Highest priority first, as invoice2data's `extract_data` orders them. The result is cached
    per (folder, builtin), so each process compiles a template set once. A folder without a
    single template is a configuration mistake and is reported, never silently ignored.
    """
    templates = list(read_templates()) if builtin else []
    if builtin and not templates:
        raise ModuleUnavailable(
            "invoice2data loaded no built-in templates; reinstall it "
            "(`pip install -c constraints.txt invoice2data`)"
        )
    if folder is not None:
        custom = read_templates(folder)
        if not custom:
            raise _bad_folder(
                f"template_folder {folder} holds no loadable invoice2data template",
                f"add {'/'.join(TEMPLATE_SUFFIXES)} templates with `keywords` and `fields` "
                "there, or remove the setting",
            )
        templates.extend(custom)
    if not templates:
        raise _bad_folder(
            "builtin_templates is false and no template_folder is set: there is no template",
            "set template_folder, or builtin_templates: true",
        )
    # a stable sort, like invoice2data's own `_by_priority`: folder order within a priority
    ordered = sorted(templates, key=lambda t: t.get("priority", DEFAULT_PRIORITY), reverse=True)
    return TemplateSet(ordered)


def resolve_folder(setting: str | None) -> str | None:
    """The template folder as a resolved path string, or a clear error when it is unusable."""
    if setting is None:
        return None
    path = Path(setting).expanduser()
    if not path.is_dir():
        raise _bad_folder(
            f"template_folder {setting!r} is not a directory",
            "point it at a folder of invoice2data templates (.yml/.yaml/.json) "
            "or remove the setting",
        )
    return str(path.resolve())


def find_template(templates: tuple[InvoiceTemplate, ...], text: str) -> InvoiceTemplate | None:
    """The first template (by priority) whose keywords all occur in `text`, else None."""
    if not isinstance(templates, TemplateSet):
        templates = TemplateSet(templates)
    plain_text = templates.plain_text(text)
    for template, keywords in zip(templates, templates.keywords, strict=True):
        if keywords.matches(text, plain_text):
            return template
    return None


def matches(template: InvoiceTemplate, text: str) -> bool:
    """Whether every keyword and no exclude keyword of `template` occurs in `text`.

    invoice2data 1.x compares keywords as plain substrings, but many of its own templates write
    them as regular expressions (`(?i)Accor`, `NL8152[.]54[.]295[.]B01`), as invoice2data 0.x
    searched them: a keyword counts when it occurs as written or when it matches as a regex.
    """
    return _Keywords.of(template).matches(text)


def _is_regex(keyword: str) -> bool:
    return any(char in _REGEX_CHARS for char in keyword)


def _keyword(keyword: object) -> Keyword:
    text = str(keyword)
    return text, _pattern(text)


@lru_cache(maxsize=4096)
def _pattern(keyword: str) -> re.Pattern[str] | None:
    if not _is_regex(keyword):
        return None  # plain words: the substring test is the whole test
    try:
        return re.compile(keyword)
    except re.error:
        return None


def extract_with(template: InvoiceTemplate, text: str) -> TemplateMatch:
    """Run one template over `text`; a required field it cannot find becomes `InputRejected`.

    Area fields (which re-read a region of the PDF) are not supported: invoice2data then uses
    the whole text, which is what its non-area input modules do too.
    """
    name = str(template.get("template_name", "?"))
    prepared = template.prepare_input(text)
    try:
        values = template.extract(prepared, "", None)
    except ValueError as error:  # invoice2data's RequiredFieldsMissingError is a ValueError
        raise InputRejected(
            f"invoice2data template {name} matched but could not read its required fields "
            f"({error}); the text differs from what the template expects: fix the template "
            "or let the stage's fallback (extract.learned by default) take over"
        ) from error
    return TemplateMatch(
        template_name=name,
        issuer=str(template["issuer"]),
        values=dict(values),
        unprinted=_unprinted(template),
    )


_METADATA = frozenset({"template_name", "desc"})  # added by invoice2data to every result


def _unprinted(template: InvoiceTemplate) -> frozenset[str]:
    """The template's static fields (`parser: static`, or the old `static_<name>` keys)."""
    names = set(_METADATA)
    for key, spec in (template.get("fields") or {}).items():
        if isinstance(spec, dict) and spec.get("parser") == "static":
            names.add(str(key))
        elif str(key).startswith("static_"):
            names.add(str(key).removeprefix("static_"))
    return frozenset(names)


def issuer_keywords(templates: tuple[InvoiceTemplate, ...], limit: int = 8) -> list[str]:
    """A few templates' first keyword, to say in an error what was looked for."""
    return [str(t["keywords"][0]) for t in templates[:limit] if t.get("keywords")]


def _bad_folder(message: str, fix: str) -> InvalidConfiguration:
    return InvalidConfiguration(
        [Problem("extract", "extract.templates", message, fix)],
        headline="extract.templates settings are not usable",
    )
