"""The contract test kit fails modules that break their contract, and passes a sound one."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import pytest

from turnout.domain.artifacts import (
    Artifact,
    ArtifactRef,
    Document,
    DocumentKind,
    Fields,
    Findings,
    InvoiceArtifact,
    Text,
)
from turnout.domain.contracts import needs
from turnout.domain.errors import InputRejected
from turnout.domain.invoice import Invoice
from turnout.domain.modules import Artifacts, ModuleSpec, RunContext, StageModule
from turnout.domain.stages import TEXT, VALIDATE
from turnout.testing import ModuleContractSuite, junk_cases, settings_schema_problems, spec_problems
from turnout.testing.junk import document

SPEC = ModuleSpec.for_stage(
    TEXT,
    module_id="text.kit",
    name="kit",
    version="1.0.0",
    description="decodes the document's bytes as Latin-1",
)


class Latin1Text(StageModule):
    """A sound text module: the bytes as Latin-1, refusing empty documents."""

    spec: ClassVar[ModuleSpec] = SPEC

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        data = inputs.require(Document).data
        if not data:
            raise InputRejected("the document is empty; submit the file again")
        return [Text((data.decode("latin-1"),), "latin-1")]


class CrashesOnEmpty(Latin1Text):
    spec = dataclasses.replace(SPEC, module_id="text.crashes")

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        data = inputs.require(Document).data
        return [Text((data.decode("latin-1")[0],), "latin-1")]  # IndexError on empty bytes


class Hangs(Latin1Text):
    spec = dataclasses.replace(SPEC, module_id="text.hangs")

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        time.sleep(1.0)
        return super().process(inputs, context)


class GivesFields(Latin1Text):
    spec = dataclasses.replace(SPEC, module_id="text.fields")

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        return [Fields({})]


def sample() -> Artifacts:
    return Artifacts([document(b"Invoice INV-1 total 10.00 EUR", DocumentKind.PDF)])


class TestLatin1Text(ModuleContractSuite):
    module_class = Latin1Text
    huge_input = False

    def sample_inputs(self) -> Artifacts:
        return sample()


def suite(cls: type[StageModule], timeout_s: float = 20.0) -> ModuleContractSuite:
    class Suite(ModuleContractSuite):
        module_class = cls
        huge_input = False

        def sample_inputs(self) -> Artifacts:
            return sample()

    Suite.timeout_s = timeout_s
    return Suite()


def test_a_module_that_crashes_on_junk_fails_with_the_case_and_the_exception(
    tmp_path: Path,
) -> None:
    with pytest.raises(AssertionError, match=r"document pdf of empty: raised IndexError"):
        suite(CrashesOnEmpty).test_junk_input_gives_valid_artifacts_or_a_module_error_promptly(
            tmp_path
        )


def test_a_module_that_does_not_return_in_time_fails_as_a_hang(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=r"did not return within 0.2 s"):
        suite(Hangs, 0.2).test_junk_input_gives_valid_artifacts_or_a_module_error_promptly(tmp_path)


def test_a_module_that_produces_the_wrong_artifact_fails_the_sample_test(tmp_path: Path) -> None:
    with pytest.raises(
        AssertionError, match=r"did not produce `text/v1` \(it produced fields/v1\)"
    ):
        suite(GivesFields).test_sample_input_gives_the_contract_outputs(tmp_path)


def test_spec_problems_name_the_stage_prefix_missing_guarantee_and_late_input() -> None:
    class Misdeclared(Latin1Text):
        spec = dataclasses.replace(
            SPEC,
            module_id="ocr.kit",
            guarantees=frozenset(),
            inputs=(needs("invoice/v1"),),
        )

    problems = "\n".join(spec_problems(Misdeclared))
    assert "module_id `ocr.kit` must be `text.<name>`" in problems
    assert "does not guarantee offline" in problems
    assert "input `invoice/v1` is produced by no stage before `text`" in problems


def test_settings_schema_problems_catch_open_schemas_reserved_keys_and_bad_defaults() -> None:
    problems = settings_schema_problems(
        {
            "type": "object",
            "properties": {
                "isolation": {"type": "string"},
                "retries": {"type": "integer", "minimum": 0, "default": -1},
            },
        }
    )
    assert len(problems) == 3
    assert "additionalProperties: false" in problems[0]
    assert "`isolation` is reserved" in problems[1]
    assert "default of `retries`" in problems[2]
    assert settings_schema_problems({"type": "object", "properties": 5}) == [
        "settings_schema is not a valid JSON Schema: 5 is not of type 'object'"
    ]


def test_junk_cases_spoil_each_input_and_keep_the_others_harmless() -> None:
    route = ModuleSpec(
        module_id="route.kit",
        name="kit",
        stage_id="route",
        contract_id="route-v1",
        version="1",
        description="",
        inputs=(needs("invoice/v1"), needs("findings/v1")),
        outputs=(ArtifactRef("decision"),),
    )
    cases = junk_cases(route)
    assert {c.name for c in cases} == {"empty invoice", "odd invoice"}
    assert all(c.inputs.refs() == (ArtifactRef("findings"), ArtifactRef("invoice")) for c in cases)
    text_cases = junk_cases(SPEC)
    assert sum(c.name.startswith("huge") for c in text_cases) == 1
    assert any(c.name == "document ubl holding cii" for c in text_cases)


class LooseText(Latin1Text):
    spec = dataclasses.replace(SPEC, module_id="text.loose")

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        return [Text(("page one", 7), "latin-1", (1.0, 2.0))]  # type: ignore[arg-type]


class ReturnsNothing(Latin1Text):
    spec = dataclasses.replace(SPEC, module_id="text.nothing")

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        return None  # type: ignore[return-value]


VALIDATE_SPEC = ModuleSpec.for_stage(
    VALIDATE,
    module_id="validate.loose",
    name="loose",
    version="1.0.0",
    description="findings as loose strings and numbers",
)


class LooseFindings(StageModule):
    spec: ClassVar[ModuleSpec] = VALIDATE_SPEC

    def process(self, inputs: Artifacts, context: RunContext) -> Iterable[Artifact]:
        inputs.require(InvoiceArtifact)
        return [Findings(("total mismatch", 42), "loose")]  # type: ignore[arg-type]


class LooseFindingsSuite(ModuleContractSuite):
    module_class = LooseFindings

    def sample_inputs(self) -> Artifacts:
        return Artifacts([InvoiceArtifact(Invoice(invoice_number="1"))])


def test_the_kit_fails_findings_of_strings_and_numbers_naming_each_bad_item(
    tmp_path: Path,
) -> None:
    kit = LooseFindingsSuite()
    kit.test_spec_declares_a_module_of_its_stage()  # the declaration itself is sound
    with pytest.raises(AssertionError) as failed:
        kit.test_sample_input_gives_the_contract_outputs(tmp_path)
    assert "findings.items[0]: expected a Finding, got str 'total mismatch'" in str(failed.value)
    assert "findings.items[1]: expected a Finding, got int 42" in str(failed.value)
    with pytest.raises(AssertionError, match=r"odd invoice: findings\.items\[0\]: expected a"):
        kit.test_junk_input_gives_valid_artifacts_or_a_module_error_promptly(tmp_path)


def test_the_kit_fails_a_module_whose_artifact_holds_values_of_the_wrong_type(
    tmp_path: Path,
) -> None:
    with pytest.raises(AssertionError) as failed:
        suite(LooseText).test_sample_input_gives_the_contract_outputs(tmp_path)
    assert "text.pages[1]: expected str, got int 7" in str(failed.value)
    assert "text.page_confidence[1]: expected a number in 0..1, got 2.0" in str(failed.value)


def test_the_kit_fails_a_module_that_returns_nothing(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=r"did not produce `text/v1` \(it produced nothing\)"):
        suite(ReturnsNothing).test_sample_input_gives_the_contract_outputs(tmp_path)
