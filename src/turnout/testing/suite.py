"""`ModuleContractSuite`: the pytest tests every module must pass, inherited by subclassing.

Subclass it in a test file (the subclass's name must start with `Test`), set `module_class` and
`settings`, and write `sample_inputs()`. See the package docstring for a worked example.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

from turnout.domain.artifacts import ARTIFACT_TYPES, Document, Source, Text
from turnout.domain.errors import ModuleUnavailable, NotApplicable
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.runtime.registry import ModuleRegistry
from turnout.testing.checks import settings_problems, settings_schema_problems, spec_problems
from turnout.testing.junk import JunkCase, junk_cases
from turnout.testing.probe import (
    DEFAULT_TIMEOUT_S,
    attempt,
    bounded,
    output_problems,
    robustness_problem,
)


class ModuleContractSuite:
    """Tests that prove `module_class` meets its stage's contract and survives junk input."""

    module_class: ClassVar[type[StageModule]]
    settings: ClassVar[Mapping[str, Any]] = {}
    timeout_s: ClassVar[float] = DEFAULT_TIMEOUT_S  # one process() call on junk or the sample
    construct_timeout_s: ClassVar[float] = 5.0  # __init__ must be cheap; warm_up() loads models
    huge_input: ClassVar[bool] = True  # feed one 5 MB input among the junk

    def sample_inputs(self) -> Artifacts:
        """A good input for this module: `process()` must turn it into the contract's outputs."""
        raise NotImplementedError(
            f"{type(self).__name__} must define sample_inputs() returning the Artifacts "
            "of a good input for the module"
        )

    def expected_not_applicable_inputs(self) -> Iterable[Artifacts]:
        """Inputs for which the module must raise `NotApplicable` (none by default)."""
        return ()

    def junk_inputs(self) -> Iterable[JunkCase]:
        """Bad inputs: the generic junk for the module's inputs plus the sample, truncated."""
        yield from junk_cases(self.spec, huge=self.huge_input)
        yield from truncated(self.sample_inputs())

    # helpers -------------------------------------------------------------------------------

    @property
    def spec(self) -> ModuleSpec:
        return self.module_class.spec

    def context(self, workspace: Path) -> RunContext:
        """The run context given to `process()`: a test run in `workspace`."""
        return RunContext(
            "contract-test-run", 1, self.spec.stage_id, self.spec.module_id, workspace
        )

    def module(self) -> StageModule:
        """The module with `settings`, warmed up; skips the test when it cannot run here."""
        try:
            self.module_class.health_check()
        except ModuleUnavailable as exc:
            pytest.skip(f"`{self.spec.module_id}` is unavailable here: {exc}")
        module = self.module_class(dict(self.settings))
        module.warm_up()
        return module

    # the contract --------------------------------------------------------------------------

    def test_spec_declares_a_module_of_its_stage(self) -> None:
        problems = spec_problems(self.module_class)
        assert not problems, "\n".join(problems)

    def test_settings_schema_is_a_closed_json_schema_with_valid_defaults(self) -> None:
        problems = settings_schema_problems(self.spec.settings_schema)
        assert not problems, "\n".join(problems)

    def test_suite_settings_satisfy_the_settings_schema(self) -> None:
        problems = settings_problems(self.spec.settings_schema, self.settings)
        assert not problems, "fix `settings` of the test class:\n" + "\n".join(problems)

    def test_registry_accepts_the_module(self) -> None:
        registered = ModuleRegistry.from_classes([self.module_class]).require(self.spec.module_id)
        if not registered.available and (registered.reason or "").startswith("health check"):
            pytest.skip(f"`{self.spec.module_id}` is unavailable here: {registered.reason}")
        assert registered.available, registered.reason

    def test_health_check_passes_or_says_the_module_is_unavailable(self) -> None:
        # an honest "not here" (missing model, missing library) is allowed; anything else fails
        with contextlib.suppress(ModuleUnavailable):
            self.module_class.health_check()

    def test_constructor_is_cheap_with_default_settings(self) -> None:
        defaults: Mapping[str, Any] = {}
        if settings_problems(self.spec.settings_schema, defaults):
            defaults = self.settings  # the module needs settings (a URL, a file): use the suite's
        result = bounded(
            lambda: [self.module_class(dict(defaults))], self.construct_timeout_s, "constructor"
        )
        assert not result.hung, (
            f"constructing `{self.spec.module_id}` took over {self.construct_timeout_s:g} s; "
            "load heavy state in warm_up(), not __init__"
        )
        assert result.error is None, f"the constructor raised {result.error!r}"

    def test_sample_input_gives_the_contract_outputs(self, tmp_path: Path) -> None:
        result = attempt(
            self.module(), self.sample_inputs(), self.context(tmp_path), self.timeout_s
        )
        assert not result.hung, f"process() did not return within {self.timeout_s:g} s"
        if result.error is not None:
            raise result.error
        problems = output_problems(self.spec, result.produced)
        assert not problems, "\n".join(problems)

    def test_inputs_it_does_not_handle_raise_not_applicable(self, tmp_path: Path) -> None:
        module = self.module()
        for inputs in self.expected_not_applicable_inputs():
            result = attempt(module, inputs, self.context(tmp_path), self.timeout_s)
            assert isinstance(result.error, NotApplicable), (
                f"expected NotApplicable for inputs {inputs.refs()}, got "
                + (repr(result.error) if result.error else f"{len(result.produced)} artifacts")
            )

    def test_junk_input_gives_valid_artifacts_or_a_module_error_promptly(
        self, tmp_path: Path
    ) -> None:
        module = self.module()
        failures = []
        for case in self.junk_inputs():
            result = attempt(module, case.inputs, self.context(tmp_path), self.timeout_s)
            problem = robustness_problem(self.spec, result, self.timeout_s)
            if problem:
                failures.append(f"{case.name}: {problem}")
            if result.hung:
                break  # the hung thread still runs; further calls would only wait behind it
        assert not failures, f"`{self.spec.module_id}` on junk input:\n" + "\n".join(failures)


def truncated(inputs: Artifacts) -> Iterable[JunkCase]:
    """The sample with its bytes and text cut short: to half, then to a sliver."""
    items = [item for cls in ARTIFACT_TYPES.values() if (item := inputs.get(cls)) is not None]
    if not any(isinstance(item, Source | Document | Text) for item in items):
        return
    for label, keep in (("half", 0.5), ("a sliver", 0.01)):
        cut = [
            _cut(item, keep) if isinstance(item, Source | Document | Text) else item
            for item in items
        ]
        yield JunkCase(f"sample truncated to {label}", Artifacts(cut))


def _cut(item: Source | Document | Text, keep: float) -> Source | Document | Text:
    def short(data: bytes) -> bytes:
        return data[: int(len(data) * keep)]

    if isinstance(item, Text):
        return Text(tuple(p[: int(len(p) * keep)] for p in item.pages), item.method)
    if isinstance(item, Source):
        return Source(item.filename, short(item.data))
    data = short(item.data)
    xml = short(item.xml) if item.xml is not None else None
    return dataclasses.replace(item, data=data, size=len(data), xml=xml)
