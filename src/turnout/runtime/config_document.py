"""Configuration files (PRODUCT.md section 4): YAML or JSON into a `ConfigDocument`.

Parsing checks only the shape of the file; whether the modules fit together is `validation`'s job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from turnout.domain.configuration import EXHAUSTED_ACTIONS, TRIGGERS
from turnout.domain.errors import InvalidConfiguration, Problem
from turnout.domain.guard import GuardSpec
from turnout.runtime.schema_words import did_you_mean

TOP_LEVEL_KEYS = ("summary", "selections", "policies", "guard")
SELECTION_KEYS = ("module", "settings")
POLICY_KEYS = ("fallback", "triggers", "actions")


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


def load_document(
    text: str, *, summary: str | None = None, source: str = "configuration"
) -> ConfigDocument:
    """Parse YAML (a superset of JSON) text; raise InvalidConfiguration listing every shape problem."""
    try:
        data = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise InvalidConfiguration(
            [yaml_problem(text, exc, source)], headline=f"cannot read {source}"
        ) from exc
    return parse_document(data, summary=summary, source=source)


def parse_document(
    data: Any, *, summary: str | None = None, source: str = "configuration"
) -> ConfigDocument:
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise InvalidConfiguration(
            [
                Problem(
                    None,
                    None,
                    f"{source} must be a mapping with `selections`",
                    "see PRODUCT.md section 4",
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
    policies: dict[str, PolicyDoc] = {}
    raw_policies = data.get("policies") or {}
    if not isinstance(raw_policies, Mapping):
        problems.append(
            Problem(None, None, "`policies` is not a mapping", "write `policies: {stage: {...}}`")
        )
    else:
        for stage, entry in raw_policies.items():
            pol = _policy(str(stage), entry, problems)
            if pol is not None:
                policies[str(stage)] = pol
    if problems:
        raise InvalidConfiguration(problems, headline=f"{source} is not a valid configuration file")
    text = summary if summary is not None else str(data.get("summary") or "")
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


def _policy(stage: str, entry: Any, problems: list[Problem]) -> PolicyDoc | None:
    if not isinstance(entry, Mapping):
        problems.append(
            Problem(
                stage,
                None,
                "policy is not a mapping",
                "write `fallback`, `triggers` and `actions` under the stage",
            )
        )
        return None
    fallback = entry.get("fallback")
    triggers = entry.get("triggers") or []
    actions = entry.get("actions") or {}
    ok = True
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
                fallback,
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
                    fallback,
                    _unknown("trigger", bad, TRIGGERS),
                    f"choose from {', '.join(sorted(TRIGGERS))}",
                )
            )
            ok = False
    if not isinstance(actions, Mapping):
        problems.append(
            Problem(
                stage,
                fallback,
                "policy `actions` is not a mapping",
                "e.g. `actions: {timeout_s: 60, on_exhausted: review}`",
            )
        )
        ok = False
    elif "on_exhausted" in actions and actions["on_exhausted"] not in EXHAUSTED_ACTIONS:
        problems.append(
            Problem(
                stage,
                fallback,
                f"unknown on_exhausted `{actions['on_exhausted']}`"
                + did_you_mean(str(actions["on_exhausted"]), EXHAUSTED_ACTIONS),
                f"choose one of: {', '.join(sorted(EXHAUSTED_ACTIONS))}",
            )
        )
        ok = False
    extra = sorted(str(k) for k in set(entry) - set(POLICY_KEYS))
    if extra:
        problems.append(
            Problem(
                stage,
                fallback,
                _unknown("policy key", extra, POLICY_KEYS),
                "a policy has only `fallback`, `triggers` and `actions`",
            )
        )
        ok = False
    if not ok:
        return None
    return PolicyDoc(fallback, tuple(triggers), _jsonable(actions))


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
    line = _line(lines, mark.line)
    gutter = f"{mark.line + 1} | "
    shown = f"\n    {gutter}{line}\n    {' ' * (len(gutter) + mark.column)}^"
    return Problem(
        None,
        None,
        f"{source} is not valid YAML or JSON: line {mark.line + 1}, column {mark.column + 1}: "
        + what,
        _yaml_fix(what, line, _line(lines, mark.line - 1)) + shown,
    )


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _yaml_fix(what: str, line: str, above: str) -> str:
    """What is typically wrong where the YAML parser stopped (`above`: the line before)."""
    if "\t" in line or "'\\t'" in what or "tab" in what:
        return (
            "YAML does not allow tabs for indentation: indent with spaces (two per level, "
            "as the lines around it)"
        )
    if "mapping values are not allowed" in what:
        plain = above.split("#", 1)[0].rstrip()
        if plain and ":" not in plain and not plain.lstrip().startswith("-"):
            return f"the line above (`{plain.strip()}`) lacks its colon: write `{plain.strip()}:`"
        return (
            "a `key: value` stands where a value was expected: put a space after each colon, "
            "indent the line under its parent, or quote a value that contains `: `"
        )
    if "expected ':'" in what:
        key = line.split("#", 1)[0].strip()
        if key and ":" not in key:
            return f"the key `{key}` lacks its colon: write `{key}:`"
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
