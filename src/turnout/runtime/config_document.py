"""Configuration files (the README's section "Configuration files"): YAML or JSON into a
`ConfigDocument`.

Parsing checks only the shape of the file; whether the modules fit together is `validation`'s job.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from turnout.domain.errors import InvalidConfiguration, Problem
from turnout.domain.fallback import EXHAUSTED_ACTIONS, TRIGGERS
from turnout.domain.guard import GuardSpec
from turnout.runtime.schema_words import did_you_mean

TOP_LEVEL_KEYS = ("summary", "selections", "policies", "guard")
SELECTION_KEYS = ("module", "settings")
POLICY_KEYS = ("fallback", "triggers", "actions")
# The least a configuration file holds, shown when a file is empty or not a mapping at all
MINIMAL_SHAPE = (
    "    summary: what this version changes\n"
    "    selections:\n"
    "      intake: {module: intake.standard}\n"
    "      # ... one `stage: {module: ...}` line per stage"
)


@dataclass(frozen=True)
class SelectionDoc:
    module: str
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyDoc:
    fallback: str | None
    triggers: tuple[str, ...]
    actions: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConfigDocument:
    summary: str
    selections: Mapping[str, SelectionDoc]
    policies: Mapping[str, PolicyDoc] = field(default_factory=dict)
    guard: GuardSpec | None = None  # the `guard:` block: activation watches the first runs

    def module_ids(self) -> frozenset[str]:
        """The modules the document names: its selections and its policies' fallbacks."""
        return frozenset(s.module for s in self.selections.values()) | frozenset(
            p.fallback for p in self.policies.values() if p.fallback
        )


# Further checks of a document whose shape is wrong: given the part that could be read, and the
# stages whose selection could not be read, the problems to report beside the shape problems
# (`validation.checks_for(registry)`: unknown stages and modules, settings, data flow).
Checks = Callable[[ConfigDocument, frozenset[str]], Sequence[Problem]]


def load_document(
    text: str,
    *,
    summary: str | None = None,
    source: str = "configuration",
    checks: Checks | None = None,
) -> ConfigDocument:
    """Parse YAML (a superset of JSON) text; raise InvalidConfiguration listing every shape
    problem, and with `checks` every problem they find in the part that could be read too."""
    try:
        data = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise InvalidConfiguration(
            [yaml_problem(text, exc, source)], headline=f"cannot read {source}"
        ) from exc
    return parse_document(data, summary=summary, source=source, checks=checks)


def parse_document(
    data: Any,
    *,
    summary: str | None = None,
    source: str = "configuration",
    checks: Checks | None = None,
) -> ConfigDocument:
    """A document from parsed YAML or JSON; raise InvalidConfiguration listing every shape
    problem, and with `checks` every problem they find in the part that could be read too (so
    one answer lists them all)."""
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise InvalidConfiguration(
            [
                Problem(
                    None,
                    None,
                    f"{source} is empty"
                    if data is None
                    else f"{source} must be a mapping with `selections`, not {_kind(data)}",
                    "write a mapping with `selections:` and one `stage: {module: ...}` entry per "
                    "stage (`turnout config export active` prints a whole one to start from; "
                    'the README\'s section "Configuration files" explains every key):\n'
                    + MINIMAL_SHAPE,
                )
            ],
            headline=f"cannot read {source}",
        )
    unknown = sorted(str(k) for k in set(data) - set(TOP_LEVEL_KEYS))
    if unknown:
        problems.append(
            Problem(
                None,
                None,
                _unknown("top-level key", unknown, TOP_LEVEL_KEYS),
                "use only `summary`, `selections`, `policies` and `guard`",
            )
        )
    guard = None
    if data.get("guard") not in (None, False):
        guard, guard_problems = GuardSpec.parse(data["guard"])
        problems.extend(guard_problems)
    raw_selections = data.get("selections")
    selections: dict[str, SelectionDoc] = {}
    unreadable: set[str] = set()
    if not isinstance(raw_selections, Mapping):
        problems.append(
            Problem(
                None,
                None,
                "`selections` is missing or not a mapping",
                "add `selections:` with one `stage: {module: ...}` entry per stage",
            )
        )
    else:
        for stage, entry in raw_selections.items():
            sel = _selection(str(stage), entry, problems)
            if sel is not None:
                selections[str(stage)] = sel
            else:
                unreadable.add(str(stage))
    policies: dict[str, PolicyDoc] = {}
    readable: dict[str, PolicyDoc] = {}  # with invalid policies' readable parts, for `checks`
    raw_policies = data.get("policies") or {}
    if not isinstance(raw_policies, Mapping):
        problems.append(
            Problem(None, None, "`policies` is not a mapping", "write `policies: {stage: {...}}`")
        )
    else:
        for stage, entry in raw_policies.items():
            pol, part = _policy(str(stage), entry, problems)
            if pol is not None:
                policies[str(stage)] = pol
            if part is not None:
                readable[str(stage)] = part
    text = summary if summary is not None else str(data.get("summary") or "")
    if problems:
        if checks is not None and isinstance(raw_selections, Mapping):
            partial = ConfigDocument(text, selections, readable, guard)
            problems.extend(p for p in checks(partial, frozenset(unreadable)) if p not in problems)
        raise InvalidConfiguration(problems, headline=f"{source} is not a valid configuration file")
    return ConfigDocument(summary=text, selections=selections, policies=policies, guard=guard)


