"""The contract test kit: prove that a pipeline module meets its stage's contract.

Needs pytest (`pip install turnout[testing]`). Subclass `ModuleContractSuite` in a test file, say
which module and settings to test, and give one good input; pytest collects the inherited tests::

    from turnout.authoring import Artifacts
    from turnout.testing import ModuleContractSuite, document_of

    from my_package.ocr import MyOcr


    class TestMyOcr(ModuleContractSuite):
        module_class = MyOcr
        settings = {"language": "de"}

        def sample_inputs(self) -> Artifacts:
            return Artifacts([document_of("tests/fixtures/scan.png")])

        # optional: inputs that must raise NotApplicable, and more junk of your own
        def expected_not_applicable_inputs(self): ...
        def junk_inputs(self): ...

The inherited tests check that:

- the spec is a `ModuleSpec` named `<stage>.<name>` that mirrors its stage's contract (contract id,
  every output, every guarantee) and takes only artifacts produced by earlier stages;
- the settings schema is a valid, closed JSON Schema (`additionalProperties: false`) whose
  defaults fit, without the framework's reserved keys, and `settings` satisfy it;
- the registry accepts the module and `health_check()` passes or raises `ModuleUnavailable` (the
  tests that run the module are then skipped);
- the constructor returns promptly with default settings (heavy state belongs in `warm_up()`);
- `process(sample_inputs())` produces every output of the contract, each without `problems()`
  (every field and item of its declared type, enum and range; a failure names the path of the
  bad value, `findings.items[2]: expected a Finding, got str 'oops'`);
- junk (empty, random, 5 MB, truncated, wrongly typed input) gives valid artifacts or a
  `ModuleError` (`NotApplicable`, `InputRejected` ...) within `timeout_s`, never a crash or a hang.

`junk_cases(spec)` builds the generic junk for any spec, and `attempt()` / `robustness_problem()`
call and judge a module, for tests that sweep over many modules. docs/module-authors.md explains
how to write a module.
"""

from turnout.testing.checks import settings_problems, settings_schema_problems, spec_problems
from turnout.testing.inputs import document_of
from turnout.testing.junk import JunkCase, junk_cases
from turnout.testing.probe import Attempt, attempt, output_problems, robustness_problem
from turnout.testing.suite import ModuleContractSuite

__all__ = [
    "Attempt",
    "JunkCase",
    "ModuleContractSuite",
    "attempt",
    "document_of",
    "junk_cases",
    "output_problems",
    "robustness_problem",
    "settings_problems",
    "settings_schema_problems",
    "spec_problems",
]
