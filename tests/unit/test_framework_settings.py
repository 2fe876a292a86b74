"""The reserved settings `isolation` and `memory_limit_mb`: split from a module's own, validated."""

from __future__ import annotations

import importlib.metadata

import jsonschema
import pytest

from turnout.domain.errors import InvalidConfiguration
from turnout.domain.framework_settings import (
    FrameworkSettings,
    Isolation,
    split_framework_settings,
    with_framework_settings,
)
from turnout.modules.text.pdfium import PdfiumText


def test_settings_without_reserved_keys_run_the_module_inline() -> None:
    own, framework = split_framework_settings({"min_chars": 3})
    assert own == {"min_chars": 3}
    assert framework == FrameworkSettings(Isolation.INLINE, None)


def test_reserved_keys_are_taken_out_of_the_module_settings() -> None:
    own, framework = split_framework_settings(
        {"min_chars": 3, "isolation": "process", "memory_limit_mb": 512}
    )
    assert own == {"min_chars": 3}
    assert framework == FrameworkSettings(Isolation.PROCESS, 512)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"isolation": "thread"}, "settings.isolation is 'thread'"),
        ({"isolation": "process", "memory_limit_mb": 0}, "settings.memory_limit_mb is 0"),
        ({"isolation": "process", "memory_limit_mb": True}, "settings.memory_limit_mb is True"),
        ({"memory_limit_mb": 256}, "only enforced in a worker process"),
    ],
)
def test_bad_reserved_settings_are_refused_naming_the_stage_and_module(
    settings: dict[str, object], expected: str
) -> None:
    with pytest.raises(InvalidConfiguration) as refused:
        split_framework_settings(settings, stage_id="text", module_id="text.pdfium")
    (problem,) = refused.value.problems
    assert (problem.stage, problem.module) == ("text", "text.pdfium")
    assert expected in problem.message
    assert problem.fix


def test_a_module_schema_with_framework_settings_accepts_the_reserved_keys() -> None:
    validator = jsonschema.Draft202012Validator(
        with_framework_settings(PdfiumText.spec.settings_schema)
    )
    assert validator.is_valid({"min_chars": 3, "isolation": "process", "memory_limit_mb": 512})
    assert validator.is_valid({"isolation": "inline"})
    assert not validator.is_valid({"memory_limit_mb": 512})  # a limit needs a worker process
    assert not validator.is_valid({"isolation": "thread"})
    assert not validator.is_valid({"isolation": "process", "memory_limit_mb": 0})
    assert not validator.is_valid({"unknown": 1})  # the module's own schema still applies
    assert "isolation" not in PdfiumText.spec.settings_schema["properties"]  # not modified


def test_a_module_declaring_a_reserved_key_is_refused() -> None:
    schema = {"type": "object", "properties": {"isolation": {"type": "string"}}}
    with pytest.raises(ValueError, match="reserved for the framework"):
        with_framework_settings(schema)


def test_no_published_module_declares_a_reserved_setting() -> None:
    for entry in importlib.metadata.entry_points(group="turnout.modules"):
        try:
            cls = entry.load()
        except ImportError:
            continue  # an optional module whose dependency is not installed
        with_framework_settings(cls.spec.settings_schema)
