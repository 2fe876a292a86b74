"""The reserved settings of isolated modules beyond `isolation`: defaults and validation of
`memory_limit_mb`, `workers` and `start_timeout_s`."""

from __future__ import annotations

import jsonschema
import pytest

from turnout.domain.errors import InvalidConfiguration
from turnout.domain.framework_settings import (
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_START_TIMEOUT_S,
    FrameworkSettings,
    Isolation,
    split_framework_settings,
    with_framework_settings,
)
from turnout.modules.text.pdfium import PdfiumText


def test_an_isolated_module_without_a_memory_limit_gets_the_default_one() -> None:
    _, framework = split_framework_settings({"isolation": "process"})
    assert framework == FrameworkSettings(
        Isolation.PROCESS, DEFAULT_MEMORY_LIMIT_MB, None, DEFAULT_START_TIMEOUT_S
    )
    _, inline = split_framework_settings({})
    assert inline.memory_limit_mb is None  # inline modules have no worker to limit


def test_workers_and_start_timeout_are_read_from_the_selection() -> None:
    own, framework = split_framework_settings(
        {"min_chars": 3, "isolation": "process", "workers": 3, "start_timeout_s": 90}
    )
    assert own == {"min_chars": 3}
    assert (framework.workers, framework.start_timeout_s) == (3, 90.0)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"isolation": "process", "workers": 0}, "settings.workers is 0"),
        ({"isolation": "process", "workers": 2.5}, "settings.workers is 2.5"),
        ({"isolation": "process", "start_timeout_s": -1}, "settings.start_timeout_s is -1"),
        ({"isolation": "process", "start_timeout_s": "60"}, "settings.start_timeout_s is '60'"),
        ({"workers": 2}, "settings.workers is only enforced in a worker process"),
        ({"start_timeout_s": 60}, "settings.start_timeout_s is only enforced in a worker process"),
    ],
)
def test_bad_worker_settings_are_refused_with_the_fix(
    settings: dict[str, object], expected: str
) -> None:
    with pytest.raises(InvalidConfiguration) as refused:
        split_framework_settings(settings, stage_id="text", module_id="text.ocr")
    (problem,) = refused.value.problems
    assert expected in problem.message
    assert problem.fix.startswith(("give a positive", "add `isolation"))


def test_the_schema_accepts_worker_settings_only_with_a_worker_process() -> None:
    validator = jsonschema.Draft202012Validator(
        with_framework_settings(PdfiumText.spec.settings_schema)
    )
    assert validator.is_valid({"isolation": "process", "workers": 2, "start_timeout_s": 0.5})
    assert not validator.is_valid({"workers": 2})
    assert not validator.is_valid({"start_timeout_s": 60})
    assert not validator.is_valid({"isolation": "process", "workers": 0})
    assert not validator.is_valid({"isolation": "process", "start_timeout_s": 0})
