"""Configuration errors in words: did you mean, the expected form (never a regular expression),
and YAML errors with the line, a caret and the usual cause."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest

from turnout.domain.errors import InvalidConfiguration, Problem
from turnout.domain.fallback import ACTIONS_SCHEMA
from turnout.modules.route.rules import SETTINGS_SCHEMA as ROUTE_SCHEMA
from turnout.runtime.config_document import load_document
from turnout.runtime.schema_words import did_you_mean, expected, pattern_in_words, problem_words

REGEX_BITS = re.compile(r"\^|\$|\[[A-Za-z0-9]-|\\[dSsw.]|\{\d+,?\d*\}")


def words(schema: dict[str, Any], value: dict[str, Any], kind: str = "setting") -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [" ; ".join(problem_words(e, kind)) for e in validator.iter_errors(value)]


def test_a_misspelt_setting_gets_did_you_mean() -> None:
    [text] = words(ROUTE_SCHEMA, {"review_abov": "100"})
    assert text.startswith("unknown setting `review_abov`; did you mean `review_above`?")


def test_a_misspelt_policy_action_gets_did_you_mean_at_any_depth() -> None:
    texts = words(ACTIONS_SCHEMA, {"timout_s": 3, "retry": {"backof_s": 1}}, "policy action")
    assert any("unknown policy action `timout_s`; did you mean `timeout_s`?" in t for t in texts)
    assert any(
        "unknown policy action `retry.backof_s`; did you mean `backoff_s`?" in t for t in texts
    )


def test_no_did_you_mean_when_nothing_is_close() -> None:
    assert did_you_mean("zzzz", ["review_above", "currencies"]) == ""


@pytest.mark.parametrize(
    ("schema", "value", "phrase"),
    [
        (ROUTE_SCHEMA, {"review_above": "12,50"}, "a decimal amount such as 100.00"),
        (ROUTE_SCHEMA, {"currencies": ["eur"]}, "a three-letter currency code"),
        (ROUTE_SCHEMA, {"currencies": "EUR"}, "a list, each item a three-letter currency code"),
        (ROUTE_SCHEMA, {"min_confidence": 5}, "a number from 0 to 1"),
        (ACTIONS_SCHEMA, {"retry": {"attempts": 50}}, "a whole number from 0 to 10"),
        (ACTIONS_SCHEMA, {"on_exhausted": "revew"}, "one of: review, fail, skip"),
        (ACTIONS_SCHEMA, {"timeout_s": "soon"}, "a number above 0"),
    ],
)
def test_a_bad_value_is_told_the_expected_form_in_words(
    schema: dict[str, Any], value: dict[str, Any], phrase: str
) -> None:
    [text] = words(schema, value)
    assert phrase in text
    assert not REGEX_BITS.search(text), text


def test_an_enum_value_close_to_a_choice_gets_did_you_mean() -> None:
    [text] = words(ACTIONS_SCHEMA, {"on_exhausted": "revew"}, "policy action")
    assert "did you mean `review`?" in text


def test_a_pattern_without_words_of_its_own_is_translated() -> None:
    schema = {"type": "string", "pattern": r"^[0-9]{1,15}(\.[0-9]{1,6})?$"}
    assert expected(schema) == (
        "a text of 1 to 15 digits, then optionally (one `.`, then 1 to 6 digits)"
    )
    assert pattern_in_words("^[A-Z]{3}$") == "3 capital letters"
    assert pattern_in_words(r"^\S+$") == "one or more characters other than a space"


def test_a_pattern_beyond_words_never_shows_the_regex() -> None:
    schema = {"type": "string", "pattern": r"^(?=x)[^\s/@]+$"}
    assert pattern_in_words(r"^(?=x)[^\s/@]+$") is None
    assert expected(schema) == "a text of the form the module documents"


def _problem(text: str) -> Problem:
    with pytest.raises(InvalidConfiguration) as info:
        load_document(text, source="bad.yaml")
    [problem] = info.value.problems
    return problem


def test_a_yaml_error_shows_the_line_and_a_caret_under_the_column() -> None:
    problem = _problem("selections:\n  intake: module: x\n")
    assert "line 2, column 17" in problem.message
    assert problem.fix.endswith("\n    2 |   intake: module: x\n" + " " * 4 + " " * 20 + "^")
    assert "fix the syntax" not in str(problem)


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("selections:\n  intake:\n\tmodule: x\n", "tabs"),
        ("selections\n  intake: x\n", "the key `selections` lacks its colon: write `selections:`"),
        ("summary: x\nselections\n  intake: {module: x}\n", "`selections` lacks its colon"),
        ("selections:\n  a:\n      module: x\n    settings: {}\n", "indentation"),
        ("selections: {intake: {module: x}\n", "not closed"),
        ("summary: 'abc\nselections: {}\n", "not closed"),
    ],
)
def test_a_yaml_error_says_what_is_typically_wrong_there(text: str, cause: str) -> None:
    problem = _problem(text)
    assert cause in problem.fix
    assert re.search(r"line \d+, column \d+", problem.message)


def test_unknown_keys_of_the_file_get_did_you_mean() -> None:
    with pytest.raises(InvalidConfiguration) as info:
        load_document(
            "selectons: {}\nselections:\n  route: {module: route.rules, setings: {}}\n"
            "policies:\n  route: {triggers: [eror], fallbak: x}\n"
        )
    text = str(info.value)
    assert "unknown top-level key `selectons`; did you mean `selections`?" in text
    assert "unknown selection key `setings`; did you mean `settings`?" in text
    assert "unknown trigger `eror`; did you mean `error`?" in text
    assert "unknown policy key `fallbak`; did you mean `fallback`?" in text