def _selection(stage: str, entry: Any, problems: list[Problem]) -> SelectionDoc | None:
    if isinstance(entry, str):
        return SelectionDoc(entry)
    if not isinstance(entry, Mapping) or not isinstance(entry.get("module"), str):
        problems.append(
            Problem(
                stage,
                None,
                "selection has no `module`",
                f"write `{stage}: {{module: <module_id>}}`",
            )
        )
        return None
    extra = sorted(str(k) for k in set(entry) - set(SELECTION_KEYS))
    settings = entry.get("settings") or {}
    if extra:
        problems.append(
            Problem(
                stage,
                entry["module"],
                _unknown("selection key", extra, SELECTION_KEYS),
                "a selection has only `module` and `settings`",
            )
        )
    if not isinstance(settings, Mapping):
        problems.append(
            Problem(
                stage,
                entry["module"],
                "`settings` is not a mapping",
                "write `settings: {name: value}`",
            )
        )
        return None
    return SelectionDoc(entry["module"], _jsonable(settings))


def _policy(
    stage: str, entry: Any, problems: list[Problem]
) -> tuple[PolicyDoc | None, PolicyDoc | None]:
    """The policy, or None when it has shape problems (added to `problems`, labelled with the
    stage: the fallback named may not exist); and its readable part (the fallback and the known
    triggers), for further checks."""
    if not isinstance(entry, Mapping):
        problems.append(
            Problem(
                stage,
                None,
                "policy is not a mapping",
                "write `fallback`, `triggers` and `actions` under the stage",
            )
        )
        return None, None
    fallback = entry.get("fallback")
    triggers = entry.get("triggers") or []
    actions = entry.get("actions") or {}
    ok = actions_ok = True
    if fallback is not None and not isinstance(fallback, str):
        problems.append(
            Problem(
                stage, None, "policy `fallback` must be a module id", "e.g. `fallback: text.ocr`"
            )
        )
        ok = False
    if not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
        problems.append(
            Problem(
                stage,
                None,
                "policy `triggers` must be a list of names",
                f"choose from {sorted(TRIGGERS)}",
            )
        )
        ok = False
    else:
        bad = [t for t in triggers if t not in TRIGGERS]
        if bad:
            problems.append(
                Problem(
                    stage,
                    None,
                    _unknown("trigger", bad, TRIGGERS),
                    f"choose from {', '.join(sorted(TRIGGERS))}",
                )
            )
            ok = False
    if not isinstance(actions, Mapping):
        problems.append(
            Problem(
                stage,
                None,
                "policy `actions` is not a mapping",
                "e.g. `actions: {timeout_s: 60, on_exhausted: review}`",
            )
        )
        ok = actions_ok = False
    elif "on_exhausted" in actions and actions["on_exhausted"] not in EXHAUSTED_ACTIONS:
        problems.append(
            Problem(
                stage,
                None,
                f"unknown on_exhausted `{actions['on_exhausted']}`"
                + did_you_mean(str(actions["on_exhausted"]), EXHAUSTED_ACTIONS),
                f"choose one of: {', '.join(sorted(EXHAUSTED_ACTIONS))}",
            )
        )
        ok = actions_ok = False
    extra = sorted(str(k) for k in set(entry) - set(POLICY_KEYS))
    if extra:
        problems.append(
            Problem(
                stage,
                None,
                _unknown("policy key", extra, POLICY_KEYS),
                "a policy has only `fallback`, `triggers` and `actions`",
            )
        )
        ok = False
    readable = PolicyDoc(
        fallback if isinstance(fallback, str) else None,
        tuple(t for t in triggers if isinstance(t, str) and t in TRIGGERS)
        if isinstance(triggers, list)
        else (),
        _jsonable(actions) if actions_ok else {},
    )
    if not ok:
        return None, readable
    return PolicyDoc(fallback, tuple(triggers), _jsonable(actions)), readable


def _kind(data: Any) -> str:
    """What YAML read instead of a mapping, in words."""
    if isinstance(data, list):
        return "a list"
    if isinstance(data, str):
        return "plain text"
    return f"a {type(data).__name__}"


