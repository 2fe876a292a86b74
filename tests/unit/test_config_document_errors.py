"""Problems of a configuration file, as a user reads them: a key without its colon is shown on
its own line with the fix `key: value`; a file with shape problems lists every other problem
of what could be read in the same answer; a `guard:` block's unknown keys get "did you mean"."""

from __future__ import annotations

import pytest

from support.fakes import fake_module
from turnout.domain.errors import InvalidConfiguration, Problem
from turnout.domain.guard import GuardSpec
from turnout.domain.stages import STAGES
from turnout.runtime.config_document import load_document
from turnout.runtime.registry import ModuleRegistry
from turnout.runtime.validation import checks_for, validate_document

REQUIRED = [s.stage_id for s in STAGES if s.is_required]


def _problem(text: str) -> Problem:
    with pytest.raises(InvalidConfiguration) as info:
        load_document(text, source="bad.yaml")
    [problem] = info.value.problems
    return problem


@pytest.mark.parametrize(
    ("text", "line", "fix", "caret"),
    [
        (  # the parser stops on the next line; the line to fix is this one
            "summary Default configuration\nselections:\n  intake: {module: x}\n",
            "1 | summary Default configuration",
            "the key `summary` lacks its colon: write `summary: Default configuration`",
            len("1 | summary"),
        ),
        (  # a blank line and a comment between the key and the line the parser stopped on
            "summary: x\nselections\n\n  # the stages\n  intake: {module: x}\n",
            "2 | selections",
            "write `selections:`",
            len("2 | selections"),
        ),
        (
            "summary: x\nselections:\n  intake: {module: x}\nguard runs 5\n",
            "4 | guard runs 5",
            "the key `guard` lacks its colon: write `guard: runs 5`",
            len("4 | guard"),
        ),
        (
            "selections:\n  intake: {module: x}\n  text module text.ocr\n  extract: {module: y}\n",
            "3 |   text module text.ocr",
            "write `text: module text.ocr`",
            len("3 |   text"),
        ),
    ],
)
def test_a_key_without_its_colon_is_shown_on_its_own_line_with_the_colon_after_the_key(
    text: str, line: str, fix: str, caret: int
) -> None:
    problem = _problem(text)
    assert fix in problem.fix
    gutter = line[: line.index("| ") + 2]  # "3 | "
    assert f"line {gutter.split()[0]}, column {caret - len(gutter) + 1}:" in problem.message
    shown, pointer = problem.fix.split("\n")[1:]
    assert shown == "    " + line
    assert pointer == "    " + " " * caret + "^"  # right after the key, where the colon goes


def test_a_value_with_a_colon_inside_is_not_taken_for_a_missing_colon() -> None:
    problem = _problem("selections:\n  intake: module: x\n")
    assert "lacks its colon" not in problem.fix and "quote a value" in problem.fix


def _registry() -> ModuleRegistry:
    return ModuleRegistry.from_classes(
        [fake_module(s) for s in REQUIRED] + [fake_module("text", "ocr")]
    )


def _all_problems(text: str) -> list[str]:
    with pytest.raises(InvalidConfiguration) as info:
        load_document(text, checks=checks_for(_registry()))
    return [str(p) for p in info.value.problems]


SELECTIONS = "selections:\n" + "".join(f"  {s}: {{module: {s}.fake}}\n" for s in REQUIRED)


def test_a_shape_problem_and_an_unknown_fallback_are_reported_together_labelled_by_stage() -> None:
    problems = _all_problems(
        SELECTIONS + "policies:\n  text: {fallback: text.ocrr, triggers: [empty_outpt]}\n"
    )
    trigger = [p for p in problems if "unknown trigger `empty_outpt`" in p]
    assert trigger and trigger[0].startswith("stage `text`: unknown trigger")  # no module label
    assert "did you mean `empty_output`?" in trigger[0]
    assert any(
        p.startswith("stage `text`, module `text.ocrr`: fallback module is not installed")
        and "did you mean `text.ocr`?" in p
        for p in problems
    ), problems


def test_a_shape_problem_and_an_unknown_module_are_reported_together() -> None:
    problems = _all_problems(
        "summry: x\n" + SELECTIONS.replace("{module: route.fake}", "{module: rout.fake}")
    )
    assert any("unknown top-level key `summry`" in p for p in problems)
    assert any("module `rout.fake`: module is not installed" in p for p in problems), problems


def test_an_unreadable_selection_is_not_also_reported_as_missing() -> None:
    problems = _all_problems(
        SELECTIONS.replace("{module: text.fake}", "{modul: text.fake}")
        + "policies:\n  text: {fallback: text.ocrr}\n"
    )
    assert any("stage `text`: selection has no `module`" in p for p in problems)
    assert any("`text.ocrr`: fallback module is not installed" in p for p in problems)
    assert not any("required stage has no selection" in p for p in problems), problems


def test_without_checks_only_the_shape_is_reported() -> None:
    with pytest.raises(InvalidConfiguration) as info:
        load_document(SELECTIONS + "policies:\n  text: {fallback: text.ocrr, triggers: [x]}\n")
    assert [p.message for p in info.value.problems] == ["unknown trigger `x`"]


def test_an_unknown_key_of_a_guard_block_gets_did_you_mean() -> None:
    spec, problems = GuardSpec.parse({"runs": 50, "failure_rate_point": 2, 7: 1})
    assert spec is None
    messages = [p.message for p in problems]
    assert "unknown key `guard.failure_rate_point`; did you mean `failure_rate_points`?" in messages
    assert "unknown key `guard.7`" in messages  # a YAML number as key: no crash, no guess


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "- intake\n- text\n", "just words\n"])
def test_a_file_that_is_no_mapping_names_the_readme_section_and_the_minimal_shape(
    text: str,
) -> None:
    problem = _problem(text)
    assert "PRODUCT.md" not in str(problem)
    assert 'the README\'s section "Configuration files"' in problem.fix
    shape = problem.fix.split("\n")[1:]  # under the fix, as it would be written
    assert shape[:3] == [
        "    summary: what this version changes",
        "    selections:",
        "      intake: {module: intake.standard}",
    ]


def test_a_policy_action_problem_is_the_policy_s_not_the_fallback_module_s() -> None:
    doc = load_document(
        SELECTIONS
        + "policies:\n  text: {fallback: text.ocr, triggers: [error],\n"
        + "    actions: {retry: {attempts: 50}, on_exhausted: skip}}\n"
    )
    problems = [str(p) for p in validate_document(doc, _registry())]
    assert problems == [
        "stage `text`: policy action `retry.attempts` is `50`; fix: write a whole number "
        "from 0 to 10",
        "stage `text`: policy `on_exhausted: skip`: a required stage cannot be skipped; fix: "
        "use `on_exhausted: review` or `fail`",
    ]
