"""Every module registered through the `turnout.modules` entry points survives junk input.

Junk (empty, random, 5 MB, truncated and wrongly typed artifacts, built by
`turnout.testing.junk_cases` from each module's declared inputs) must give valid artifacts or a
`ModuleError` (`NotApplicable`, `InputRejected` ...) within the time limit: never another
exception, never a hang. New modules are covered as soon as their entry point is installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from turnout.domain.errors import ModuleError
from turnout.domain.modules import RunContext, StageModule
from turnout.runtime.registry import ModuleRegistry, RegisteredModule
from turnout.testing import attempt, junk_cases, robustness_problem, settings_problems

TIMEOUT_S = 20.0
REGISTERED = [m for m in ModuleRegistry.discover().all() if m.available and m.cls is not None]


def test_the_built_in_modules_are_registered_and_available() -> None:
    ids = {m.module_id for m in REGISTERED}
    built_in = {
        "intake.standard",
        "einvoice.xml",
        "text.pdfium",
        "extract.heuristic",
        "normalize.standard",
        "validate.basic",
        "route.rules",
        "export.json",
    }
    assert built_in <= ids, f"not available: {sorted(built_in - ids)}"


def module_with_default_settings(registered: RegisteredModule) -> StageModule:
    """The module built as a configuration without settings would build it, warmed up."""
    assert registered.cls is not None
    cls: type[StageModule] = registered.cls
    try:
        module = cls({})
        module.warm_up()
    except ModuleError as exc:
        pytest.skip(f"`{registered.module_id}` refuses to start without settings: {exc}")
    except Exception as exc:
        if settings_problems(cls.spec.settings_schema, {}):
            # settings are validated before a module is built; it may rely on required ones
            pytest.skip(f"`{registered.module_id}` needs settings to start ({exc!r})")
        raise
    return module


@pytest.mark.parametrize("registered", REGISTERED, ids=[m.module_id for m in REGISTERED])
def test_junk_input_gives_valid_artifacts_or_a_module_error_promptly(
    registered: RegisteredModule, tmp_path: Path
) -> None:
    module = module_with_default_settings(registered)
    spec = module.spec
    context = RunContext("robustness-run", 1, spec.stage_id, spec.module_id, tmp_path)
    failures = []
    for case in junk_cases(spec):
        result = attempt(module, case.inputs, context, TIMEOUT_S)
        problem = robustness_problem(spec, result, TIMEOUT_S)
        if problem:
            failures.append(f"{case.name}: {problem}")
        if result.hung:
            break  # the hung call still holds its thread; the next ones would only queue
    assert not failures, f"`{spec.module_id}` on junk input:\n" + "\n".join(failures)