def _unknown(kind: str, names: list[str], known: Any) -> str:
    """ "unknown selection key `modul`; did you mean `module`?" for each name."""
    return "; ".join(f"unknown {kind} `{n}`{did_you_mean(n, known)}" for n in names)


def yaml_problem(text: str, exc: yaml.YAMLError, source: str) -> Problem:
    """A YAML error as a problem: where (line and column, the line itself with a caret under the
    column) and what is typically wrong there."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = str(getattr(exc, "problem", None) or exc).strip()
    lines = text.splitlines()
    context = getattr(exc, "context_mark", None)
    ran_off = mark is not None and not _line(lines, mark.line).strip()
    if context is not None and (ran_off or "expected ':'" in what):
        # the parser ran off the end, or past a key without its colon: show where the open
        # bracket or quote, or the key, began
        mark = context
    if mark is None:
        return Problem(
            None, None, f"{source} is not valid YAML or JSON: {what}", _yaml_fix(what, "", "")
        )
    row, column = mark.line, mark.column
    if "mapping values are not allowed" in what:
        # `summary Default` above `selections:`: the parser stops on the line after the key that
        # lacks its colon; that line is the one to show
        above = _previous_content_line(lines, row)
        if above is not None and _missing_colon(lines[above]):
            row, column = above, _colon_column(lines[above])
    elif "expected ':'" in what and _missing_colon(_line(lines, row)):
        column = _colon_column(_line(lines, row))
    line = _line(lines, row)
    gutter = f"{row + 1} | "
    shown = f"\n    {gutter}{line}\n    {' ' * (len(gutter) + column)}^"
    return Problem(
        None,
        None,
        f"{source} is not valid YAML or JSON: line {row + 1}, column {column + 1}: " + what,
        _yaml_fix(what, line, _line(lines, row - 1)) + shown,
    )


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _plain(line: str) -> str:
    """`line` without its comment and surrounding blanks."""
    return line.split("#", 1)[0].strip()


def _previous_content_line(lines: list[str], index: int) -> int | None:
    """The index of the nearest line above `index` that is not blank or only a comment."""
    for i in range(min(index, len(lines)) - 1, -1, -1):
        if _plain(lines[i]):
            return i
    return None


def _missing_colon(line: str) -> bool:
    """Whether `line` reads as a key that lacks its colon (`summary Default`, `selections`)."""
    plain = _plain(line)
    return bool(plain) and ":" not in plain and not plain.startswith(("-", "{", "[", "'", '"'))


def _colon_column(line: str) -> int:
    """Where the colon goes in a line that lacks it: right after its first word."""
    indent = len(line) - len(line.lstrip())
    return indent + len(_plain(line).split(None, 1)[0])


def _with_colon(line: str) -> str:
    """A line lacking its colon as `key: value` (the colon after the first word), or `key:`."""
    words = _plain(line).split(None, 1)
    return f"{words[0]}: {words[1]}" if len(words) == 2 else f"{words[0]}:"


def _colon_fix(line: str) -> str:
    key = _plain(line).split(None, 1)[0]
    return f"the key `{key}` lacks its colon: write `{_with_colon(line)}`"


def _yaml_fix(what: str, line: str, above: str) -> str:
    """What is typically wrong where the YAML parser stopped (`line`, already moved to a key that
    lacks its colon when that is the cause; `above`: the line before)."""
    if "\t" in line or "'\\t'" in what or "tab" in what:
        return (
            "YAML does not allow tabs for indentation: indent with spaces (two per level, "
            "as the lines around it)"
        )
    if "mapping values are not allowed" in what:
        if _missing_colon(line):
            return _colon_fix(line)
        return (
            "a `key: value` stands where a value was expected: put a space after each colon, "
            "indent the line under its parent, or quote a value that contains `: `"
        )
    if "expected ':'" in what:
        if _missing_colon(line):
            return _colon_fix(line)
        return "a key lacks its colon: write `key: value` (a colon and a space after the key)"
    if "expected <block end>" in what or "did not find expected key" in what:
        return (
            "the indentation does not match the lines above: align the line with its sibling "
            "keys (spaces only)"
        )
    if "stream end" in what or "end of stream" in what or "did not find expected" in what:
        return "a quote, bracket or brace is not closed: close it on the same line"
    if "found character" in what:
        return "quote the value: a value that starts with `@`, `` ` ``, `%` or `|` needs quotes"
    return (
        "look at the line shown and the one above it: a missing colon, an indentation that "
        "does not match its siblings, or a tab are the usual causes"
    )


def _jsonable(value: Mapping[str, Any]) -> dict[str, Any]:
    """Settings are stored as JSON: round-trip them so dates and odd YAML types fail early."""
    try:
        result: dict[str, Any] = json.loads(json.dumps(dict(value), default=str))
    except (TypeError, ValueError):
        return dict(value)
    return result
